"""Forms of calls, applications, reviews and monitoring."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from approdo.core import uploads
from approdo.core.forms import StyledFormMixin
from approdo.core.uploads import UploadField
from approdo.funding import permissions
from approdo.funding.models import (
    Call,
    CallDocument,
    EvaluationCriterion,
    Indicator,
    Milestone,
    Project,
    ReportingDeadline,
)
from approdo.organizations.models import Organization
from approdo.reports.forms import ImportFileField
from approdo.surveys.models import Campaign
from approdo.territory.models import Comune, Zona

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
RESERVED_SLUGS = frozenset({"nuovo", "domande", "valutazioni"})


def _datetime_field(label, *, required: bool) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        help_text=_("Italian time (Europe/Rome)."),
    )


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CallForm(StyledFormMixin, forms.ModelForm):
    opens_at = _datetime_field(_("Opens"), required=True)
    closes_at = _datetime_field(_("Closes (deadline)"), required=False)

    class Meta:
        model = Call
        fields = [
            "slug",
            "title",
            "description",
            "funding_source",
            "budget",
            "eligibility",
            "opens_at",
            "closes_at",
            "campaign",
            "statistics_public",
        ]
        help_texts = {"slug": _("Used in addresses: lowercase letters, digits and -.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.order_by("-opens_at")
        for name in ("description", "eligibility"):
            self.fields[name].widget.attrs["rows"] = 4
        if self.instance.pk:
            self.fields["slug"].disabled = True

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This code is reserved: choose another."))
        return slug

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing time must come after the opening time."))
        return data


class CriterionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = EvaluationCriterion
        fields = ["title", "description", "weight", "max_score", "position"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class DocumentForm(StyledFormMixin, forms.ModelForm):
    file = UploadField(
        label=_("File"),
        allowed=uploads.DOCUMENTS,
        max_bytes=MAX_UPLOAD_BYTES,
        help_text=_("PDF, office documents, CSV, text or images, at most 10 MB."),
    )

    class Meta:
        model = CallDocument
        fields = ["title", "file"]


class DeadlineForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ReportingDeadline
        fields = ["title", "due_date", "is_final", "campaign"]
        widgets = {"due_date": _date_widget()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.order_by("-opens_at")


class IndicatorForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["code", "name", "kind", "unit", "target"]

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if Indicator.objects.filter(call=self.call, code=code).exists():
            raise forms.ValidationError(_("This call already has an indicator with this code."))
        return code


SETUP_FORMS = {
    "criteria": CriterionForm,
    "documents": DocumentForm,
    "deadlines": DeadlineForm,
    "indicators": IndicatorForm,
}


class ProjectForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "title",
            "summary",
            "progress",
            "lead",
            "partners",
            "comuni",
            "zone",
            "actions",
            "targets",
            "requested_amount",
            "granted_amount",
            "start_date",
            "end_date",
        ]
        widgets = {"start_date": _date_widget(), "end_date": _date_widget()}
        help_texts = {
            "zone": _("The zone of the comuni are added by themselves."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = Organization.objects.order_by("name")
        self.fields["partners"].queryset = Organization.objects.order_by("name")
        self.fields["comuni"].queryset = Comune.objects.defer("geometry").order_by("name")
        self.fields["zone"].queryset = Zona.objects.defer("geometry").order_by("name")
        self.fields["summary"].widget.attrs["rows"] = 4
        for name in ("partners", "comuni", "zone", "actions", "targets"):
            self.fields[name].widget.attrs["size"] = 8

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date comes before the start date."))
        return data

    def split(self) -> tuple[dict, dict]:
        """(plain fields, relations) for actions.update_project."""
        relations = ("partners", "comuni", "zone", "actions", "targets")
        data = self.cleaned_data
        fields = {k: v for k, v in data.items() if k not in relations}
        return fields, {k: list(data[k]) for k in relations}


class StatusForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        label=_("Note for the history"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = Project.TRANSITIONS[Project.Status(project.status)]
        self.fields["status"].choices = [(s.value, s.label) for s in Project.Status if s in allowed]


class AssignReviewerForm(StyledFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Reviewer's e-mail address"),
        help_text=_("The person must already have an account."),
    )

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Nobody with this e-mail address has an account."))
        if not permissions.can_be_reviewer(user):
            raise forms.ValidationError(
                _(
                    "This person has a read-only role (analyst or territory officer) and "
                    "cannot review applications."
                )
            )
        return user


class MilestoneForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date", "done_at"]
        widgets = {"due_date": _date_widget(), "done_at": _date_widget()}


class NoConflictForm(forms.Form):
    declare = forms.BooleanField(
        label=_(
            "I declare that I have no conflict of interest with the applicant organisation, "
            "its partners or the people who wrote this application."
        )
    )


class ScoreForm(StyledFormMixin, forms.Form):
    """One score (0 to the criterion's maximum) and one comment per criterion."""

    def __init__(self, *args, criteria, scores: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            existing = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                label=_("Score for “%(criterion)s” (0 to %(max)s)")
                % {"criterion": criterion.title, "max": criterion.max_score},
                min_value=0,
                max_value=criterion.max_score,
                max_digits=6,
                decimal_places=2,
                required=False,
                initial=existing.score if existing else None,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(criterion)s”") % {"criterion": criterion.title},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=existing.comment if existing else "",
            )

    def scores(self) -> dict:
        """criterion id -> (score, comment), for the criteria given a score."""
        return {
            c.pk: (self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"])
            for c in self.criteria
            if self.cleaned_data.get(f"score_{c.pk}") is not None
        }

    def pairs(self):
        """(criterion, score field, comment field) for the template."""
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]


class IndicatorUploadForm(StyledFormMixin, forms.Form):
    file = ImportFileField(
        label=_("CSV file of indicator values"),
        help_text=_("The file downloaded from this page, with the values edited."),
    )


class ProjectImportForm(StyledFormMixin, forms.Form):
    file = ImportFileField(
        label=_("CSV or XLSX file of projects"),
        help_text=_("Columns as in the projects import guide."),
    )
    dry_run = forms.BooleanField(label=_("Only check, write nothing"), required=False)
