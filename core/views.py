import sys

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .access import view_access
from .database import database_unavailable_response, is_database_unavailable, log_unavailable
from .files import serve_file
from .forms import AuditEventFilterForm
from .health import broker_state, database_state
from .masking import free_text_entry, free_text_reveal
from .models import AccountSecurity, AuditEvent
from .navigation import home_url_name_for
from .paginators import CappedPaginator
from .roles import AUDITOR, user_roles
from .scoping import get_for_user_or_404
from .selectors import audit_event_list_for_user


def server_error(request):
    """handler500: the database being down is a 503 with Retry-After, anything else the 500 page.

    Django calls it while the exception is being handled, so ``sys.exc_info()`` holds it; this is
    the path of failures raised in middleware, which ``DatabaseUnavailableMiddleware`` never sees.
    """
    exc = sys.exc_info()[1]
    if is_database_unavailable(exc):
        log_unavailable(request, exc)
        return database_unavailable_response()
    return defaults.server_error(request)


@view_access()
def home(request):
    # ?stay=1 (the navbar's 工作台 link) shows the dashboard instead of the role's own page.
    if request.GET.get("stay") is None:
        target = home_url_name_for(request.user)
        if target is not None:
            return redirect(target)
    return render(request, "core/home.html", {"roles": user_roles(request.user)})


@never_cache
@require_GET
def healthz(request):
    database = database_state()
    broker = broker_state()
    status = "ok" if database == "ok" and broker == "ok" else "degraded"
    if database != "ok":
        status = "error"
    return JsonResponse(
        {"status": status, "database": database, "broker": broker},
        status=200 if database == "ok" else 503,
    )


def _reads_the_audit_trail(user, _obj) -> bool:
    return user.is_superuser or AUDITOR in user_roles(user)


@view_access(check=_reads_the_audit_trail)
def audit_list(request):
    form = AuditEventFilterForm(request.GET)
    if form.is_valid():
        events = audit_event_list_for_user(user=request.user, filters=form.filters())
    else:
        # A bad filter shows its error and no rows: an unfiltered list could be taken for the answer.
        events = AuditEvent.objects.none()
    page = CappedPaginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/auditevent_list.html", {"page_obj": page, "form": form})


@view_access()
@require_POST
def text_reveal(request, label, pk, field):
    """The full text of one free-text field of one record (personal-data permission, audited)."""
    entry = free_text_entry(label)
    if entry is None or field not in entry.fields:
        raise Http404
    obj = get_for_user_or_404(entry.model._default_manager.all(), request.user, pk=pk)
    value = free_text_reveal(actor=request.user, obj=obj, field=field)
    return render(request, "core/partials/_revealed_text.html", {"value": value})


@require_GET
def file_download(request, kind, pk):
    """Every stored file (photos, evidence, attachments, import workbooks) is read here only."""
    return serve_file(request, kind=kind, pk=pk)


class LoginView(auth_views.LoginView):
    """Django's login page, which also says when the local demo's accounts are relaxed."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["demo_accounts"] = AccountSecurity.objects.filter(demo_account=True).exists()
        return context


@never_cache
@require_POST
def session_keepalive(request):
    """ "继续使用" on the idle warning: the request itself is the activity (AccountPolicyMiddleware)."""
    if not request.user.is_authenticated:
        return JsonResponse({"ok": False}, status=401)
    return JsonResponse({"ok": True, "idle_timeout": settings.SESSION_IDLE_TIMEOUT})
