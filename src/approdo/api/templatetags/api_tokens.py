from django import template

from approdo.api.models import ApiToken

register = template.Library()


@register.simple_tag
def active_api_tokens(user) -> list[ApiToken]:
    """The user's tokens that still work, for the profile page (one query)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(ApiToken.objects.owned_by(user).active())
