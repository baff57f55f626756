from django.urls import path

from approdo.surveys import respond_views as views

urlpatterns = [
    path("", views.campaign_list_mine, name="campaign-list-mine"),
    path("campagne/<slug:slug>/inizia/", views.response_start, name="response-start"),
    path("risposte/<uuid:instance_id>/", views.response_edit, name="response-edit"),
    path("risposte/<uuid:instance_id>/invia/", views.response_submit, name="response-submit"),
    path("risposte/<uuid:instance_id>/riepilogo/", views.response_detail, name="response-detail"),
    path("risposte/<uuid:instance_id>/ricevuta/", views.response_receipt, name="response-receipt"),
    path(
        "risposte/<uuid:instance_id>/ricevuta.pdf",
        views.response_receipt_pdf,
        name="response-receipt-pdf",
    ),
    path(
        "risposte/<uuid:instance_id>/file/<str:name>",
        views.response_file,
        name="response-file",
    ),
]
