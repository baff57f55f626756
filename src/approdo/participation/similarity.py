"""Groups of similar contributions, to help the rapporteur write a table's synthesis.

Each text becomes the set of its stems with the catalogue's own Italian analysis
(`practices.search.terms`: folded, stop words dropped, Snowball Italian stems), so grouping
and the catalogue search agree on what "the same word" is. Two contributions are similar when
the Jaccard index of their stem sets (shared stems over all their stems) reaches the
threshold; groups are the connected components of that relation (single link: A and C share
a group when A is like B and B like C). Each group lists its contributions and the stems
shared by at least two of them, shown as the word most often written for each stem.

Stems found in more than half of the contributions (when there are at least MIN_FOR_COMMON)
are ignored: a seminar on reception says "accoglienza" everywhere, and such words would join
everything to everything.

Cost: building the sets is linear in the length of the texts. Pairs are found through an
inverted index (stem -> contributions), so only pairs sharing a stem are compared: the work is
the sum over stems of (contributions with that stem)^2, at worst O(n^2) for n contributions
and far less in practice, since common stems are dropped; the union-find grouping is almost
linear in the pairs. A few thousand short statements take well under a second in plain
Python, so groups are computed on each request and never stored.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from approdo.participation.models import Contribution, GuidingQuestion, WorkingTable
from approdo.practices.search import terms, words

THRESHOLD = 0.25
MIN_FOR_COMMON = 10  # below this many texts every stem counts
MIN_STEM_LENGTH = 3  # "ok", "si": too short to mean anything shared


@dataclass
class Group:
    contributions: list = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # the shared stems, as words


@dataclass
class Grouping:
    groups: list[Group]  # largest first
    alone: list  # contributions like no other


def analyse(text: str) -> tuple[set[str], Counter]:
    """The stems of `text` and, for each stem, the words written for it (to show)."""
    written: Counter = Counter()
    for word in words(text):
        stems = terms(word)
        if stems and len(stems[0]) >= MIN_STEM_LENGTH:
            written[(stems[0], word)] += 1
    return {stem for stem, _word in written}, written


def jaccard(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def group(contributions: Iterable, threshold: float = THRESHOLD) -> Grouping:
    """Group `contributions` (anything with `.text`) by similarity, keeping their order."""
    items = list(contributions)
    analysed = [analyse(item.text) for item in items]
    stem_sets = [stems for stems, _written in analysed]
    frequency = Counter(stem for stems in stem_sets for stem in stems)
    if len(items) >= MIN_FOR_COMMON:
        common = {stem for stem, n in frequency.items() if n > len(items) / 2}
        stem_sets = [stems - common for stems in stem_sets]

    postings: dict[str, list[int]] = defaultdict(list)
    for index, stems in enumerate(stem_sets):
        for stem in stems:
            postings[stem].append(index)

    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, stems in enumerate(stem_sets):
        shared: Counter = Counter()
        for stem in stems:
            for j in postings[stem]:
                if j > i:
                    shared[j] += 1
        for j, n in shared.items():
            union = len(stems) + len(stem_sets[j]) - n
            if n / union >= threshold:
                parent[root(j)] = root(i)

    members: dict[int, list[int]] = defaultdict(list)
    for index in range(len(items)):
        members[root(index)].append(index)
    groups, alone = [], []
    for indexes in sorted(members.values(), key=lambda ix: (-len(ix), ix[0])):
        if len(indexes) == 1:
            alone.append(items[indexes[0]])
            continue
        counts = Counter(stem for i in indexes for stem in stem_sets[i])
        forms: dict[str, Counter] = defaultdict(Counter)
        for i in indexes:
            for (stem, word), n in analysed[i][1].items():
                forms[stem][word] += n
        shared_stems = sorted(
            (stem for stem, n in counts.items() if n >= 2), key=lambda s: (-counts[s], s)
        )
        words = [_shown_word(forms[stem]) for stem in shared_stems]
        groups.append(Group(contributions=[items[i] for i in indexes], words=words))
    return Grouping(groups=groups, alone=alone)


def _shown_word(forms: Counter) -> str:
    """The word most often written for a stem (the shorter, then the first, on a tie)."""
    return min(forms.items(), key=lambda item: (-item[1], len(item[0]), item[0]))[0]


def visible_contributions(table: WorkingTable, question: GuidingQuestion | None = None):
    shown = Contribution.objects.filter(question__table=table, hidden_at__isnull=True)
    if question is not None:
        shown = shown.filter(question=question)
    return shown.select_related("question").order_by("question__order", "created_at", "pk")


def table_groups(
    table: WorkingTable, question: GuidingQuestion | None = None, threshold: float = THRESHOLD
) -> Grouping:
    """The groups of a table's (or one question's) visible contributions."""
    return group(visible_contributions(table, question), threshold)
