"""Forms of the working-table pages: a table and its questions, a contribution (before the
event, or recorded at the table), hiding one, and moving a participant."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from approdo.core.forms import StyledFormMixin
from approdo.participation.contributions import citable_practices, citable_projects
from approdo.participation.models import Contribution, Event, WorkingTable

MAX_CITED = 20
_CODES = re.compile(r"[\s,;]+")


def cited_projects_of(event: Event):
    """The funded projects a contribution to `event` may cite: those the event discusses and
    those of the calls it discusses (a short list, shown as checkboxes)."""
    return (
        citable_projects()
        .filter(Q(pk__in=event.projects.values("pk")) | Q(call__in=event.calls.values("pk")))
        .select_related("call")
        .order_by("title", "pk")
        .distinct()
    )


class TableForm(StyledFormMixin, forms.Form):
    number = forms.IntegerField(label=_("Number"), min_value=1, max_value=99)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    facilitator = forms.CharField(label=_("Facilitator"), max_length=200, required=False)
    rapporteur_email = forms.EmailField(
        label=_("Rapporteur's e-mail address"),
        required=False,
        help_text=_("The person must have an account; leave empty for no rapporteur."),
    )

    def clean_rapporteur_email(self):
        email = self.cleaned_data["rapporteur_email"]
        if not email:
            return None
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Nobody with an account has this address."))
        return user


class QuestionsForm(StyledFormMixin, forms.Form):
    """Every question's text and position, and one new question at the end."""

    new_question = forms.CharField(
        label=_("New question"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Added after the others."),
    )

    def __init__(self, *args, table: WorkingTable, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(table.questions.order_by("order"))
        for question in self.questions:
            self.fields[f"text_{question.pk}"] = forms.CharField(
                label=_("Question %(number)s") % {"number": question.order},
                initial=question.text,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"position_{question.pk}"] = forms.IntegerField(
                label=_("Position of question %(number)s") % {"number": question.order},
                initial=question.order,
                min_value=1,
                max_value=len(self.questions),
            )

    def question_fields(self):
        return [(self[f"text_{q.pk}"], self[f"position_{q.pk}"]) for q in self.questions]

    def clean(self):
        data = super().clean()
        positions = [data.get(f"position_{q.pk}") for q in self.questions]
        if None not in positions and len(set(positions)) != len(positions):
            raise forms.ValidationError(_("Give each question a different position."))
        return data

    def order(self) -> list[int]:
        return [
            q.pk
            for q in sorted(self.questions, key=lambda q: self.cleaned_data[f"position_{q.pk}"])
        ]

    def texts(self) -> dict[int, str]:
        return {q.pk: self.cleaned_data[f"text_{q.pk}"] for q in self.questions}


class ContributionForm(StyledFormMixin, forms.Form):
    """A contribution to one of the table's questions; `recording` adds who spoke."""

    question = forms.ModelChoiceField(label=_("Question"), queryset=None)
    text = forms.CharField(label=_("Contribution"), widget=forms.Textarea(attrs={"rows": 4}))
    tags = forms.MultipleChoiceField(
        label=_("Tags"),
        choices=Contribution.Tag.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous: the author is shown to the organisers only"), required=False
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Funded projects cited"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    practice_codes = forms.CharField(
        label=_("Practices cited"),
        required=False,
        max_length=500,
        help_text=_("Codes of published practices of the catalogue, separated by commas."),
    )

    def __init__(self, *args, table: WorkingTable, recording: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = table.questions.order_by("order")
        self.fields["question"].label_from_instance = lambda q: f"{q.order}. {q.text}"
        self.fields["projects"].queryset = cited_projects_of(table.event)
        if recording:
            self.fields["speaker"] = forms.CharField(
                label=_("Speaker"), max_length=200, required=False
            )
            self.fields["speaker_organization"] = forms.CharField(
                label=_("Speaker's organisation"), max_length=250, required=False
            )
            self.fields["anonymous"].label = _("Anonymous: the speaker is shown to organisers only")
            self._bound_fields_cache.pop("anonymous", None)  # bound with the former label
            # After each save the page comes back with the question kept: the next statement
            # is typed straight away.
            self.fields["text"].widget.attrs["autofocus"] = True

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write the contribution."))
        return text

    def clean_practice_codes(self):
        codes = [code.upper() for code in _CODES.split(self.cleaned_data["practice_codes"]) if code]
        codes = list(dict.fromkeys(codes))
        if len(codes) > MAX_CITED:
            raise forms.ValidationError(_("Cite at most %(n)s practices.") % {"n": MAX_CITED})
        if not codes:
            return []
        matching = Q()
        for code in codes:
            matching |= Q(code__iexact=code)
        found = {p.code.upper(): p for p in citable_practices().filter(matching)}
        if len(found) != len(codes):
            missing = ", ".join(code for code in codes if code not in found)
            raise forms.ValidationError(
                _("No published practice has these codes: %(codes)s") % {"codes": missing}
            )
        return [found[code] for code in codes]

    def has_projects(self) -> bool:
        return self.fields["projects"].queryset.exists()


class ParticipantForm(StyledFormMixin, forms.Form):
    """The hidden registration token of a participant without an account."""

    t = forms.CharField(widget=forms.HiddenInput, required=False)


class HideForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for hiding"),
        max_length=Contribution._meta.get_field("hidden_reason").max_length,
    )


class MoveForm(StyledFormMixin, forms.Form):
    registration = forms.IntegerField(widget=forms.HiddenInput)
    table = forms.ModelChoiceField(label=_("Table"), queryset=None, required=False)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["table"].queryset = event.tables.order_by("number")
        self.fields["table"].empty_label = _("No table")
