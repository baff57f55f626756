from approdo.funding import statistics_urls, workflow_urls

app_name = "funding"
urlpatterns = workflow_urls.urlpatterns + statistics_urls.urlpatterns
