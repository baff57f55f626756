from django.urls import path

from approdo.territory import views

app_name = "territory"
urlpatterns: list = []
