"""Background work of survey campaigns: e-mails to organisations and receipts. Tasks take ids."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, send_mail
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from django_tasks import task

from approdo.organizations import permissions
from approdo.organizations.models import Membership, Organization
from approdo.surveys.models import Campaign, SurveyResponse
from approdo.surveys.receipts import receipt_context, receipt_pdf


def recipients_of(organization_ids: list[int]) -> dict[int, list[str]]:
    """organisation id -> e-mail addresses of its active managers and members."""
    rows = (
        Membership.objects.filter(
            organization_id__in=organization_ids,
            role__in=[permissions.ORG_MANAGER, permissions.ORG_MEMBER],
            user__is_active=True,
        )
        .order_by("user__email")
        .values_list("organization_id", "user__email")
    )
    addresses: dict[int, list[str]] = {}
    for organization_id, email in rows:
        addresses.setdefault(organization_id, []).append(email)
    return addresses


def site_link(url_name: str, fallback: str, **kwargs) -> str:
    """Absolute address of a page, for e-mails."""
    try:
        path = reverse(url_name, kwargs=kwargs or None)
    except NoReverseMatch:
        path = fallback
    return f"{settings.APPRODO_SITE_URL}{path}"


def _send(template: str, context: dict, to: list[str]) -> None:
    if not to:
        return
    context = {**context, "site_name": settings.APPRODO_SITE_NAME}
    subject = render_to_string(f"surveys/manage/email/{template}_subject.txt", context)
    message = render_to_string(f"surveys/manage/email/{template}_message.txt", context)
    send_mail(" ".join(subject.split()), message, settings.DEFAULT_FROM_EMAIL, to)


def _campaign_context(campaign: Campaign) -> dict:
    closes = campaign.closes_at
    return {
        "campaign": campaign,
        "closes": date_format(timezone.localtime(closes), "DATETIME_FORMAT") if closes else "",
        "link": site_link("surveys:campaign-list-mine", "/questionari/"),
    }


def send_reminder_email(campaign: Campaign, organization_id: int, days: int) -> None:
    organization = Organization.objects.get(pk=organization_id)
    context = {**_campaign_context(campaign), "organization": organization, "days": days}
    _send("reminder", context, recipients_of([organization_id]).get(organization_id, []))


@task()
def send_campaign_invitations(campaign_id: int, organization_ids: list[int]) -> None:
    """E-mail the invitation to the managers and members of each organisation."""
    campaign = Campaign.objects.get(pk=campaign_id)
    addresses = recipients_of(organization_ids)
    for organization in Organization.objects.filter(pk__in=organization_ids):
        context = {**_campaign_context(campaign), "organization": organization}
        _send("invitation", context, addresses.get(organization.pk, []))


@task()
def send_reminders(campaign_id: int) -> int:
    """Send the reminders due for a campaign (idempotent); returns how many were sent."""
    from approdo.surveys.actions import send_reminders as send

    return len(send(Campaign.objects.get(pk=campaign_id)))


@task()
def notify_review(response_id: int, status: str, note: str = "") -> None:
    """Tell the organisation its response was validated, rejected or sent back for changes."""
    response = SurveyResponse.objects.select_related("campaign", "organization", "created_by").get(
        pk=response_id
    )
    to = recipients_of([response.organization_id]).get(response.organization_id, [])
    if response.created_by is not None and response.created_by.email not in to:
        to.append(response.created_by.email)
    context = {
        "response": response,
        "campaign": response.campaign,
        "organization": response.organization,
        "status": SurveyResponse.Status(status).label,
        "note": note,
        "link": site_link(
            "surveys:response-detail", "/questionari/", instance_id=response.instance_id
        ),
    }
    _send("review", context, to)


@task()
def send_receipt(response_id: int, user_id: int, language: str) -> None:
    """E-mail the receipt of a submission, with the PDF copy attached, to the user who
    submitted, in `language`."""
    response = SurveyResponse.objects.select_related("campaign", "organization", "version").get(
        pk=response_id
    )
    user = get_user_model().objects.get(pk=user_id)
    with translation.override(language):
        context = receipt_context(response, language)
        context["url"] = site_link(
            "surveys:response-receipt", "/questionari/", instance_id=response.instance_id
        )
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
