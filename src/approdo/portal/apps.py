from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from approdo.core.registry import MenuGroup


class PortalConfig(AppConfig):
    name = "approdo.portal"
    verbose_name = _("Portal")
    menu = "approdo.portal.navigation.menu"
    menu_groups = [MenuGroup("administration", _("Administration"), order=90)]
