from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "approdo.reports"
    verbose_name = _("Reports and exports")

    def ready(self):
        from approdo.reports.datasets import register_declared_datasets

        register_declared_datasets()
