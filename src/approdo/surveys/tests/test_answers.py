"""Answers cleaned at the edge (answers.clean_answers), by the page, its autosave and the API
alike: only the form's questions, text a database and XML can hold, numbers a spreadsheet can
hold, files of the response, a size limit; and required repeats, drafts that resend the same
content, the page a draft was left on."""

import csv
import datetime
import io
import uuid

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from approdo.reports.datasets import get_dataset
from approdo.reports.writers import write_csv, write_xlsx
from approdo.surveys import actions
from approdo.surveys.answers import AnswersTooLarge, clean_answers
from approdo.surveys.expressions import evaluate_form
from approdo.surveys.models import SurveyResponse
from approdo.surveys.tests.conftest import md_form, upload

FORM = md_form(
    """
| | type | name | label | required | relevant |
| | begin group | main | Main | | |
| | text | title | Title | | |
| | integer | people | People | | |
| | decimal | amount | Amount | | |
| | select_multiple fund | funds | Funds | | |
| | file | doc | Document | | |
| | end group | | | | |
| | select_one yn | has_partners | Partners? | yes | |
| | begin repeat | partner | Partner | yes | ${has_partners} = 'yes' |
| | text | partner_name | Name | yes | |
| | end repeat | | | | |
""",
    choices="""
| | list_name | name | label |
| | fund | fami | FAMI |
| | fund | own | Own |
| | yn | yes | Yes |
| | yn | no | No |
""",
    form_id="hostile",
)
CONTROL = "A\x00B\x01C\x0bD\x1fE\ud800F\ufffeG\uffffH\tI\nJ\rK"
HOSTILE_TEXTS = [CONTROL, "\x0b" * 50, "=cmd|' /C calc'!A0", "é" * 5000, "\x00"]
HOSTILE_NUMBERS = [
    "9" * 400,
    10**400,
    -(10**15),
    10**15,
    1e308,
    "1e400",
    "NaN",
    "-Infinity",
    "0." + "0" * 500 + "1",
    float("inf"),
    [1, [2, [3]]],
    {"deep": {"er": 1}},
]


@pytest.fixture
def hostile(db, prato, coop):
    campaign = actions.import_xlsform(
        upload(FORM),
        campaign_slug="hostile",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=10),
        many_responses=True,
    )
    campaign.organizations.add(prato, coop)
    return campaign


def schema_of(campaign):
    return campaign.version.schema


# -- clean_answers ----------------------------------------------------------------------------


def test_only_the_forms_questions_are_kept_in_their_shape(hostile):
    cleaned, problems = clean_answers(
        schema_of(hostile),
        {
            "title": "T",
            "unknown": "x",
            "main": {"title": "nested where none belongs"},
            "partner": [{"partner_name": "A", "extra": 1}, "not an entry", {"x": {"y": 1}}],
            "people": {"a": 1},
            "funds": ["fami", ["own"], {"x": 1}, "own"],
        },
    )
    assert problems == {}
    assert cleaned == {
        "title": "T",
        "partner": [{"partner_name": "A"}, {}, {}],
        "funds": "fami own",
    }


def test_text_loses_what_no_database_or_xml_holds():
    schema = {"root": "data", "children": [{"name": "t", "path": "/data/t", "type": "text"}]}

    cleaned, _ = clean_answers(schema, {"t": CONTROL})

    assert cleaned["t"] == "ABC\nDEFGH\tI\nJ\rK"


def test_numbers_beyond_a_spreadsheet_become_text_that_the_form_refuses(hostile):
    schema = schema_of(hostile)
    cleaned, _ = clean_answers(schema, {"people": 10**40, "amount": float("nan"), "title": 10**40})
    assert cleaned["people"] == str(10**40)
    assert cleaned["amount"] == "nan"

    errors = evaluate_form(schema, {**cleaned, "has_partners": "no"}).errors

    assert set(errors) == {"/data/main/people", "/data/main/amount"}


