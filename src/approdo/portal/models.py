from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedbackReport(models.Model):
    """A reader's report about a page (accessibility or other problems); AgID asks for an
    answer within 30 days, so each report keeps its date and whether it was answered."""

    page_url = models.CharField(_("page"), max_length=500, blank=True)
    message = models.TextField(_("message"), max_length=5000)
    email = models.EmailField(_("e-mail for the answer"), blank=True)
    is_accessibility = models.BooleanField(_("accessibility problem"), default=False)
    language = models.CharField(_("language"), max_length=10, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    # A keyed hash of the sender's address (core.client): for the rate limit, not to identify.
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback report")
        verbose_name_plural = _("feedback reports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.page_url}"
