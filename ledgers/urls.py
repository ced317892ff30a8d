from django.urls import path  # noqa: F401  (this app's pages are added here)

from .pledge_urls import urlpatterns as pledge_urlpatterns

app_name = "ledgers"
urlpatterns = [
    *pledge_urlpatterns,  # issue 6: pledges and the public board
]