@pytest.mark.parametrize(
    ("kind", "value", "accepted"),
    [
        ("integer", "999999999999999", True),
        ("integer", "-999999999999999", True),
        ("integer", "1000000000000000", False),
        ("integer", "0000000000000000000001", True),
        ("integer", "9" * 400, False),
        ("decimal", "999999999999999.99", True),
        ("decimal", "1000000000000000.5", False),
        ("decimal", "-" + "9" * 300 + ".5", False),
        ("decimal", "0." + "0" * 400 + "1", True),
    ],
)
def test_numbers_are_refused_beyond_fifteen_digits(kind, value, accepted):
    schema = {"root": "data", "children": [{"name": "n", "path": "/data/n", "type": kind}]}
    errors = evaluate_form(schema, {"n": value}).errors
    assert (errors == {}) is accepted, errors


def test_answers_larger_than_the_limit_are_refused(hostile, settings):
    settings.APPRODO_SURVEY_ANSWERS_MAX_BYTES = 1000
    clean_answers(schema_of(hostile), {"title": "x" * 900})
    with pytest.raises(AnswersTooLarge):
        clean_answers(schema_of(hostile), {"title": "x" * 1001})
    # Unknown names do not count: they are dropped first.
    clean_answers(schema_of(hostile), {"title": "x", "junk": "y" * 10_000})


def test_a_file_answer_must_name_a_stored_file_of_the_response(hostile):
    instance_id = uuid.uuid4()
    folder = f"surveys/responses/{instance_id}"
    stored = default_storage.save(f"{folder}/abc-report.pdf", ContentFile(b"%PDF-1.4"))
    default_storage.save(f"{folder}/sub/x.pdf", ContentFile(b"%PDF-1.4"))
    other = default_storage.save(f"surveys/responses/{uuid.uuid4()}/x.pdf", ContentFile(b"%PDF"))
    schema = schema_of(hostile)

    for bad in [
        f"{folder}/sub",
        f"{folder}/",
        folder,
        f"{folder}/missing.pdf",
        other,
        "/etc/passwd",
    ]:
        cleaned, problems = clean_answers(schema, {"doc": bad}, instance_id=instance_id)
        assert list(problems) == ["/data/main/doc"], bad
        assert "doc" not in cleaned
    cleaned, problems = clean_answers(schema, {"doc": stored}, instance_id=instance_id)
    assert problems == {} and cleaned["doc"] == stored


# -- required repeats -------------------------------------------------------------------------


def test_a_required_repeat_needs_an_entry_when_relevant(hostile):
    schema = schema_of(hostile)

    assert evaluate_form(schema, {"has_partners": "yes"}).errors == {
        "/data/partner": "Add at least one entry."
    }
    assert evaluate_form(schema, {"has_partners": "no"}).errors == {}
    assert (
        evaluate_form(schema, {"has_partners": "yes", "partner": [{"partner_name": "A"}]}).errors
        == {}
    )


def test_submission_without_the_required_partners_is_refused(hostile, prato, prato_member):
    with pytest.raises(actions.AnswersInvalid) as refused:
        actions.submit_response(
            hostile,
            organization=prato,
            instance_id=uuid.uuid4(),
            answers={"has_partners": "yes"},
            by=prato_member,
        )
    assert list(refused.value.errors) == ["/data/partner"]


# -- drafts -----------------------------------------------------------------------------------


def test_saving_the_same_content_again_is_not_a_conflict(hostile, prato, prato_member):
    response = actions.start_response(hostile, organization=prato, by=prato_member)
    stale = response.revision
    first = actions.save_draft(response, answers={"title": "A"}, revision=stale, by=prato_member)

    again = actions.save_draft(response, answers={"title": "A"}, revision=stale, by=prato_member)

    assert again.revision == first.revision == stale + 1
    with pytest.raises(actions.StaleRevision):
        actions.save_draft(response, answers={"title": "B"}, revision=stale, by=prato_member)


def test_drafts_keep_only_known_questions_and_fit_the_limit(hostile, prato, prato_member, settings):
    response = actions.start_response(hostile, organization=prato, by=prato_member)

    saved = actions.save_draft(
        response,
        answers={"title": "A\x00", "nope": 1, "doc": "/etc/passwd"},
        revision=response.revision,
        by=prato_member,
    )

    assert saved.answers == {"title": "A"}
    settings.APPRODO_SURVEY_ANSWERS_MAX_BYTES = 100
    with pytest.raises(actions.AnswersTooLarge):
        actions.save_draft(
            saved, answers={"title": "x" * 200}, revision=saved.revision, by=prato_member
        )


