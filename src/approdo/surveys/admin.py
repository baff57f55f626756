import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from approdo.surveys.models import Campaign, Questionnaire, QuestionnaireVersion, SurveyResponse


def _pretty(data) -> str:
    return format_html("<pre>{}</pre>", json.dumps(data, indent=2, ensure_ascii=False))


class VersionInline(admin.TabularInline):
    model = QuestionnaireVersion
    fields = ["number", "source", "created_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "created_at"]
    search_fields = ["title", "slug"]
    inlines = [VersionInline]


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(admin.ModelAdmin):
    """Versions come only from XLSForm uploads: their structure is shown, never edited."""

    list_display = ["questionnaire", "number", "created_by", "created_at"]
    list_filter = ["questionnaire"]
    list_select_related = ["questionnaire", "created_by"]
    fields = ["questionnaire", "number", "source", "created_by", "created_at", "schema_display"]
    readonly_fields = fields

    @admin.display(description=_("form structure"))
    def schema_display(self, obj):
        return _pretty(obj.schema)

    def has_add_permission(self, request):
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "version", "opens_at", "closes_at"]
    list_select_related = ["version__questionnaire"]
    search_fields = ["title", "slug"]
    autocomplete_fields = ["organizations"]
    raw_id_fields = ["version"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    """Responses change only through their actions (history, state machine): read-only here."""

    list_display = ["campaign", "organization", "status", "submitted_at", "updated_at"]
    list_filter = ["status", "campaign"]
    list_select_related = ["campaign", "organization"]
    search_fields = ["organization__name", "instance_id"]
    fields = [
        "campaign",
        "version",
        "organization",
        "instance_id",
        "status",
        "revision",
        "created_by",
        "submitted_at",
        "created_at",
        "updated_at",
        "answers_display",
    ]
    readonly_fields = fields

    @admin.display(description=_("answers"))
    def answers_display(self, obj):
        return _pretty(obj.answers)

    def has_add_permission(self, request):
        return False
