from django.urls import path

from approdo.api import territory, views

app_name = "api"
urlpatterns = [
    path("status", views.status, name="status"),
    path("openapi.json", views.openapi, name="openapi"),
    path("docs/", views.docs, name="docs"),
    path("me", views.me, name="me"),
    path("territory/zones", territory.zone_list, name="territory-zones"),
    path("territory/comuni/<str:istat_code>", territory.comune_detail, name="territory-comune"),
]
