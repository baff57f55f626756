from approdo.practices import catalogue_urls, editorial_urls

app_name = "practices"
# Editorial paths first: their fixed prefix ("redazione/") must win over the catalogue's
# "<code>/" pattern.
urlpatterns = editorial_urls.urlpatterns + catalogue_urls.urlpatterns
