import datetime

import pytest

from approdo.surveys.expressions import clean_answers, evaluate_form
from approdo.surveys.tests.conftest import md_form
from approdo.surveys.xlsform import convert_xlsform

HEADER = (
    "| | type | name | label | required | required_message | relevant | constraint "
    "| constraint_message | calculation | read_only | choice_filter | parameters | repeat_count |"
)


def schema_of(rows: str, choices: str = "") -> dict:
    result = convert_xlsform(md_form(HEADER + "\n" + rows.strip(), choices=choices), "f.md")
    assert result.errors == []
    return result.schema


def row(type_, name, label="L", **cells) -> str:
    columns = ["required", "required_message", "relevant", "constraint", "constraint_message"]
    columns += ["calculation", "read_only", "choice_filter", "parameters", "repeat_count"]
    values = [cells.get(column, "") for column in columns]
    return "| | " + " | ".join([type_, name, label, *values]) + " |"


def test_relevance_follows_answers():
    schema = schema_of(
        "\n".join(
            [
                row("integer", "people"),
                row("text", "why_none", relevant="${people} = 0"),
                row("text", "who", relevant="${people} > 0"),
            ]
        )
    )

    evaluation = evaluate_form(schema, {"people": 0})

    assert evaluation.relevant["/data/why_none"] is True
    assert evaluation.relevant["/data/who"] is False


def test_empty_value_is_neither_zero_nor_relevant_for_comparisons():
    schema = schema_of(
        "\n".join([row("integer", "people"), row("text", "why_none", relevant="${people} = 0")])
    )

    assert evaluate_form(schema, {}).relevant["/data/why_none"] is False


def test_non_relevant_group_hides_its_questions():
    schema = schema_of(
        "\n".join(
            [
                row("select_one yn", "has"),
                row("begin group", "details", relevant="${has} = 'yes'"),
                row("text", "inner", required="yes"),
                row("end group", ""),
            ]
        ),
        choices="| | list_name | name | label |\n| | yn | yes | Yes |\n| | yn | no | No |",
    )

    hidden = evaluate_form(schema, {"has": "no", "inner": "x"})
    shown = evaluate_form(schema, {"has": "yes"})

    assert hidden.relevant["/data/details/inner"] is False
    assert hidden.errors == {}
    assert hidden.cleaned == {"has": "no"}
    assert shown.errors == {"/data/details/inner": "This field is required."}


def test_required_with_message_and_as_an_expression():
    schema = schema_of(
        "\n".join(
            [
                row("text", "name", required="yes", required_message="Name please"),
                row("select_one st", "status"),
                row("date", "end", required="${status} = 'ended'"),
            ]
        ),
        choices="| | list_name | name | label |\n| | st | ongoing | O |\n| | st | ended | E |",
    )

    assert evaluate_form(schema, {"status": "ongoing"}).errors == {"/data/name": "Name please"}
    assert evaluate_form(schema, {"name": "x", "status": "ended"}).errors == {
        "/data/end": "This field is required."
    }


def test_constraint_uses_dot_and_its_message():
    schema = schema_of(
        "\n".join(
            [
                row("integer", "total"),
                row(
                    "integer",
                    "women",
                    constraint=". >= 0 and . <= ${total}",
                    constraint_message="Between 0 and the total",
                ),
            ]
        )
    )

    assert evaluate_form(schema, {"total": 10, "women": 4}).errors == {}
    assert evaluate_form(schema, {"total": 10, "women": 11}).errors == {
        "/data/women": "Between 0 and the total"
    }
    assert evaluate_form(schema, {"total": 10}).errors == {}  # empty: constraint not checked


def test_messages_in_the_requested_language():
    content = md_form(
        "| | type | name | label::Italiano (it) | label::English (en) | required "
        "| required_message::Italiano (it) | required_message::English (en) |\n"
        "| | text | a | A | A | yes | Obbligatorio | Required |"
    )
    schema = convert_xlsform(content, "f.md").schema

    assert evaluate_form(schema, {}, language="en").errors == {"/data/a": "Required"}
    assert evaluate_form(schema, {}, language="it").errors == {"/data/a": "Obbligatorio"}


@pytest.mark.parametrize(
    ("type_", "value", "message"),
    [
        ("integer", "3.5", "Enter a whole number."),
        ("integer", "abc", "Enter a whole number."),
        ("decimal", "1,5", "Enter a number."),
        ("date", "2025-02-30", "Enter a date as YYYY-MM-DD."),
        ("date", "30/01/2025", "Enter a date as YYYY-MM-DD."),
        ("time", "25:00", "Enter a time as HH:MM."),
        ("acknowledge", "yes", "Tick the box to acknowledge."),
    ],
)
def test_wrong_types_are_field_errors(type_, value, message):
    schema = schema_of(row(type_, "q"))

    assert evaluate_form(schema, {"q": value}).errors == {"/data/q": message}


