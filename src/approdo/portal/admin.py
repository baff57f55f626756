from django.contrib import admin

from approdo.portal.models import FeedbackReport


@admin.register(FeedbackReport)
class FeedbackReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page_url", "is_accessibility", "email", "answered_at"]
    list_filter = ["is_accessibility", "answered_at"]
    search_fields = ["message", "page_url", "email"]
    readonly_fields = ["created_at", "user", "language"]