# -- the page ---------------------------------------------------------------------------------


def edit_url(response, **query):
    url = reverse("surveys:response-edit", kwargs={"instance_id": response.instance_id})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("value", HOSTILE_TEXTS + [str(v) for v in HOSTILE_NUMBERS])
def test_hostile_values_through_the_page_never_lose_it(client, hostile, prato, prato_member, value):
    response = actions.start_response(hostile, organization=prato, by=prato_member)
    client.force_login(prato_member)
    value = value.replace("\ud800", "")  # a form post cannot carry a lone surrogate (JSON can)
    data = {"_revision": response.revision, "page": 1, "lang": ""}
    data |= {"/data/main/title": value, "/data/main/people": value, "/data/main/amount": value}

    page = client.post(edit_url(response), data, HTTP_HX_REQUEST="true")

    assert page.status_code == 200
    response.refresh_from_db()
    assert response.revision == 2  # saved, as text the stores hold
    assert "\x00" not in response.answers["title"] and "\x0b" not in response.answers["title"]
    submitted = client.post(
        reverse("surveys:response-submit", kwargs={"instance_id": response.instance_id}),
        {**data, "_revision": response.revision, "/data/has_partners": "no"},
    )
    assert submitted.status_code in (200, 302)
    assert_exports_work(hostile)


def api_post(client, organization, answers, *, submit=True):
    return client.post(
        reverse("api:campaign-responses", kwargs={"slug": "hostile"}),
        {
            "instance_id": str(uuid.uuid4()),
            "organization": organization.pk,
            "answers": answers,
            "submit": submit,
        },
        content_type="application/json",
    )


@pytest.mark.parametrize("value", HOSTILE_TEXTS + HOSTILE_NUMBERS)
def test_hostile_values_through_the_api_answer_4xx_or_2xx(
    client, hostile, prato, prato_member, value
):
    client.force_login(prato_member)
    answers = {"title": value, "people": value, "amount": value, "funds": value}
    answers |= {"has_partners": "yes", "partner": [{"partner_name": value}]}

    for submit in (False, True):
        reply = api_post(client, prato, answers, submit=submit)
        assert reply.status_code in (200, 201, 413, 422), reply.content
    # Accepted ones must still export.
    actions.submit_response(
        hostile,
        organization=prato,
        instance_id=uuid.uuid4(),
        answers={"title": value, "has_partners": "no"},
        by=prato_member,
    )
    assert_exports_work(hostile)


def test_api_refuses_oversized_answers_with_413(client, hostile, prato, prato_member, settings):
    settings.APPRODO_SURVEY_ANSWERS_MAX_BYTES = 1000
    client.force_login(prato_member)
    assert api_post(client, prato, {"title": "x" * 2000}, submit=False).status_code == 413
    assert api_post(client, prato, {"title": "x" * 2000}).status_code == 413


def test_api_post_to_an_unpublished_campaign_is_404_like_the_get(
    client, hostile, prato, prato_member
):
    client.force_login(prato_member)
    SurveyResponse.objects.all().delete()
    hostile.published_at = None
    hostile.save()
    detail = reverse("api:campaign-detail", kwargs={"slug": "hostile"})

    assert client.get(detail).status_code == 404
    assert api_post(client, prato, {"title": "x"}).status_code == 404
    assert api_post(client, prato, {"title": "x"}, submit=False).status_code == 404
    assert not SurveyResponse.objects.exists()


def assert_exports_work(campaign):
    dataset = get_dataset("survey_responses")
    params = dataset.clean_params({"campaign": campaign.slug})
    expected = SurveyResponse.objects.filter(campaign=campaign).sent().count()
    out = io.BytesIO()
    write_csv(dataset.sheets(params), out)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert len(rows) == expected + 1
    out = io.BytesIO()
    write_xlsx(dataset.sheets(params), out)
    workbook = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    assert len(list(workbook[campaign.slug].iter_rows())) == expected + 1


