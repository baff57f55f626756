"""The practices dataset for exports: the published practices of a catalogue search, one row
each, public fields only (never the contact).

"practices": the parameters are those of the catalogue's address (`q`, each facet, `sort`),
so a download gives the practices the page lists. Anyone may export it, signed in or not.
The link to each practice's page starts with APPRODO_SITE_URL.
"""

from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from approdo.practices import facets
from approdo.practices.models import Practice, territory_prefetches
from approdo.reports.datasets import Dataset, Sheet
from approdo.taxonomy.labels import funding_source_label

COLUMNS = [
    _("code"),
    _("title"),
    _("summary"),
    _("status"),
    _("start date"),
    _("end date"),
    _("lead organisation"),
    _("lead organisation sector"),
    _("partners"),
    _("zone distretto"),
    _("ASL"),
    _("comuni"),
    _("actions"),
    _("target groups"),
    _("funding sources"),
    _("results"),
    _("last confirmed"),
    _("published"),
    _("page"),
]


def row_of(practice: Practice, base_url: str) -> list:
    """One practice as a download row (public fields only: never the contact)."""
    zone = list(practice.zone.all())
    return [
        practice.code,
        practice.title,
        practice.summary,
        practice.get_status_display(),
        practice.start_date,
        practice.end_date,
        practice.lead_organization.name,
        practice.lead_organization.get_sector_display(),
        "; ".join(organization.name for organization in practice.partners.all()),
        "; ".join(zona.name for zona in zone),
        "; ".join(sorted({zona.asl.name for zona in zone})),
        "; ".join(comune.name for comune in practice.comuni.all()),
        "; ".join(str(action) for action in practice.actions.all()),
        "; ".join(str(target) for target in practice.targets.all()),
        "; ".join(funding_source_label(source) for source in practice.funding_sources or []),
        practice.results,
        practice.confirmed_at,
        timezone.localtime(practice.published_at).date(),
        base_url + reverse("practices:detail", kwargs={"code": practice.code}),
    ]


def _selection(params: dict | QueryDict) -> facets.Selection:
    """The search of the parameters: a catalogue address's query (request.GET), or the
    same as stored with an export (a facet's values as a list or comma-separated)."""
    if not isinstance(params, MultiValueDict):
        params = MultiValueDict(
            {key: value if isinstance(value, list) else [value] for key, value in params.items()}
        )
    return facets.Selection.from_query(params)


class Practices(Dataset):
    title = "practices"

    def clean_params(self, params: dict) -> dict:
        selection = _selection(params)
        return {"q": selection.q, "sort": selection.sort, **selection.chosen}

    def can_export(self, user, params: dict) -> bool:
        return True  # published practices are public

    def filename(self, params: dict) -> str:
        return f"buone-pratiche-{timezone.localdate():%Y%m%d}"

    def sheets(self, params: dict) -> list[Sheet]:
        practices = facets.matching(_selection(params)).order_by("title", "pk")
        base_url = settings.APPRODO_SITE_URL

        def rows():
            queryset = practices.select_related("lead_organization").prefetch_related(
                "partners", *territory_prefetches(), "actions", "targets"
            )
            for practice in queryset.iterator(chunk_size=500):
                yield row_of(practice, base_url)

        return [
            Sheet(
                title=gettext("Good practices"),
                headers=[str(label) for label in COLUMNS],
                rows=rows(),
                expected=practices.count(),
            )
        ]


def datasets() -> dict[str, Dataset]:
    """The practices' datasets, by name (declared in PracticesConfig)."""
    return {"practices": Practices()}
