"""The good practices' entries in the main menu (declared in PracticesConfig)."""

from django.utils.translation import gettext_lazy as _

from approdo.core.registry import MenuEntry
from approdo.organizations import permissions


def menu(user) -> list[MenuEntry]:
    if not user.is_authenticated:
        return [MenuEntry("practices", _("Good practices"), "practices:catalogue")]
    entries = [MenuEntry("practices", _("Catalogue"), "practices:catalogue")]
    if permissions.can_read_everything(user):
        entries += [
            MenuEntry("practices", _("Editorial work"), "practices:editorial-list"),
            MenuEntry("practices", _("Update reports"), "practices:update-report-list"),
            MenuEntry("practices", _("Questionnaire mappings"), "practices:mapping-list"),
        ]
    return entries
