from django.urls import path

from approdo.governance import dashboard
from approdo.governance import institution_views as views

urlpatterns = [
    path("ricognizione/", views.pipeline_board, name="pipeline-board"),
    path("ricognizione/elenco/", views.pipeline_list, name="pipeline-list"),
    path("ricognizione/mappa/", views.pipeline_map, name="pipeline-map"),
    path("ricognizione/mappa.geojson", views.pipeline_geojson, name="pipeline-geojson"),
    path("ricognizione/avvia/", views.pipeline_seed, name="pipeline-seed"),
    path("ricognizione/<int:pk>/", views.pipeline_entry, name="pipeline-entry"),
    path("ricognizione/<int:pk>/stato/", views.pipeline_move, name="pipeline-move"),
    path("ricognizione/<int:pk>/modifica/", views.pipeline_edit, name="pipeline-edit"),
    path("incontri/", views.meeting_list, name="meeting-list"),
    path("incontri/calendario/", views.meeting_calendar, name="meeting-calendar"),
    path("incontri/nuovo/", views.meeting_create, name="meeting-create"),
    path("incontri/esporta.xlsx", views.meeting_export, name="meeting-export"),
    path("incontri/abbonamento/", views.feed_settings, name="meeting-feed-settings"),
    path("incontri/feed/<str:token>.ics", views.meeting_feed, name="meeting-feed"),
    path("incontri/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("incontri/<int:pk>/modifica/", views.meeting_edit, name="meeting-edit"),
    path("incontri/<int:pk>/allegati/", views.attachment_add, name="meeting-attachment-add"),
    path("incontri/allegati/<int:pk>/", views.attachment_download, name="meeting-attachment"),
    path("incontri/azioni/<int:pk>/fatto/", views.action_done, name="action-done"),
    path("asl/", dashboard.asl_index, name="asl-index"),
    path("asl/<slug:slug>/", dashboard.asl_dashboard, name="asl-dashboard"),
]
