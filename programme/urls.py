app_name = "programme"

urlpatterns = []
