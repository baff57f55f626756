"""Events and registrations: published events, their calendar file and registration form are
public; a registration's pages are reached by its secret token (anyone holding the link);
creating events is for regional roles; editing, the registrations (personal data), their
export and the attendance are for the event's organisers (regional roles and the members of
the organising organisations: the Comune di Prato here). Publishing, cancelling are POSTs."""

from tests.policies.base import PUBLIC, expect, private, regional_only


def event(world):
    return {"slug": world["event"].slug}


def token(world):
    return {"token": world["registration"].token}


def present(world):
    return {"token": world["present_registration"].token}


ORGANISERS = regional_only(prato_member=200)

POLICY = {
    "participation:event-list": (None, PUBLIC),
    "participation:event-create": (None, regional_only()),
    "participation:event-detail": (event, PUBLIC),
    "participation:event-edit": (event, ORGANISERS),
    "participation:event-publish": (event, private(405)),
    "participation:event-cancel": (event, private(405)),
    "participation:event-calendar": (event, PUBLIC),
    "participation:event-register": (event, PUBLIC),
    "participation:event-registrations": (event, ORGANISERS),
    "participation:event-registrations-export": (event, ORGANISERS),
    "participation:event-attendance": (event, ORGANISERS),
    "participation:registration-detail": (token, PUBLIC),
    "participation:registration-confirm": (token, PUBLIC),
    "participation:registration-cancel": (token, PUBLIC),
    # Only a person marked present has a certificate; this one is (WeasyPrint is installed).
    "participation:registration-certificate": (present, expect(200)),
}

PUBLIC_VIEWS = {
    "participation:event-list",
    "participation:event-detail",
    "participation:event-calendar",
    "participation:event-register",
    "participation:registration-detail",
    "participation:registration-confirm",
    "participation:registration-cancel",
    "participation:registration-certificate",
}


def extend_world(world):
    from approdo.participation.tests.factories import make_event, make_registration

    world["event"] = make_event(slug="policy-seminario", organizers=[world["prato"]], capacity=30)
    world["registration"] = make_registration(world["event"], email="policy@example.org")
    world["present_registration"] = make_registration(
        world["event"], email="presente@example.org", attended=True
    )
