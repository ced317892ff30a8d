from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("units/", views.orgunit_tree, name="orgunit_tree"),
    path("units/<str:code>/", views.orgunit_detail, name="orgunit_detail"),
]
