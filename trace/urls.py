app_name = "trace"

urlpatterns = []
