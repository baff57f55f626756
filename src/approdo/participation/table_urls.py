"""URLs of the working tables and their contributions (mounted in participation/urls.py)."""

from django.urls import path

from approdo.participation import table_views as views

EVENT = "eventi/<slug:slug>/tavoli/"
TABLE = EVENT + "<int:number>/"

urlpatterns = [
    path(EVENT + "nuovo/", views.table_create, name="table-create"),
    path(EVENT + "assegnazione/", views.table_assign, name="table-assign"),
    path(TABLE, views.table_detail, name="table-detail"),
    path(TABLE + "modifica/", views.table_edit, name="table-edit"),
    path(TABLE + "contributi/nuovo/", views.table_contribute, name="table-contribute"),
    path(TABLE + "contributi/registra/", views.table_record, name="table-record"),
    path(
        TABLE + "contributi/<int:pk>/nascondi/",
        views.contribution_hide,
        name="contribution-hide",
    ),
    path(
        TABLE + "contributi/<int:pk>/mostra/",
        views.contribution_unhide,
        name="contribution-unhide",
    ),
    path(TABLE + "gruppi/", views.table_groups, name="table-groups"),
]
