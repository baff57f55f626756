from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from approdo.core.forms import StyledFormMixin
from approdo.organizations import permissions
from approdo.organizations.models import Organization, Role, User
from approdo.territory.models import ASL, Zona

TERRITORY_LINK_HELP = {
    "unione": _("Unioni dei Comuni only: the union this organisation is."),
    "sds": _("Società della Salute only: the one this organisation is."),
}


def _order_choices(form) -> None:
    for name in ("seat", "unione", "sds"):
        if name in form.fields:
            form.fields[name].queryset = form.fields[name].queryset.order_by("name")


def _check_territory_link(form, data: dict) -> None:
    kind = data.get("kind")
    if data.get("unione") and kind != Organization.Kind.UNIONE_COMUNI:
        form.add_error("unione", _("Only a Unione dei Comuni is linked to a Unione."))
    if data.get("sds") and kind != Organization.Kind.SDS:
        form.add_error("sds", _("Only a Società della Salute is linked to one."))


class OrganizationForm(StyledFormMixin, forms.ModelForm):
    """An organisation's data. For people without a regional role (`user`), the locked fields
    (Organization.LOCKED_FIELDS) are shown read-only and whatever is posted for them is ignored;
    regional roles also state whether the territory link is verified."""

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    territory_verified = forms.BooleanField(
        label=_("Territory link verified"),
        required=False,
        help_text=_(
            "Tick once you have checked that this organisation is the Comune of its seat, or the "
            "Unione or Società della Salute above: its members then see that body's governance "
            "records. Changing the kind, seat, Unione or SdS clears it."
        ),
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "kind",
            "tax_code",
            "ipa_code",
            "runts_number",
            "seat",
            "address",
            "email",
            "pec",
            "phone",
            "website",
            "unione",
            "sds",
        ]
        help_texts = {
            **TERRITORY_LINK_HELP,
            "ipa_code": _("Public bodies: the code in the IPA index."),
            "runts_number": _("Third-sector bodies: the number in the RUNTS register."),
            "seat": _("The comune where the organisation has its seat."),
            "pec": _("Certified e-mail address (posta elettronica certificata)."),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _order_choices(self)
        self.fields["email"].widget.attrs.setdefault("autocomplete", "email")
        self.fields["phone"].widget.attrs.setdefault("autocomplete", "tel")
        self.locked = not permissions.can_edit_locked_fields(user)
        if self.locked:
            del self.fields["territory_verified"]
            for name in Organization.LOCKED_FIELDS:
                # A disabled field keeps the stored value whatever the request carries.
                self.fields[name].disabled = True
        else:
            self.fields["territory_verified"].initial = self.instance.territory_verified

    def clean_tax_code(self) -> str:
        return "".join(self.cleaned_data["tax_code"].split()).upper()

    def clean(self):
        data = super().clean()
        _check_territory_link(self, data)
        return data

    def changed_values(self) -> dict:
        """The changed model fields, for actions.update_organization."""
        return {
            name: self.cleaned_data[name]
            for name in self.changed_data
            if name != "territory_verified"
        }

    def verification(self) -> bool | None:
        """The verification as ticked (None when the form does not offer it)."""
        if "territory_verified" not in self.fields:
            return None
        return self.cleaned_data["territory_verified"]


class ChangeRequestForm(StyledFormMixin, forms.ModelForm):
    """The locked fields of an organisation as its manager would have them, and why."""

    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the deed of the merger, or the correct tax code."),
    )

    class Meta:
        model = Organization
        fields = list(Organization.LOCKED_FIELDS)
        help_texts = TERRITORY_LINK_HELP

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _order_choices(self)

    def clean_tax_code(self) -> str:
        return "".join(self.cleaned_data["tax_code"].split()).upper()

    def clean(self):
        data = super().clean()
        _check_territory_link(self, data)
        return data

    def proposed(self) -> dict:
        return {name: self.cleaned_data[name] for name in Organization.LOCKED_FIELDS}


class ChangeRequestDecisionForm(StyledFormMixin, forms.Form):
    verify = forms.BooleanField(
        label=_("Also verify the territory link"),
        required=False,
        help_text=_("Tick once you have checked that the organisation is the body it says."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def clean_ipa_code(self) -> str:
        return self.cleaned_data["ipa_code"].strip()


class OrganizationFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Organization.Kind.choices]
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        choices=[("", _("All sectors")), *Organization.Sector.choices],
    )

    def filter(self, organizations):
        data = self.cleaned_data
        organizations = organizations.matching(data.get("q", ""))
        if data.get("kind"):
            organizations = organizations.filter(kind=data["kind"])
        if data.get("sector"):
            organizations = organizations.in_sector(data["sector"])
        return organizations


class RoleScopeForm(StyledFormMixin, forms.Form):
    """A role among those the current person may grant, with a scope for territory officers."""

    role = forms.ChoiceField(label=_("Role"))
    zona = forms.ModelChoiceField(
        label=_("Zona distretto"),
        queryset=Zona.objects.order_by("name"),
        required=False,
        help_text=_("Territory officers only: the zona distretto they follow."),
    )
    asl = forms.ModelChoiceField(
        label=_("ASL"),
        queryset=ASL.objects.order_by("name"),
        required=False,
        help_text=_("Territory officers only: the ASL they follow."),
    )

    def __init__(self, *args, roles: list[Role], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role.value, role.label) for role in roles]
        if Role.TERRITORY_VIEWER not in roles:
            del self.fields["zona"]
            del self.fields["asl"]

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.TERRITORY_VIEWER and not (data.get("zona") or data.get("asl")):
            self.add_error("zona", _("A territory officer needs a zona distretto or an ASL."))
        return data

    def scope(self) -> dict:
        return {"zona": self.cleaned_data.get("zona"), "asl": self.cleaned_data.get("asl")}


class InviteForm(RoleScopeForm):
    email = forms.EmailField(label=_("E-mail address"))
    field_order = ["email", "role", "zona", "asl"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.setdefault("autocomplete", "off")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class NewAccountForm(StyledFormMixin, forms.Form):
    """The invited person's name and password; the e-mail address comes from the invitation."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters, not too common and not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs.setdefault("autocomplete", "given-name")
        self.fields["last_name"].widget.attrs.setdefault("autocomplete", "family-name")

    def clean(self):
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password1:
            candidate = User(
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
