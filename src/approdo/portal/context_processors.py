from django.utils.functional import SimpleLazyObject

from approdo.governance import permissions as governance_permissions
from approdo.portal import navigation as menus


def navigation(request):
    """The main menu of the signed-in person (or of the public), built only when a template
    asks for it; the memberships it reads are read once per request. `sees_pipeline` (one query
    for members of an organisation) is read only by the pages that offer the pipeline link."""
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")
    signed_in = bool(user and user.is_authenticated)
    return {
        "main_menu": SimpleLazyObject(lambda: menus.mark_current(menus.menu_for(user), path)),
        "sees_pipeline": SimpleLazyObject(
            lambda: signed_in and governance_permissions.can_see_pipeline(user)
        ),
    }
