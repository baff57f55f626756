from django.contrib import admin

from approdo.funding.models import (
    Call,
    CallDocument,
    EvaluationCriterion,
    Indicator,
    Milestone,
    Project,
    ReportingDeadline,
    ReviewAssignment,
    Score,
)


class CriterionInline(admin.TabularInline):
    model = EvaluationCriterion
    extra = 0


class DocumentInline(admin.TabularInline):
    model = CallDocument
    extra = 0


class DeadlineInline(admin.TabularInline):
    model = ReportingDeadline
    extra = 0


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "funding_source", "opens_at", "closes_at", "statistics_public"]
    search_fields = ["title", "slug"]
    inlines = [CriterionInline, DocumentInline, DeadlineInline, IndicatorInline]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "call", "lead", "status", "progress"]
    list_filter = ["call", "status", "progress"]
    search_fields = ["code", "title", "lead__name"]
    raw_id_fields = ["lead", "source_response"]
    filter_horizontal = ["partners", "comuni", "zone", "actions", "targets"]
    inlines = [MilestoneInline]


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0


@admin.register(ReviewAssignment)
class ReviewAssignmentAdmin(admin.ModelAdmin):
    list_display = ["project", "reviewer", "no_conflict_declared_at", "submitted_at"]
    raw_id_fields = ["project", "reviewer", "assigned_by"]
    inlines = [ScoreInline]
