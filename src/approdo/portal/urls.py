from django.urls import path

from approdo.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("privacy/", views.privacy, name="privacy"),
    path("note-legali/", views.legal, name="legal"),
    path("segnalazioni/nuova/", views.feedback, name="feedback"),
    path("segnalazioni/", views.feedback_list, name="feedback-list"),
]
