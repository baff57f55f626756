from django.urls import path

from approdo.portal import views

app_name = "portal"
urlpatterns: list = []
