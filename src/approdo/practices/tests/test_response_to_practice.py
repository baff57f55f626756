"""Response -> practice where the coordinator is: the practice-draft section of a response's
review page, copying a field mapping between questionnaires, and the contact button."""

import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from approdo.core.models import HistoryEntry
from approdo.practices import actions
from approdo.practices.models import FieldMapping, Practice
from approdo.practices.tests.factories import make_published
from approdo.practices.tests.test_mapping import ANSWERS, FORM, RULES, make_response
from approdo.surveys import actions as survey_actions
from approdo.surveys.models import SurveyResponse

# A new questionnaire (another form_id): "titolo" became "nome_progetto", "azioni" is gone,
# "note" is new; every other question keeps its name.
NEW_FORM = (
    FORM.replace(b"| | text | titolo | Titolo |", b"| | text | nome_progetto | Nome |")
    .replace(b"| | select_multiple azioni | azioni | Azioni |\n", b"| | text | note | Note |\n")
    .replace(b"| | mappa_test | Mappa test |", b"| | mappa_nuova | Mappa nuova |")
)


@pytest.fixture(autouse=True)
def _english(db, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def _import(form: bytes, slug: str):
    return survey_actions.import_xlsform(io.BytesIO(form), filename="f.md", campaign_slug=slug)


@pytest.fixture
def campaign(prato):
    campaign = _import(FORM, "bp-test")
    FieldMapping.objects.create(
        questionnaire=campaign.version.questionnaire, consent_question="parti", rules=RULES
    )
    return campaign


@pytest.fixture
def new_campaign(prato):
    return _import(NEW_FORM, "bp-nuova")


def _review(response) -> str:
    return reverse("surveys:review-detail", args=[response.instance_id])


# The section on the response's review page


def test_validated_response_offers_the_practice_draft_and_makes_it(
    client, campaign, prato, anci_coordinator
):
    response = make_response(campaign, prato, ANSWERS)
    client.force_login(anci_coordinator)
    page = client.get(_review(response)).content.decode()
    action = reverse("practices:practice-from-response", args=[response.instance_id])
    assert f'action="{action}"' in page and "Create the practice draft" in page
    answer = client.post(action, {"back": "review"})
    practice = Practice.objects.get(source_response=response)
    assert answer["Location"] == reverse("practices:editorial-detail", args=[practice.code])
    page = client.get(_review(response)).content.decode()
    assert "Create the practice draft" not in page
    assert reverse("practices:editorial-detail", args=[practice.code]) in page


def test_without_mapping_the_page_says_so_and_links_the_mapping_screens(
    client, new_campaign, prato, anci_coordinator
):
    response = make_response(new_campaign, prato, {"nome_progetto": "Casa"})
    client.force_login(anci_coordinator)
    page = client.get(_review(response)).content.decode()
    slug = new_campaign.version.questionnaire.slug
    assert "has no field mapping yet" in page
    assert reverse("practices:mapping-edit", args=[slug]) in page
    assert reverse("practices:mapping-copy", args=[slug]) in page
    assert "Create the practice draft" not in page


def test_a_failed_draft_goes_back_to_the_review_page_with_the_reason(
    client, campaign, prato, anci_coordinator
):
    response = make_response(campaign, prato, {**ANSWERS, "titolo": ""})
    client.force_login(anci_coordinator)
    action = reverse("practices:practice-from-response", args=[response.instance_id])
    answer = client.post(action, {"back": "review"})
    assert answer["Location"] == _review(response)
    assert "no title" in " ".join(str(m) for m in get_messages(answer.wsgi_request))


def test_no_consent_no_button(client, campaign, prato, anci_coordinator):
    response = make_response(campaign, prato, {**ANSWERS, "parti": "nessuna"})
    client.force_login(anci_coordinator)
    page = client.get(_review(response)).content.decode()
    assert "did not agree to publish" in page and "Create the practice draft" not in page


def test_not_validated_responses_have_no_section(client, campaign, prato, anci_coordinator):
    response = make_response(campaign, prato, ANSWERS, SurveyResponse.Status.SUBMITTED)
    client.force_login(anci_coordinator)
    assert 'id="practice-draft"' not in client.get(_review(response)).content.decode()


def test_analysts_read_the_section_without_the_button(client, campaign, prato, analyst):
    response = make_response(campaign, prato, ANSWERS)
    client.force_login(analyst)
    page = client.get(_review(response)).content.decode()
    assert 'id="practice-draft"' in page and "Create the practice draft" not in page


def test_the_section_names_mapping_questions_this_version_lacks(
    client, new_campaign, prato, anci_coordinator
):
    FieldMapping.objects.create(
        questionnaire=new_campaign.version.questionnaire, consent_question="parti", rules=RULES
    )
    response = make_response(new_campaign, prato, {"nome_progetto": "Casa", "parti": "tutto"})
    client.force_login(anci_coordinator)
    page = client.get(_review(response)).content.decode()
    assert "does not have" in page and "<code>titolo</code>" in page
    assert "<code>azioni</code>" in page and "<code>stato</code>" not in page


# Copying a mapping


def _copy_url(campaign) -> str:
    return reverse("practices:mapping-copy", args=[campaign.version.questionnaire.slug])


def test_copy_preview_lists_matched_rules_and_unmatched_fields(
    client, campaign, new_campaign, anci_coordinator
):
    source = FieldMapping.objects.get()
    client.force_login(anci_coordinator)
    page = client.get(_copy_url(new_campaign), {"source": source.pk})
    assert page.status_code == 200
    plan = page.context["plan"]
    assert plan.unmatched == ["titolo", "azioni"]
    assert [rule["question"] for rule in plan.rules] == [
        "descrizione",
        "risultati",
        "referente_email",
        "stato",
        "comuni",
        "beneficiari_totale",
    ]
    assert plan.consent_question == "parti"
    assert "nome_progetto" in plan.unmapped and "note" in plan.unmapped
    content = page.content.decode()
    assert "Fields not matched" in content and "<code>titolo</code>" in content
    assert not FieldMapping.objects.filter(questionnaire=new_campaign.version.questionnaire)


def test_copy_keeps_own_rules_for_other_questions_and_records_history(
    client, campaign, new_campaign, anci_coordinator, prato
):
    target = new_campaign.version.questionnaire
    FieldMapping.objects.create(
        questionnaire=target,
        consent_question="",
        rules=[
            {"question": "nome_progetto", "field": "title"},
            {"question": "stato", "field": "x"},
        ],
    )
    client.force_login(anci_coordinator)
    source = FieldMapping.objects.get(questionnaire=campaign.version.questionnaire)
    answer = client.post(_copy_url(new_campaign), {"source": source.pk})
    assert answer["Location"] == reverse("practices:mapping-edit", args=[target.slug])
    text = " ".join(str(m) for m in get_messages(answer.wsgi_request))
    assert "copied" in text and "titolo, azioni" in text
    mapping = FieldMapping.objects.get(questionnaire=target)
    assert mapping.consent_question == "parti"
    assert mapping.rules[0] == {"question": "nome_progetto", "field": "title"}
    assert {"question": "stato", "field": "status"} in mapping.rules  # the source's wins
    assert len(mapping.rules) == 7
    assert HistoryEntry.objects.for_object(mapping).filter(action="updated").exists()
    # The copied mapping turns a response of the new questionnaire into a practice.
    response = make_response(new_campaign, prato, {**ANSWERS, "nome_progetto": "Casa"})
    practice, created = actions.create_practice_from_response(response, by=anci_coordinator)
    assert created and practice.title == "Casa" and practice.status == "ended"


def test_copy_with_no_source_mapping_says_so(client, new_campaign, anci_coordinator):
    client.force_login(anci_coordinator)
    page = client.get(_copy_url(new_campaign)).content.decode()
    assert "No other questionnaire has a field mapping yet." in page


def test_copy_refuses_an_unknown_source(client, campaign, new_campaign, anci_coordinator):
    client.force_login(anci_coordinator)
    assert client.post(_copy_url(new_campaign), {"source": "999999"}).status_code == 422
    own = FieldMapping.objects.get().pk  # a questionnaire does not copy its own mapping
    assert client.post(_copy_url(campaign), {"source": own}).status_code == 422


def test_copy_is_for_editors_only(client, campaign, new_campaign, analyst, prato_member):
    source = FieldMapping.objects.get().pk
    for user in (analyst, prato_member):
        client.force_login(user)
        assert client.get(_copy_url(new_campaign)).status_code == 403
        assert client.post(_copy_url(new_campaign), {"source": source}).status_code == 403
    assert FieldMapping.objects.count() == 1


def test_copy_rejects_other_methods(client, new_campaign, anci_coordinator):
    client.force_login(anci_coordinator)
    assert client.put(_copy_url(new_campaign)).status_code == 405


def test_mapping_screen_lists_rules_the_latest_version_lacks(client, campaign, anci_coordinator):
    mapping = FieldMapping.objects.get()
    mapping.rules = [*RULES, {"question": "vecchia_domanda", "field": "results"}]
    mapping.save()
    client.force_login(anci_coordinator)
    page = client.get(reverse("practices:mapping-edit", args=[mapping.questionnaire.slug]))
    assert page.context["unmatched"] == ["vecchia_domanda"]
    assert _copy_url(campaign) in page.content.decode()


# The contact button


def test_contact_is_offered_only_when_the_practice_has_a_contact(client, prato):
    with_contact = make_published(prato, title="Con contatto")
    without = make_published(prato, title="Senza contatto", contact_email="")
    assert prato.email == ""
    for practice, offered in ((with_contact, True), (without, False)):
        page = client.get(reverse("practices:detail", args=[practice.code])).content.decode()
        contact = reverse("practices:contact", args=[practice.code])
        assert (contact in page) is offered
        assert client.get(contact).status_code == (200 if offered else 404)
    data = {"name": "Giulia", "email": "giulia@example.org", "body": "Informazioni"}
    assert client.post(reverse("practices:contact", args=[without.code]), data).status_code == 404


def test_the_lead_organisations_address_is_a_contact(client, prato):
    prato.email = "protocollo@comune.prato.example"
    prato.save()
    practice = make_published(prato, contact_email="")
    page = client.get(reverse("practices:detail", args=[practice.code])).content.decode()
    assert reverse("practices:contact", args=[practice.code]) in page
