"""Input of the editorial pages, the public contact forms and the import (one form per row)."""

from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from approdo.core import uploads
from approdo.core.forms import StyledFormMixin
from approdo.core.uploads import UploadField
from approdo.organizations.models import Organization
from approdo.practices.actions import MAPPABLE_FIELDS
from approdo.practices.models import (
    BeneficiaryCount,
    FieldMapping,
    Practice,
    PracticeAssessment,
)
from approdo.taxonomy.models import Action, TargetGroup
from approdo.territory.models import Comune, Zona

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class PracticeForm(StyledFormMixin, forms.ModelForm):
    """Every field of a practice, for coordinators. Lists are entered one item per line."""

    funding_sources = forms.CharField(
        label=_("Funding sources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    links = forms.CharField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: title | address (https://...)."),
    )
    beneficiaries_total = forms.IntegerField(
        label=_("Total beneficiaries"), required=False, min_value=0
    )
    beneficiaries_women = forms.IntegerField(label=_("of whom women"), required=False, min_value=0)
    beneficiaries_minors = forms.IntegerField(
        label=_("of whom minors"), required=False, min_value=0
    )

    class Meta:
        model = Practice
        fields = [
            "title",
            "summary",
            "description",
            "status",
            "start_date",
            "end_date",
            "lead_organization",
            "partners",
            "zone",
            "comuni",
            "actions",
            "targets",
            "funding_sources",
            "results",
            "evidence",
            "innovation",
            "transferability",
            "sustainability",
            "difficulties",
            "links",
            "image",
            "image_alt",
            "contact_name",
            "contact_email",
            "confirmed_at",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "confirmed_at": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 3}),
            **{
                name: forms.Textarea(attrs={"rows": 4})
                for name in (
                    "description",
                    "results",
                    "evidence",
                    "innovation",
                    "transferability",
                    "sustainability",
                    "difficulties",
                )
            },
            **{
                name: forms.SelectMultiple(attrs={"size": 8})
                for name in ("partners", "zone", "comuni", "actions", "targets")
            },
        }
        help_texts = {
            "contact_email": _("Never shown publicly: messages are relayed by the site."),
            "zone": _("The zone of the comuni chosen are added automatically."),
            "image_alt": _("Describe the image for people who cannot see it."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organization"].queryset = Organization.objects.order_by("name")
        self.fields["partners"].queryset = Organization.objects.order_by("name")
        self.fields["comuni"].queryset = Comune.objects.defer("geometry").order_by("name")
        self.fields["zone"].queryset = Zona.objects.defer("geometry").order_by("name")
        self.fields["actions"].queryset = Action.objects.all()
        self.fields["targets"].queryset = TargetGroup.objects.all()
        if self.instance.pk:
            self.initial["funding_sources"] = "\n".join(self.instance.funding_sources or [])
            self.initial["links"] = "\n".join(
                f"{link.get('title', '')} | {link.get('url', '')}"
                for link in self.instance.links or []
            )
            counts = {row.category: row.count for row in self.instance.beneficiary_counts.all()}
            for category in BeneficiaryCount.Category.values:
                self.initial[f"beneficiaries_{category}"] = counts.get(category)

    def clean_funding_sources(self) -> list[str]:
        lines = self.cleaned_data["funding_sources"].splitlines()
        return [line.strip() for line in lines if line.strip()]

    def clean_links(self) -> list[dict]:
        links = []
        for number, line in enumerate(self.cleaned_data["links"].splitlines(), start=1):
            if not line.strip():
                continue
            title, _sep, url = line.rpartition("|")
            url = url.strip()
            try:
                URLValidator(schemes=["http", "https"])(url)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("Line %(number)s: “%(url)s” is not a web address."),
                    params={"number": number, "url": url},
                ) from None
            links.append({"title": title.strip() or url, "url": url})
        return links

    def clean(self):
        data = super().clean()
        total = data.get("beneficiaries_total")
        for name in ("beneficiaries_women", "beneficiaries_minors"):
            if data.get(name) is not None and (total is None or data[name] > total):
                self.add_error(name, _("It cannot exceed the total number of beneficiaries."))
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end cannot come before the start."))
        if data.get("status") == Practice.Status.ENDED and not end:
            self.add_error("end_date", _("Enter the end date of a practice that has ended."))
        if data.get("image") and not data.get("image_alt"):
            self.add_error("image_alt", _("Describe the image for people who cannot see it."))
        return data

    def values(self) -> tuple[dict, dict, dict]:
        """(data, relations, beneficiaries) for the actions."""
        data = {
            name: self.cleaned_data[name]
            for name in self.Meta.fields
            if name not in ("partners", "zone", "comuni", "actions", "targets")
        }
        if data["image"] is None:
            data.pop("image")  # no upload: keep the current image
        elif data["image"] is False:
            data["image"] = ""  # "clear" ticked
        relations = {
            name: list(self.cleaned_data[name])
            for name in ("partners", "zone", "comuni", "actions", "targets")
        }
        beneficiaries = {
            category: self.cleaned_data[f"beneficiaries_{category}"]
            for category in BeneficiaryCount.Category.values
        }
        return data, relations, beneficiaries


def translation_languages() -> list[tuple[str, str]]:
    """Every interface language but Italian, the original."""
    return [(code, name) for code, name in settings.LANGUAGES if code != "it"]


class TranslationsForm(StyledFormMixin, forms.Form):
    """Title and summary in each other language (optional)."""

    def __init__(self, *args, practice: Practice | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        existing = {row.language: row for row in practice.translations.all()} if practice else {}
        for code, name in translation_languages():
            row = existing.get(code)
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title (%(language)s)") % {"language": name},
                required=False,
                max_length=250,
                initial=row.title if row else "",
            )
            self.fields[f"summary_{code}"] = forms.CharField(
                label=_("Summary (%(language)s)") % {"language": name},
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=row.summary if row else "",
            )

    def clean(self):
        data = super().clean()
        for code, _name in translation_languages():
            if data.get(f"title_{code}") and not data.get(f"summary_{code}"):
                self.add_error(f"summary_{code}", _("A translated title needs its summary."))
        return data

    def texts(self) -> dict[str, tuple[str, str]]:
        return {
            code: (self.cleaned_data[f"title_{code}"], self.cleaned_data[f"summary_{code}"])
            for code, _name in translation_languages()
        }


class AssessmentForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = PracticeAssessment
        fields = [
            name
            for criterion, _label in PracticeAssessment.CRITERIA
            for name in (criterion, f"{criterion}_note")
        ]
        widgets = {
            **{
                criterion: forms.RadioSelect(choices=[("", _("not scored"))])
                for criterion, _label in PracticeAssessment.CRITERIA
            },
            **{
                f"{criterion}_note": forms.Textarea(attrs={"rows": 2})
                for criterion, _label in PracticeAssessment.CRITERIA
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion, _label in PracticeAssessment.CRITERIA:
            field = self.fields[criterion]
            field.widget = forms.RadioSelect()
            field.choices = [(value, label) for value, label in field.choices if value != ""]
            field.required = False

    def criteria(self) -> list[tuple]:
        return [
            (label, self[criterion], self[f"{criterion}_note"])
            for criterion, label in PracticeAssessment.CRITERIA
        ]


class AttachmentForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title of the attachment"), max_length=250)
    file = UploadField(
        label=_("File"),
        allowed=uploads.PDF_ONLY,
        max_bytes=MAX_UPLOAD_BYTES,
        help_text=_("PDF, at most 10 MB."),
    )


class ListFilterForm(forms.Form):
    STATES = [
        ("", _("All")),
        ("draft", _("Drafts")),
        ("published", _("Published")),
        ("reconfirm", _("To re-confirm")),
    ]
    state = forms.ChoiceField(label=_("State"), choices=STATES, required=False)
    q = forms.CharField(label=_("Title or code contains"), required=False, max_length=200)


class ReconfirmForm(forms.Form):
    practices = forms.ModelMultipleChoiceField(
        label=_("Practices"), queryset=Practice.objects.all(), to_field_name="code"
    )


class HoneypotMixin(forms.Form):
    # Left empty by people; bots fill every field.
    leave_empty = forms.CharField(required=False, label=_("Leave this field empty"))

    def clean_leave_empty(self):
        if self.cleaned_data["leave_empty"]:
            raise forms.ValidationError(_("This field must be left empty."))
        return ""


class PracticeMessageForm(StyledFormMixin, HoneypotMixin, forms.Form):
    """What the public writes about a published practice: a message to the people running it
    (relayed by e-mail, so they need a name and an address to answer) or a report to the
    editorial staff that something has changed. Each address of the form presets the choice;
    a practice without a contact offers the report only."""

    CONTACT = "contact"
    UPDATE = "update"

    kind = forms.ChoiceField(label=_("What would you like to do?"), widget=forms.RadioSelect)
    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        required=False,
        help_text=_("Needed to write to the project."),
    )
    email = forms.EmailField(
        label=_("Your e-mail"),
        required=False,
        help_text=_(
            "Needed to write to the project, which will answer you at this address. For an "
            "update it is optional: give it if we may ask you for details."
        ),
    )
    body = forms.CharField(
        label=_("Message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Do not include personal data about other people."),
    )
    field_order = ["kind", "name", "email", "body", "leave_empty"]

    def __init__(self, *args, preset: str, can_contact: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [
            (self.CONTACT, _("Write to the people running the project")),
            (self.UPDATE, _("Tell the editorial staff that something has changed")),
        ]
        self.fields["kind"].choices = choices if can_contact else choices[1:]
        self.initial["kind"] = preset
        name = self.add_prefix("kind")
        if self.is_bound and not self.data.get(name):  # posted without the choice: the preset
            self.data = self.data.copy()
            self.data[name] = preset

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == self.CONTACT:
            for name in ("name", "email"):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, self.fields[name].error_messages["required"])
        return cleaned


class MappingForm(StyledFormMixin, forms.Form):
    """The consent question plus, for each question of the form, the practice field it fills
    and the publishable part it requires."""

    consent_question = forms.ChoiceField(label=_("Consent question"))

    FIELD_LABELS = {
        "title": _("title"),
        "summary": _("summary"),
        "description": _("description"),
        "status": _("status"),
        "start_date": _("start date"),
        "end_date": _("end date"),
        "comuni": _("comuni"),
        "zone": _("zone distretto"),
        "actions": _("actions"),
        "targets": _("target groups"),
        "funding_sources": _("funding sources"),
        "partners": _("partners"),
        "results": _("results"),
        "evidence": _("evidence and evaluation"),
        "innovation": _("innovation"),
        "transferability": _("transferability"),
        "sustainability": _("sustainability"),
        "difficulties": _("difficulties"),
        "contact_name": _("contact person"),
        "contact_email": _("contact e-mail"),
        "beneficiaries_total": _("total beneficiaries"),
        "beneficiaries_women": _("beneficiaries: women"),
        "beneficiaries_minors": _("beneficiaries: minors"),
    }

    def __init__(self, *args, questions: list[tuple[str, str]], mapping=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        names = [(name, f"{label} ({name})") for name, label in questions]
        self.fields["consent_question"].choices = [("", "-")] + names
        rules = {rule["question"]: rule for rule in (mapping.rules if mapping else [])}
        self._values = {name: rules.get(name, {}).get("values") for name, _label in questions}
        if mapping:
            self.initial["consent_question"] = mapping.consent_question
        targets = [("", _("not used"))] + [(f, self.FIELD_LABELS[f]) for f in MAPPABLE_FIELDS]
        for name, label in questions:
            rule = rules.get(name, {})
            self.fields[f"field__{name}"] = forms.ChoiceField(
                label=_("Practice field for “%(question)s”") % {"question": label},
                choices=targets,
                required=False,
                initial=rule.get("field", ""),
            )
            self.fields[f"requires__{name}"] = forms.CharField(
                label=_("Publishable part required for “%(question)s”") % {"question": label},
                required=False,
                max_length=100,
                initial=rule.get("requires", ""),
            )

    def rows(self) -> list[tuple]:
        return [
            (name, label, self[f"field__{name}"], self[f"requires__{name}"])
            for name, label in self.questions
        ]

    def rules(self) -> list[dict]:
        rules = []
        for name, _label in self.questions:
            target = self.cleaned_data.get(f"field__{name}")
            if not target:
                continue
            rule = {"question": name, "field": target}
            requires = self.cleaned_data.get(f"requires__{name}", "").strip()
            if requires:
                rule["requires"] = requires
            if self._values.get(name):
                rule["values"] = self._values[name]
            rules.append(rule)
        return rules


class MappingSourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, mapping) -> str:
        questionnaire = mapping.questionnaire
        return f"{questionnaire.title} ({questionnaire.slug})"


class MappingCopyForm(StyledFormMixin, forms.Form):
    """The mapping to copy onto a questionnaire: any other questionnaire's."""

    source = MappingSourceChoiceField(
        label=_("Copy the field mapping of"),
        queryset=FieldMapping.objects.none(),
        empty_label=_("Choose a questionnaire"),
        help_text=_(
            "Rules are copied for the questions with the same name; the others are listed."
        ),
    )

    def __init__(self, *args, questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = (
            FieldMapping.objects.exclude(questionnaire=questionnaire)
            .select_related("questionnaire")
            .order_by("questionnaire__title")
        )
