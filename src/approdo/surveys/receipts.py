"""The receipt of a submitted response: its summary, a PDF copy and the e-mail to the sender."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from approdo.surveys import rendering
from approdo.surveys.models import SurveyResponse


def receipt_context(response: SurveyResponse, language: str | None = None) -> dict:
    schema = response.version.schema
    chosen = rendering.choose_language(schema, language)
    key = chosen.key if chosen else None
    return {
        "response": response,
        "campaign": response.campaign,
        "organization": response.organization,
        "rows": rendering.summary(schema, response.answers, key),
        "content_language": chosen.code if chosen else "",
        "site_name": settings.APPRODO_SITE_NAME,
    }


def receipt_pdf(response: SurveyResponse, language: str | None = None) -> bytes | None:
    """The receipt as a PDF, or None where WeasyPrint cannot run."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError):
        return None
    html = render_to_string(
        "surveys/respond/receipt_print.html", receipt_context(response, language)
    )
    return HTML(string=html, base_url=settings.APPRODO_SITE_URL).write_pdf()


def send_receipt(response_id: int, user_id: int, language: str) -> None:
    """E-mail the receipt, with the PDF copy attached, to the user who submitted."""
    from django.contrib.auth import get_user_model

    response = SurveyResponse.objects.select_related("campaign", "organization", "version").get(
        pk=response_id
    )
    user = get_user_model().objects.get(pk=user_id)
    with translation.override(language):
        context = receipt_context(response, language)
        path = reverse("surveys:response-receipt", kwargs={"instance_id": response.instance_id})
        context["url"] = settings.APPRODO_SITE_URL + path
        subject = gettext("Receipt: %(campaign)s") % {"campaign": response.campaign.title}
        message = EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body=render_to_string("surveys/respond/receipt_email.txt", context),
            to=[user.email],
        )
        message.attach_alternative(
            render_to_string("surveys/respond/receipt_email.html", context), "text/html"
        )
        pdf = receipt_pdf(response, language)
        if pdf:
            message.attach(f"ricevuta-{response.instance_id}.pdf", pdf, "application/pdf")
        message.send()
