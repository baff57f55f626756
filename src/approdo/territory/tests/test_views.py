import datetime

import pytest
from django.urls import reverse

from approdo.territory.boundaries import load_boundaries
from approdo.territory.models import ComuneZona, UnioneComuni, Zona
from approdo.territory.tests.test_boundaries import pratese_collection, write

pytestmark = pytest.mark.django_db

PAGES = [
    ("territory:region", []),
    ("territory:asl-detail", ["centro"]),
    ("territory:zona-detail", ["pratese"]),
    ("territory:comune-detail", ["100005"]),
    ("territory:province-detail", ["po"]),
]
GEOJSON = [
    ("territory:region-geojson", []),
    ("territory:asl-geojson", ["centro"]),
    ("territory:zona-geojson", ["pratese"]),
    ("territory:comune-geojson", ["100005"]),
    ("territory:province-geojson", ["po"]),
]


@pytest.fixture
def boundaries(tmp_path):
    load_boundaries(write(tmp_path, pratese_collection()))


def get(client, name, args, **extra):
    return client.get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE="it", secure=True, **extra)


@pytest.mark.parametrize(("name", "args"), PAGES + GEOJSON)
def test_anonymous_visitor_sees_every_level(client, name, args):
    assert get(client, name, args).status_code == 200


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_signed_in_member_of_any_organisation_sees_every_level(client, prato_member, name, args):
    client.force_login(prato_member)
    assert get(client, name, args).status_code == 200


@pytest.mark.parametrize(("name", "args"), PAGES + GEOJSON)
def test_pages_refuse_post(client, name, args):
    assert client.post(reverse(name, args=args), secure=True).status_code == 405


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("territory:asl-detail", ["nowhere"]),
        ("territory:zona-detail", ["nowhere"]),
        ("territory:comune-detail", ["999999"]),
        ("territory:province-detail", ["zz"]),
        ("territory:asl-geojson", ["nowhere"]),
        ("territory:zona-geojson", ["nowhere"]),
        ("territory:comune-geojson", ["999999"]),
        ("territory:province-geojson", ["zz"]),
    ],
)
def test_unknown_areas_are_404(client, name, args):
    assert get(client, name, args).status_code == 404


