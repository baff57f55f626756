"""The main menu, assembled per person from what the apps declare (core/registry.py).

Each app names, in its AppConfig, the groups it owns (`menu_groups`) and a function giving the
entries a person may use (`menu`), decided with the permission functions its views use. A
menu is a list of groups; a group with one entry is shown as a plain link, a group with more
as a dropdown (a megamenu column on large screens, a collapsible list in the mobile menu).
Deciding what a person sees costs no query beyond their memberships, which every signed-in
request reads once anyway (`organizations.permissions.memberships_of`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from approdo.core import registry
from approdo.core.registry import MenuEntry
from approdo.organizations import permissions


@dataclass
class Group:
    key: str
    label: str
    entries: list[MenuEntry] = field(default_factory=list)
    current: bool = False

    @property
    def single(self) -> MenuEntry | None:
        """The only entry of a group of one: shown as a plain link, not a dropdown."""
        return self.entries[0] if len(self.entries) == 1 else None


def mark_current(groups: list[Group], path: str) -> list[Group]:
    """Mark the group holding the page at `path` (its entry's URL is a prefix of it)."""
    for group in groups:
        group.current = any(path.startswith(entry.url) for entry in group.entries)
    return groups


def menu_for(user) -> list[Group]:
    """The groups of the main menu for `user` (None: the public), in display order, without
    empty groups."""
    user = user if user is not None else AnonymousUser()
    groups = {group.key: Group(group.key, group.label) for group in registry.menu_groups()}
    for entry in registry.menu_entries(user):
        if entry.group not in groups:
            raise LookupError(f"Menu entry {entry.url_name} names no declared group {entry.group}")
        groups[entry.group].entries.append(entry)
    return [group for group in groups.values() if group.entries]


def menu(user) -> list[MenuEntry]:
    """The portal's entries (declared in PortalConfig), after the apps' administration pages."""
    shown = []
    if user.is_authenticated and permissions.is_regional(user):
        shown.append((_("Reports from readers"), "portal:feedback-list"))
    if user.is_staff:
        shown.append((_("Django administration"), "admin:index"))
    return [MenuEntry("administration", label, name, order=90) for label, name in shown]
