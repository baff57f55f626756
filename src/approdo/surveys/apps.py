from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "approdo.surveys"
    verbose_name = _("Surveys")

    def ready(self):
        from approdo.surveys import exports

        exports.register()