@pytest.mark.parametrize(
    ("type_", "value"),
    [
        ("integer", 7),
        ("integer", "-2"),
        ("decimal", 1.5),
        ("decimal", "0.25"),
        ("date", "2025-11-30"),
        ("time", "09:30"),
        ("time", "09:30:15.000+01:00"),
        ("acknowledge", True),
        ("acknowledge", "OK"),
        ("text", "anything"),
        ("file", "report.pdf"),
    ],
)
def test_right_types_pass(type_, value):
    schema = schema_of(row(type_, "q"))

    assert evaluate_form(schema, {"q": value}).errors == {}


def test_range_bounds_and_step():
    schema = schema_of(row("range", "score", parameters="start=1 end=5 step=1"))

    assert evaluate_form(schema, {"score": 3}).errors == {}
    assert evaluate_form(schema, {"score": 6}).errors == {
        "/data/score": "Enter a number between 1 and 5."
    }
    assert evaluate_form(schema, {"score": 2.5}).errors == {
        "/data/score": "Enter a value on the scale (steps of 1)."
    }


CHOICES = """
| | list_name | name | label | zona |
| | zona | z1 | Zona 1 | |
| | zona | z2 | Zona 2 | |
| | comune | c1 | Comune 1 | z1 |
| | comune | c2 | Comune 2 | z1 |
| | comune | c3 | Comune 3 | z2 |
| | fruit | apple | Apple | |
| | fruit | pear | Pear | |
| | fruit | none | None | |
"""


def test_select_values_must_be_among_the_choices_after_the_filter():
    schema = schema_of(
        "\n".join(
            [
                row("select_one zona", "zona"),
                row("select_multiple comune", "comuni", choice_filter="zona=${zona}"),
                row("select_one fruit", "fruit"),
            ]
        ),
        choices=CHOICES,
    )

    assert evaluate_form(schema, {"zona": "z1", "comuni": ["c1", "c2"]}).errors == {}
    assert evaluate_form(schema, {"zona": "z1", "comuni": "c1 c3"}).errors == {
        "/data/comuni": "Choose among the options offered."
    }
    assert evaluate_form(schema, {"zona": "z9"}).errors == {
        "/data/zona": "Choose among the options offered."
    }
    assert evaluate_form(schema, {"fruit": "apple pear"}).errors == {
        "/data/fruit": "Choose one of the options."
    }


def test_selected_and_count_selected_on_multiple_choices():
    schema = schema_of(
        "\n".join(
            [
                row(
                    "select_multiple fruit",
                    "fruits",
                    constraint="not(selected(., 'none') and count-selected(.) > 1)",
                    constraint_message="None alone",
                ),
                row("text", "why_apple", relevant="selected(${fruits}, 'apple')"),
                row("calculate", "how_many", calculation="count-selected(${fruits})"),
            ]
        ),
        choices=CHOICES,
    )

    evaluation = evaluate_form(schema, {"fruits": ["apple", "pear"]})
    assert evaluation.relevant["/data/why_apple"] is True
    assert evaluation.values["/data/how_many"] == "2"
    assert evaluate_form(schema, {"fruits": "pear"}).relevant["/data/why_apple"] is False
    assert evaluate_form(schema, {"fruits": ["none", "pear"]}).errors == {
        "/data/fruits": "None alone"
    }


def test_or_other_adds_a_text_question_relevant_on_other():
    schema = schema_of(
        row("select_multiple fruit or_other", "fruits"),
        choices=CHOICES,
    )

    other = evaluate_form(schema, {"fruits": ["other"], "fruits_other": "kiwi"})
    plain = evaluate_form(schema, {"fruits": ["apple"], "fruits_other": "kiwi"})

    assert other.cleaned == {"fruits": ["other"], "fruits_other": "kiwi"}
    assert plain.cleaned == {"fruits": ["apple"]}


def test_calculations_chain_with_if_coalesce_concat_and_string_length():
    schema = schema_of(
        "\n".join(
            [
                row("text", "title"),
                row("text", "place"),
                row(
                    "calculate",
                    "label",
                    calculation="concat(${title}, ' - ', coalesce(${place}, 'n/a'))",
                ),
                row("calculate", "size", calculation="string-length(${label})"),
                row("calculate", "long", calculation="if(${size} > 10, 'long', 'short')"),
            ]
        )
    )

    evaluation = evaluate_form(schema, {"title": "Casa"})

    assert evaluation.values == {
        "/data/label": "Casa - n/a",
        "/data/size": "10",
        "/data/long": "short",
    }
    assert evaluate_form(schema, {"title": "Casa", "place": "Prato"}).values["/data/long"] == "long"


