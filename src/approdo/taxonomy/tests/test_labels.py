"""Taxonomy terms and funding-source names are shown in the reader's language."""

from django.utils import translation

from approdo.taxonomy.labels import funding_source_label
from approdo.taxonomy.models import Action


def test_default_terms_follow_the_catalogue_and_typed_translations_win(db):
    term = Action.objects.get(code="lingua_italiana")
    added = Action.objects.create(
        code="sport", label="Sport e tempo libero", translations={"fr": "Sport et loisirs"}
    )
    with translation.override("fr"):
        assert str(term) not in ("lingua italiana", "Italian language")
        assert str(added) == "Sport et loisirs"
    with translation.override("it"):
        assert str(term) == "lingua italiana"
        assert str(added) == "Sport e tempo libero"
    with translation.override("ar"):
        assert str(added) == "Sport e tempo libero"  # no Arabic typed: the label as written


def test_known_funding_sources_are_translated_others_kept_as_written():
    with translation.override("en"):
        assert funding_source_label("Fondi regionali") == "Regional funds"
        assert funding_source_label("fondi  regionali (Regione Toscana)") == (
            "Regional funds (Regione Toscana)"
        )
        assert funding_source_label("FAMI (Fondo Asilo, Migrazione e Integrazione)").startswith(
            "AMIF"
        )
        assert funding_source_label("Fondazione Cassa di Risparmio") == (
            "Fondazione Cassa di Risparmio"
        )
    with translation.override("fr"):
        assert funding_source_label("Regional funds") == "Fonds régionaux"
