from approdo.surveys import manage_urls, respond_urls

app_name = "surveys"
urlpatterns = [*respond_urls.urlpatterns, *manage_urls.urlpatterns]
