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
from .navigation import home_url_name_for
from .roles import AUDITOR, user_roles
from .selectors import audit_event_list_for_user


@login_required
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
