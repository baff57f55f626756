"""Schemathesis over the API's own OpenAPI document, through the WSGI application: valid and
invalid data for every operation, anonymously, as an organisation member and as a
coordinator (Bearer tokens). It fails on any server error and on any response the document
does not describe (status, content type, headers, body), and on invalid input accepted.

The run is bounded and repeatable: a few examples per operation and mode, derandomized, no
deadline. Half of the generated path parameters are replaced by real ones, so the operations
are exercised on existing objects as well as on missing ones. Stateful sequences run when the
document declares links. The figures (requests and 5xx per role) are printed with -s.
"""

import datetime
from collections import Counter

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from approdo.api.actions import create_token
from approdo.api.tests.test_surveys_api import FORM
from approdo.funding.tests.factories import make_call
from approdo.participation import guidelines
from approdo.participation.models import Contribution, Statement, SynthesisReport
from approdo.participation.tests.factories import make_event, make_table
from approdo.practices.tests.factories import make_published
from approdo.surveys import actions as survey_actions
from approdo.surveys.tests.conftest import upload

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
EXAMPLES = 12  # per operation and mode: at most 11 operations x 2 modes x 12 = 264 a role
REAL = {
    "slug": ["api-campaign", "bando-pubblico", "seminario-api", "linee-guida-api"],
    "istat_code": ["100005", "048017"],
}


@pytest.fixture
def world(settings, tmp_path, prato, coop, coop_member, anci_coordinator):
    """Objects the generated requests can find: a campaign the member's organisation is
    invited to, a call with public statistics, a published practice, the territory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api": "100000/h"},
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # Schemathesis's WSGI host
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    campaign = survey_actions.import_xlsform(
        upload(FORM),
        campaign_slug="api-campaign",
        title="API campaign",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=10),
    )
    campaign.organizations.add(prato, coop)
    make_call("bando-pubblico", statistics_public=True)
    make_published(prato, title="Sportello casa")
    publish_seminar(anci_coordinator)
    return {
        "anonymous": {},
        "member": bearer_of(coop_member),
        "coordinator": bearer_of(anci_coordinator),
    }


def publish_seminar(by) -> None:
    """A past seminar with a published report and the guideline made of it."""
    event = make_event(slug="seminario-api", starts_at=timezone.now() - datetime.timedelta(days=9))
    question = make_table(event, 1, questions=1).questions.get()
    said = Contribution.objects.create(question=question, phase="during", text="Più mediatori.")
    report = SynthesisReport.objects.create(
        table=question.table, status="published", published_at=timezone.now()
    )
    statement = Statement.objects.create(report=report, kind="recommendation", text="Mediatori.")
    statement.citations.add(said)
    guideline = guidelines.create_guideline(
        slug="linee-guida-api", title="Linee guida", reports=[report], by=by
    )
    guidelines.publish(guideline, by=by)


def bearer_of(user) -> dict[str, str]:
    _token, plaintext = create_token(user, name="Schemathesis")
    return {"Authorization": f"Bearer {plaintext}"}


@pytest.fixture
def api_schema(world):
    raw = Client().get("/api/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = get_wsgi_application()
    # As Django's test client does: the request signals must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schema
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def with_real_objects(case_and_flag):
    case, real = case_and_flag
    if real and case.path_parameters:
        for name, values in REAL.items():
            if name in case.path_parameters:
                case.path_parameters[name] = values[len(case.operation.path) % len(values)]
    return case


def modes_of(operation) -> list[GenerationMode]:
    """Positive data always; negative data where it exists: a body or query parameters (any
    string is a valid path segment, and searching for an invalid one only costs time)."""
    definition = operation.definition.raw
    query = [p for p in definition.get("parameters", []) if p.get("in") == "query"]
    if "requestBody" in definition or query:
        return [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    return [GenerationMode.POSITIVE]


def run_operation(operation, mode, headers, record) -> None:
    strategy = st.tuples(operation.as_strategy(generation_mode=mode), st.booleans())

    @given(strategy.map(with_real_objects))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def exercise(case):
        response = case.call(headers=headers)
        record["requests"] += 1
        record["statuses"][response.status_code] += 1
        if response.status_code >= 500:
            record["5xx"] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001  (collect them all)
            record["failures"].append(f"{operation.label} [{mode.value}]: {error}")

    try:
        exercise()
    except Unsatisfiable:  # no invalid data exists for an operation without any input
        assert mode is GenerationMode.NEGATIVE


@pytest.mark.parametrize("role", ["anonymous", "member", "coordinator"])
def test_the_api_conforms_to_its_schema_for_every_role(api_schema, world, role):
    headers = world[role]
    record = {"requests": 0, "5xx": 0, "failures": [], "statuses": Counter()}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    for operation in operations:
        for mode in modes_of(operation):
            run_operation(operation, mode, headers, record)
    links = any(
        "links" in response
        for path in api_schema.raw_schema["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict)
        for response in operation.get("responses", {}).values()
    )
    if links:  # stateful sequences where the document declares links
        machine = api_schema.as_state_machine()
        machine.run(settings=settings(max_examples=EXAMPLES, derandomize=True, deadline=None))
    print(  # the figures for the record, with -s
        f"\nschemathesis {role}: {record['requests']} requests, {record['5xx']} 5xx, "
        f"{len(operations)} operations, {len(record['failures'])} failures, "
        f"statuses {dict(sorted(record['statuses'].items()))}"
    )
    assert record["5xx"] == 0
    assert record["failures"] == [], "\n\n".join(record["failures"][:10])
