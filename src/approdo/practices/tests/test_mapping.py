import io

import pytest
from django.utils import timezone, translation

from approdo.practices import actions
from approdo.practices.models import FieldMapping, Practice
from approdo.surveys import actions as survey_actions
from approdo.surveys.models import SurveyResponse

FORM = b"""| survey |
| | type | name | label |
| | text | titolo | Titolo |
| | text | descrizione | Descrizione |
| | text | risultati | Risultati |
| | text | referente_email | E-mail |
| | select_one stato | stato | Stato |
| | select_multiple comuni | comuni | Comuni |
| | select_multiple azioni | azioni | Azioni |
| | integer | beneficiari_totale | Beneficiari |
| | select_multiple parti | parti | Parti pubblicabili |
| choices |
| | list_name | name | label |
| | stato | in_corso | In corso |
| | stato | concluso | Concluso |
| | comuni | 100005 | Prato |
| | azioni | orientamento_servizi | Orientamento |
| | parti | descrizione | Descrizione |
| | parti | risultati | Risultati |
| | parti | contatti | Contatti |
| | parti | nessuna | Nessuna |
| settings |
| | form_id | form_title |
| | mappa_test | Mappa test |
"""
RULES = [
    {"question": "titolo", "field": "title"},
    {"question": "descrizione", "field": "description", "requires": "descrizione"},
    {"question": "risultati", "field": "results", "requires": "risultati"},
    {"question": "referente_email", "field": "contact_email", "requires": "contatti"},
    {"question": "stato", "field": "status"},
    {"question": "comuni", "field": "comuni"},
    {"question": "azioni", "field": "actions"},
    {"question": "beneficiari_totale", "field": "beneficiaries_total"},
]
ANSWERS = {
    "titolo": "Sportello",
    "descrizione": "Descrizione pubblicabile",
    "risultati": "Risultati riservati",
    "referente_email": "ref@example.org",
    "stato": "concluso",
    "comuni": "100005",
    "azioni": "orientamento_servizi",
    "beneficiari_totale": "40",
    "parti": "descrizione",
}


@pytest.fixture(autouse=True)
def _english(db):
    with translation.override("en"):
        yield


@pytest.fixture
def campaign(prato):
    file = io.BytesIO(FORM)
    campaign = survey_actions.import_xlsform(file, filename="f.md", campaign_slug="bp-test")
    FieldMapping.objects.create(
        questionnaire=campaign.version.questionnaire, consent_question="parti", rules=RULES
    )
    return campaign


def make_response(campaign, organization, answers, status=SurveyResponse.Status.VALIDATED):
    return SurveyResponse.objects.create(
        campaign=campaign,
        version=campaign.version,
        organization=organization,
        answers=answers,
        status=status,
        submitted_at=timezone.now(),
    )


def test_takes_only_consented_parts(campaign, prato, anci_coordinator):
    response = make_response(campaign, prato, ANSWERS)
    practice, created = actions.create_practice_from_response(response, by=anci_coordinator)
    assert created
    assert practice.title == "Sportello"
    assert practice.description == "Descrizione pubblicabile"
    assert practice.results == ""  # part "risultati" not agreed
    assert practice.contact_email == ""  # part "contatti" not agreed
    assert practice.status == "ended"
    assert practice.lead_organization == prato
    assert not practice.published
    assert [z.slug for z in practice.zone.all()] == ["pratese"]
    assert [a.code for a in practice.actions.all()] == ["orientamento_servizi"]
    assert practice.beneficiary_counts.get().count == 40


def test_no_consent_no_practice(campaign, prato, anci_coordinator):
    response = make_response(campaign, prato, {**ANSWERS, "parti": "nessuna"})
    with pytest.raises(actions.PracticeError, match="did not agree"):
        actions.create_practice_from_response(response, by=anci_coordinator)
    response = make_response(campaign, prato, {**ANSWERS, "parti": ""})
    with pytest.raises(actions.PracticeError):
        actions.create_practice_from_response(response, by=anci_coordinator)
    assert not Practice.objects.exists()


def test_only_validated_responses(campaign, prato, anci_coordinator):
    response = make_response(campaign, prato, ANSWERS, SurveyResponse.Status.SUBMITTED)
    with pytest.raises(actions.PracticeError, match="validated"):
        actions.create_practice_from_response(response, by=anci_coordinator)


def test_view_is_idempotent(client, campaign, prato, anci_coordinator):
    response = make_response(campaign, prato, ANSWERS)
    client.force_login(anci_coordinator)
    url = f"/buone-pratiche/redazione/risposte/{response.instance_id}/crea-pratica/"
    first = client.post(url)
    second = client.post(url)
    assert first["Location"] == second["Location"]
    assert Practice.objects.filter(source_response=response).count() == 1
    assert client.get(url).status_code == 405


def test_members_cannot_create_practices(client, campaign, prato, prato_member):
    response = make_response(campaign, prato, ANSWERS)
    client.force_login(prato_member)
    url = f"/buone-pratiche/redazione/risposte/{response.instance_id}/crea-pratica/"
    assert client.post(url).status_code == 403
    assert not Practice.objects.exists()


def test_mapping_editor_lists_the_questions_and_saves(client, campaign, anci_coordinator):
    client.force_login(anci_coordinator)
    url = "/buone-pratiche/redazione/mappature/mappa_test/"
    page = client.get(url)
    assert page.status_code == 200
    assert "beneficiari_totale" in page.content.decode()
    response = client.post(
        url,
        {
            "consent_question": "parti",
            "field__titolo": "title",
            "field__risultati": "results",
            "requires__risultati": "risultati",
        },
    )
    assert response.status_code == 302
    mapping = FieldMapping.objects.get()
    assert mapping.rules == [
        {"question": "titolo", "field": "title"},
        {"question": "risultati", "field": "results", "requires": "risultati"},
    ]
    listing = client.get("/buone-pratiche/redazione/mappature/")
    assert listing.status_code == 200
