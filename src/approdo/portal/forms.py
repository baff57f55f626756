from django import forms
from django.utils.translation import gettext_lazy as _

from approdo.core.forms import StyledFormMixin
from approdo.portal.models import FeedbackReport


class FeedbackForm(StyledFormMixin, forms.ModelForm):
    # Left empty by people; bots fill every field.
    leave_empty = forms.CharField(required=False, label=_("Leave this field empty"))

    class Meta:
        model = FeedbackReport
        fields = ["page_url", "message", "is_accessibility", "email"]
        labels = {"page_url": _("Address of the page (optional)")}
        help_texts = {
            "message": _("Describe the problem. Do not include personal data about other people."),
            "email": _("Optional: we answer within 30 days."),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}

    def clean_leave_empty(self):
        if self.cleaned_data["leave_empty"]:
            raise forms.ValidationError(_("This field must be left empty."))
        return ""
