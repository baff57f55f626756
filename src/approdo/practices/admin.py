"""Read-mostly admin views for support staff; editorial work happens on the editorial pages
(which keep the history and the search index up to date)."""

from django.contrib import admin

from approdo.practices.models import ContactMessage, FieldMapping, Practice, UpdateReport


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "lead_organization", "status", "published_at", "confirmed_at"]
    list_filter = ["status"]
    search_fields = ["code", "title"]
    readonly_fields = [field.name for field in Practice._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(FieldMapping)
class FieldMappingAdmin(admin.ModelAdmin):
    list_display = ["questionnaire", "consent_question", "updated_at"]


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ["practice", "created_at", "relayed"]
    readonly_fields = [field.name for field in ContactMessage._meta.fields]


@admin.register(UpdateReport)
class UpdateReportAdmin(admin.ModelAdmin):
    list_display = ["practice", "created_at", "handled_at"]
