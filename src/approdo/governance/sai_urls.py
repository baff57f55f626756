from django.urls import path

from approdo.governance import sai_views as views

urlpatterns = [
    path("sai/", views.sai_list, name="sai-list"),
    path("sai/nuovo/", views.sai_create, name="sai-create"),
    path("sai/<int:pk>/", views.sai_detail, name="sai-detail"),
    path("sai/<int:pk>/modifica/", views.sai_edit, name="sai-edit"),
    path("copertura/", views.coverage_page, name="coverage"),
    path("copertura/geojson/", views.coverage_geojson, name="coverage-geojson"),
    path("copertura/mappa.svg", views.coverage_map_svg, name="coverage-svg"),
    path("copertura/divari/", views.gaps_page, name="coverage-gaps"),
    path("copertura/simulazione/", views.what_if_page, name="coverage-what-if"),
]
