"""Everything of the `api` namespace, mounted at the site root: the REST API under /api/v1/
(approdo.api.urls) and the HTML pages where people manage their tokens, outside /api/."""

from django.urls import include, path

from approdo.api import urls as api_urls
from approdo.api import views

app_name = "api"
urlpatterns = [
    path("api/v1/", include(api_urls.urlpatterns)),
    path("api-tokens/", views.token_list, name="token-list"),
    path("api-tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
