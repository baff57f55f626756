from django import forms
from django.utils.translation import gettext_lazy as _

from approdo.core.forms import StyledFormMixin
from approdo.reports.models import Format


class ExportForm(StyledFormMixin, forms.Form):
    """Which dataset, in which format; the dataset's parameters come as `param_<name>`."""

    dataset = forms.CharField(label=_("Dataset"), max_length=100, widget=forms.HiddenInput)
    fmt = forms.ChoiceField(label=_("Format"), choices=Format.choices)

    def params(self, data) -> dict:
        return {
            key.removeprefix("param_"): value
            for key, value in data.items()
            if key.startswith("param_")
        }
