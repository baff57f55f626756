"""Forms of the guidelines: creating one from published reports, editing a draft, and a
zona's uptake of every recommendation in one page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from approdo.core.forms import StyledFormMixin
from approdo.participation.guidelines import RESERVED_SLUGS
from approdo.participation.models import Guideline, SynthesisReport, Uptake


class ReportChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.table.event.title}: {obj.table.number}. {obj.table.title}"


class GuidelineCreateForm(StyledFormMixin, forms.Form):
    slug = forms.SlugField(
        label=_("Code"),
        max_length=100,
        help_text=_("Letters, digits and hyphens; it becomes the address of the guideline."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    introduction = forms.CharField(label=_("Introduction"), widget=forms.Textarea, required=False)
    reports = ReportChoiceField(
        label=_("Source reports"),
        queryset=SynthesisReport.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each report becomes a section holding its recommendations."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reports"].queryset = (
            SynthesisReport.objects.filter(status=SynthesisReport.Status.PUBLISHED)
            .select_related("table__event")
            .order_by("-table__event__starts_at", "table__number")
        )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS or Guideline.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("This code is already used."))
        return slug


class GuidelineEditForm(StyledFormMixin, forms.Form):
    """The draft's title and introduction, and every section title and item text."""

    title = forms.CharField(label=_("Title"), max_length=300)
    introduction = forms.CharField(label=_("Introduction"), widget=forms.Textarea, required=False)
    new_section = forms.CharField(
        label=_("Add a section"),
        max_length=300,
        required=False,
        help_text=_("Title of a new, empty section at the end."),
    )

    def __init__(self, *args, guideline: Guideline, sections, **kwargs):
        kwargs.setdefault(
            "initial", {"title": guideline.title, "introduction": guideline.introduction}
        )
        super().__init__(*args, **kwargs)
        self.sections = sections
        for section in sections:
            self.fields[f"section-{section.pk}"] = forms.CharField(
                label=_("Title of section %(number)s") % {"number": section.order},
                max_length=300,
                initial=section.title,
            )
            for item in section.items.all():
                self.fields[f"item-{item.pk}"] = forms.CharField(
                    label=_("Recommendation %(section)s.%(number)s")
                    % {"section": section.order, "number": item.order},
                    widget=forms.Textarea(attrs={"rows": 3}),
                    initial=item.text,
                )

    def section_fields(self):
        """(section bound field, [item bound fields]) in order, for the template."""
        return [
            (self[f"section-{s.pk}"], [self[f"item-{i.pk}"] for i in s.items.all()])
            for s in self.sections
        ]


class UptakeForm(StyledFormMixin, forms.Form):
    """Status, note and plan link of every item of a guideline for one zona. An item never
    recorded may stay "not recorded"; once recorded it keeps a status."""

    def __init__(self, *args, items, uptakes: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        self.uptakes = uptakes
        for item in items:
            current = uptakes.get(item.pk)
            choices = list(Uptake.Status.choices)
            if current is None:
                choices = [("", _("Not recorded")), *choices]
            self.fields[f"status-{item.pk}"] = forms.ChoiceField(
                label=_("Status"),
                choices=choices,
                required=current is not None,
                initial=current.status if current else "",
            )
            self.fields[f"note-{item.pk}"] = forms.CharField(
                label=_("Note"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=current.note if current else "",
            )
            self.fields[f"plan_url-{item.pk}"] = forms.URLField(
                label=_("Link to the zonal plan"),
                required=False,
                assume_scheme="https",
                initial=current.plan_url if current else "",
            )

    def rows(self):
        """(item, status, note, plan_url bound fields) per item, for the template."""
        return [
            (
                item,
                self[f"status-{item.pk}"],
                self[f"note-{item.pk}"],
                self[f"plan_url-{item.pk}"],
            )
            for item in self.items
        ]

    def changed_entries(self) -> list[dict]:
        """The items whose values differ from what is recorded (all-blank new rows skipped)."""
        entries = []
        for item in self.items:
            status = self.cleaned_data[f"status-{item.pk}"]
            note = self.cleaned_data[f"note-{item.pk}"]
            plan_url = self.cleaned_data[f"plan_url-{item.pk}"]
            current = self.uptakes.get(item.pk)
            if current is None and not status:
                if note or plan_url:
                    self.add_error(f"status-{item.pk}", _("Choose a status to record a note."))
                continue
            if current is not None and (current.status, current.note, current.plan_url) == (
                status,
                note,
                plan_url,
            ):
                continue
            entries.append({"item": item, "status": status, "note": note, "plan_url": plan_url})
        return entries
