from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("households/", views.household_list, name="household_list"),
    path("households/new/", views.household_create, name="household_create"),
    path("households/<int:pk>/", views.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/reveal/<str:field>/", views.household_reveal, name="household_reveal"),
    path("households/<int:pk>/members/new/", views.member_create, name="member_create"),
    path("households/<int:household_pk>/pair/", views.pairing_create, name="pairing_create"),
    path("members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("pairings/", views.pairing_list, name="pairing_list"),
    path("pairings/<int:pk>/end/", views.pairing_end, name="pairing_end"),
    path("pairings/bulk/", views.pairing_bulk, name="pairing_bulk"),
    path("pairings/suggest/", views.pairing_suggest, name="pairing_suggest"),
    path("pairings/status/", views.pairing_status_home, name="pairing_status_home"),
    path("pairings/status/<str:code>/", views.pairing_status, name="pairing_status"),
    path("cadres/export/", views.cadre_export, name="cadre_export"),
    path("liaison-points/", views.liaison_list, name="liaison_list"),
    path("liaison-points/new/", views.liaison_create, name="liaison_create"),
    path("liaison-points/<int:pk>/delete/", views.liaison_delete, name="liaison_delete"),
    path("forums/", views.forum_list, name="forum_list"),
    path("forums/new/", views.forum_new, name="forum_new"),
    path("forums/<int:pk>/", views.forum_detail, name="forum_detail"),
    path("forums/<int:pk>/edit/", views.forum_edit, name="forum_edit"),
    path("reception-days/", views.reception_list, name="reception_list"),
    path("reception-days/new/", views.reception_new, name="reception_new"),
    path("reception-days/<int:pk>/", views.reception_detail, name="reception_detail"),
    path("reception-days/<int:pk>/edit/", views.reception_edit, name="reception_edit"),
    path("imports/", views.import_upload, name="import_upload"),
    path("imports/template/<str:kind>/", views.import_template, name="import_template"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/discard/", views.import_discard, name="import_discard"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
]
