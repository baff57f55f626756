"""Bootstrap Italia markup for form widgets (also allauth's forms), and breadcrumbs for the
account pages, which allauth renders without our views' context."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()

CHECK_WIDGETS = {"checkbox", "radio", "checkboxselectmultiple", "radioselect"}
SELECT_WIDGETS = {"select", "selectmultiple", "nullbooleanselect"}


@register.filter
def bi_widget(field):
    """Render a bound field's widget with the Bootstrap Italia class and the ids of its help
    text and error message in aria-describedby."""
    attrs = dict(field.field.widget.attrs)
    widget_type = field.widget_type
    classes = attrs.get("class", "").split()
    if widget_type in SELECT_WIDGETS:
        # Bootstrap Italia styles a bare <select> inside .select-wrapper; .form-select would
        # draw a second arrow.
        classes = [name for name in classes if name != "form-select"]
    else:
        css = "form-check-input" if widget_type in CHECK_WIDGETS else "form-control"
        if css not in classes:
            classes.append(css)
    # False drops the attribute (it would otherwise come back from the widget's own attrs).
    attrs["class"] = " ".join(classes) or False
    described = attrs.get("aria-describedby", "").split()
    if field.help_text and f"{field.auto_id}-help" not in described:
        described.append(f"{field.auto_id}-help")
    if field.errors:
        attrs["aria-invalid"] = "true"
        if f"{field.auto_id}-error" not in described:
            described.append(f"{field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


# Pages where people sign in (the "entrance"), by allauth URL name.
ENTRANCE_TITLES = {
    "account_login": _("Sign in"),
    "account_logout": _("Sign out"),
    "account_signup": _("Sign up"),
    "account_reset_password": _("Password reset"),
    "account_reset_password_done": _("Password reset"),
    "account_reset_password_from_key": _("Password reset"),
    "account_reset_password_from_key_done": _("Password reset"),
    "account_confirm_email": _("Confirm e-mail address"),
    "account_email_verification_sent": _("Verify your e-mail address"),
    "account_inactive": _("Account inactive"),
    "account_reauthenticate": _("Confirm your identity"),
    "mfa_authenticate": _("Two-factor authentication"),
    "mfa_reauthenticate": _("Confirm your identity"),
    "socialaccount_login_cancelled": _("Sign in"),
    "socialaccount_login_error": _("Sign in"),
    "socialaccount_signup": _("Sign up"),
}

# Pages where signed-in people manage their account, under their profile.
MANAGE_TITLES = {
    "account_email": _("E-mail addresses"),
    "account_change_password": _("Change password"),
    "account_set_password": _("Set password"),
    "mfa_index": _("Two-factor authentication"),
    "mfa_activate_totp": _("Activate authenticator app"),
    "mfa_deactivate_totp": _("Deactivate authenticator app"),
    "mfa_view_recovery_codes": _("Recovery codes"),
    "mfa_generate_recovery_codes": _("Recovery codes"),
    "mfa_download_recovery_codes": _("Recovery codes"),
    "socialaccount_connections": _("Connected accounts"),
}


@register.inclusion_tag("components/breadcrumbs.html", takes_context=True)
def account_breadcrumbs(context):
    """Breadcrumbs for allauth's pages: Home / [Profile /] page."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    name = match.url_name if match else ""
    if name in MANAGE_TITLES:
        items = [(_("Profile"), reverse("organizations:profile")), (MANAGE_TITLES[name], None)]
    else:
        items = [(ENTRANCE_TITLES.get(name, _("Account")), None)]
    return {"items": items}
