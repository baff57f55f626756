"""Grouping contributions by shared stems: the catalogue's stemming, Jaccard threshold, single
link, hidden contributions left out, common words ignored, and a few thousand texts fast."""

import datetime
import time
from types import SimpleNamespace

import pytest

from approdo.participation import similarity
from approdo.participation.models import Contribution
from approdo.participation.tests.factories import make_event, make_table


def texts(*values):
    return [SimpleNamespace(text=value) for value in values]


def test_same_stems_group_and_show_words():
    items = texts(
        "Servono mediatori linguistici negli sportelli",
        "Il mediatore linguistico allo sportello manca",
        "Le scuole chiedono corsi di italiano",
        "Corsi di lingua italiana nelle scuole serali",
        "Trasporti pubblici insufficienti",
    )
    grouping = similarity.group(items)
    assert [[i.text for i in g.contributions] for g in grouping.groups] == [
        [items[0].text, items[1].text],
        [items[2].text, items[3].text],
    ]
    # Plural and singular share a stem: the words shown are ones people wrote.
    assert grouping.groups[0].words == ["linguistici", "mediatore", "sportelli"]
    assert {"corsi", "scuole"} <= set(grouping.groups[1].words)
    assert grouping.alone == [items[4]]


def test_single_link_joins_chains():
    items = texts("alfa beta gamma", "gamma delta epsilon", "epsilon zeta theta")
    grouping = similarity.group(items, threshold=0.2)
    assert len(grouping.groups) == 1 and len(grouping.groups[0].contributions) == 3
    assert similarity.group(items, threshold=0.9).groups == []


def test_stop_words_do_not_make_texts_similar():
    grouping = similarity.group(texts("che per della con", "che per della con"))
    assert grouping.groups == []


@pytest.mark.django_db
def test_hidden_contributions_are_left_out():
    event = make_event()
    table = make_table(event, questions=1)
    question = table.questions.get()
    kept = Contribution.objects.create(question=question, phase="during", text="mediatori scuole")
    Contribution.objects.create(question=question, phase="during", text="mediatori scuole")
    Contribution.objects.filter(pk=kept.pk + 1).update(
        hidden_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), hidden_reason="x"
    )
    other = make_table(event, number=2, questions=1).questions.get()
    Contribution.objects.create(question=other, phase="during", text="mediatori scuole")
    grouping = similarity.table_groups(table)
    assert grouping.groups == [] and grouping.alone == [kept]


def test_a_few_thousand_texts_in_well_under_a_few_seconds():
    words = [f"parola{n}" for n in range(400)]
    items = texts(
        *(
            " ".join(words[(i * 7 + k * 13) % 400] for k in range(12)) + " accoglienza"
            for i in range(3000)
        )
    )
    started = time.perf_counter()
    grouping = similarity.group(items)
    assert time.perf_counter() - started < 5
    assert sum(len(g.contributions) for g in grouping.groups) + len(grouping.alone) == 3000
    assert all("accoglienza" not in g.words for g in grouping.groups)  # too common to count
