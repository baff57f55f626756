from django.urls import path

from approdo.funding import statistics_views as views

urlpatterns = [
    path("<slug:slug>/statistiche/", views.statistics, name="statistics"),
    path(
        "<slug:slug>/statistiche/zone.geojson",
        views.statistics_geojson,
        name="statistics-geojson",
    ),
    path("<slug:slug>/rapporto/", views.call_report, name="report"),
    path("<slug:slug>/rapporto.pdf", views.report_pdf, name="report-pdf"),
    path("<slug:slug>/rapporto.docx", views.report_docx, name="report-docx"),
    path("<slug:slug>/rapporto.xlsx", views.report_xlsx, name="report-xlsx"),
]
