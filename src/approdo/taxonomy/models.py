from django.db import models
from django.utils.translation import gettext_lazy as _

from approdo.taxonomy import defaults


class Term(models.Model):
    code = models.SlugField(_("code"), max_length=60, primary_key=True)
    label = models.CharField(_("label"), max_length=250)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    DEFAULT_LABELS: dict = {}

    def __str__(self):
        return str(self.DEFAULT_LABELS.get(self.code) or self.label)


class Action(Term):
    """What a project or practice does (DESIGN 4.1 `action`)."""

    DEFAULT_LABELS = defaults.ACTIONS

    class Meta(Term.Meta):
        verbose_name = _("action")
        verbose_name_plural = _("actions")


class TargetGroup(Term):
    """Who a project or practice addresses (DESIGN 4.1 `target`, a two-level tree)."""

    DEFAULT_LABELS = {code: label for code, (label, _parent) in defaults.TARGETS.items()}

    parent = models.ForeignKey(
        "self",
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta(Term.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
