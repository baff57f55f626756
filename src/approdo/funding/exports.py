"""The funding datasets, by name (declared in FundingConfig): a call's graduatoria and its
indicator values, downloaded through reports.downloads like every other export."""

import abc

from django.utils.translation import gettext

from approdo.funding import permissions
from approdo.funding.models import Call
from approdo.funding.monitoring import indicator_values_sheet
from approdo.funding.ranking import ranking_sheet
from approdo.reports.datasets import Dataset, DatasetError, Sheet


class CallDataset(Dataset):
    """A sheet about one call (parameter `call`, its slug), for those who read every
    application and monitoring report of the calls they see."""

    prefix = ""

    def clean_params(self, params: dict) -> dict:
        slug = str(params.get("call", ""))
        if not Call.objects.filter(slug=slug).exists():
            raise DatasetError(gettext("Unknown call “%(slug)s”.") % {"slug": slug})
        return {"call": slug}

    def can_export(self, user, params: dict) -> bool:
        return (
            permissions.can_read_all(user)
            and Call.objects.visible_to(user).filter(slug=params["call"]).exists()
        )

    def filename(self, params: dict) -> str:
        return f"{self.prefix}-{params['call']}"

    def sheets(self, params: dict) -> list[Sheet]:
        return [self.sheet(Call.objects.get(slug=params["call"]))]

    @abc.abstractmethod
    def sheet(self, call: Call) -> Sheet:
        """The call's sheet."""


class Ranking(CallDataset):
    """ "ranking": the call's graduatoria (review totals)."""

    title, prefix = "ranking", "graduatoria"

    def sheet(self, call: Call) -> Sheet:
        return ranking_sheet(call)


class IndicatorValues(CallDataset):
    """ "indicator_values": the call's indicator values, as the upload reads them back."""

    title, prefix = "indicator_values", "indicatori"

    def sheet(self, call: Call) -> Sheet:
        return indicator_values_sheet(call)


def datasets() -> dict[str, Dataset]:
    return {"ranking": Ranking(), "indicator_values": IndicatorValues()}
