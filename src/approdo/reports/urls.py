from django.urls import path

from approdo.reports import views

app_name = "reports"
urlpatterns = [
    path("esportazioni/nuova/", views.export_create, name="export-create"),
    path("esportazioni/<int:pk>/", views.export_detail, name="export-detail"),
    path("esportazioni/<int:pk>/file/", views.export_download, name="export-download"),
]
