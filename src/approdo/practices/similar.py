"""Similar practices: shared words, actions and target groups, and the same or a neighbouring
zona, each suggestion with a one-line reason ("same actions: ...; neighbouring zona").

Candidates come from one statement over the facet rows: the published practices sharing the
most of the practice's actions, target groups and (neighbouring) zone. The few candidates are
then scored in Python, with the words they share. Only published practices are ever suggested.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Case, FloatField, Q, Sum, Value, When
from django.utils.translation import gettext

from approdo.practices import facets, search

CANDIDATES = 60
WEIGHTS = {"text": 4.0, "action": 1.0, "target": 0.6, "same_zona": 0.8, "neighbour": 0.5}
MIN_SCORE = 1.0


@dataclass
class Suggestion:
    practice: object
    score: float
    reason: str


NEIGHBOURS_SECONDS = 3600


def neighbours() -> dict[str, set[str]]:
    """{zona slug: slugs of the zone sharing a border}, from the boundaries when they are
    loaded, otherwise the zone of the same ASL. Kept an hour in the shared cache, per state
    of the boundaries."""
    from approdo.territory.models import Zona

    with_boundary = Zona.objects.filter(geometry__isnull=False).count()
    key = f"practices:zona-neighbours:{with_boundary}:{Zona.objects.count()}"
    return cache.get_or_set(key, lambda: _neighbours(with_boundary), NEIGHBOURS_SECONDS)


def _neighbours(with_boundary: int) -> dict[str, set[str]]:
    from approdo.territory.models import Zona

    result: dict[str, set[str]] = {}
    if with_boundary:
        from shapely.geometry import shape

        # A small buffer (about 100 m) bridges the slivers between simplified boundaries.
        areas = {
            slug: shape(geometry).buffer(0.001)
            for slug, geometry in Zona.objects.filter(geometry__isnull=False).values_list(
                "slug", "geometry"
            )
        }
        for slug, area in areas.items():
            result[slug] = {
                other
                for other, shape_ in areas.items()
                if other != slug and area.intersects(shape_)
            }
        return result
    by_asl: dict[int, set[str]] = {}
    for slug, asl_id in Zona.objects.values_list("slug", "asl_id"):
        by_asl.setdefault(asl_id, set()).add(slug)
    for slugs in by_asl.values():
        for slug in slugs:
            result[slug] = slugs - {slug}
    return result


def _facet_rows(ids: list[int]) -> dict[int, dict[str, set[str]]]:
    result: dict[int, dict[str, set[str]]] = {pk: {} for pk in ids}
    if not ids:
        return result
    for pk, facet, value in facets.values_of_ids(ids, ("action", "target", "zone")):
        result[pk].setdefault(facet, set()).add(value)
    return result


def _candidates(own: dict[str, set[str]], nearby: set[str], published) -> list[int]:
    """The published practices sharing the most facet rows with `own`, weighted as _score."""
    from approdo.practices.models import Facet

    zone = own.get("zone", set())
    shared = (
        Q(facet="action", value__in=own.get("action", set()))
        | Q(facet="target", value__in=own.get("target", set()))
        | Q(facet="zone", value__in=zone | nearby)
    )
    weight = Case(
        When(facet="action", then=Value(WEIGHTS["action"])),
        When(facet="target", then=Value(WEIGHTS["target"])),
        When(value__in=zone, then=Value(WEIGHTS["same_zona"])),
        default=Value(WEIGHTS["neighbour"]),
        output_field=FloatField(),
    )
    rows = (
        Facet.objects.filter(shared, practice__in=published.values("pk"))
        .values("practice_id")
        .annotate(score=Sum(weight))
        .order_by("-score", "practice_id")
        .values_list("practice_id", flat=True)
    )
    return list(rows[:CANDIDATES])


def similar_to(practice, *, limit: int = 5) -> list[Suggestion]:
    """Up to `limit` published practices like `practice`, best first, with their reasons."""
    from approdo.practices.models import Practice

    own_terms = search.indexed_terms([practice.pk]).get(practice.pk)
    if own_terms is None:  # not indexed (a draft previewed by a coordinator): index its text
        own_terms = tuple(set(part.split()) for part in search.document_of(practice))
    own_words = own_terms[0] | own_terms[1]
    own = _facet_rows([practice.pk])[practice.pk] or facets.values_of(
        practice, facets.zona_provinces()
    )
    zona_neighbours = neighbours()
    nearby = set().union(*(zona_neighbours.get(z, set()) for z in own.get("zone", set())))

    published = Practice.objects.published().exclude(pk=practice.pk)
    candidates = _candidates(own, nearby, published)
    terms = search.indexed_terms(candidates)
    rows = _facet_rows(candidates)

    labels = facets.labels()
    scored = []
    for pk in candidates:
        if pk not in terms:
            continue
        other_words = terms[pk][0] | terms[pk][1]
        union = own_words | other_words
        text = len(own_words & other_words) / len(union) if union else 0.0
        score, reason = _score(own, rows[pk], text, nearby, labels)
        if score >= MIN_SCORE:
            scored.append((score, pk, reason))
    scored.sort(key=lambda item: (-item[0], item[1]))
    scored = scored[:limit]
    objects = published.filter(pk__in=[pk for _score, pk, _reason in scored]).select_related(
        "lead_organization"
    )
    by_id = {item.pk: item for item in objects}
    return [Suggestion(by_id[pk], score, reason) for score, pk, reason in scored if pk in by_id]


def _score(own: dict, other: dict, text: float, nearby: set, labels: dict) -> tuple[float, str]:
    actions = sorted(own.get("action", set()) & other.get("action", set()))
    shared = own.get("target", set()) & other.get("target", set())
    # A shared child implies its group (added at indexing time): name the child only.
    parent = labels["target_parent"]
    targets = sorted(code for code in shared if not any(parent.get(c) == code for c in shared))
    same_zona = bool(own.get("zone", set()) & other.get("zone", set()))
    neighbour = not same_zona and bool(nearby & other.get("zone", set()))
    score = (
        WEIGHTS["text"] * text
        + WEIGHTS["action"] * len(actions)
        + WEIGHTS["target"] * len(targets)
        + WEIGHTS["same_zona"] * same_zona
        + WEIGHTS["neighbour"] * neighbour
    )
    parts = []
    if actions:
        names = ", ".join(labels["action"].get(code, code) for code in actions)
        parts.append(gettext("same actions: %(names)s") % {"names": names})
    if targets:
        names = ", ".join(labels["target"].get(code, code) for code in targets)
        parts.append(gettext("same target groups: %(names)s") % {"names": names})
    if same_zona:
        parts.append(gettext("same zona"))
    elif neighbour:
        parts.append(gettext("neighbouring zona"))
    if text >= 0.15:
        parts.append(gettext("similar description"))
    return score, "; ".join(parts)
