"""Forms of the pipeline and of the meetings with institutions."""

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from approdo.core import uploads
from approdo.core.forms import StyledFormMixin
from approdo.core.uploads import UploadField
from approdo.governance.models import FollowUpAction, Meeting, MeetingAttachment, PipelineEntry
from approdo.governance.pipeline import allowed_targets
from approdo.organizations import permissions as base
from approdo.organizations.models import Membership, Organization, User
from approdo.territory.models import ASL, Comune, Province, Zona

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def staff_users():
    """People who may own pipeline entries and follow-up actions: the network's staff."""
    ids = Membership.objects.filter(role__in=base.STAFF_ROLES).values("user")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("first_name", "email")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_FORMAT)


class MoveForm(StyledFormMixin, forms.Form):
    """Move an entry to one of the statuses its current one allows."""

    status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def __init__(self, *args, entry: PipelineEntry, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (status, PipelineEntry.Status(status).label) for status in allowed_targets(entry.status)
        ]


class EntryForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = PipelineEntry
        fields = ["owner", "next_step", "next_step_due", "notes"]
        widgets = {"next_step_due": DateInput(), "notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_users()


class PipelineFilterForm(StyledFormMixin, forms.Form):
    asl = forms.ModelChoiceField(
        label=_("ASL"), queryset=ASL.objects.defer("geometry"), required=False, to_field_name="slug"
    )
    zona = forms.ModelChoiceField(
        label=_("Zona distretto"),
        queryset=Zona.objects.defer("geometry"),
        required=False,
        to_field_name="slug",
    )
    kind = forms.ChoiceField(
        label=_("Kind of body"),
        choices=[("", pgettext_lazy("every kind of body", "All"))]
        + list(PipelineEntry.BodyKind.choices),
        required=False,
    )


class SeedForm(forms.Form):
    zona = forms.ModelChoiceField(
        label=_("Zona distretto"),
        queryset=Zona.objects.defer("geometry"),
        to_field_name="slug",
    )


class MeetingForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "type",
            "title",
            "starts_at",
            "ends_at",
            "mode",
            "place",
            "asls",
            "zone",
            "provinces",
            "comuni",
            "organizations",
            "participants",
            "agenda",
            "minutes",
            "decisions",
            "pipeline_entries",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "participants": forms.Textarea(attrs={"rows": 3}),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ["starts_at", "ends_at"]:
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
        self.fields["asls"].queryset = ASL.objects.defer("geometry")
        self.fields["zone"].queryset = Zona.objects.defer("geometry")
        self.fields["provinces"].queryset = Province.objects.defer("geometry")
        self.fields["comuni"].queryset = Comune.objects.defer("geometry")
        self.fields["organizations"].queryset = Organization.objects.order_by("name")
        self.fields["pipeline_entries"].queryset = PipelineEntry.objects.with_bodies()
        self.fields["minutes"].help_text = _(
            "Never published: only staff and the officers of the meeting's territories read them."
        )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The meeting cannot end before it starts."))
        return cleaned


class FollowUpActionForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = FollowUpAction
        fields = ["description", "owner", "owner_name", "due_date", "status"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = staff_users()


class BaseFollowUpActionFormSet(BaseInlineFormSet):
    def changes(self) -> tuple[list[dict], list[FollowUpAction]]:
        """What the valid formset asks for, as governance.actions takes it: the follow-up
        actions to save (their fields, `existing` the action changed or None for a new one)
        and the existing actions to remove. Untouched rows are left out."""
        fields = FollowUpActionForm.Meta.fields
        saved, removed = [], []
        for form in self.initial_forms:
            if form.instance.pk is None:
                continue
            if self._should_delete_form(form):
                removed.append(form.instance)
            elif form.has_changed():
                saved.append({"existing": form.instance, **_values(form, fields)})
        for form in self.extra_forms:
            if form.has_changed() and not self._should_delete_form(form):
                saved.append({"existing": None, **_values(form, fields)})
        return saved, removed


def _values(form, fields: list[str]) -> dict:
    return {name: form.cleaned_data[name] for name in fields}


FollowUpActionFormSet = inlineformset_factory(
    Meeting,
    FollowUpAction,
    form=FollowUpActionForm,
    formset=BaseFollowUpActionFormSet,
    extra=3,
    can_delete=True,
)


class AttachmentForm(StyledFormMixin, forms.ModelForm):
    file = UploadField(
        label=_("File"),
        allowed=uploads.DOCUMENTS,
        max_bytes=MAX_UPLOAD_BYTES,
        help_text=_("PDF, office documents, CSV, text or images, at most 10 MB."),
    )

    class Meta:
        model = MeetingAttachment
        fields = ["title", "file"]


class MeetingFilterForm(StyledFormMixin, forms.Form):
    type = forms.ChoiceField(
        label=_("Type"),
        choices=[("", pgettext_lazy("every type of meeting", "All"))] + list(Meeting.Type.choices),
        required=False,
    )
    asl = forms.ModelChoiceField(
        label=_("ASL"), queryset=ASL.objects.defer("geometry"), required=False, to_field_name="slug"
    )
    zona = forms.ModelChoiceField(
        label=_("Zona distretto"),
        queryset=Zona.objects.defer("geometry"),
        required=False,
        to_field_name="slug",
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
