from django.utils.functional import SimpleLazyObject

from approdo.governance import permissions as governance_permissions
from approdo.organizations import permissions


def navigation(request):
    """Which entries of the main menu the signed-in person sees; computed only when a
    template asks (the memberships are read once per request)."""
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "nav_reads_everything": SimpleLazyObject(
            lambda: signed_in and permissions.can_read_everything(user)
        ),
        "nav_governance": SimpleLazyObject(
            lambda: signed_in and governance_permissions.can_see_meetings(user)
        ),
    }
