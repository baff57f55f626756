"""The API tokens' entry in the main menu (declared in ApiConfig)."""

from django.utils.translation import gettext_lazy as _

from approdo.core.registry import MenuEntry


def menu(user) -> list[MenuEntry]:
    if not user.is_authenticated:
        return []
    return [MenuEntry("administration", _("API tokens"), "api:token-list", order=20)]
