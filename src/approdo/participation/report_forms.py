"""Forms of the synthesis report pages: the summary, a statement with the contributions it
cites, a review comment and a change of status. The citations are checked again by the
action (same table, not hidden), so the API gets the same rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from approdo.core.forms import StyledFormMixin
from approdo.participation.models import Statement


class IdListField(forms.Field):
    """The ids of the ticked contributions: the page lists them grouped by question itself,
    so no choices are built here for a table of thousands of contributions."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            return sorted({int(item) for item in value or ()})
        except (TypeError, ValueError) as error:
            raise forms.ValidationError(_("A cited contribution is not valid.")) from error


class SummaryForm(StyledFormMixin, forms.Form):
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Introduces the report: what the table discussed and how."),
    )


class StatementForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Statement.Kind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}))
    citations = IdListField(label=_("Contributions cited"), required=False)


class CommentForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class TransitionForm(forms.Form):
    ACTIONS = ("submit", "send_back", "publish")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    comment = forms.CharField(required=False)


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")])
