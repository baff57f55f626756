"""The participation entries in the main menu (declared in ParticipationConfig)."""

from django.utils.translation import gettext_lazy as _

from approdo.core.registry import MenuEntry


def menu(user) -> list[MenuEntry]:
    entries = [MenuEntry("participation", _("Events"), "participation:event-list", order=10)]
    # Guidelines, reports and tables: their entries go here, after the events (order > 10).
    return entries
