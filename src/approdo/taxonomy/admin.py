from django.contrib import admin

from approdo.taxonomy.models import Action, TargetGroup


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "position"]
    fields = ["code", "label", "translations", "position"]


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "parent", "position"]
    fields = ["code", "label", "translations", "parent", "position"]
    list_filter = ["parent"]
