"""Forms coordinators use to run campaigns and review responses."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from approdo.core.forms import StyledFormMixin
from approdo.organizations.models import Organization
from approdo.reports.models import Format
from approdo.surveys.models import Campaign, SurveyResponse
from approdo.territory.models import ASL, Zona

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
RESERVED_SLUGS = frozenset({"nuova", "risposte"})  # paths under gestione/


def _checked_size(file):
    if file.size > settings.APPRODO_XLSFORM_MAX_BYTES:
        raise forms.ValidationError(
            _("The file is larger than the %(size)s MB allowed.")
            % {"size": round(settings.APPRODO_XLSFORM_MAX_BYTES / 1024 / 1024, 1)}
        )
    return file


def _datetime_field(label, *, required: bool) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        help_text=_("Italian time (Europe/Rome)."),
    )


class CampaignForm(StyledFormMixin, forms.ModelForm):
    """Title, description, dates and audience of a campaign."""

    opens_at = _datetime_field(_("Opens"), required=True)
    closes_at = _datetime_field(_("Closes (deadline)"), required=False)
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of organisation"),
        required=False,
        choices=Organization.Kind.choices,
        help_text=_("Every organisation of these kinds (in the territory below, if any)."),
    )

    class Meta:
        model = Campaign
        fields = [
            "title",
            "description",
            "opens_at",
            "closes_at",
            "organizations",
            "kinds",
            "zone",
            "asls",
            "open_to_all",
            "many_responses",
            "reminder_days",
        ]
        help_texts = {
            "organizations": _("Organisations invited by name."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizations"].queryset = Organization.objects.order_by("name")
        self.fields["zone"].queryset = Zona.objects.order_by("name")
        self.fields["asls"].queryset = ASL.objects.order_by("name")
        self.fields["description"].widget.attrs["rows"] = 4
        for name in ("organizations", "kinds", "zone", "asls"):
            self.fields[name].widget.attrs.update(
                {"size": 8, "class": "form-select survey-multiple"}
            )

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The closing time must come after the opening time."))
        return data

    def values(self) -> dict:
        """The cleaned values, as keyword arguments of the campaign actions."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CampaignCreateForm(CampaignForm):
    slug = forms.SlugField(
        label=_("Code"),
        max_length=100,
        help_text=_("Used in addresses: lowercase letters, digits and -."),
    )
    xlsform = forms.FileField(
        label=_("XLSForm file"),
    )

    field_order = ["xlsform", "slug", "title"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Formatted per request: a lazy text formatted at import would stay in Italian.
        self.fields["xlsform"].help_text = gettext(
            "An .xlsx, .xls or .md XLSForm, at most %(size)s MB."
        ) % {"size": settings.APPRODO_XLSFORM_MAX_BYTES // (1024 * 1024)}
        self.fields["xlsform"].widget.attrs["accept"] = ".xlsx,.xls,.md"
        if not self.is_bound:
            self.initial.setdefault(
                "opens_at", timezone.localtime().replace(second=0, microsecond=0)
            )

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This code is reserved: choose another."))
        if Campaign.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("A campaign with this code already exists."))
        return slug

    def clean_xlsform(self):
        return _checked_size(self.cleaned_data["xlsform"])


class VersionUploadForm(StyledFormMixin, forms.Form):
    xlsform = forms.FileField(
        label=_("XLSForm file"),
        help_text=_("The same form (same form_id), changed: it becomes the next version."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["xlsform"].widget.attrs["accept"] = ".xlsx,.xls,.md"

    def clean_xlsform(self):
        return _checked_size(self.cleaned_data["xlsform"])


class ReopenForm(StyledFormMixin, forms.Form):
    until = _datetime_field(_("Reopened until"), required=True)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return until


class InviteForm(forms.Form):
    resend = forms.BooleanField(required=False)


class ReviewForm(StyledFormMixin, forms.Form):
    """One review transition; a note is required to request changes or reject."""

    action = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("start_review", _("Start review")),
            ("validate", _("Validate")),
            ("request_changes", _("Request changes")),
            ("reject", _("Reject")),
        ],
    )
    note = forms.CharField(
        label=_("Note to the organisation"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to request changes or to reject; it goes into the comment thread."),
    )

    def clean(self):
        data = super().clean()
        if data.get("action") in {"request_changes", "reject"} and not data.get("note", "").strip():
            self.add_error("note", _("Explain what the organisation should change or why."))
        return data


class BulkReviewForm(ReviewForm):
    responses = forms.ModelMultipleChoiceField(
        label=_("Responses"),
        queryset=SurveyResponse.objects.none(),
        to_field_name="instance_id",
        error_messages={"required": _("Select at least one response.")},
    )

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        if queryset is not None:
            self.fields["responses"].queryset = queryset


class CommentForm(StyledFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class ReviewFilterForm(StyledFormMixin, forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        required=False,
        queryset=Campaign.objects.order_by("title"),
        to_field_name="slug",
        empty_label=_("All campaigns"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("All statuses")),
            *[c for c in SurveyResponse.Status.choices if c[0] != SurveyResponse.Status.DRAFT],
        ],
    )
    zona = forms.ModelChoiceField(
        label=_("Zona distretto"),
        required=False,
        queryset=Zona.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("All zone"),
    )
    asl = forms.ModelChoiceField(
        label=_("ASL"),
        required=False,
        queryset=ASL.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("All ASL"),
    )
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        required=False,
        choices=[("", _("All kinds")), *Organization.Kind.choices],
    )

    def filter(self, responses):
        data = self.cleaned_data
        if data.get("campaign"):
            responses = responses.filter(campaign=data["campaign"])
        if data.get("status"):
            responses = responses.filter(status=data["status"])
        if data.get("kind"):
            responses = responses.filter(organization__kind=data["kind"])
        if data.get("zona"):
            responses = responses.seated_in(zona=data["zona"])
        if data.get("asl"):
            responses = responses.seated_in(asl=data["asl"])
        return responses


class ResponseExportForm(StyledFormMixin, forms.Form):
    """What a coordinator or analyst chooses before exporting a campaign's responses: the
    parameters of the "survey_responses" dataset (see surveys/exports.py)."""

    fmt = forms.ChoiceField(label=_("File format"), choices=Format.choices, initial=Format.XLSX)
    labels = forms.ChoiceField(
        label=_("Answers as"),
        choices=[
            ("codes", _("Codes, as in the XLSForm (for analysis software)")),
            ("labels", _("Labels, as people read them")),
        ],
        initial="codes",
    )
    language = forms.ChoiceField(
        label=_("Language of the labels"),
        required=False,
        help_text=_("Used when answers are exported as labels."),
    )
    drafts = forms.BooleanField(label=_("Include drafts not sent yet"), required=False)

    def __init__(self, *args, languages: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            ("", _("The questionnaire's default language")),
            *[(language, language) for language in languages],
        ]

    def params(self, campaign: Campaign) -> dict:
        data = self.cleaned_data
        return {
            "campaign": campaign.slug,
            "labels": data["labels"],
            "language": data["language"],
            "drafts": "yes" if data["drafts"] else "",
        }
