from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approdo.core.models import WorkerHeartbeat
from approdo.core.workers import stale_after


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    """Read-only: each running `approdo worker` writes its own row."""

    list_display = ["hostname", "pid", "worker_id", "started_at", "last_seen", "running"]
    readonly_fields = [f.name for f in WorkerHeartbeat._meta.fields]

    @admin.display(boolean=True, description=_("running"))
    def running(self, obj: WorkerHeartbeat) -> bool:
        return obj.last_seen >= timezone.now() - stale_after()

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
