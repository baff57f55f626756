"""The territory's entry in the main menu (declared in TerritoryConfig)."""

from django.utils.translation import gettext_lazy as _

from approdo.core.registry import MenuEntry


def menu(user) -> list[MenuEntry]:
    # The public see it as an item of its own; signed-in people find it under Governance.
    if user.is_authenticated:
        return [MenuEntry("governance", _("Territory"), "territory:region", order=10)]
    return [MenuEntry("territory", _("Territory"), "territory:region")]