def test_region_page_shows_totals_asl_and_provinces(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = get(client, "territory:region", [])
    assert response.status_code == 200

    content = response.content.decode()
    assert content.count("<h1") == 1
    assert "3.668.333" in content
    assert "Azienda USL Toscana centro" in content
    assert "1.599.248" in content
    assert "Prefettura - UTG di Firenze" in content
    assert reverse("territory:asl-detail", args=["sud-est"]) in content
    assert reverse("territory:province-detail", args=["po"]) in content
    assert "<caption>" in content
    assert 'scope="row"' in content
    assert [label for label, _ in response.context["breadcrumbs"]] == ["Toscana"]
    assert [(a.slug, a.zone_count, a.comuni_count) for a in response.context["asls"]] == [
        ("centro", 8, 72),
        ("nord-ovest", 10, 102),
        ("sud-est", 10, 99),
    ]
    assert response.context["region"].sds_count == 17


def test_asl_page_lists_its_zone_with_figures(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = get(client, "territory:asl-detail", ["centro"])
    assert response.status_code == 200

    content = response.content.decode()
    assert "Società della Salute Area Pratese" in content
    assert "256.047" in content
    assert reverse("territory:zona-detail", args=["pratese"]) in content
    zone = {zona.slug: (zona.comuni_count, zona.population) for zona in response.context["zone"]}
    assert len(zone) == 8
    assert zone["firenze"] == (1, 359_755)
    assert [url for _, url in response.context["breadcrumbs"]] == [
        reverse("territory:region"),
        None,
    ]


def test_zona_page_lists_its_comuni_and_provinces(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = get(client, "territory:zona-detail", ["empolese-valdarno-inferiore"])
    assert response.status_code == 200

    content = response.content.decode()
    assert "Società della Salute Empolese Valdarno Valdelsa" in content
    assert "239.603" in content
    assert len(response.context["comuni"]) == 15
    assert {p.sigla for p in response.context["provinces"]} == {"FI", "PI"}
    assert reverse("territory:comune-detail", args=["048014"]) in content  # Empoli
    assert [label for label, _ in response.context["breadcrumbs"]] == [
        "Toscana",
        "Azienda USL Toscana centro",
        "Empolese - Valdarno Inferiore",
    ]


def test_comune_page_shows_province_zona_asl_sds_and_population(
    client, django_assert_max_num_queries
):
    unione = UnioneComuni.objects.create(slug="unione-prova", name="Unione dei Comuni di prova")
    unione.members.add("100005")

    with django_assert_max_num_queries(5):
        response = get(client, "territory:comune-detail", ["100005"])
    assert response.status_code == 200

    content = response.content.decode()
    assert "193.568" in content
    assert "Prefettura - UTG di Prato" in content
    assert "Società della Salute Area Pratese" in content
    assert "Unione dei Comuni di prova" in content
    assert reverse("territory:zona-detail", args=["pratese"]) in content
    assert reverse("territory:asl-detail", args=["centro"]) in content
    assert [label for label, _ in response.context["breadcrumbs"]] == [
        "Toscana",
        "Azienda USL Toscana centro",
        "Pratese",
        "Prato",
    ]


def test_comune_page_shows_the_zona_history(client):
    link = ComuneZona.objects.get(comune_id="052037")
    link.valid_to = datetime.date(2024, 12, 31)
    link.save(update_fields=["valid_to"])
    new_zona = Zona.objects.get(slug="amiata-senese-e-val-dorcia-valdichiana-senese")
    ComuneZona.objects.create(
        comune_id="052037", zona=new_zona, valid_from=datetime.date(2025, 1, 1)
    )

    response = get(client, "territory:comune-detail", ["052037"])

    assert response.context["zona"] == new_zona
    history = [(link.zona.slug, link.valid_to) for link in response.context["zona_links"]]
    assert history == [(new_zona.slug, None), ("senese", datetime.date(2024, 12, 31))]
    assert "31/12/2024" in response.content.decode()


def test_province_page_lists_comuni_with_their_zona(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = get(client, "territory:province-detail", ["pi"])
    assert response.status_code == 200

    content = response.content.decode()
    assert "Prefettura - UTG di Pisa" in content
    assert len(response.context["comuni"]) == 37
    assert reverse("territory:zona-detail", args=["empolese-valdarno-inferiore"]) in content


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_pages_have_no_map_without_boundaries(client, name, args):
    content = get(client, name, args).content.decode()

    assert "territory-map" not in content
    assert "leaflet" not in content


@pytest.mark.parametrize(("name", "args"), GEOJSON)
def test_geojson_is_an_empty_collection_without_boundaries(client, name, args):
    response = get(client, name, args)

    assert response["Content-Type"] == "application/geo+json"
    assert response.json() == {"type": "FeatureCollection", "features": []}


@pytest.mark.parametrize(
    ("name", "args", "geojson"),
    [
        ("territory:region", [], reverse("territory:region-geojson")),
        ("territory:asl-detail", ["centro"], reverse("territory:asl-geojson", args=["centro"])),
        ("territory:zona-detail", ["pratese"], reverse("territory:zona-geojson", args=["pratese"])),
        (
            "territory:comune-detail",
            ["100005"],
            reverse("territory:comune-geojson", args=["100005"]),
        ),
        ("territory:province-detail", ["po"], reverse("territory:province-geojson", args=["po"])),
    ],
)
def test_pages_show_a_map_when_boundaries_exist(client, boundaries, name, args, geojson):
    content = get(client, name, args).content.decode()

    assert f'data-geojson-url="{geojson}"' in content
    assert 'class="territory-map"' in content
    assert 'role="region" aria-label="' in content
    assert "vendor/leaflet/leaflet.js" in content
    assert "approdo/js/map.js" in content
    assert "approdo/css/map.css" in content
    assert "style=" not in content
    assert "<script>" not in content


def test_asl_without_boundaries_has_no_map_even_when_others_have(client, boundaries):
    content = get(client, "territory:asl-detail", ["sud-est"]).content.decode()

    assert "territory-map" not in content


def test_zona_geojson_has_one_feature_per_comune_linking_to_its_page(client, boundaries):
    data = get(client, "territory:zona-geojson", ["pratese"]).json()

    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 7
    prato = next(f for f in data["features"] if f["properties"]["name"] == "Prato")
    assert prato["properties"] == {
        "name": "Prato",
        "url": reverse("territory:comune-detail", args=["100005"]),
        "population": 193_568,
    }
    assert prato["geometry"]["type"] == "Polygon"


def test_region_geojson_has_the_asl_with_boundaries(client, boundaries):
    data = get(client, "territory:region-geojson", []).json()

    assert [f["properties"]["name"] for f in data["features"]] == ["Azienda USL Toscana centro"]
    assert data["features"][0]["properties"]["url"] == reverse(
        "territory:asl-detail", args=["centro"]
    )
    assert data["features"][0]["properties"]["population"] == 1_599_248


def test_keyboard_path_links_tuscany_to_asl_to_zona_to_comune(client):
    steps = [
        (reverse("territory:region"), reverse("territory:asl-detail", args=["centro"])),
        (
            reverse("territory:asl-detail", args=["centro"]),
            reverse("territory:zona-detail", args=["pratese"]),
        ),
        (
            reverse("territory:zona-detail", args=["pratese"]),
            reverse("territory:comune-detail", args=["100005"]),
        ),
    ]
    for page, link in steps:
        content = client.get(page, secure=True).content.decode()
        assert f'href="{link}"' in content, page
