from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from approdo.core.registry import MenuGroup


class TerritoryConfig(AppConfig):
    name = "approdo.territory"
    verbose_name = _("Territory")
    demo = "approdo.territory.demo.create_demo_data"
    demo_order = 10  # everything else refers to it
    menu = "approdo.territory.navigation.menu"
    menu_groups = [MenuGroup("territory", _("Territory"), order=15)]  # the public's menu
