"""Forms of events, registrations and attendance. Views validate them and call the actions
in events.py and registration.py."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from approdo.core.forms import StyledFormMixin
from approdo.organizations.models import Organization
from approdo.participation.models import AgendaItem, Event, Registration, WorkingTable

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class EventForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "slug",
            "title",
            "description",
            "kind",
            "starts_at",
            "ends_at",
            "mode",
            "place",
            "online_link",
            "capacity",
            "registration_deadline",
            "organizers",
            "calls",
        ]
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "registration_deadline": DATETIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The event cannot end before it starts."))
        deadline = data.get("registration_deadline")
        if starts and deadline and deadline > starts:
            self.add_error(
                "registration_deadline", _("Registrations must close before the event starts.")
            )
        mode = data.get("mode")
        if mode in (Event.Mode.IN_PERSON, Event.Mode.HYBRID) and not data.get("place"):
            self.add_error("place", _("Give the place of an in-person or hybrid event."))
        return data


class AgendaItemForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["starts_at", "ends_at", "title", "speakers"]
        widgets = {"starts_at": DATETIME_WIDGET, "ends_at": DATETIME_WIDGET}


AgendaFormSet = forms.modelformset_factory(
    AgendaItem, form=AgendaItemForm, extra=3, can_delete=True
)


class _TableChoiceMixin:
    def _limit_tables(self, event: Event) -> None:
        tables = WorkingTable.objects.filter(event=event)
        if tables.exists():
            self.fields["preferred_table"].queryset = tables
        else:
            del self.fields["preferred_table"]


class RegistrationForm(_TableChoiceMixin, StyledFormMixin, forms.Form):
    """Registration without an account."""

    name = forms.CharField(label=_("Name and surname"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.order_by("name"),
        required=False,
        help_text=_("Choose it from the list, or write it below if it is not listed."),
    )
    organization_name = forms.CharField(
        label=_("Organisation (if not listed)"), max_length=250, required=False
    )
    role = forms.ChoiceField(label=_("Role"), choices=Registration.Role.choices)
    preferred_table = forms.ModelChoiceField(
        label=_("Preferred table"), queryset=WorkingTable.objects.none(), required=False
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Seen only by the organisers, and deleted after the event."),
    )
    listed = forms.BooleanField(
        label=_("Show my name and organisation in the participants list"), required=False
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_tables(event)

    def clean(self):
        data = super().clean()
        if data.get("organization") is None and not (data.get("organization_name") or "").strip():
            self.add_error("organization_name", _("Choose your organisation or write its name."))
        return data


class OneClickForm(_TableChoiceMixin, StyledFormMixin, forms.Form):
    """Registration of a signed-in person: the rest comes from the account."""

    role = forms.ChoiceField(label=_("Role"), choices=Registration.Role.choices)
    preferred_table = forms.ModelChoiceField(
        label=_("Preferred table"), queryset=WorkingTable.objects.none(), required=False
    )
    accessibility_needs = RegistrationForm.base_fields["accessibility_needs"]
    listed = RegistrationForm.base_fields["listed"]

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_tables(event)


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(r.pk, r.name) for r in registrations]
