"""The main menu, built per person from the permission functions the views themselves use.

A menu is a list of groups; a group with one entry is shown as a plain link, a group with more
as a dropdown (a megamenu column on large screens, a collapsible list in the mobile menu).
Deciding what a person sees costs no query beyond their memberships, which every signed-in
request reads once anyway (`organizations.permissions.memberships_of`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from approdo.organizations import permissions


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass
class Group:
    key: str
    label: str
    entries: list[Entry] = field(default_factory=list)

    @property
    def single(self) -> Entry | None:
        """The only entry of a group of one: shown as a plain link, not a dropdown."""
        return self.entries[0] if len(self.entries) == 1 else None

    current: bool = False


def mark_current(groups: list[Group], path: str) -> list[Group]:
    """Mark the group holding the page at `path` (its entry's URL is a prefix of it)."""
    for group in groups:
        group.current = any(path.startswith(entry.url) for entry in group.entries)
    return groups


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def public_menu() -> list[Group]:
    """What anyone sees, without signing in."""
    return [
        Group("territory", _("Territory"), [Entry(_("Territory"), "territory:region")]),
        Group(
            "practices", _("Good practices"), [Entry(_("Good practices"), "practices:catalogue")]
        ),
        Group("calls", _("Calls"), [Entry(_("Calls"), "funding:call-list")]),
        Group("sai", _("SAI network"), [Entry(_("SAI network"), "governance:coverage")]),
    ]


def menu_for(user) -> list[Group]:
    """The groups of the main menu for `user`, in display order, without empty groups."""
    if not _signed_in(user):
        return public_menu()
    staff = permissions.can_read_everything(user)
    regional = permissions.is_regional(user)
    territory_officer = any(permissions.territory_scope(user))

    surveys = Group("surveys", pgettext_lazy("menu", "Surveys"))
    surveys.entries.append(Entry(_("My questionnaires"), "surveys:campaign-list-mine"))
    if staff:
        surveys.entries += [
            Entry(_("Campaigns"), "surveys:campaign-list"),
            Entry(_("Review of responses"), "surveys:review-queue"),
        ]

    practices = Group(
        "practices", _("Good practices"), [Entry(_("Catalogue"), "practices:catalogue")]
    )
    if staff:
        practices.entries += [
            Entry(_("Editorial work"), "practices:editorial-list"),
            Entry(_("Update reports"), "practices:update-report-list"),
            Entry(_("Questionnaire mappings"), "practices:mapping-list"),
        ]

    calls = Group("calls", _("Calls"), [Entry(_("Calls"), "funding:call-list")])
    calls.entries += [
        Entry(_("Applications"), "funding:application-list"),
        Entry(_("My evaluations"), "funding:review-list"),
    ]

    governance = Group(
        "governance",
        _("Governance"),
        [Entry(_("Territory"), "territory:region"), Entry(_("SAI network"), "governance:coverage")],
    )
    if staff or territory_officer:
        governance.entries += [
            Entry(_("Activation pipeline"), "governance:pipeline-board"),
            Entry(_("Meetings with institutions"), "governance:meeting-list"),
            Entry(_("ASL dashboards"), "governance:asl-index"),
        ]

    administration = Group(
        "administration",
        _("Administration"),
        [
            Entry(
                _("Organisations") if staff else _("My organisations"),
                "organizations:organization-list",
            ),
            Entry(_("API tokens"), "api:token-list"),
        ],
    )
    if regional:
        administration.entries.append(Entry(_("Reports from readers"), "portal:feedback-list"))
    if user.is_staff:
        administration.entries.append(Entry(_("Django administration"), "admin:index"))

    return [surveys, practices, calls, governance, administration]
