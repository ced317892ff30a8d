from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_list, name="audit_list"),
    path("reveal/<str:label>/<int:pk>/<str:field>/", views.text_reveal, name="text_reveal"),
    path("files/<slug:kind>/<int:pk>/", views.file_download, name="file"),
]
