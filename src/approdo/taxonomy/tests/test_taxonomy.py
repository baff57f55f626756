import pytest
from django.utils import translation

from approdo.taxonomy.loading import load_taxonomies, rolled_up
from approdo.taxonomy.models import Action, TargetGroup

pytestmark = pytest.mark.django_db


def test_default_terms_are_there_once():
    counts = load_taxonomies()
    assert counts == load_taxonomies() == {"actions": 11, "targets": 12}
    assert set(
        TargetGroup.objects.get(code="marginalita").children.values_list("code", flat=True)
    ) == {
        "disoccupati",
        "vittime_sfruttamento",
        "donne_vittime_violenza",
        "donne_sole_minori",
        "senza_dimora",
        "disagio_psichico_dipendenze",
    }


def test_default_labels_follow_the_language_added_terms_keep_theirs():
    action = Action.objects.get(code="orientamento_servizi")
    with translation.override("it"):
        assert str(action) == "orientamento ai servizi"
    with translation.override("en"):
        assert str(action) == "orientation to services"
    added = Action.objects.create(code="sport", label="sport e tempo libero")
    assert str(added) == "sport e tempo libero"


def test_a_child_rolls_up_into_its_group_once():
    assert rolled_up(["senza_dimora", "disoccupati", "msna"]) == {
        "senza_dimora",
        "disoccupati",
        "msna",
        "marginalita",
    }
    assert rolled_up(["richiedenti_asilo"]) == {"richiedenti_asilo"}
