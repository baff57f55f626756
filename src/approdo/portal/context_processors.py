from django.utils.functional import SimpleLazyObject

from approdo.organizations import permissions


def navigation(request):
    """Whether the signed-in person sees the coordinators' entries of the main menu; computed
    only when a template asks (the memberships are read once per request)."""
    user = getattr(request, "user", None)
    return {
        "nav_reads_everything": SimpleLazyObject(
            lambda: bool(user and user.is_authenticated and permissions.can_read_everything(user))
        )
    }
