from django_tasks import task

from approdo.practices import search


@task()
def refresh_running_practices() -> int:
    """Nightly: the year facet of practices without an end date follows the calendar."""
    return search.refresh_running()
