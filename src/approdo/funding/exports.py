"""The funding datasets, by name (declared in FundingConfig): a call's graduatoria and its
indicator values, downloaded through reports.downloads like every other export."""

from approdo.funding.monitoring import IndicatorValues
from approdo.funding.ranking import Ranking
from approdo.reports.datasets import Dataset


def datasets() -> dict[str, Dataset]:
    return {"ranking": Ranking(), "indicator_values": IndicatorValues()}
