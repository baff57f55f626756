from django.urls import path

from approdo.organizations import views

app_name = "organizations"
urlpatterns = [
    path("organizzazioni/", views.organization_list, name="organization-list"),
    path("organizzazioni/nuova/", views.organization_create, name="organization-create"),
    path("organizzazioni/<int:pk>/", views.organization_detail, name="organization-detail"),
    path("organizzazioni/<int:pk>/modifica/", views.organization_edit, name="organization-edit"),
    path(
        "organizzazioni/<int:pk>/storico/", views.organization_history, name="organization-history"
    ),
    path("organizzazioni/<int:pk>/invita/", views.organization_invite, name="organization-invite"),
    path(
        "organizzazioni/<int:pk>/richiesta-modifica/",
        views.change_request_create,
        name="change-request-create",
    ),
    path(
        "organizzazioni/richieste-modifica/",
        views.change_request_list,
        name="change-request-list",
    ),
    path(
        "organizzazioni/richieste-modifica/<int:pk>/approva/",
        views.change_request_approve,
        name="change-request-approve",
    ),
    path(
        "organizzazioni/richieste-modifica/<int:pk>/rifiuta/",
        views.change_request_reject,
        name="change-request-reject",
    ),
    path("adesioni/<int:pk>/modifica/", views.membership_edit, name="membership-edit"),
    path("adesioni/<int:pk>/elimina/", views.membership_delete, name="membership-delete"),
    path("inviti/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("profilo/", views.profile, name="profile"),
]
