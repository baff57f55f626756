from django.urls import path

from approdo.api import funding, governance, participation, practices, surveys, territory, views

app_name = "api"
urlpatterns = [
    path("status", views.status, name="status"),
    path("openapi.json", views.openapi, name="openapi"),
    path("docs/", views.docs, name="docs"),
    path("me", views.me, name="me"),
    path("territory/zones", territory.zone_list, name="territory-zones"),
    path("territory/comuni/<str:istat_code>", territory.comune_detail, name="territory-comune"),
    path("campaigns/<slug:slug>", surveys.campaign_detail, name="campaign-detail"),
    path("campaigns/<slug:slug>/responses", surveys.campaign_responses, name="campaign-responses"),
    path(
        "campaigns/<slug:slug>/responses.csv",
        surveys.campaign_responses_csv,
        name="campaign-responses-csv",
    ),
    path(
        "campaigns/<slug:slug>/responses.xlsx",
        surveys.campaign_responses_xlsx,
        name="campaign-responses-xlsx",
    ),
]
urlpatterns += (
    practices.urlpatterns + funding.urlpatterns + governance.urlpatterns + participation.urlpatterns
)
