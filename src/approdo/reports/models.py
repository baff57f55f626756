"""Export jobs. The row is the job: status, progress, row count, file and error live here."""

import tempfile

from django.conf import settings
from django.core.files import File
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approdo.organizations import permissions


class Format(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX (Excel)"
    ODS = "ods", "ODS (OpenDocument)"


class ExportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ExportQuerySet":
        """The requester sees their exports; regional roles see every export."""
        if permissions.is_regional(user):
            return self.all()
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(requested_by=user)


class Export(models.Model):
    """One export of a registered dataset, built in the background by `tasks.build_export`."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="exports",
    )
    dataset = models.CharField(_("dataset"), max_length=100)
    fmt = models.CharField(_("format"), max_length=10, choices=Format.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveIntegerField(_("rows written so far"), default=0)
    expected_rows = models.PositiveIntegerField(_("expected rows"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    # Touched with every progress report: a running export whose heartbeat stops lost its worker.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = ExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.dataset}.{self.fmt} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("reports:export-detail", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.expected_rows:
            return None
        return min(100, self.progress * 100 // self.expected_rows)

    def run(self) -> None:
        """Build the file. Safe to run twice: a finished or running export is left alone.
        On any error the export is marked failed with the reason, and the error re-raised."""
        from approdo.reports.datasets import get_dataset
        from approdo.reports.writers import WRITERS

        with transaction.atomic():
            now = timezone.now()
            claimed = Export.objects.filter(pk=self.pk, status=self.Status.QUEUED).update(
                status=self.Status.RUNNING,
                started_at=now,
                heartbeat_at=now,
                attempts=models.F("attempts") + 1,
            )
        if not claimed:
            return
        self.refresh_from_db()
        try:
            dataset = get_dataset(self.dataset)
            sheets = dataset.sheets(dataset.clean_params(self.params))
            if sheets[0].expected is not None:
                Export.objects.filter(pk=self.pk).update(expected_rows=sheets[0].expected)

            def progress(rows: int) -> None:
                Export.objects.filter(pk=self.pk).update(progress=rows, heartbeat_at=timezone.now())

            with tempfile.TemporaryFile() as out:
                rows = WRITERS[self.fmt](sheets, out, progress)
                out.seek(0)
                name = f"{dataset.filename(self.params)}.{self.fmt}"
                self.file.save(name, File(out, name=name), save=False)
        except Exception as error:
            Export.objects.filter(pk=self.pk).update(
                status=self.Status.FAILED,
                error=str(error) or repr(error),
                finished_at=timezone.now(),
            )
            raise
        Export.objects.filter(pk=self.pk).update(
            status=self.Status.DONE,
            file=self.file.name,
            row_count=rows,
            progress=rows,
            finished_at=timezone.now(),
        )
        self.refresh_from_db()
