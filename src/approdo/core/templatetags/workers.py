from django import template
from django.db import DatabaseError

from approdo.core.workers import WorkerStatus, worker_status

register = template.Library()


@register.simple_tag
def background_worker() -> WorkerStatus | None:
    """Whether a background worker is running (its latest heartbeat), None if unknown."""
    try:
        return worker_status()
    except DatabaseError:
        return None