def test_numbers_int_round_and_number():
    schema = schema_of(
        "\n".join(
            [
                row("decimal", "amount"),
                row("calculate", "whole", calculation="int(${amount})"),
                row("calculate", "rounded", calculation="round(${amount}, 1)"),
                row("calculate", "half", calculation="round(number(${amount}) div 2)"),
                row("calculate", "negative", calculation="int(-2.7)"),
            ]
        )
    )

    values = evaluate_form(schema, {"amount": "7.25"}).values

    assert values == {
        "/data/whole": "7",
        "/data/rounded": "7.3",
        "/data/half": "4",
        "/data/negative": "-2",
    }


def test_regex_constraint():
    schema = schema_of(
        row(
            "text",
            "email",
            constraint=r"regex(., '^[^@ ]+@[^@ ]+\.[a-z]+$')",
            constraint_message="Bad",
        )
    )

    assert evaluate_form(schema, {"email": "a@b.it"}).errors == {}
    assert evaluate_form(schema, {"email": "a@b"}).errors == {"/data/email": "Bad"}


def test_today_is_the_given_day():
    schema = schema_of(
        "\n".join(
            [
                row("calculate", "stamp", calculation="today()"),
                row("date", "day", constraint=". = today()", constraint_message="Today only"),
            ]
        )
    )
    day = datetime.date(2026, 11, 30)

    evaluation = evaluate_form(schema, {"day": "2026-11-29"}, today=day)

    assert evaluation.values["/data/stamp"] == "2026-11-30"
    assert evaluation.errors == {"/data/day": "Today only"}


def test_read_only_questions_are_not_validated():
    schema = schema_of(row("integer", "locked", required="yes", read_only="yes"))

    assert evaluate_form(schema, {}).errors == {}


REPEAT = "\n".join(
    [
        row("integer", "threshold"),
        row("begin repeat", "partner", "Partners"),
        row("text", "name", required="yes"),
        row("integer", "people", constraint=". >= 0"),
        row("text", "why_many", relevant="${people} > ${threshold}"),
        row("text", "why_zero", relevant="../people = 0"),
        row("end repeat", ""),
        row("calculate", "total", calculation="sum(${people})"),
        row("calculate", "partners", calculation="count(${name})"),
    ]
)


def test_repeats_evaluate_each_entry_with_its_own_siblings():
    schema = schema_of(REPEAT)
    answers = {
        "threshold": 5,
        "partner": [
            {"name": "A", "people": 10, "why_many": "big", "why_zero": "x"},
            {"name": "", "people": 0, "why_many": "y", "why_zero": "closed"},
            {"name": "C", "people": -1},
        ],
    }

    evaluation = evaluate_form(schema, answers)

    assert evaluation.relevant["/data/partner[1]/why_many"] is True
    assert evaluation.relevant["/data/partner[1]/why_zero"] is False
    assert evaluation.relevant["/data/partner[2]/why_many"] is False
    assert evaluation.relevant["/data/partner[2]/why_zero"] is True
    assert evaluation.errors == {
        "/data/partner[2]/name": "This field is required.",
        "/data/partner[3]/people": "This answer is not accepted.",
    }
    assert evaluation.values["/data/total"] == "9"
    assert evaluation.values["/data/partners"] == "3"
    assert evaluation.cleaned["partner"] == [
        {"name": "A", "people": 10, "why_many": "big"},
        {"name": "", "people": 0, "why_zero": "closed"},
        {"name": "C", "people": -1},
    ]


def test_repeat_count_sets_the_number_of_entries():
    schema = schema_of(
        "\n".join(
            [
                row("integer", "n"),
                row("begin repeat", "entry", "Entries", repeat_count="${n}"),
                row("text", "label", required="yes"),
                row("end repeat", ""),
            ]
        )
    )

    evaluation = evaluate_form(
        schema, {"n": 2, "entry": [{"label": "a"}, {"label": "b"}, {"label": "c"}]}
    )
    padded = evaluate_form(schema, {"n": 2, "entry": [{"label": "a"}]})

    assert evaluation.cleaned["entry"] == [{"label": "a"}, {"label": "b"}]
    assert padded.errors == {"/data/entry[2]/label": "This field is required."}


