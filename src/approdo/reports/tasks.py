from django_tasks import task

from approdo.reports.models import Export


@task()
def build_export(export_id: int) -> None:
    """Build one export file (see Export.run); takes the id, never the object."""
    Export.objects.get(pk=export_id).run()
