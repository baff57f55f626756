import csv
import datetime
import io
import uuid
import zipfile

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from approdo.reports.datasets import DatasetError, get_dataset
from approdo.reports.writers import RowCountMismatch, write_csv, write_ods, write_xlsx
from approdo.surveys import actions
from approdo.surveys.models import SurveyResponse
from approdo.surveys.tests.conftest import md_form, upload

FORM = md_form(
    """
| | type | name | label::Italiano (it) | label::English (en) | required |
| | text | project | Progetto | Project | yes |
| | integer | people | Persone | People | |
| | select_multiple fund | funds | Fonti | Funds | |
| | select_one yn | partners_yn | Partner? | Partners? | |
| | begin repeat | partner | Partner | Partner | |
| | text | partner_name | Nome | Name | |
| | select_one yn | partner_lead | Capofila | Lead | |
| | end repeat | | | | |
""",
    choices="""
| | list_name | name | label::Italiano (it) | label::English (en) |
| | fund | fami | FAMI | AMIF |
| | fund | fse | FSE+ | ESF+ |
| | fund | own | Fondi propri | Own funds |
| | yn | yes | Sì | Yes |
| | yn | no | No | No |
""",
    form_id="export_form",
)


@pytest.fixture
def campaign(db, prato, coop):
    campaign = actions.import_xlsform(
        upload(FORM),
        campaign_slug="export-test",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=10),
    )
    campaign.many_responses = True
    campaign.save()
    campaign.organizations.add(prato, coop)
    return campaign


def submit(campaign, organization, **answers):
    response, _ = actions.submit_response(
        campaign, organization=organization, instance_id=uuid.uuid4(), answers=answers, by=None
    )
    return response


@pytest.fixture
def responses(campaign, prato, coop):
    first = submit(
        campaign,
        prato,
        project="Sportello",
        people="12",
        funds="fami own",
        partners_yn="yes",
        partner=[
            {"partner_name": "Coop A", "partner_lead": "yes"},
            {"partner_name": '=HYPERLINK("http://x")', "partner_lead": "no"},
        ],
    )
    second = submit(campaign, coop, project="=1+2", people="0")
    draft = actions.start_response(campaign, organization=coop, by=None)
    return first, second, draft


def sheets(**params):
    dataset = get_dataset("survey_responses")
    return dataset.sheets(dataset.clean_params({"campaign": "export-test", **params}))


def csv_rows(sheet_list):
    out = io.BytesIO()
    write_csv(sheet_list, out)
    return list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))


def test_csv_has_metadata_one_column_per_question_and_choice_columns(responses):
    first, second, _draft = responses
    rows = csv_rows(sheets())
    assert rows[0] == [
        "instance_id",
        "organization",
        "organization_kind",
        "zona",
        "status",
        "submitted_at",
        "version",
        "project",
        "people",
        "funds",
        "funds/fami",
        "funds/fse",
        "funds/own",
        "partners_yn",
    ]
    assert len(rows) == 3  # drafts are left out by default
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["instance_id"] == str(first.instance_id)
    assert row["organization"] == "Comune di Prato"
    assert row["zona"] == "Pratese"
    assert row["status"] == "submitted"
    assert (row["funds"], row["funds/fami"], row["funds/fse"], row["funds/own"]) == (
        "fami own",
        "1",
        "0",
        "1",
    )
    assert row["people"] == "12"
    unanswered = dict(zip(rows[0], rows[2], strict=True))
    assert unanswered["funds/fami"] == ""  # not answered: neither 0 nor 1


def test_formula_injection_is_guarded_in_csv_and_xlsx(responses):
    rows = csv_rows(sheets())
    assert rows[2][rows[0].index("project")] == "'=1+2"
    out = io.BytesIO()
    write_xlsx(sheets(), out)
    workbook = load_workbook(io.BytesIO(out.getvalue()))
    values = [cell.value for row in workbook.worksheets[0].iter_rows() for cell in row]
    assert "'=1+2" in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert workbook.worksheets[0].cell(row=2, column=9).value == 12  # numbers stay numbers


def test_numbers_and_choice_flags_are_numbers_in_xlsx_and_ods(campaign, prato):
    # Stored answers could hold anything (imports, older versions): negative numbers are
    # not formulas, text starting like one is guarded even in a number column.
    submit(campaign, prato, project="Uno", people="-5", funds="fse")
    SurveyResponse.objects.filter(answers__people="-5").update(
        answers={"project": "Uno", "people": "-5", "funds": "fse"}
    )
    submit(campaign, prato, project="Due", people="3")
    SurveyResponse.objects.filter(answers__people="3").update(
        answers={"project": "Due", "people": "-1+cmd"}
    )
    rows = csv_rows(sheets())
    people = rows[0].index("people")
    assert [r[people] for r in rows[1:]] == ["-5", "'-1+cmd"]
    out = io.BytesIO()
    write_xlsx(sheets(), out)
    sheet = load_workbook(io.BytesIO(out.getvalue()), read_only=True).worksheets[0]
    first, second = list(sheet.iter_rows(min_row=2, values_only=True))
    assert first[people : people + 5] == (-5, "fse", 0, 1, 0)
    assert second[people] == "'-1+cmd" and second[people + 2] is None
    out = io.BytesIO()
    write_ods(sheets(), out)
    content = zipfile.ZipFile(io.BytesIO(out.getvalue())).read("content.xml").decode()
    assert 'office:value-type="float" office:value="-5"' in content


