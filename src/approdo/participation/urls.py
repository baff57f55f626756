from approdo.participation import event_urls, guideline_urls, report_urls, table_urls

app_name = "participation"
urlpatterns = (
    event_urls.urlpatterns
    + table_urls.urlpatterns
    + report_urls.urlpatterns
    + guideline_urls.urlpatterns
)
