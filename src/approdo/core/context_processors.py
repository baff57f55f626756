from django.conf import settings
from django.utils.translation import get_language_bidi


def site(request):
    return {
        "site_name": settings.APPRODO_SITE_NAME,
        "site_owner": settings.APPRODO_OWNER_NAME,
        "accessibility_statement_url": settings.APPRODO_ACCESSIBILITY_STATEMENT_URL,
        "text_direction": "rtl" if get_language_bidi() else "ltr",
    }
