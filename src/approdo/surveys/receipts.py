"""The receipt of a submitted response: its summary and a PDF copy (tasks.send_receipt e-mails
them to whoever submitted)."""

from django.conf import settings
from django.template.loader import render_to_string

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
