"""Input of SAI projects, coverage pages and the "what if" tool."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from approdo.core.forms import StyledFormMixin
from approdo.governance.models import HOLDER_KINDS, SaiProject
from approdo.organizations.models import Organization
from approdo.territory.models import Comune

LEVEL_CHOICES = [  # the levels of coverage.LEVELS
    ("comune", _("Comune")),
    ("zona", _("Zona distretto")),
    ("asl", _("ASL")),
    ("provincia", _("Province")),
]


def parse_hosting(text: str) -> tuple[dict[str, int | None], list[str]]:
    """'048017;048014:35' -> ({'048017': None, '048014': 35}, errors). Codes lose no zero:
    a 5-digit code gets its leading zero back (some sources drop it)."""
    hosting: dict[str, int | None] = {}
    errors = []
    for item in (part.strip() for part in (text or "").split(";")):
        if not item:
            continue
        code, _sep, places = (piece.strip() for piece in item.partition(":"))
        if code.isdigit() and len(code) == 5:
            code = "0" + code
        if code in hosting:
            errors.append(gettext("Comune %(code)s is listed twice.") % {"code": code})
            continue
        if places:
            if not places.isdigit() or int(places) < 1:
                errors.append(
                    gettext("Places of comune %(code)s must be a positive whole number.")
                    % {"code": code}
                )
                continue
            hosting[code] = int(places)
        else:
            hosting[code] = None
    return hosting, errors


def hosting_errors(places: int | None, hosting: dict[str, int | None]) -> list[str]:
    """Do the places given per comune fit the project's places?"""
    if not hosting:
        return [gettext("List at least one comune hosting places.")]
    if not places:
        return []
    given = [value for value in hosting.values() if value is not None]
    if sum(given) > places:
        return [gettext("The places given per comune exceed the project's places.")]
    if len(given) == len(hosting) and sum(given) != places:
        return [gettext("The places given per comune do not add up to the project's places.")]
    return []


def hosting_text(hosting: dict[str, int | None]) -> str:
    return ";".join(
        code if places is None else f"{code}:{places}" for code, places in sorted(hosting.items())
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class SaiProjectForm(StyledFormMixin, forms.ModelForm):
    comuni = forms.ModelMultipleChoiceField(
        label=_("Hosting comuni"),
        queryset=Comune.objects.defer("geometry").order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("Hold Ctrl (or Cmd) to choose several comuni."),
    )
    own_places = forms.CharField(
        label=_("Places per comune (optional)"),
        required=False,
        help_text=_(
            "For example 048017:30;048014:12 (ISTAT code and places). Comuni not listed here "
            "share the remaining places evenly."
        ),
    )

    class Meta:
        model = SaiProject
        fields = ["code", "holder", "manager", "type", "places", "start_date", "end_date", "status"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = Organization.objects.defer("seat").order_by("name")
        self.fields["holder"].queryset = organizations.filter(kind__in=HOLDER_KINDS)
        self.fields["manager"].queryset = organizations.exclude(kind__in=Organization.PUBLIC_KINDS)
        if self.instance.pk and not self.is_bound:
            hostings = list(self.instance.hostings.all())
            self.initial["comuni"] = [hosting.comune_id for hosting in hostings]
            self.initial["own_places"] = hosting_text(
                {h.comune_id: h.places for h in hostings if h.places is not None}
            )

    def clean(self):
        cleaned = super().clean()
        own, errors = parse_hosting(cleaned.get("own_places", ""))
        chosen = {comune.pk for comune in cleaned.get("comuni") or []}
        if chosen:
            for code in own:
                if code not in chosen:
                    errors.append(
                        gettext("Comune %(code)s is not among the hosting comuni.") % {"code": code}
                    )
            hosting = {code: own.get(code) for code in sorted(chosen)}
            errors += hosting_errors(cleaned.get("places"), hosting)
            cleaned["hosting"] = hosting
        if errors:
            self.add_error("own_places", errors)
        return cleaned


class CoverageForm(StyledFormMixin, forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=LEVEL_CHOICES, required=False)
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Projects in force in that year; empty for today."),
    )

    def values(self) -> tuple[str, int | None]:
        if not self.is_valid():
            return "zona", None
        return self.cleaned_data["level"] or "zona", self.cleaned_data["year"]


class WhatIfForm(StyledFormMixin, forms.Form):
    places = forms.IntegerField(label=_("Places"), min_value=1, max_value=10000)
    type = forms.ChoiceField(label=_("Type"), choices=SaiProject.Type.choices)
    comuni = forms.ModelMultipleChoiceField(
        label=_("Hosting comuni"),
        queryset=Comune.objects.defer("geometry").order_by("name"),
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_(
            "Choose one or more comuni: arrow keys move, Ctrl (or Cmd) and space add a comune "
            "to the choice. Places are split evenly among them."
        ),
    )
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Projects in force in that year; empty for today."),
    )
