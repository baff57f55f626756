from django.urls import path

from approdo.organizations import views

app_name = "organizations"
urlpatterns: list = []
