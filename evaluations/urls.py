from django.urls import path

from . import three_checks_views

app_name = "evaluations"
urlpatterns = [
    # Issue 6: the 三查三看 review of pledges.
    path("three-checks/", three_checks_views.three_checks, name="three_checks"),
    path("three-checks/export.xlsx", three_checks_views.three_checks_export, name="three_checks_export"),
]
