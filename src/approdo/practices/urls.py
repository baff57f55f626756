from approdo.practices import catalogue_urls, editorial_urls

app_name = "practices"
urlpatterns = catalogue_urls.urlpatterns + editorial_urls.urlpatterns
