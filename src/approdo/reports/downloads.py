"""A registered dataset as a download answered in the request, through the shared writers.

The pages that hand out a file at once (the practices catalogue, the meetings, a call's
ranking) go the same way as the background exports (models.Export.run): the dataset from the
registry checks the parameters and the permission and gives the sheets; writers.WRITERS writes
them. CSV is streamed; the spreadsheets are written into the response.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext

from approdo.reports.datasets import Dataset, DatasetError, Sheet, get_dataset
from approdo.reports.writers import CONTENT_TYPES, WRITERS, csv_lines


@dataclass
class Download:
    dataset: Dataset
    params: dict
    sheets: list[Sheet]

    @classmethod
    def prepare(cls, user, name: str, params: dict) -> "Download":
        """The sheets of dataset `name` for `user`. Raises DatasetError for bad parameters,
        PermissionDenied when `user` may not export them."""
        dataset = get_dataset(name)
        params = dataset.clean_params(params)
        if not dataset.can_export(user, params):
            raise PermissionDenied(gettext("You may not export these data."))
        return cls(dataset, params, dataset.sheets(params))

    @property
    def rows(self) -> int | None:
        """The rows of the first sheet, when the dataset knows them beforehand."""
        return self.sheets[0].expected

    def response(self, fmt: str) -> HttpResponse:
        if fmt not in WRITERS:
            raise DatasetError(gettext("Unknown format “%(fmt)s”.") % {"fmt": fmt})
        if fmt == "csv":  # a streamed CSV that fails midway says so (writers.csv_stream)
            response = StreamingHttpResponse(csv_lines(self.sheets[0]))
        else:
            response = HttpResponse()
            WRITERS[fmt](self.sheets, response)
        response["Content-Type"] = CONTENT_TYPES[fmt]
        name = self.dataset.filename(self.params)
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response
