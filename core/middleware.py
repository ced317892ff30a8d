import ipaddress
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from . import accounts
from .audit import CoreAudit, audit_record
from .database import database_unavailable_response, is_database_unavailable, log_unavailable
from .request_context import client_ip, reset_current_request, set_current_request


class AuditContextMiddleware:
    """Makes the current request (user, IP) known to audit events written during it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_current_request(request)
        try:
            return self.get_response(request)
        finally:
            reset_current_request(token)


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Simplified Chinese unless the user picked another language with the switcher (its cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an office computer
    with an English browser would open the product in English. Offices work in Chinese; English
    is a choice a user makes, not something their browser makes for them.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            language = translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class DatabaseUnavailableMiddleware:
    """A view that loses the database connection answers 503 with Retry-After (core.database).

    Failures raised by other middleware reach ``core.views.server_error`` (handler500), which
    makes the same decision.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        log_unavailable(request, exception)
        return database_unavailable_response()


class AccountPolicyMiddleware:
    """Idle and absolute session limits, the password that must be changed (core.accounts), and
    ``Cache-Control: private, no-store`` on every signed-in response.

    Reads only what login stored in the session: no query per request. A request sent by a page
    on its own (the reminder bell's poll, an import's progress) carries ``X-Minqing-Background``
    and does not count as activity, so a page left open still times out.
    """

    # Pages a user whose password must change can still open.
    PASSWORD_EXEMPT = {"password_change", "password_change_done", "logout", "login", "set_language", "healthz"}
    ACTIVITY_RESOLUTION = 30  # seconds: the session is written at most this often for activity alone

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        try:
            # The first thing to read the session and the account: a database that is down shows here.
            authenticated = user is not None and user.is_authenticated
        except Exception as exc:
            if not is_database_unavailable(exc):
                raise
            log_unavailable(request, exc)
            return database_unavailable_response()
        if not authenticated:
            return self.get_response(request)
        refused = self._enforce(request, user)
        if refused is not None:
            return refused
        response = self.get_response(request)
        # Signed-in pages and downloads hold personal data: no browser or proxy keeps a copy
        # (a shared office computer's back button, a proxy's cache). A view that says otherwise keeps its word.
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response

    def _enforce(self, request, user):
        now = timezone.now()
        expired = accounts.session_expiry(request.session, now.timestamp())
        if expired is not None:
            audit_record(action=CoreAudit.SESSION_EXPIRED, actor=user, request=request, detail={"reason": expired})
            logout(request)
            if expired == "idle":
                message = _("您已较长时间未操作，为保护群众信息已自动退出，请重新登录。")
            else:
                message = _("本次登录已超过允许的最长时间，请重新登录。")
            messages.info(request, message)
            return self._to(request, "login", keep_next=True)
        if "HTTP_X_MINQING_BACKGROUND" not in request.META:
            last_seen = request.session.get(accounts.LAST_SEEN) or 0
            if now.timestamp() - last_seen >= self.ACTIVITY_RESOLUTION:
                request.session[accounts.LAST_SEEN] = now.timestamp()
        state = accounts.session_password_state(request.session)
        if not (state.must_change or state.expired(now)) or self._exempt(request):
            return None
        if not request.htmx:
            if state.must_change:
                messages.warning(request, _("这是管理员为您设置的初始或重置密码，请先修改为只有您自己知道的密码。"))
            else:
                messages.warning(request, _("您的密码已到期，请先修改密码再继续使用。"))
        return self._to(request, "password_change")

    def _exempt(self, request) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return True  # a 404 page is no place to hold anyone
        return match.url_name in self.PASSWORD_EXEMPT or match.view_name in (
            "admin:password_change",
            "admin:password_change_done",
            "admin:logout",
            "session_keepalive",
        )

    def _to(self, request, name, *, keep_next=False):
        url = reverse(name)
        if keep_next and request.method == "GET" and not request.htmx:
            url += "?" + urlencode({"next": request.get_full_path()})
        if request.htmx:
            # An htmx request would swap the login page into a fragment: send the whole page there.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


class AdminNetworkMiddleware:
    """The back office (``ADMIN_URL``) answers 404 outside ``ADMIN_ALLOWED_NETWORKS`` when that is set.

    The client address is the one before our own proxies (core.request_context.client_ip). A 404,
    not a 403: from elsewhere the address should not even say a back office is there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        allowed = settings.ADMIN_ALLOWED_NETWORKS
        if allowed and request.path_info.startswith("/" + settings.ADMIN_URL) and not self._allowed(request, allowed):
            raise Http404
        return self.get_response(request)

    def _allowed(self, request, allowed) -> bool:
        address = client_ip(request)
        if address is None:
            return False
        ip = ipaddress.ip_address(address)
        return any(ip in ipaddress.ip_network(net.strip(), strict=False) for net in allowed)
