import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from approdo.surveys import actions
from approdo.surveys.models import Campaign, Questionnaire, QuestionnaireVersion
from approdo.surveys.tests.conftest import md_form, upload
from approdo.surveys.xlsform import convert_xlsform, functions_in, walk

EVERY_TYPE = (Path(__file__).parent / "forms" / "every_type.md").read_bytes()


def by_name(schema: dict) -> dict[str, dict]:
    return {element["name"]: element for element in walk(schema["children"])}


def test_every_supported_type_converts_into_our_schema():
    result = convert_xlsform(EVERY_TYPE, "form.md")

    assert result.errors == []
    elements = by_name(result.schema)
    types = {name: element["type"] for name, element in elements.items()}
    assert types == {
        "t": "text",
        "n": "integer",
        "d": "decimal",
        "day": "date",
        "tm": "time",
        "z": "select_one",
        "c": "select_one",
        "f": "select_multiple",
        "f_other": "text",
        "nt": "note",
        "ack": "acknowledge",
        "calc": "calculate",
        "h": "hidden",
        "r": "range",
        "doc": "file",
        "img": "image",
        "g": "group",
        "rep": "repeat",
        "k": "integer",
    }
    assert result.schema["languages"] == ["English (en)", "Italiano (it)"]
    assert result.schema["default_language"] == "default"
    assert "<h:html" in result.xform


def test_schema_keeps_labels_logic_choices_and_nesting():
    schema = convert_xlsform(EVERY_TYPE, "form.md").schema
    elements = by_name(schema)

    text = elements["t"]
    assert text["labels"] == {"Italiano (it)": "Testo", "English (en)": "Text"}
    assert text["hints"] == {"Italiano (it)": "Aiuto"}
    assert text["required"] == "true()"
    assert text["required_message"] == {"Italiano (it)": "Obbligatorio"}
    assert text["constraint"] == "string-length(.) < 10"
    assert text["constraint_message"] == {"Italiano (it)": "Troppo lungo"}
    assert text["appearance"] == "multiline"
    assert elements["n"]["default"] == "2"
    assert elements["d"]["read_only"] == "true()"
    assert elements["calc"]["calculate"] == "if(${n} > 1, 'many', 'few')"
    assert elements["c"]["choice_filter"] == "zona=${z}"
    assert elements["c"]["choices"][0] == {
        "name": "c1",
        "labels": {"Italiano (it)": "Comune 1", "English (en)": "Comune 1"},
        "data": {"zona": "z1"},
    }
    assert elements["f"]["or_other"] is True
    assert [c["name"] for c in elements["f"]["choices"]] == ["apple", "pear", "other"]
    assert elements["r"]["parameters"] == {"start": "1", "end": "5", "step": "1"}
    assert elements["g"]["relevant"] == "selected(${f}, 'apple')"
    assert elements["g"]["appearance"] == "field-list"
    assert elements["rep"]["repeat_count"] == "${n}"
    assert elements["k"]["path"] == "/data/g/rep/k"
    assert schema["question_count"] == 17


