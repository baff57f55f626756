from django.urls import path

from approdo.surveys import manage_views as views

urlpatterns = [
    path("gestione/", views.campaign_list, name="campaign-list"),
    path("gestione/nuova/", views.campaign_create, name="campaign-create"),
    path("gestione/risposte/", views.review_queue, name="review-queue"),
    path("gestione/risposte/azioni/", views.review_bulk, name="review-bulk"),
    path("gestione/risposte/<uuid:instance_id>/", views.review_detail, name="review-detail"),
    path(
        "gestione/risposte/<uuid:instance_id>/stato/",
        views.review_transition,
        name="review-transition",
    ),
    path(
        "gestione/risposte/<uuid:instance_id>/riapri/",
        views.response_reopen,
        name="response-reopen",
    ),
    path("commenti/<uuid:instance_id>/", views.response_comment, name="response-comment"),
    path("gestione/<slug:slug>/", views.campaign_detail, name="campaign-detail"),
    path("gestione/<slug:slug>/modifica/", views.campaign_edit, name="campaign-edit"),
    path(
        "gestione/<slug:slug>/versione/",
        views.campaign_version_upload,
        name="campaign-version-upload",
    ),
    path("gestione/<slug:slug>/pubblica/", views.campaign_publish, name="campaign-publish"),
    path("gestione/<slug:slug>/invita/", views.campaign_invite, name="campaign-invite"),
    path("gestione/<slug:slug>/cruscotto/", views.campaign_dashboard, name="campaign-dashboard"),
    path("gestione/<slug:slug>/esportazioni/", views.campaign_exports, name="campaign-exports"),
    path(
        "gestione/<slug:slug>/cruscotto/zone.geojson",
        views.campaign_dashboard_geojson,
        name="campaign-dashboard-geojson",
    ),
]
