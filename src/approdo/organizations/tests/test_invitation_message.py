"""Inviting someone to an organisation says what happened to the e-mail: it leaves with the
action's commit, before the page answers, so the message says it was sent and until when the
link is valid."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_invitation_message_says_the_email_was_sent_and_until_when(
    client, prato_member, prato, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(prato_member)
    url = reverse("organizations:organization-invite", args=[prato.pk])
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        answer = client.post(url, {"email": "nuova@comune.prato.it", "role": "org_member"})
    text = " ".join(str(message) for message in get_messages(answer.wsgi_request))
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["nuova@comune.prato.it"]
    assert "Invitation e-mail sent to nuova@comune.prato.it" in text
    assert "the link is valid until" in text
