"""Export pages: request an export, follow it until done, download the file."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from approdo.reports.actions import recover_stale_exports, request_export
from approdo.reports.datasets import DatasetError
from approdo.reports.forms import ExportForm
from approdo.reports.models import Export


@require_POST
def export_create(request):
    form = ExportForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        export = request_export(
            by=request.user,
            dataset=form.cleaned_data["dataset"],
            fmt=form.cleaned_data["fmt"],
            params=form.params(request.POST),
        )
    except DatasetError as error:
        raise Http404(str(error)) from error
    except PermissionDenied:
        raise
    return redirect(export)


@never_cache
@require_GET
def export_detail(request, pk: int):
    export = get_object_or_404(Export.objects.visible_to(request.user), pk=pk)
    # Whoever is waiting for a file whose worker died gets it queued again, not a frozen bar.
    if recover_stale_exports(Export.objects.filter(pk=export.pk)):
        export.refresh_from_db()
    template = "reports/export_detail.html"
    if request.htmx:
        template += "#status"
    return render(
        request,
        template,
        {"export": export, "breadcrumbs": [(_("Export %(pk)s") % {"pk": export.pk}, None)]},
    )


@never_cache
@require_GET
def export_download(request, pk: int):
    export = get_object_or_404(
        Export.objects.visible_to(request.user), pk=pk, status=Export.Status.DONE
    )
    if not export.file:
        raise Http404
    name = export.file.name.rsplit("/", 1)[-1]
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=name)
