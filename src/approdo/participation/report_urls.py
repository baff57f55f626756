"""URLs of the synthesis report of a working table (mounted in participation/urls.py)."""

from django.urls import path

from approdo.participation import report_views as views

BASE = "eventi/<slug:slug>/tavoli/<int:number>/sintesi/"

urlpatterns = [
    path(BASE, views.report_detail, name="report-detail"),
    path(BASE + "pdf/", views.report_pdf_view, name="report-pdf"),
    path(BASE + "docx/", views.report_docx_view, name="report-docx"),
    path(BASE + "modifica/", views.report_edit, name="report-edit"),
    path(
        BASE + "affermazioni/<int:pk>/elimina/",
        views.report_statement_delete,
        name="report-statement-delete",
    ),
    path(
        BASE + "affermazioni/<int:pk>/sposta/",
        views.report_statement_move,
        name="report-statement-move",
    ),
    path(BASE + "stato/", views.report_transition, name="report-transition"),
    path(BASE + "commenti/", views.report_comment, name="report-comment"),
]
