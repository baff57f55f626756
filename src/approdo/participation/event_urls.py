from django.urls import path

from approdo.participation import event_views as views

urlpatterns = [
    path("eventi/", views.event_list, name="event-list"),
    path("eventi/nuovo/", views.event_create, name="event-create"),
    path("eventi/<slug:slug>/", views.event_detail, name="event-detail"),
    path("eventi/<slug:slug>/modifica/", views.event_edit, name="event-edit"),
    path("eventi/<slug:slug>/pubblica/", views.event_publish, name="event-publish"),
    path("eventi/<slug:slug>/annulla/", views.event_cancel, name="event-cancel"),
    path("eventi/<slug:slug>/calendario.ics", views.event_calendar, name="event-calendar"),
    path("eventi/<slug:slug>/iscrizione/", views.event_register, name="event-register"),
    path("eventi/<slug:slug>/iscrizioni/", views.event_registrations, name="event-registrations"),
    path(
        "eventi/<slug:slug>/iscrizioni/esporta/",
        views.event_registrations_export,
        name="event-registrations-export",
    ),
    path("eventi/<slug:slug>/presenze/", views.event_attendance, name="event-attendance"),
    path("iscrizioni/<str:token>/", views.registration_detail, name="registration-detail"),
    path(
        "iscrizioni/<str:token>/conferma/",
        views.registration_confirm,
        name="registration-confirm",
    ),
    path("iscrizioni/<str:token>/annulla/", views.registration_cancel, name="registration-cancel"),
    path(
        "iscrizioni/<str:token>/attestato.pdf",
        views.registration_certificate,
        name="registration-certificate",
    ),
]
