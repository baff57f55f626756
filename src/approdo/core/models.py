from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class HistoryEntryQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> "HistoryEntryQuerySet":
        content_type = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=content_type, object_id=str(obj.pk))


class HistoryEntry(models.Model):
    """One change to a tracked object: who, when, what. Rows are never edited."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("object"), max_length=300)
    action = models.CharField(_("action"), max_length=50)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = HistoryEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history entries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.object_repr}: {self.action}"


class WorkerHeartbeat(models.Model):
    """One running `approdo worker`: it touches `last_seen` every few seconds (core.workers),
    so the status endpoint and the admin can tell whether background work is being done."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    hostname = models.CharField(_("host"), max_length=255, blank=True)
    pid = models.PositiveIntegerField(_("process id"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"))
    last_seen = models.DateTimeField(_("last heartbeat"), db_index=True)
    reconnections = models.PositiveIntegerField(_("database reconnections"), default=0)

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid} ({self.worker_id})"
