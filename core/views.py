from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .forms import AuditEventFilterForm
from .health import broker_state, database_state
from .models import AuditEvent
from .roles import AUDITOR, CADRE, DATA_ENTRY, LEADER, OFFICE_ADMIN, user_roles
from .selectors import audit_event_list_for_user

# Where each role works, first match wins. Later features point these at their own pages.
HOME_BY_ROLE = [
    (OFFICE_ADMIN, "campaigns:orgunit_tree"),
    (LEADER, "campaigns:orgunit_tree"),
    (DATA_ENTRY, "ledgers:visit_entry"),
    (CADRE, "ledgers:visit_entry"),
    (AUDITOR, "core:audit_list"),
]


@login_required
def home(request):
    roles = user_roles(request.user)
    if request.GET.get("stay") is None:
        for role, url_name in HOME_BY_ROLE:
            if role in roles:
                return redirect(url_name)
        if request.user.is_superuser:
            return redirect("admin:index")
    return render(request, "core/home.html", {"roles": roles})


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


@login_required
def audit_list(request):
    if not (AUDITOR in user_roles(request.user) or request.user.is_superuser):
        raise PermissionDenied
    form = AuditEventFilterForm(request.GET)
    if form.is_valid():
        events = audit_event_list_for_user(user=request.user, filters=form.filters())
    else:
        # A bad filter shows its error and no rows: an unfiltered list could be taken for the answer.
        events = AuditEvent.objects.none()
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/auditevent_list.html", {"page_obj": page, "form": form})
