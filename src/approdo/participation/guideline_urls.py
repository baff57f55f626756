"""URLs of the guidelines for the zonal plans and of their uptake per zona distretto."""

from django.urls import path

from approdo.participation import guideline_views as views

urlpatterns = [
    # Before the detail, whose slug would catch it ("nuova" is a reserved code).
    path("linee-guida/nuova/", views.guideline_create, name="guideline-create"),
    path("linee-guida/", views.guideline_list, name="guideline-list"),
    path("linee-guida/<slug:slug>/", views.guideline_detail, name="guideline-detail"),
    path(
        "linee-guida/<slug:slug>/versioni/<int:version>/modifica/",
        views.guideline_edit,
        name="guideline-edit",
    ),
    path(
        "linee-guida/<slug:slug>/versioni/<int:version>/pubblica/",
        views.guideline_publish,
        name="guideline-publish",
    ),
    path(
        "linee-guida/<slug:slug>/nuova-versione/",
        views.guideline_new_version,
        name="guideline-new-version",
    ),
    path("linee-guida/<slug:slug>/recepimento/", views.guideline_uptake, name="guideline-uptake"),
    path(
        "linee-guida/<slug:slug>/recepimento.geojson",
        views.guideline_uptake_geojson,
        name="guideline-uptake-geojson",
    ),
    path(
        "linee-guida/<slug:slug>/recepimento/<slug:zona>/",
        views.guideline_uptake_zona,
        name="guideline-uptake-zona",
    ),
]
