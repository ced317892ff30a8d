from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from core import views as core_views

handler500 = "core.views.server_error"  # a database that is down answers 503, not 500

# No route serves MEDIA_URL, not even with DEBUG: stored files are read through core:file only
# (core/files.py), which checks login, scope and permission.
urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("login/", core_views.LoginView.as_view(), name="login"),
    path("session/keepalive/", core_views.session_keepalive, name="session_keepalive"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_URL, admin.site.urls),
    path("core/", include("core.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("outreach/", include("outreach.urls")),
    path("ledgers/", include("ledgers.urls")),
    # Forums and reception days moved to outreach with their models; bookmarks of the old pages
    # (and links in messages already sent) still arrive.
    re_path(
        r"^ledgers/(?P<page>(?:forums|reception-days)/.*)$",
        RedirectView.as_view(url="/outreach/%(page)s", query_string=True),
        name="moved_outreach_page",
    ),
    # Pledges kept the addresses they had inside ledgers: the board's is printed on paper
    # notices (QR code) and staff have the ledger bookmarked.
    path("ledgers/", include("pledges.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("reminders/", include("reminders.urls")),
]
