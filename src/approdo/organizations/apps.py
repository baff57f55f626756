from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "approdo.organizations"
    verbose_name = _("Organisations and people")
    demo = "approdo.organizations.demo.create_demo_data"
    demo_order = 30  # organisations are seated in comuni
    menu = "approdo.organizations.navigation.menu"
