from django.urls import path

from approdo.funding import workflow_views as views

# Fixed segments come before "<slug>/": these words cannot be call codes (see forms).
urlpatterns = [
    path("", views.call_list, name="call-list"),
    path("nuovo/", views.call_create, name="call-create"),
    path("domande/", views.application_list, name="application-list"),
    path("valutazioni/", views.review_list, name="review-list"),
    path("valutazioni/<int:pk>/", views.review_detail, name="review-detail"),
    path("<slug:slug>/", views.call_detail, name="call-detail"),
    path("<slug:slug>/modifica/", views.call_edit, name="call-edit"),
    path("<slug:slug>/configurazione/<str:part>/", views.call_setup, name="call-setup"),
    path(
        "<slug:slug>/configurazione/<str:part>/<int:pk>/elimina/",
        views.call_setup_delete,
        name="call-setup-delete",
    ),
    path("<slug:slug>/documenti/<int:pk>/", views.call_document, name="call-document"),
    path("<slug:slug>/domande/", views.application_list, name="call-applications"),
    path("<slug:slug>/domande/importa/", views.project_import, name="project-import"),
    path("<slug:slug>/domande/<int:pk>/", views.project_detail, name="project-detail"),
    path("<slug:slug>/domande/<int:pk>/modifica/", views.project_edit, name="project-edit"),
    path("<slug:slug>/domande/<int:pk>/stato/", views.project_status, name="project-status"),
    path("<slug:slug>/domande/<int:pk>/valutatori/", views.project_assign, name="project-assign"),
    path(
        "<slug:slug>/domande/<int:pk>/valutatori/<int:assignment_pk>/rimuovi/",
        views.project_unassign,
        name="project-unassign",
    ),
    path(
        "<slug:slug>/domande/<int:pk>/tappe/",
        views.project_milestone_add,
        name="project-milestone-add",
    ),
    path(
        "<slug:slug>/domande/<int:pk>/rapporti/<int:report_pk>/compila/",
        views.report_start,
        name="report-start",
    ),
    path("<slug:slug>/graduatoria/", views.ranking_view, name="ranking"),
    path("<slug:slug>/graduatoria.xlsx", views.ranking_xlsx, name="ranking-xlsx"),
    path("<slug:slug>/graduatoria.pdf", views.ranking_pdf, name="ranking-pdf"),
    path("<slug:slug>/monitoraggio/", views.monitoring_view, name="monitoring"),
    path(
        "<slug:slug>/monitoraggio/indicatori.csv",
        views.indicator_values_csv,
        name="indicator-values-csv",
    ),
    path(
        "<slug:slug>/monitoraggio/indicatori/carica/",
        views.indicator_values_upload,
        name="indicator-values-upload",
    ),
]
