"""The calls' entries in the main menu (declared in FundingConfig)."""

from django.utils.translation import gettext_lazy as _

from approdo.core.registry import MenuEntry


def menu(user) -> list[MenuEntry]:
    calls = MenuEntry("calls", _("Calls"), "funding:call-list")
    if not user.is_authenticated:
        return [calls]
    return [
        calls,
        MenuEntry("calls", _("Applications"), "funding:application-list"),
        MenuEntry("calls", _("My evaluations"), "funding:review-list"),
    ]
