from django.utils.functional import SimpleLazyObject

from approdo.portal import navigation as menus


def navigation(request):
    """The main menu of the signed-in person (or of the public), built only when a template
    asks for it; the memberships it reads are read once per request."""
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")
    return {"main_menu": SimpleLazyObject(lambda: menus.mark_current(menus.menu_for(user), path))}
