"""Signs of life of `approdo worker`: a heartbeat row per running worker, read by the status
endpoint and the admin. A worker is running when one row was touched within STALE_AFTER."""

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from approdo.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)


def beat_seconds() -> float:
    return float(getattr(settings, "APPRODO_WORKER_HEARTBEAT_SECONDS", 10))


def stale_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "APPRODO_WORKER_STALE_SECONDS", 60))


@dataclass(frozen=True)
class WorkerStatus:
    last_seen: datetime | None
    running: int  # workers seen within stale_after()

    @property
    def ok(self) -> bool:
        return self.running > 0


def worker_status(now: datetime | None = None) -> WorkerStatus:
    """The latest heartbeat and how many workers are alive. Raises DatabaseError."""
    now = now or timezone.now()
    rows = WorkerHeartbeat.objects.all()
    last = rows.order_by("-last_seen").values_list("last_seen", flat=True).first()
    running = rows.filter(last_seen__gte=now - stale_after()).count()
    return WorkerStatus(last_seen=last, running=running)


def beat(worker_id: str, *, reconnected: bool = False, started_at: datetime | None = None) -> None:
    """Record that `worker_id` is alive now (one upsert)."""
    now = timezone.now()
    heartbeat, created = WorkerHeartbeat.objects.get_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "started_at": started_at or now,
            "last_seen": now,
        },
    )
    if not created or reconnected:
        fields = {"last_seen": now}
        if reconnected:
            fields["reconnections"] = heartbeat.reconnections + 1
        WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(**fields)
    # Rows of workers gone for a day say nothing any more.
    WorkerHeartbeat.objects.filter(last_seen__lt=now - timedelta(days=1)).delete()


def forget(worker_id: str) -> None:
    """A worker stopping cleanly removes its row."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


class HeartbeatThread(threading.Thread):
    """Beats every beat_seconds() on its own database connection, so a long task does not
    make the worker look dead; a failed beat (database away) is retried at the next tick."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="approdo-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    beat(self.worker_id, started_at=self.started_at)
                except DatabaseError:
                    logger.warning("Worker heartbeat: the database cannot be reached")
                    connection.close()
                self.stopping.wait(beat_seconds())
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
