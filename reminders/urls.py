from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.message_detail, name="message_detail"),
    path("<int:pk>/read/", views.mark_read, name="mark_read"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("bell/", views.bell, name="bell"),
    path("preferences/", views.preferences, name="preferences"),
    path("due/", views.due_list, name="due_list"),
    path("failures/", views.failures, name="failures"),
    path("failures/<int:pk>/retry/", views.delivery_retry, name="delivery_retry"),
]
