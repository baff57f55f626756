from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from approdo.core.forms import StyledFormMixin
from approdo.organizations.models import Organization, Role, User
from approdo.territory.models import ASL, Zona


class OrganizationForm(StyledFormMixin, forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

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
        ]
        help_texts = {
            "ipa_code": _("Public bodies: the code in the IPA index."),
            "runts_number": _("Third-sector bodies: the number in the RUNTS register."),
            "seat": _("The comune where the organisation has its seat."),
            "pec": _("Certified e-mail address (posta elettronica certificata)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seat"].queryset = self.fields["seat"].queryset.order_by("name")
        self.fields["email"].widget.attrs.setdefault("autocomplete", "email")
        self.fields["phone"].widget.attrs.setdefault("autocomplete", "tel")

    def clean_tax_code(self) -> str:
        return "".join(self.cleaned_data["tax_code"].split()).upper()

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
