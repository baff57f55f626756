from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from approdo.core.registry import MenuGroup


class SurveysConfig(AppConfig):
    name = "approdo.surveys"
    verbose_name = _("Surveys")
    demo = "approdo.surveys.demo.load_demo"
    demo_order = 40
    datasets = "approdo.surveys.exports.datasets"
    menu = "approdo.surveys.navigation.menu"
    menu_groups = [MenuGroup("surveys", pgettext_lazy("menu", "Surveys"), order=10)]
