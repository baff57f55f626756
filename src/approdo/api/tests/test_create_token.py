import io

import pytest
from django.core.management import CommandError, call_command

from approdo.api.models import ApiToken

pytestmark = pytest.mark.django_db


def test_command_prints_a_working_token(coop_member):
    out = io.StringIO()

    call_command(
        "create_token",
        coop_member.email.upper(),
        "--name",
        "Import job",
        stdout=out,
        stderr=io.StringIO(),
    )

    plaintext = out.getvalue().strip()
    token = ApiToken.objects.get(user=coop_member)
    assert token.name == "Import job"
    assert ApiToken.objects.matching(plaintext) == token


def test_command_rejects_an_unknown_email(db):
    with pytest.raises(CommandError, match="nobody@example.org"):
        call_command("create_token", "nobody@example.org")

    assert not ApiToken.objects.exists()
