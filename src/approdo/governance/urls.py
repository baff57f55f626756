from approdo.governance import institution_urls, sai_urls

app_name = "governance"
urlpatterns = sai_urls.urlpatterns + institution_urls.urlpatterns
