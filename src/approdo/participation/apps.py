from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from approdo.core.registry import MenuGroup


class ParticipationConfig(AppConfig):
    name = "approdo.participation"
    verbose_name = _("Participation")
    datasets = "approdo.participation.exports.datasets"
    demo = "approdo.participation.demo.create_demo_data"
    demo_order = 80
    menu = "approdo.participation.navigation.menu"
    menu_groups = [MenuGroup("participation", _("Seminars"), order=50)]
