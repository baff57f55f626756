"""deploy/backup.sh and deploy/restore.sh round trip, checked by scripts/check_restore.sh:
the test database (with a campaign, responses, history and uploaded files) is dumped,
restored into a new database and folder, and every table's row count and every file's
checksum compared."""

import datetime
import subprocess
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from approdo.surveys import actions
from approdo.surveys.tests.conftest import MINIMAL_FORM, upload
from tests import processes

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore"),
]


def test_a_backup_restores_every_row_and_file(tmp_path, coop):
    campaign = actions.import_xlsform(
        upload(MINIMAL_FORM.replace("{form_id}", "backup").encode()),
        campaign_slug="backup",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        many_responses=True,
    )
    campaign.organizations.add(coop)
    for n in range(25):
        actions.submit_response(
            campaign,
            organization=coop,
            instance_id=uuid.uuid4(),
            answers={"project": f'Progetto «{n}» "virgolette", a capo\nriga', "people": n},
            by=None,
        )
    media = tmp_path / "media"
    (media / "exports" / "2026").mkdir(parents=True)
    (media / "exports" / "2026" / "risposte.csv").write_text("a;b\n1;2\n", encoding="utf-8")
    (media / "documenti con spazi.pdf").write_bytes(bytes(range(256)) * 40)

    result = subprocess.run(
        [str(ROOT / "scripts" / "check_restore.sh")],
        capture_output=True,
        text=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DATABASE_URL": processes.database_url(),
            "APPRODO_MEDIA_ROOT": str(media),
        },
        check=False,
        timeout=300,
    )

    print(result.stdout, result.stderr)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("restore check: ") and summary.endswith("identical")
    files = [path for path in media.rglob("*") if path.is_file()]
    assert len(files) >= 2
    assert f"{len(files)} media files" in summary
