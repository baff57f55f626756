from django.contrib.auth.decorators import login_not_required


def public(view):
    """Mark a view as open to anyone, signed in or not (LoginRequiredMiddleware lets it through)."""
    return login_not_required(view)
