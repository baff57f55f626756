from django.urls import path

from approdo.practices import editorial_views as views

urlpatterns = [
    path("redazione/", views.editorial_list, name="editorial-list"),
    path("redazione/nuova/", views.editorial_create, name="editorial-create"),
    path(
        "redazione/richiedi-conferma/",
        views.reconfirmation_request,
        name="reconfirmation-request",
    ),
    path("redazione/registra-conferme/", views.confirmations_apply, name="confirmations-apply"),
    path("redazione/segnalazioni/", views.update_report_list, name="update-report-list"),
    path(
        "redazione/segnalazioni/<int:pk>/gestita/",
        views.update_report_handle,
        name="update-report-handle",
    ),
    path("redazione/mappature/", views.mapping_list, name="mapping-list"),
    path("redazione/mappature/<slug:slug>/", views.mapping_edit, name="mapping-edit"),
    path("redazione/mappature/<slug:slug>/copia/", views.mapping_copy, name="mapping-copy"),
    path(
        "redazione/risposte/<uuid:instance_id>/crea-pratica/",
        views.practice_from_response,
        name="practice-from-response",
    ),
    path("redazione/<str:code>/", views.editorial_detail, name="editorial-detail"),
    path("redazione/<str:code>/modifica/", views.editorial_edit, name="editorial-edit"),
    path("redazione/<str:code>/criteri/", views.editorial_assessment, name="editorial-assessment"),
    path("redazione/<str:code>/pubblica/", views.editorial_publish, name="editorial-publish"),
    path("redazione/<str:code>/ritira/", views.editorial_unpublish, name="editorial-unpublish"),
    path("redazione/<str:code>/conferma/", views.editorial_confirm, name="editorial-confirm"),
    path(
        "redazione/<str:code>/allegati/",
        views.editorial_attachment_add,
        name="editorial-attachment-add",
    ),
    path(
        "redazione/<str:code>/allegati/<int:pk>/elimina/",
        views.editorial_attachment_remove,
        name="editorial-attachment-remove",
    ),
    # Public: linked from the practice page of the catalogue.
    # One form for both; each address presets the choice (write to the contact, report an update).
    path("scheda/<str:code>/contatta/", views.practice_write, {"kind": "contact"}, name="contact"),
    path(
        "scheda/<str:code>/segnala-aggiornamento/",
        views.practice_write,
        {"kind": "update"},
        name="report-update",
    ),
    path("scheda/<str:code>/allegati/<int:pk>/", views.attachment_download, name="attachment"),
]
