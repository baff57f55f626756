from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from approdo.core.registry import MenuGroup


class GovernanceConfig(AppConfig):
    name = "approdo.governance"
    datasets = "approdo.governance.meetings.datasets"
    demo = "approdo.governance.demo.create_demo_data"
    demo_order = 70
    menu = "approdo.governance.navigation.menu"
    menu_groups = [
        MenuGroup("governance", _("Governance"), order=40),
        MenuGroup("sai", _("SAI network"), order=45),  # the public's menu
    ]
