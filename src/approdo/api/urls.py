from django.urls import path

from approdo.api import views

app_name = "api"
urlpatterns: list = []