def test_labels_in_the_chosen_language(responses):
    rows = csv_rows(sheets(labels="labels", language="en"))
    assert rows[0][7:13] == [
        "Project",
        "People",
        "Funds",
        "Funds/AMIF",
        "Funds/ESF+",
        "Funds/Own funds",
    ]
    assert rows[1][9] == "AMIF; Own funds"
    assert csv_rows(sheets(labels="labels", language="it"))[1][9] == "FAMI; Fondi propri"


def test_xlsx_puts_repeats_on_their_own_sheet_linked_by_instance_id(responses):
    first = responses[0]
    out = io.BytesIO()
    write_xlsx(sheets(), out)
    workbook = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    assert workbook.sheetnames == ["export-test", "partner"]
    partner = [list(r) for r in workbook["partner"].iter_rows(values_only=True)]
    assert partner[0] == ["parent_instance_id", "position", "partner_name", "partner_lead"]
    assert partner[1] == [str(first.instance_id), 1, "Coop A", "yes"]
    assert partner[2][2] == '\'=HYPERLINK("http://x")'


def test_repeat_rows_dataset_for_csv(responses):
    dataset = get_dataset("survey_repeat_rows")
    params = dataset.clean_params({"campaign": "export-test", "repeat": "partner"})
    rows = csv_rows(dataset.sheets(params))
    assert [r[1:3] for r in rows[1:]] == [["1", "Coop A"], ["2", '\'=HYPERLINK("http://x")']]
    with pytest.raises(DatasetError):
        dataset.clean_params({"campaign": "export-test", "repeat": "nope"})


def test_drafts_are_never_exported_even_when_asked(responses):
    """Drafts are private to their organisation: the export has the rows the review pages
    show its readers (visible_to less drafts), whatever `drafts` says."""
    assert len(csv_rows(sheets(drafts="1"))) == 3


def test_ods_is_a_valid_opendocument_zip(responses):
    import zipfile

    out = io.BytesIO()
    assert write_ods(sheets(), out) == 2
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    assert archive.namelist()[0] == "mimetype"
    assert archive.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
    content = archive.read("content.xml").decode()
    assert "Sportello" in content and "&apos;=1+2" not in content and "'=1+2" in content
    assert 'table:name="partner"' in content


def test_a_row_missing_from_the_export_fails_loudly(responses):
    sheet_list = sheets()
    sheet_list[0].expected += 1  # the database holds one more row than was read
    with pytest.raises(RowCountMismatch, match="2 rows written, 3 expected"):
        csv_rows(sheet_list)
    sheet_list = sheets()
    sheet_list[0].expected += 1
    with pytest.raises(RowCountMismatch):
        write_xlsx(sheet_list, io.BytesIO())


def test_unknown_campaign_is_refused(db):
    with pytest.raises(DatasetError):
        get_dataset("survey_responses").clean_params({"campaign": "nope"})


NESTED = md_form(
    """
| | type | name | label |
| | text | project | Project |
| | begin repeat | partner | Partner |
| | text | partner_name | Name |
| | begin repeat | activity | Activity |
| | text | activity_name | Activity name |
| | integer | hours | Hours |
| | end repeat | | |
| | end repeat | | |
""",
    form_id="nested_export_form",
)


def test_a_repeat_inside_a_repeat_gets_its_own_sheet_linked_to_its_entry(prato):
    campaign = actions.import_xlsform(
        upload(NESTED),
        campaign_slug="nested-export",
        opens_at=timezone.now() - datetime.timedelta(days=1),
        closes_at=timezone.now() + datetime.timedelta(days=10),
    )
    campaign.organizations.add(prato)
    response = submit(
        campaign,
        prato,
        project="Rete",
        partner=[
            {"partner_name": "Coop A", "activity": [{"activity_name": "Corso", "hours": "10"}]},
            {
                "partner_name": "Coop B",
                "activity": [
                    {"activity_name": "Sportello", "hours": "4"},
                    {"activity_name": "Mediazione", "hours": "6"},
                ],
            },
        ],
    )
    dataset = get_dataset("survey_responses")
    out = io.BytesIO()
    write_xlsx(dataset.sheets(dataset.clean_params({"campaign": "nested-export"})), out)
    workbook = load_workbook(io.BytesIO(out.getvalue()), read_only=True)
    assert workbook.sheetnames == ["nested-export", "partner", "activity"]
    activity = [list(r) for r in workbook["activity"].iter_rows(values_only=True)]
    iid = str(response.instance_id)
    assert activity == [
        ["parent_instance_id", "parent_position", "position", "activity_name", "hours"],
        [iid, "1", 1, "Corso", 10],
        [iid, "2", 1, "Sportello", 4],
        [iid, "2", 2, "Mediazione", 6],
    ]
    rows_dataset = get_dataset("survey_repeat_rows")
    params = rows_dataset.clean_params({"campaign": "nested-export", "repeat": "activity"})
    assert len(csv_rows(rows_dataset.sheets(params))) == 4
