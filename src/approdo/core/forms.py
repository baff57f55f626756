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
    so templates render fields plainly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            label_empty_choice(field)
            widget = field.widget
            if field.help_text:
                widget.attrs.setdefault("aria-describedby", f"{self[name].auto_id}-help")
            if isinstance(
                widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
