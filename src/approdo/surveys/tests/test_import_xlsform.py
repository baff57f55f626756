import datetime
import zoneinfo
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from approdo.surveys import actions
from approdo.surveys.expressions import evaluate_form
from approdo.surveys.models import Campaign, QuestionnaireVersion
from approdo.surveys.tests.conftest import md_form, upload
from approdo.surveys.xlsform import walk
from approdo.territory.models import Comune, Zona

GOOD_PRACTICE = Path(__file__).resolve().parents[1] / "forms" / "buone_pratiche.md"
ROME = zoneinfo.ZoneInfo("Europe/Rome")


def run(*args) -> str:
    out = StringIO()
    call_command("import_xlsform", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def good_practice(db):
    run(
        str(GOOD_PRACTICE),
        "--campaign",
        "buone-pratiche-2026",
        "--opens",
        "2026-01-01",
        "--closes",
        "2099-11-30",
    )
    return Campaign.objects.get(slug="buone-pratiche-2026")


def test_command_imports_the_good_practice_questionnaire(good_practice):
    version = good_practice.version

    assert good_practice.title == "Rilevazione delle buone pratiche"
    assert good_practice.opens_at == datetime.datetime(2026, 1, 1, tzinfo=ROME)
    assert good_practice.closes_at == datetime.datetime(2099, 11, 30, 23, 59, 59, tzinfo=ROME)
    assert version.questionnaire.slug == "buone_pratiche"
    assert version.schema["languages"] == ["English (en)", "Italiano (it)"]
    assert version.schema["default_language"] == "Italiano (it)"


def test_command_prints_version_and_question_count(db, tmp_path):
    path = tmp_path / "form.md"
    path.write_bytes(
        md_form("| | type | name | label |\n| | text | a | A |\n| | integer | b | B |")
    )

    first = run(str(path), "--campaign", "c1", "--title", "Prima")
    second = run(str(path), "--campaign", "c1")

    unpublished = "not published (use --publish)"
    assert first.strip() == f"Campaign c1: test_form version 1, 2 questions; {unpublished}."
    assert second.strip() == f"Campaign c1: test_form version 2, 2 questions; {unpublished}."
    campaign = Campaign.objects.get()
    assert campaign.title == "Prima"
    assert not campaign.is_published
    assert not campaign.open_to_all and not campaign.many_responses


def test_command_publishes_and_opens_only_when_asked(db, tmp_path):
    path = tmp_path / "form.md"
    path.write_bytes(md_form("| | type | name | label |\n| | text | a | A |"))

    run(str(path), "--campaign", "c2")
    assert not Campaign.objects.get(slug="c2").is_published
    out = run(str(path), "--campaign", "c2", "--publish", "--open-to-all", "--many-responses")

    campaign = Campaign.objects.get(slug="c2")
    assert out.strip().endswith("1 questions; published.")
    assert campaign.is_published and campaign.open_to_all and campaign.many_responses
    run(str(path), "--campaign", "c3", "--publish")
    assert Campaign.objects.get(slug="c3").is_published


def test_command_lists_every_problem_and_creates_nothing(db, tmp_path):
    path = tmp_path / "form.md"
    path.write_bytes(
        md_form(
            "| | type | name | label | calculation |\n"
            "| | geopoint | where | Where | |\n"
            "| | calculate | c | | pulldata('a', 'b', 'c', 'd') |"
        )
    )

    with pytest.raises(CommandError) as error:
        run(str(path), "--campaign", "c1")

    assert str(error.value).splitlines() == [
        "Sheet “survey”, row 2: the question type “geopoint” is not supported.",
        "Sheet “survey”, row 3: the function “pulldata” (column calculation) is not supported.",
    ]
    assert not QuestionnaireVersion.objects.exists()


def test_command_reports_bad_dates_and_missing_file(db, tmp_path):
    with pytest.raises(CommandError) as error:
        run(
            str(tmp_path / "none.md"),
            "--campaign",
            "c1",
            "--opens",
            "tomorrow",
            "--closes",
            "31/12",
        )

    assert str(error.value).splitlines() == [
        "--opens: “tomorrow” is not a date (YYYY-MM-DD) or ISO datetime.",
        "--closes: “31/12” is not a date (YYYY-MM-DD) or ISO datetime.",
        f"{tmp_path / 'none.md'}: no such file.",
    ]


def test_command_accepts_iso_datetimes(db, tmp_path):
    path = tmp_path / "form.md"
    path.write_bytes(md_form("| | type | name | label |\n| | text | a | A |"))

    run(
        str(path),
        "--campaign",
        "c1",
        "--opens",
        "2026-03-01T09:00",
        "--closes",
        "2026-03-02T18:00Z",
    )

    campaign = Campaign.objects.get()
    assert campaign.opens_at == datetime.datetime(2026, 3, 1, 9, 0, tzinfo=ROME)
    assert campaign.closes_at == datetime.datetime(2026, 3, 2, 18, 0, tzinfo=datetime.UTC)


def test_good_practice_territory_choices_match_the_territory(good_practice):
    elements = {e["name"]: e for e in walk(good_practice.version.schema["children"])}

    zone = {choice["name"] for choice in elements["zona"]["choices"]}
    comuni = {choice["name"]: choice["data"]["zona"] for choice in elements["comuni"]["choices"]}

    assert zone == set(Zona.objects.values_list("slug", flat=True))
    assert len(zone) == 28
    assert set(comuni) == set(Comune.objects.values_list("istat_code", flat=True))
    assert comuni["100005"] == "pratese"


def test_good_practice_covers_the_design_taxonomies(good_practice):
    elements = {e["name"]: e for e in walk(good_practice.version.schema["children"])}
    codes = {
        name: {c["name"] for c in elements[name]["choices"]}
        for name in elements
        if "choices" in elements[name]
    }

    assert codes["azioni"] == {
        "orientamento_servizi", "supporto_abitare", "coesione_sociale", "pronto_intervento",
        "consulenza_legale", "accompagnamento_autonomia", "formazione_lavoro",
        "accesso_prestazioni", "lingua_italiana", "mediazione_culturale", "partecipazione",
    }  # fmt: skip
    assert codes["destinatari"] == {
        "richiedenti_asilo", "titolari_protezione", "cittadini_paesi_terzi",
        "diniego_protezione", "msna", "disoccupati", "vittime_sfruttamento",
        "donne_vittime_violenza", "donne_sole_minori", "senza_dimora",
        "disagio_psichico_dipendenze",
    }  # fmt: skip
    assert "fami" in codes["fonti"]
    assert elements["fonti"]["or_other"] is True
    assert elements["partner"]["type"] == "repeat"
    assert elements["allegato_1"]["type"] == "file"
    assert elements["parti_pubblicabili"]["type"] == "select_multiple"
    assert elements["beneficiari_totale"]["constraint"] == ". >= 0"


COMPLETE = {
    "org_nome": "Comune di Prato",
    "org_tipo": "comune",
    "referente_nome": "Maria Rossi",
    "referente_email": "maria.rossi@comune.prato.it",
    "titolo": "Casa e lavoro",
    "stato": "concluso",
    "data_inizio": "2023-01-01",
    "data_fine": "2024-12-31",
    "fonti": ["fami", "other"],
    "fonti_other": "Fondo locale",
    "fami_programma": "fami_2021_2027",
    "importo": "125000.50",
    "zona": "pratese",
    "comuni": ["100005", "100003"],
    "destinatari": ["richiedenti_asilo", "senza_dimora"],
    "azioni": ["supporto_abitare", "formazione_lavoro", "lingua_italiana"],
    "descrizione": "Percorsi di autonomia abitativa e lavorativa.",
    "ha_partner": "si",
    "partner": [
        {
            "partner_nome": "Coop Il Ponte",
            "partner_tipo": "cooperativa_sociale",
            "partner_ruolo": "partner",
        },
        {"partner_nome": "Caritas", "partner_tipo": "associazione", "partner_ruolo": "aderente"},
    ],
    "beneficiari_totale": 40,
    "beneficiari_donne": 15,
    "beneficiari_minori": 0,
    "risultati": "Trenta persone in autonomia abitativa.",
    "evidenze": ["monitoraggio"],
    "metodo_valutazione": "interna",
    "metodo_descrizione": "Schede di monitoraggio trimestrali.",
    "innovazione_grado": 4,
    "sostenibilita_dopo": "no",
    "sostenibilita": "not relevant when 'no'",
    "parti_pubblicabili": ["descrizione", "risultati"],
    "dichiarazione": "OK",
}


def test_good_practice_expressions_evaluate(good_practice):
    schema = good_practice.version.schema

    evaluation = evaluate_form(schema, COMPLETE, today=datetime.date(2026, 11, 20))

    assert evaluation.errors == {}
    values = evaluation.values
    assert values["/data/destinatari_azioni/numero_azioni"] == "3"
    assert values["/data/partenariato/numero_partner"] == "2"
    assert values["/data/beneficiari/quota_donne"] == "37.5"
    assert values["/data/sintesi"] == "Casa e lavoro (pratese)"
    assert values["/data/data_compilazione"] == "2026-11-20"
    assert evaluation.relevant["/data/progetto/fami_programma"] is True
    assert evaluation.relevant["/data/risultati_valutazione/sostenibilita"] is False
    assert "sostenibilita" not in evaluation.cleaned
    assert len(evaluation.cleaned["partner"]) == 2


def test_good_practice_rules_catch_bad_answers(good_practice):
    schema = good_practice.version.schema
    answers = {
        **COMPLETE,
        "referente_email": "not-an-address",
        "data_fine": "",
        "comuni": ["100005", "048017"],  # Firenze is not in the zona pratese
        "beneficiari_donne": 41,
        "evidenze": ["nessuna", "monitoraggio"],
        "partner": [{"partner_nome": "", "partner_tipo": "aps", "partner_ruolo": "partner"}],
    }

    errors = evaluate_form(schema, answers, language="en").errors

    assert errors == {
        "/data/organizzazione/referente_email": "Not a valid e-mail address.",
        "/data/progetto/data_fine": "Enter the end date of a project that has ended.",
        "/data/progetto/comuni": "Choose among the options offered.",
        "/data/partenariato/partner[1]/partner_nome": "An answer is required.",
        "/data/beneficiari/beneficiari_donne": "Between 0 and the total.",
        "/data/risultati_valutazione/evidenze": "'None' cannot be chosen with other items.",
    }


def test_good_practice_without_partners_drops_the_repeat(good_practice):
    answers = {**COMPLETE, "ha_partner": "no"}

    evaluation = evaluate_form(good_practice.version.schema, answers)

    assert evaluation.errors == {}
    assert "partner" not in evaluation.cleaned
    assert evaluation.values["/data/partenariato/numero_partner"] == "0"


def test_good_practice_dates_are_checked_against_each_other_and_today(good_practice):
    answers = {**COMPLETE, "data_inizio": "2026-12-01", "data_fine": "2026-11-01"}

    errors = evaluate_form(
        good_practice.version.schema, answers, today=datetime.date(2026, 11, 20), language="en"
    ).errors

    assert errors == {
        "/data/progetto/data_inizio": "The start date cannot be in the future.",
        "/data/progetto/data_fine": "The end cannot come before the start.",
    }


def test_command_refuses_a_campaign_code_that_is_not_a_slug(db, tmp_path):
    path = tmp_path / "form.md"
    path.write_bytes(md_form("| | type | name | label |\n| | text | a | A |"))

    with pytest.raises(CommandError) as error:
        run(str(path), "--campaign", "Buone Pratiche!")

    assert "is not a valid campaign code" in str(error.value)
    assert not Campaign.objects.exists()


def test_every_problem_of_the_form_is_listed_at_once(db):
    """pyxform stops at its first problem: our checks list each one, with its row."""
    content = md_form(
        """
| | type | name | label |
| | text | a | A |
| | select_one nolist | b | B |
| | text | | C |
| | integer | a | D |
| | text | 1bad | E |
| | end repeat | | |
| | begin group | g | G |
""",
        choices="| | list_name | name | label |\n| | yn | yes | Yes |",
    )

    with pytest.raises(actions.FormImportError) as refused:
        actions.import_xlsform(upload(content), campaign_slug="many-problems")

    assert refused.value.messages == [
        "Sheet “survey”, row 3: the choice list “nolist” is not on the choices sheet.",
        "Sheet “survey”, row 4: the question has no name.",
        "Sheet “survey”, row 5: the name “a” is already used on row 2.",
        "Sheet “survey”, row 6: the name “1bad” is not valid: use letters, digits, _ - and ., "
        "starting with a letter or _.",
        "Sheet “survey”, row 7: “end repeat” closes a group or repeat that is not open.",
        "Sheet “survey”, row 8: this group is never closed (end group missing).",
    ]
    assert not Campaign.objects.exists()


def test_a_problem_only_pyxform_finds_is_still_reported_with_ours(db):
    content = md_form(
        """
| | type | name | label | relevant |
| | text | a | A | |
| | geopoint | where | Where | |
| | text | c | C | ${nowhere} = 1 |
"""
    )

    with pytest.raises(actions.FormImportError) as refused:
        actions.import_xlsform(upload(content), campaign_slug="two-problems")

    messages = refused.value.messages
    assert messages[0] == "Sheet “survey”, row 3: the question type “geopoint” is not supported."
    assert len(messages) == 2 and "nowhere" in messages[1]