# -- the good-practice form: partners required once "has partners" is yes --------------------


@pytest.fixture
def practice(db, prato, prato_member):
    from pathlib import Path

    form = Path(__file__).resolve().parents[1] / "forms" / "buone_pratiche.md"
    campaign = actions.import_xlsform(
        upload(form.read_bytes(), form.name),
        campaign_slug="buone-pratiche",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    campaign.organizations.add(prato)
    return actions.start_response(campaign, organization=prato, by=prato_member)


def test_partners_cannot_be_left_empty_after_answering_yes(client, prato_member, practice):
    client.force_login(prato_member)
    data = {"_revision": practice.revision, "page": 5, "lang": "en"}
    data |= {"/data/partenariato/ha_partner": "si", "_action": "next"}

    page = client.post(edit_url(practice), data, HTTP_HX_REQUEST="true").content.decode()

    assert 'data-page="5"' in page  # the person stays on the page, told why
    assert "Add at least one partner." in page
    assert 'id="q-data-partenariato-partner-error"' in page
    assert 'href="#q-data-partenariato-partner-add"' in page  # the summary links the button
    practice.refresh_from_db()
    assert practice.last_page == 5

    submitted = client.post(
        reverse("surveys:response-submit", kwargs={"instance_id": practice.instance_id}),
        {"_revision": practice.revision, "page": 1, "lang": "en"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    # Among the errors of the submission (in the form's default language, Italian).
    assert "Aggiungere almeno un partner." in submitted
    practice.refresh_from_db()
    assert practice.status == SurveyResponse.Status.DRAFT


def test_the_draft_opens_at_the_page_it_was_left_on(client, prato_member, practice):
    client.force_login(prato_member)
    data = {"page": 3, "lang": "en", "/data/destinatari_azioni/destinatari": "msna"}
    client.post(edit_url(practice), data | {"_revision": practice.revision}, HTTP_HX_REQUEST="true")
    practice.refresh_from_db()
    assert practice.last_page == 3
    revision = practice.revision
    data["_action"] = "prev"
    client.post(edit_url(practice), data | {"_revision": revision}, HTTP_HX_REQUEST="true")
    practice.refresh_from_db()
    assert practice.last_page == 2  # moved without changing an answer: no new revision
    assert practice.revision == revision

    assert 'data-page="2"' in client.get(edit_url(practice)).content.decode()
    assert 'data-page="4"' in client.get(edit_url(practice, page=4)).content.decode()
    practice.refresh_from_db()
    assert practice.last_page == 2  # reading a page changes nothing


def test_readers_never_get_another_organisations_draft_or_its_files(
    client, hostile, prato, prato_member, analyst, anci_coordinator
):
    """The review pages refuse drafts; the detail page, the files and the exports agree."""
    draft = actions.start_response(hostile, organization=prato, by=prato_member)
    stored = default_storage.save(
        f"surveys/responses/{draft.instance_id}/abc-x.pdf", ContentFile(b"%PDF-1.4")
    )
    actions.save_draft(
        draft, answers={"title": "Segreto", "doc": stored}, revision=draft.revision, by=None
    )
    name = stored.rsplit("/", 1)[1]
    pages = [
        reverse("surveys:response-detail", kwargs={"instance_id": draft.instance_id}),
        reverse("surveys:response-file", kwargs={"instance_id": draft.instance_id, "name": name}),
    ]
    export = reverse("api:campaign-responses-csv", kwargs={"slug": "hostile"}) + "?drafts=true"
    for reader in (analyst, anci_coordinator):
        client.force_login(reader)
        assert [client.get(page).status_code for page in pages] == [404, 404]
        reply = client.get(export)
        assert reply.status_code == 200, reply.content
        body = b"".join(reply.streaming_content) if reply.streaming else reply.content
        csv_text = body.decode("utf-8-sig")
        assert str(draft.instance_id) not in csv_text and "Segreto" not in csv_text
    client.force_login(prato_member)
    assert [client.get(page).status_code for page in pages] == [200, 200]
