from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.choices import BlankChoiceIterator
from django.utils.translation import pgettext_lazy

# The empty choice of a select, instead of Django's "---------".
EMPTY_CHOICE_LABEL = pgettext_lazy("select", "— choose —")
DASHES = BLANK_CHOICE_DASH[0][1]


def label_empty_choice(field: forms.Field) -> None:
    """Give a select's empty choice a word instead of dashes (model choices, plain choices)."""
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == DASHES:
            field.empty_label = EMPTY_CHOICE_LABEL
    elif isinstance(field, forms.ChoiceField) and isinstance(
        field.choices, list | BlankChoiceIterator
    ):
        choices = list(field.choices)  # a model field's choices with Django's blank one first
        if any(label == DASHES for _, label in choices):
            field.choices = [
                (value, EMPTY_CHOICE_LABEL if label == DASHES else label)
                for value, label in choices
            ]


class StyledFormMixin:
    """Adds the Bootstrap Italia classes to every widget and ties help texts to their input,
    so templates render fields plainly.

    Fields a form adds in its own __init__, after this one's, are styled when first read
    (`form[name]`, iterating, rendering), so no field is ever rendered unstyled."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._styled_fields = set()
        for name in self.fields:
            self[name]

    def __getitem__(self, name):
        bound = super().__getitem__(name)
        if name not in self._styled_fields:
            self._styled_fields.add(name)
            style_field(self.fields[name], f"{bound.auto_id}-help")
        return bound


def style_field(field: forms.Field, help_id: str) -> None:
    label_empty_choice(field)
    widget = field.widget
    if field.help_text:
        widget.attrs.setdefault("aria-describedby", help_id)
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    if css not in widget.attrs.get("class", "").split():
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
