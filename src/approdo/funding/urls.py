app_name = "funding"
urlpatterns = []
