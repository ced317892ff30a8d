from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("pickers/units/", views.unit_options, name="unit_options"),
    path("pickers/cadres/", views.cadre_options, name="cadre_options"),
    path("units/", views.orgunit_tree, name="orgunit_tree"),
    path("units/<str:code>/", views.orgunit_detail, name="orgunit_detail"),
    path("units/<str:code>/children/", views.orgunit_tree_children, name="orgunit_tree_children"),
    path("plans/", views.campaign_list, name="campaign_list"),
    path("plans/<int:pk>/", views.campaign_plan, name="campaign_plan"),
    path("steps/<int:pk>/complete/", views.assignment_complete, name="assignment_complete"),
]
