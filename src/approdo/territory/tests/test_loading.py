import csv
import datetime
import shutil

import pytest
from django.core.management import call_command
from django.db.models import Sum

from approdo.territory.loading import DATA_DIR, load_territory
from approdo.territory.models import (
    ASL,
    Comune,
    ComuneZona,
    Population,
    Province,
    Region,
    SocietaDellaSalute,
    UnioneComuni,
    Zona,
)

pytestmark = pytest.mark.django_db


def test_territory_is_loaded_with_the_expected_counts():
    assert Region.objects.get(code="09").name == "Toscana"
    assert ASL.objects.count() == 3
    assert Province.objects.count() == 10
    assert Zona.objects.count() == 28
    assert SocietaDellaSalute.objects.count() == 17
    assert Comune.objects.count() == 273
    assert ComuneZona.objects.filter(valid_to__isnull=True).count() == 273
    assert Population.objects.filter(year=2021).aggregate(total=Sum("total"))["total"] == 3_668_333


def test_unioni_dei_comuni_are_left_to_operators():
    assert not UnioneComuni.objects.exists()


def test_asl_have_their_official_names_and_zone():
    names = dict(ASL.objects.values_list("slug", "name"))
    assert names == {
        "nord-ovest": "Azienda USL Toscana nord ovest",
        "centro": "Azienda USL Toscana centro",
        "sud-est": "Azienda USL Toscana sud est",
    }
    assert Zona.objects.filter(asl__slug="centro").count() == 8
    assert Comune.objects.in_asl(ASL.objects.get(slug="nord-ovest")).count() == 102


def test_provinces_carry_prefettura_and_metropolitan_flag():
    firenze = Province.objects.get(sigla="FI")
    assert firenze.istat_code == "048"
    assert firenze.capoluogo == "Firenze"
    assert firenze.is_metropolitan_city is True
    assert firenze.prefettura == "Prefettura - UTG di Firenze"
    assert firenze.prefettura_seat == "Firenze"
    massa = Province.objects.get(sigla="MS")
    assert massa.is_metropolitan_city is False
    assert massa.prefettura_seat == "Massa"
    assert Province.objects.filter(is_metropolitan_city=True).count() == 1


def test_comuni_keep_zero_padded_istat_codes_and_unique_slugs():
    aulla = Comune.objects.get(pk="045001")
    assert aulla.name == "Aulla"
    assert aulla.slug == "aulla"
    assert aulla.province.sigla == "MS"
    assert Comune.objects.values("slug").distinct().count() == 273


def test_zone_have_slugs_other_names_and_their_societa_della_salute():
    pratese = Zona.objects.get(slug="pratese")
    assert pratese.asl.slug == "centro"
    assert pratese.sds.name == "Società della Salute Area Pratese"
    assert Zona.objects.get(slug="alta-val-delsa").name == "Alta Val d'Elsa"
    assert "Val di Cornia" in Zona.objects.get(slug="valli-etrusche").other_names
    assert Zona.objects.get(slug="apuane").sds is None
    prato = Comune.objects.get(pk="100005")
    assert Comune.objects.in_zona(pratese).count() == 7
    assert prato.zona_link_on().zona == pratese
    assert prato.zona_link_on().valid_from == datetime.date(2021, 1, 1)


def test_loading_again_changes_nothing():
    before = {
        "comuni": set(Comune.objects.values_list("pk", "name", "slug", "province_id")),
        "links": set(ComuneZona.objects.values_list("pk", "comune_id", "zona_id", "valid_from")),
        "zone": set(Zona.objects.values_list("pk", "slug")),
        "sds": set(SocietaDellaSalute.objects.values_list("pk", "slug", "zona_id")),
        "population": set(Population.objects.values_list("pk", "comune_id", "total")),
    }

    counts = load_territory()

    assert counts == {
        "regions": 1,
        "asl": 3,
        "provinces": 10,
        "zone": 28,
        "societa_della_salute": 17,
        "comuni": 273,
        "zona_links": 273,
        "population": 273,
        "links_opened": 0,
        "links_closed": 0,
    }
    assert before == {
        "comuni": set(Comune.objects.values_list("pk", "name", "slug", "province_id")),
        "links": set(ComuneZona.objects.values_list("pk", "comune_id", "zona_id", "valid_from")),
        "zone": set(Zona.objects.values_list("pk", "slug")),
        "sds": set(SocietaDellaSalute.objects.values_list("pk", "slug", "zona_id")),
        "population": set(Population.objects.values_list("pk", "comune_id", "total")),
    }


def test_loading_restores_an_edited_fact_in_place():
    Population.objects.filter(comune_id="100005", year=2021).update(total=1)
    Comune.objects.filter(pk="100005").update(name="Prato (edited)", slug="prato-edited")

    load_territory()

    prato = Comune.objects.get(pk="100005")
    assert (prato.name, prato.slug) == ("Prato", "prato")
    assert prato.populations.get(year=2021).total == 193_568


def copy_data_with_zona(tmp_path, istat_code: str, zona: str):
    for path in DATA_DIR.glob("*.csv"):
        shutil.copy(path, tmp_path / path.name)
    target = tmp_path / "toscana_zone_distretto.csv"
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["istat_code"] == istat_code:
            row["zona_distretto"] = zona
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return tmp_path


def test_redrawing_a_zona_closes_the_old_link_and_opens_a_new_one(tmp_path):
    data = copy_data_with_zona(
        tmp_path, "052037", "Amiata Senese e Val d'Orcia - Valdichiana Senese"
    )
    change = datetime.date(2025, 7, 1)

    counts = load_territory(data, changed_on=change)

    assert (counts["links_opened"], counts["links_closed"]) == (1, 1)
    assert counts["comuni"] == 273
    links = list(ComuneZona.objects.filter(comune_id="052037").order_by("valid_from"))
    assert [(link.zona.slug, link.valid_from, link.valid_to) for link in links] == [
        ("senese", datetime.date(2021, 1, 1), datetime.date(2025, 6, 30)),
        ("amiata-senese-e-val-dorcia-valdichiana-senese", change, None),
    ]
    montalcino = Comune.objects.with_zona_history().get(pk="052037")
    assert montalcino.zona_link_on(datetime.date(2024, 1, 1)).zona.slug == "senese"
    assert montalcino.zona_link_on(change).zona.slug.startswith("amiata-senese")
    assert Comune.objects.in_zona(Zona.objects.get(slug="senese"), on=change).count() == 14

    again = load_territory(data, changed_on=datetime.date(2025, 8, 1))

    assert (again["links_opened"], again["links_closed"]) == (0, 0)
    assert ComuneZona.objects.filter(comune_id="052037").count() == 2


def test_a_change_on_the_day_a_link_opened_corrects_it_in_place(tmp_path):
    data = copy_data_with_zona(tmp_path, "052037", "Alta Val d'Elsa")

    counts = load_territory(data, changed_on=datetime.date(2021, 1, 1))

    assert (counts["links_opened"], counts["links_closed"]) == (0, 0)
    link = ComuneZona.objects.get(comune_id="052037")
    assert (link.zona.slug, link.valid_from, link.valid_to) == (
        "alta-val-delsa",
        datetime.date(2021, 1, 1),
        None,
    )


def test_load_territory_command_prints_counts():
    from io import StringIO

    out = StringIO()
    call_command("load_territory", stdout=out)

    output = out.getvalue()
    assert "comuni: 273" in output
    assert "zone: 28" in output
    assert "links_opened: 0" in output
