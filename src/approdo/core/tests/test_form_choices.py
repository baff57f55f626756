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


class LateFieldsForm(StyledFormMixin, forms.Form):
    early = forms.CharField(help_text="Said once")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["late"] = forms.CharField(widget=forms.Textarea)
        self.fields["late_choice"] = forms.ChoiceField(choices=[("", "---------"), ("a", "A")])


def test_fields_added_after_the_mixin_are_styled_too():
    html = str(LateFieldsForm())
    form = LateFieldsForm()
    list(form)  # what a template does
    assert form.fields["early"].widget.attrs["aria-describedby"] == "id_early-help"
    assert form.fields["late"].widget.attrs["class"] == "form-control"
    assert form.fields["late_choice"].widget.attrs["class"] == "form-select"
    assert "---------" not in html


def test_styling_twice_adds_the_class_once():
    form = LateFieldsForm()
    form["late"], form["late"]
    str(form)
    assert form.fields["late"].widget.attrs["class"] == "form-control"
