from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from approdo.taxonomy import defaults


class Term(models.Model):
    code = models.SlugField(_("code"), max_length=60, primary_key=True)
    label = models.CharField(_("label"), max_length=250)
    translations = models.JSONField(
        _("translations"),
        default=dict,
        blank=True,
        help_text=_(
            'The label in other languages, by language code: {"en": "…", "fr": "…", "ar": "…"}. '
            "A language without one shows the label."
        ),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    DEFAULT_LABELS: dict = {}

    def __str__(self):
        """The label in the active language: the one typed for it, else the catalogue's
        translation of a default term, else the (Italian) label."""
        language = (translation.get_language() or "").split("-")[0]
        typed = (self.translations or {}).get(language)
        if typed:
            return typed
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