def test_xlsx_workbook_converts():
    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(["type", "name", "label"])
    survey.append(["integer", "age", "Age"])
    survey.append(["select_one yn", "ok", "OK?"])
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    choices.append(["yn", "yes", "Yes"])
    choices.append(["yn", "no", "No"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = convert_xlsform(buffer.getvalue(), "questionario.xlsx")

    assert result.errors == []
    assert [e["name"] for e in result.schema["children"]] == ["age", "ok"]
    assert result.form_id == "questionario"


@pytest.mark.parametrize(
    ("row", "name"),
    [
        ("| | geopoint | where | Where |", "geopoint"),
        ("| | select_one_from_file places.csv | place | Place |", "select_one_from_file"),
        ("| | barcode | code | Code |", "barcode"),
    ],
)
def test_unsupported_type_is_reported_by_name_with_its_row(db, row, name):
    content = md_form(f"| | type | name | label |\n| | text | a | A |\n{row}")

    with pytest.raises(actions.FormImportError) as error:
        actions.import_xlsform(upload(content), campaign_slug="c")

    assert error.value.messages == [
        f"Sheet “survey”, row 3: the question type “{name}” is not supported."
    ]
    assert not Questionnaire.objects.exists()
    assert not QuestionnaireVersion.objects.exists()
    assert not Campaign.objects.exists()


def test_unsupported_functions_are_reported_by_name(db):
    content = md_form(
        """
| | type | name | label | calculation | relevant |
| | text | a | A | | |
| | calculate | b | | pulldata('prices', 'price', 'id', ${a}) | |
| | text | c | C | | search('x') = 'y' and position(..) > 1 |
"""
    )

    with pytest.raises(actions.FormImportError) as error:
        actions.import_xlsform(upload(content), campaign_slug="c")

    assert error.value.messages == [
        "Sheet “survey”, row 3: the function “pulldata” (column calculation) is not supported.",
        "Sheet “survey”, row 4: the function “position” (column relevant) is not supported.",
        "Sheet “survey”, row 4: the function “search” (column relevant) is not supported.",
    ]
    assert not Questionnaire.objects.exists()


def test_function_names_inside_string_literals_are_not_calls():
    assert functions_in("concat('pulldata(', ${a}) and regex(., 'x(y)')") == {"concat", "regex"}
    assert functions_in(". > 1 and (. < 5) or (. = 9)") == set()
    assert functions_in("count-selected(.) > 1") == {"count-selected"}


def test_an_invalid_name_comes_with_sheet_and_row_once(db):
    content = md_form("| | type | name | label |\n| | text | a | A |\n| | integer | a b | B |")

    with pytest.raises(actions.FormImportError) as error:
        actions.import_xlsform(upload(content), campaign_slug="c")

    [message] = error.value.messages  # ours; pyxform's about the same row is left out
    assert message.startswith("Sheet “survey”, row 3: ")
    assert "the name “a b” is not valid" in message
    assert not QuestionnaireVersion.objects.exists()


def test_unknown_reference_is_an_error_with_row():
    content = md_form("| | type | name | label | relevant |\n| | text | a | A | ${missing} = 1 |")

    result = convert_xlsform(content, "form.md")

    assert not result.ok
    assert result.errors[0].startswith("Sheet “survey”, row 2: ")
    assert "missing" in result.errors[0]


def test_the_same_name_in_two_groups_is_refused():
    content = md_form(
        """
| | type | name | label |
| | begin group | one | One |
| | text | a | A |
| | end group | | |
| | begin group | two | Two |
| | text | a | A |
| | end group | | |
"""
    )

    result = convert_xlsform(content, "form.md")

    assert result.errors == ["Sheet “survey”, row 6: the name “a” is already used on row 3."]


def test_malformed_expression_is_reported():
    content = md_form("| | type | name | label | constraint |\n| | integer | a | A | . >>= 1 |")

    result = convert_xlsform(content, "form.md")

    assert result.errors == ["Question “a”, constraint: . >>= 1: Invalid expression"]


def test_oversized_upload_is_refused(db, settings):
    settings.APPRODO_XLSFORM_MAX_BYTES = 100
    content = md_form("| | type | name | label |\n" + "| | text | q | Question |\n" * 10)

    with pytest.raises(actions.FormImportError) as error:
        actions.import_xlsform(upload(content), campaign_slug="c")

    assert error.value.messages == ["The file is larger than the 0.0 MB allowed."]
    assert not QuestionnaireVersion.objects.exists()


def test_workbook_that_unpacks_into_too_much_is_refused(settings):
    settings.APPRODO_XLSFORM_MAX_UNPACKED_BYTES = 10_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "0" * 1_000_000)

    result = convert_xlsform(buffer.getvalue(), "bomb.xlsx")

    assert result.errors == ["The workbook unpacks into more than 0.0 MB: it is refused."]


def test_too_many_rows_are_refused(settings):
    settings.APPRODO_XLSFORM_MAX_ROWS = 5
    content = md_form(
        "| | type | name | label |\n" + "".join(f"| | text | q{i} | Question |\n" for i in range(6))
    )

    result = convert_xlsform(content, "form.md")

    assert result.errors == ["The form has 6 rows; at most 5 are allowed."]


def test_not_a_workbook_is_refused():
    assert convert_xlsform(b"PK\x03\x04garbage", "form.xlsx").errors == [
        "The file is not a valid .xlsx workbook."
    ]
    assert convert_xlsform(b"hello", "form.pdf").errors == [
        "“form.pdf” is not an XLSForm: upload an .xlsx, .xls or .md file."
    ]


def test_or_other_choice_and_prompt_are_in_the_form_languages():
    """pyxform labels its 'other' choice and prompt in English: each language gets its own."""
    elements = by_name(convert_xlsform(EVERY_TYPE, "form.md").schema)
    other = next(c for c in elements["f"]["choices"] if c["name"] == "other")
    specify = elements["f_other"]["labels"]
    assert other["labels"]["English (en)"] == "Other"
    assert specify["English (en)"] == "Specify other."
    assert other["labels"]["Italiano (it)"] == "Altro"
    assert specify["Italiano (it)"] not in ("", "Specify other.")
    assert specify["default"] == specify["Italiano (it)"]  # untranslated forms are Italian
