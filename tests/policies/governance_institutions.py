"""Governance: activation pipeline, meetings with institutions, ASL dashboards.

Coordinators and regional administrators manage everything; analysts read everything; the
territory officer of the Pratese zona reads its pipeline and meetings (and the dashboard of ASL
Toscana centro); the Comune di Prato's member sees the Comune's own entry and no meetings;
third-sector members and the public see none of it. The calendar feed is open to calendar
programs: its secret token stands for the person (an unknown token answers 404)."""

from tests.policies.base import expect, private

STAFF = {"regione_admin": 200, "anci_coordinator": 200, "analyst": 200}
REGIONAL = {"regione_admin": 200, "anci_coordinator": 200}
PIPELINE_READERS = private(403, **STAFF, zona_officer=200, prato_member=200)
MEETING_READERS = private(403, **STAFF, zona_officer=200)
MANAGERS = private(403, **REGIONAL)


def entry(world):
    return {"pk": world["governance_entry"].pk}


def meeting(world):
    return {"pk": world["governance_meeting"].pk}


POLICY = {
    "governance:pipeline-board": (None, PIPELINE_READERS),
    "governance:pipeline-list": (None, PIPELINE_READERS),
    "governance:pipeline-map": (None, PIPELINE_READERS),
    "governance:pipeline-geojson": (None, PIPELINE_READERS),
    "governance:pipeline-entry": (entry, PIPELINE_READERS),
    "governance:pipeline-edit": (entry, MANAGERS),
    # POST only.
    "governance:pipeline-move": (entry, private(405)),
    "governance:pipeline-seed": (None, private(405)),
    "governance:meeting-attachment-add": (meeting, private(405)),
    "governance:action-done": (lambda w: {"pk": w["governance_action"].pk}, private(405)),
    "governance:meeting-list": (None, MEETING_READERS),
    "governance:meeting-calendar": (None, MEETING_READERS),
    "governance:meeting-export": (None, MEETING_READERS),
    "governance:meeting-feed-settings": (None, MEETING_READERS),
    "governance:meeting-detail": (meeting, MEETING_READERS),
    "governance:meeting-attachment": (
        lambda w: {"pk": w["governance_attachment"].pk},
        MEETING_READERS,
    ),
    "governance:meeting-create": (None, MANAGERS),
    "governance:meeting-edit": (meeting, MANAGERS),
    "governance:meeting-feed": (lambda w: {"token": w["governance_feed_token"]}, expect(200)),
    "governance:asl-index": (None, MEETING_READERS),
    "governance:asl-dashboard": (lambda w: {"slug": "centro"}, MEETING_READERS),
}

PUBLIC_VIEWS = {"governance:meeting-feed"}


def extend_world(world):
    import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from approdo.governance.calendar import token_for
    from approdo.governance.models import FollowUpAction, Meeting, MeetingAttachment, PipelineEntry
    from approdo.territory.models import Zona

    world["governance_entry"] = PipelineEntry.objects.create(comune_id="100005")
    meeting = Meeting.objects.create(
        type=Meeting.Type.CONFERENZA_ZONALE,
        title="Conferenza zonale pratese",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        minutes="Verbale",
    )
    meeting.zone.add(Zona.objects.get(slug="pratese"))
    meeting.pipeline_entries.add(world["governance_entry"])
    world["governance_meeting"] = meeting
    world["governance_action"] = FollowUpAction.objects.create(meeting=meeting, description="x")
    attachment = MeetingAttachment(meeting=meeting, title="Verbale")
    attachment.file.save("verbale.txt", ContentFile(b"verbale"), save=True)
    world["governance_attachment"] = attachment
    world["governance_feed_token"] = token_for(world["cast"]["zona_officer"]).token
