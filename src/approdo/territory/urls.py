from django.urls import path

from approdo.territory import views

app_name = "territory"
urlpatterns = [
    path("", views.region_detail, name="region"),
    path("geojson/", views.region_geojson, name="region-geojson"),
    path("asl/<slug:slug>/", views.asl_detail, name="asl-detail"),
    path("asl/<slug:slug>/geojson/", views.asl_geojson, name="asl-geojson"),
    path("zone/<slug:slug>/", views.zona_detail, name="zona-detail"),
    path("zone/<slug:slug>/geojson/", views.zona_geojson, name="zona-geojson"),
    path("comuni/<str:istat_code>/", views.comune_detail, name="comune-detail"),
    path("comuni/<str:istat_code>/geojson/", views.comune_geojson, name="comune-geojson"),
    path("province/<slug:sigla>/", views.province_detail, name="province-detail"),
    path("province/<slug:sigla>/geojson/", views.province_geojson, name="province-geojson"),
]
