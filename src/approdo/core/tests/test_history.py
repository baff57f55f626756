"""The history table reads as sentences: labels and names, never codes or primary keys."""

import re
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation

from approdo.core import history
from approdo.core.history import readable, record_history
from approdo.core.models import HistoryEntry

SOURCE = Path(history.__file__).resolve().parent.parent


def _rendered(entries) -> str:
    return render_to_string("components/history_table.html", {"entries": entries})


def test_fields_choices_and_foreign_keys_are_shown_by_name(prato, prato_member, coop):
    record_history(
        coop,
        by=prato_member,
        action="updated",
        changes={"kind": ["aps", "cooperativa_sociale"], "seat": [None, "100005"]},
    )
    entries = HistoryEntry.objects.for_object(coop)
    with translation.override("en"):
        (entry,) = readable(entries)
        assert entry.sentence == "Updated"
        details = [(d.label, d.old, d.new) for d in entry.details]
        assert details == [
            ("Kind", "Associazione di promozione sociale", "Social cooperative"),
            ("Seat", "–", str(prato.seat)),
        ]
        html = _rendered(entries)
    assert "cooperativa_sociale" not in html and "100005" not in html
    assert "Social cooperative" in html and str(prato.seat) in html
    with translation.override("it"):
        html = _rendered(HistoryEntry.objects.for_object(coop))
    assert "Modifica" in html and "Cooperativa sociale" in html and "Updated" not in html


def test_status_codes_become_sentences_with_the_status_label(coop):
    from approdo.practices.models import Practice

    practice = Practice.objects.create(code="H-1", title="Casa", lead_organization=coop)
    record_history(
        practice,
        action="ended",
        changes={
            "status": [None, "ended"],
            "lead_organization": [None, str(coop.pk)],
            "partners": ["", ""],
            "beneficiaries": ["", "total=12; women=5"],
        },
    )
    record_history(coop, action="member_added", changes={"role": [None, "org_manager"]})
    with translation.override("en"):
        (entry,) = readable(HistoryEntry.objects.for_object(practice))
        (member,) = readable(HistoryEntry.objects.for_object(coop))
    assert entry.sentence == "Status changed to “Ended”"
    assert [(d.label, d.old, d.new) for d in entry.details] == [
        ("Status", "–", "Ended"),
        ("Lead organisation", "–", coop.name),
        ("Beneficiaries", "–", "Total beneficiaries: 12; of whom women: 5"),
    ]
    assert [(d.label, d.new) for d in member.details] == [("Role", "Organisation manager")]


def test_every_recorded_action_code_has_a_sentence():
    """A new `record_history(action="code")` must come with its sentence in core.history."""
    codes = set()
    for path in SOURCE.glob("**/*.py"):
        if "tests" in path.parts:
            continue
        text = path.read_text()
        if "record_history" not in text:
            continue
        codes |= set(re.findall(r'\baction="([a-z_]+)"', text))
    codes.discard("store_true")  # argparse, not history
    missing = sorted(code for code in codes if code not in history.ACTIONS)
    assert missing == []
