"""The governance entries in the main menu (declared in GovernanceConfig)."""

from django.utils.translation import gettext_lazy as _

from approdo.core.registry import MenuEntry
from approdo.organizations import permissions


def menu(user) -> list[MenuEntry]:
    if not user.is_authenticated:
        return [MenuEntry("sai", _("SAI network"), "governance:coverage")]
    shown = [(_("SAI network"), "governance:coverage")]
    if permissions.can_read_everything(user) or any(permissions.territory_scope(user)):
        shown += [
            (_("Activation pipeline"), "governance:pipeline-board"),
            (_("Meetings with institutions"), "governance:meeting-list"),
            (_("ASL dashboards"), "governance:asl-index"),
        ]
    # After the territory's entry (order 10) in the same group.
    return [MenuEntry("governance", label, name, order=20) for label, name in shown]
