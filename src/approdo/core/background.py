"""Whether background tasks wait for the worker, so pages can say what happened to a job."""


def runs_in_background() -> bool:
    """True when enqueued tasks wait for `approdo worker` (the database backend); False when
    the task backend runs them at once (the immediate backend of development and tests)."""
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks.backends.immediate import ImmediateBackend

    return not isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)
