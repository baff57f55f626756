"""The surveys' entries in the main menu (declared in SurveysConfig)."""

from django.utils.translation import gettext_lazy as _

from approdo.core.registry import MenuEntry
from approdo.organizations import permissions


def menu(user) -> list[MenuEntry]:
    if not user.is_authenticated:
        return []
    entries = [MenuEntry("surveys", _("My questionnaires"), "surveys:campaign-list-mine")]
    if permissions.can_read_everything(user):
        entries += [
            MenuEntry("surveys", _("Campaigns"), "surveys:campaign-list"),
            MenuEntry("surveys", _("Review of responses"), "surveys:review-queue"),
        ]
    return entries
