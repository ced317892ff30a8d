from django.urls import path

from . import three_checks_views

app_name = "evaluations"
urlpatterns = [
    path("three-checks/", three_checks_views.three_checks, name="three_checks"),
    path("three-checks/export.xlsx", three_checks_views.three_checks_export, name="three_checks_export"),
]