def test_clean_answers_drops_non_relevant_and_unknown_answers_and_adds_calculations():
    schema = schema_of(
        "\n".join(
            [
                row("integer", "people"),
                row("text", "why_none", relevant="${people} = 0"),
                row("calculate", "double", calculation="${people} * 2"),
                row("note", "info"),
            ]
        )
    )

    cleaned = clean_answers(schema, {"people": 3, "why_none": "stale", "junk": 1, "info": "x"})

    assert cleaned == {"people": 3, "double": "6"}


def test_a_calculation_on_a_non_relevant_question_sees_it_empty():
    schema = schema_of(
        "\n".join(
            [
                row("select_one yn", "has"),
                row("integer", "count", relevant="${has} = 'yes'"),
                row("calculate", "shown", calculation="coalesce(${count}, 'none')"),
            ]
        ),
        choices="| | list_name | name | label |\n| | yn | yes | Yes |\n| | yn | no | No |",
    )

    assert evaluate_form(schema, {"has": "no", "count": 4}).values["/data/shown"] == "none"
    assert evaluate_form(schema, {"has": "yes", "count": 4}).values["/data/shown"] == "4"


def test_non_relevant_repeat_entries_leave_sums_and_counts():
    schema = schema_of(
        "\n".join(
            [
                row("begin repeat", "site", "Sites"),
                row("select_one yn", "active"),
                row("begin group", "numbers", "Numbers", relevant="${active} = 'yes'"),
                row("integer", "people"),
                row("end group", ""),
                row("end repeat", ""),
                row("select_one yn", "count_sites"),
                row("begin repeat", "extra", "Extra", relevant="${count_sites} = 'yes'"),
                row("integer", "more"),
                row("end repeat", ""),
                row("calculate", "total", calculation="sum(${people})"),
                row("calculate", "extras", calculation="count(${more})"),
            ]
        ),
        choices="| | list_name | name | label |\n| | yn | yes | Yes |\n| | yn | no | No |",
    )
    answers = {
        "site": [{"active": "yes", "people": 4}, {"active": "yes", "people": 6}],
        "count_sites": "no",
        "extra": [{"more": 1}, {"more": 2}],
    }

    evaluation = evaluate_form(schema, answers)

    assert evaluation.values == {"/data/total": "10", "/data/extras": "0"}
    assert evaluation.relevant["/data/extra[2]"] is False
    assert "extra" not in evaluation.cleaned
    again = evaluate_form(schema, evaluation.cleaned)
    assert again.values == evaluation.values
    assert again.cleaned == evaluation.cleaned


def test_a_broken_rule_is_reported_on_its_question():
    schema = schema_of(row("text", "code", constraint="regex(., '[unclosed')"))

    errors = evaluate_form(schema, {"code": "x"}).errors

    assert list(errors) == ["/data/code"]
    assert errors["/data/code"].startswith("This answer could not be checked: ")


def test_dates_compare_as_dates_as_in_odk():
    schema = schema_of(
        "\n".join(
            [
                row("date", "start", constraint=". <= today()", constraint_message="Not future"),
                row("date", "end", constraint=". >= ${start}", constraint_message="After start"),
                row("calculate", "later", calculation="if(${end} > ${start}, 'yes', 'no')"),
            ]
        )
    )
    day = datetime.date(2026, 11, 30)

    good = evaluate_form(schema, {"start": "2026-01-31", "end": "2026-02-01"}, today=day)
    bad = evaluate_form(schema, {"start": "2026-12-01", "end": "2026-11-01"}, today=day)

    assert good.errors == {}
    assert good.values == {"/data/later": "yes"}
    assert bad.errors == {"/data/start": "Not future", "/data/end": "After start"}
    assert bad.values == {"/data/later": "no"}


def test_numeric_comparisons_keep_xpath_precedence():
    schema = schema_of(
        "\n".join(
            [
                row("integer", "a"),
                row("integer", "b"),
                row("calculate", "c1", calculation="if(${a} + 1 > ${b} * 2 and ${a} != 0, 1, 0)"),
                row("calculate", "c2", calculation="if(-1 < ${a} or ${b} >= 10, 'x', 'y')"),
                row("calculate", "c3", calculation="if('a<b' = concat('a', '<b'), 'same', 'no')"),
            ]
        )
    )

    values = evaluate_form(schema, {"a": 4, "b": 2}).values

    assert values == {"/data/c1": "1", "/data/c2": "x", "/data/c3": "same"}
    assert evaluate_form(schema, {"a": 1, "b": 2}).values["/data/c1"] == "0"
