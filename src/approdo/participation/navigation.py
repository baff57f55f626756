"""The participation entries in the main menu (declared in ParticipationConfig)."""

from django.utils.translation import gettext_lazy as _

from approdo.core.registry import MenuEntry


def menu(user) -> list[MenuEntry]:
    events = MenuEntry("participation", _("Events"), "participation:event-list", order=10)
    if not user.is_authenticated:
        return [events]  # one plain link: the events page links the guidelines
    return [
        events,
        MenuEntry(
            "participation",
            _("Guidelines for the zonal plans"),
            "participation:guideline-list",
            order=20,
        ),
    ]
