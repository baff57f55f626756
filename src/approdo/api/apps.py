from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "approdo.api"
    verbose_name = _("Api")
    menu = "approdo.api.navigation.menu"

    def ready(self):
        import approdo.api.schema  # noqa: F401 - registers the token scheme with drf-spectacular
