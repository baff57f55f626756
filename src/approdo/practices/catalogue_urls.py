"""Public catalogue URLs (included in practices/urls.py under /buone-pratiche/)."""

from django.urls import path

from approdo.practices import catalogue_views, feeds, sitemaps

urlpatterns = [
    path("", catalogue_views.catalogue, name="catalogue"),
    path("mappa.geojson", catalogue_views.catalogue_map, name="catalogue-map"),
    path("scarica.csv", catalogue_views.export_csv, name="export-csv"),
    path("scarica.xlsx", catalogue_views.export_xlsx, name="export-xlsx"),
    path("novita.atom", feeds.latest_practices, name="feed"),
    path("sitemap.xml", sitemaps.sitemap, name="sitemap"),
    path("scheda/<str:code>/", catalogue_views.practice_detail, name="detail"),
    path(
        "scheda/<str:code>/territorio.geojson",
        catalogue_views.practice_geojson,
        name="detail-geojson",
    ),
]
