from django import forms
from django.utils.translation import gettext_lazy as _

from approdo.core.forms import StyledFormMixin
from approdo.reports import tables
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


class ImportFileField(forms.FileField):
    """A CSV or XLSX file to import, refused when larger than the import reader reads
    (tables.MAX_BYTES) before anything reads it."""

    def validate(self, value):
        super().validate(value)
        if value is not None:
            try:
                tables.check_size(value.size)
            except tables.ImportFileError as error:
                raise forms.ValidationError(str(error), code="too_large") from error
