from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from approdo.core.decorators import public

admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Approdo"

urlpatterns = [
    path("i18n/setlang/", public(set_language), name="set_language"),
    path("", include("approdo.api.web_urls")),  # /api/v1/ and the API token pages
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("territorio/", include("approdo.territory.urls")),
    path("questionari/", include("approdo.surveys.urls")),
    path("buone-pratiche/", include("approdo.practices.urls")),
    path("bandi/", include("approdo.funding.urls")),
    path("governance/", include("approdo.governance.urls")),
    path("partecipazione/", include("approdo.participation.urls")),
    path("", include("approdo.reports.urls")),  # /esportazioni/
    path("", include("approdo.organizations.urls")),
    path("", include("approdo.portal.urls")),
]

handler400 = "approdo.api.errors.bad_request"
handler403 = "approdo.portal.views.error_403"
handler404 = "approdo.portal.views.error_404"
handler500 = "approdo.portal.views.error_500"
