"""The participation entries in the main menu (declared in ParticipationConfig)."""

from django.utils.translation import gettext_lazy as _

from approdo.core.registry import MenuEntry


def menu(user) -> list[MenuEntry]:
    return [
        MenuEntry("participation", _("Events"), "participation:event-list", order=10),
        MenuEntry(
            "participation",
            _("Guidelines for the zonal plans"),
            "participation:guideline-list",
            order=20,
        ),
    ]
