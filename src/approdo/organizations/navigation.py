"""The organisations' entry in the main menu (declared in OrganizationsConfig)."""

from django.utils.translation import gettext_lazy as _

from approdo.core.registry import MenuEntry
from approdo.organizations import permissions


def menu(user) -> list[MenuEntry]:
    if not user.is_authenticated:
        return []
    label = _("Organisations") if permissions.can_read_everything(user) else _("My organisations")
    return [MenuEntry("administration", label, "organizations:organization-list", order=10)]
