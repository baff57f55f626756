"""Good-practice editorial pages: regional roles change, analysts read, the rest 403.
The contact and update-report forms and the attachments of a published practice are public."""

from tests.policies.base import PUBLIC, private, regional_only

STAFF = private(403, regione_admin=200, anci_coordinator=200, analyst=200)


def _practice(w: dict) -> dict:
    return {"code": w["editorial_practice"].code}


def _published(w: dict) -> dict:
    return {"code": w["editorial_published"].code}


def _attachment(w: dict) -> dict:
    return {"code": w["editorial_published"].code, "pk": w["editorial_attachment"].pk}


POLICY = {
    "practices:editorial-list": (None, STAFF),
    "practices:editorial-create": (None, regional_only()),
    "practices:reconfirmation-request": (None, private(405)),
    "practices:confirmations-apply": (None, private(405)),
    "practices:update-report-list": (None, STAFF),
    "practices:update-report-handle": (lambda w: {"pk": w["editorial_report"].pk}, private(405)),
    "practices:mapping-list": (None, STAFF),
    "practices:mapping-edit": (lambda w: {"slug": "policy_mapping"}, regional_only()),
    "practices:mapping-copy": (lambda w: {"slug": "policy_mapping"}, regional_only()),
    "practices:practice-from-response": (
        lambda w: {"instance_id": "00000000-0000-4000-8000-000000000000"},
        private(405),
    ),
    "practices:editorial-detail": (_practice, STAFF),
    "practices:editorial-edit": (_practice, regional_only()),
    "practices:editorial-assessment": (_practice, regional_only()),
    "practices:editorial-publish": (_practice, private(405)),
    "practices:editorial-unpublish": (_practice, private(405)),
    "practices:editorial-confirm": (_practice, private(405)),
    "practices:editorial-attachment-add": (_practice, private(405)),
    "practices:editorial-attachment-remove": (_attachment, private(405)),
    "practices:contact": (_published, PUBLIC),
    "practices:report-update": (_published, PUBLIC),
    "practices:attachment": (_attachment, PUBLIC),
}

PUBLIC_VIEWS = {"practices:contact", "practices:report-update", "practices:attachment"}


def extend_world(world: dict) -> None:
    """A draft and a published practice of Prato (with an attachment and an update report),
    and a small questionnaire to map."""
    import io

    from django.core.files.base import ContentFile

    from approdo.practices import actions
    from approdo.practices.models import PracticeAttachment, UpdateReport
    from approdo.surveys.actions import import_xlsform

    lead = world["prato"]
    world["editorial_practice"] = actions.create_practice(
        by=None, data={"title": "Bozza di policy", "lead_organization": lead}
    )
    published = actions.create_practice(
        by=None,
        data={
            "title": "Pubblicata di policy",
            "lead_organization": lead,
            "contact_email": "progetto@policy.example",
        },
    )
    actions.assess_practice(
        published,
        by=None,
        values={
            c: 2
            for c in ("relevance", "results", "involvement", "transferability", "sustainability")
        },
    )
    world["editorial_published"] = actions.publish_practice(published, by=None)
    attachment = PracticeAttachment(practice=published, title="Relazione")
    attachment.file.save("relazione.pdf", ContentFile(b"%PDF-1.4 policy"), save=True)
    world["editorial_attachment"] = attachment
    world["editorial_report"] = UpdateReport.objects.create(practice=published, body="Cambiato")
    form = (
        b"| survey |\n| | type | name | label |\n| | text | titolo | Titolo |\n"
        b"| settings |\n| | form_id | form_title |\n| | policy_mapping | Policy |\n"
    )
    import_xlsform(io.BytesIO(form), filename="policy.md", campaign_slug="policy-mapping")
