from django.urls import path

from . import views

app_name = "ledgers"
urlpatterns = [
    path("visits/new/", views.visit_entry, name="visit_entry"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/delete/", views.visit_delete_view, name="visit_delete"),
    path("households/search/", views.household_search, name="household_search"),
    path("households/<int:pk>/pick/", views.household_pick, name="household_pick"),
    path("households/<int:pk>/", views.household_timeline, name="household_timeline"),
    path("diary/", views.my_diary, name="my_diary"),
    path("diary/<int:pk>/", views.cadre_diary, name="cadre_diary"),
    path("books/", views.ledger_books, name="ledger_books"),
    path("books/export/", views.ledger_book_export, name="ledger_book_export"),
    path("books/print/", views.ledger_book_print, name="ledger_book_print"),
    path("demands/", views.demand_list, name="demand_list"),
    path("demands/export/", views.demand_export, name="demand_export"),
    path("demands/new/", views.demand_new, name="demand_new"),
    path("demands/chase/", views.demand_chase, name="demand_chase"),
    path("demands/<int:pk>/", views.demand_detail, name="demand_detail"),
    path("demands/<int:pk>/phone/reveal/", views.demand_reveal_phone_view, name="demand_reveal_phone"),
    path("demands/<int:pk>/person-options/", views.demand_person_options, name="demand_person_options"),
    path("demands/<int:pk>/<slug:action>/", views.demand_action, name="demand_action"),
]
