from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from approdo.api.actions import revoke_token
from approdo.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens can be inspected and revoked here; they are created by their owners (or with
    `approdo create-token`), since only then is the secret shown. No secret is stored."""

    list_display = [
        "name",
        "user",
        "display_key",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter), "expires_at", "created_at"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__email"]
    fields = [
        "user",
        "name",
        "display_key",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    ]
    readonly_fields = ["user", "display_key", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("token"))
    def display_key(self, token: ApiToken) -> str:
        return token.display_key

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            revoke_token(token, by=request.user)
        self.message_user(request, _("The selected tokens are revoked."))
