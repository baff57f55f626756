import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django_tasks import task

from approdo.core.text import single_line
from approdo.practices import search
from approdo.practices.models import ContactMessage


@task()
def refresh_running_practices(today: str | None = None) -> int:
    """Nightly: the year facet of practices without an end date follows the calendar, to
    `today` (an ISO date; by default the local date when the task runs)."""
    return search.refresh_running(datetime.date.fromisoformat(today) if today else None)


@task()
def send_contact_message(message_id: int) -> None:
    """E-mail a reader's message to the practice's contact, whose address the sender never
    sees, with Reply-To set to the sender; then mark it relayed. A message already relayed,
    or whose practice lost its contact meanwhile, is not sent."""
    message = ContactMessage.objects.select_related("practice__lead_organization").get(
        pk=message_id
    )
    practice = message.practice
    if message.relayed or not practice.contact_address:
        return
    context = {"practice": practice, "message": message, "site_name": settings.APPRODO_SITE_NAME}
    EmailMessage(
        # One line whatever the stored title holds: a line break would be a header injection.
        subject=single_line(
            gettext("Message about the practice “%(title)s”") % {"title": practice.title}
        ),
        body=render_to_string("practices/contact_email.txt", context),
        to=[practice.contact_address],
        reply_to=[message.sender_email],
    ).send()
    ContactMessage.objects.filter(pk=message.pk).update(relayed=True)
