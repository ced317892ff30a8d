from django.urls import path

from . import views as views

app_name = "pledges"
urlpatterns = [
    path("pledges/", views.pledge_list, name="pledge_list"),
    path("pledges/export.xlsx", views.pledge_export, name="pledge_export"),
    path("pledges/new/", views.pledge_create_view, name="pledge_create"),
    path("pledges/person-options/", views.pledge_person_options, name="pledge_person_options"),
    path("pledges/origin-options/", views.pledge_origin_options, name="pledge_origin_options"),
    path("pledges/<int:pk>/", views.pledge_detail, name="pledge_detail"),
    path("pledges/<int:pk>/edit/", views.pledge_edit, name="pledge_edit"),
    path("pledges/<int:pk>/transition/", views.pledge_transition_view, name="pledge_transition"),
    path("pledges/<int:pk>/withdraw/", views.pledge_withdraw_view, name="pledge_withdraw"),
    path("pledges/<int:pk>/amend/", views.pledge_amend_view, name="pledge_amend"),
    path("pledges/<int:pk>/progress/", views.pledge_progress_view, name="pledge_progress"),
    # Public, no login: the 公示栏 of a unit, its printable A4 notice, and the QR code.
    path("board/<str:code>/", views.public_board, name="public_board"),
    path("board/<str:code>/notice/", views.public_notice, name="public_notice"),
    path("board/<str:code>/qr.svg", views.public_qr, name="public_qr"),
]
