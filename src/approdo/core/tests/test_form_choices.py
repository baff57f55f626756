"""Selects built by StyledFormMixin name their empty choice instead of Django's dashes."""

from django import forms
from django.db import models

from approdo.core.forms import EMPTY_CHOICE_LABEL, StyledFormMixin


class Kind(models.TextChoices):
    A = "a", "A"


class ChoiceForm(StyledFormMixin, forms.Form):
    typed = forms.TypedChoiceField(choices=[("", "---------"), *Kind.choices], required=False)
    plain = forms.ChoiceField(choices=Kind.choices)


def test_empty_choice_is_named():
    form = ChoiceForm()
    assert list(form.fields["typed"].choices)[0] == ("", EMPTY_CHOICE_LABEL)
    assert "---------" not in str(form)


def test_choices_without_an_empty_one_are_left_alone():
    assert list(ChoiceForm().fields["plain"].choices) == [("a", "A")]


def test_model_choice_fields_name_their_empty_choice(db):
    from approdo.territory.models import Zona

    class ZonaForm(StyledFormMixin, forms.Form):
        zona = forms.ModelChoiceField(Zona.objects.all(), required=False)

    assert ZonaForm().fields["zona"].empty_label == EMPTY_CHOICE_LABEL


def test_model_form_blank_choices_are_named(db):
    from approdo.governance.forms_institutions import MeetingForm

    assert ">---------<" not in str(MeetingForm()["type"])
