"""Pages for pledges: the 办实事台帐 (staff) and the public board (公示栏, no login)."""

import hashlib
import io

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from campaigns.models import Campaign
from core.audit import audit_export
from core.concurrency import StaleEdit
from core.concurrency_forms import edit_conflict_response, saved_message
from core.csrf import csrf_recoverable
from core.params import id_param
from core.scoping import get_for_user_or_404
from core.xlsx_write import xlsx_response
from org.models import OrgUnit

from .exports import ledger_workbook
from .forms import (
    PledgeAmendmentForm,
    PledgeFilter,
    PledgeForm,
    PledgeProgressForm,
    PledgeTransitionForm,
    PledgeWithdrawForm,
    responsible_person_choices,
)
from .models import Pledge
from .origins import origin_options
from .selectors import (
    board_for_unit,
    board_unit_or_404,
    board_version,
    pledge_get_for_user,
    pledge_list_for_user,
)
from .services import (
    ACTION_LABELS,
    PledgeError,
    available_actions,
    pledge_amend,
    pledge_create,
    pledge_report_progress,
    pledge_transition,
    pledge_update,
    pledge_withdraw,
    withdrawal_refusal,
)
from .validators import limit_evidence_photo_upload


def _pledge_or_404(request, pk, perm):
    """Scope first, then permission: a pledge outside the user's subtree answers 404 whatever
    the user's permissions, so a 403 never tells that it exists."""
    pledge = pledge_get_for_user(user=request.user, pk=pk)
    if not request.user.has_perm(perm):
        raise PermissionDenied
    return pledge


def _filtered(request, *, for_export=False):
    queryset = pledge_list_for_user(user=request.user, for_export=for_export)
    return PledgeFilter(request.GET or None, queryset=queryset, request=request)


@login_required
@permission_required("pledges.view_pledge", raise_exception=True)
def pledge_list(request):
    filterset = _filtered(request)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pledges/pledge_list.html",
        {"filter": filterset, "page_obj": page, "query": query.urlencode()},
    )


@login_required
@permission_required("pledges.view_pledge", raise_exception=True)
def pledge_export(request):
    filterset = _filtered(request, for_export=True)
    content = ledger_workbook(filterset.qs, heading=_("办实事台帐"))
    audit_export(action="ledgers.pledge_export", what="pledge_ledger", rows=filterset.qs.count())
    return xlsx_response(content, "办实事台帐.xlsx")


@csrf_recoverable()
@login_required
@permission_required("pledges.add_pledge", raise_exception=True)
def pledge_create_view(request):
    form = PledgeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            pledge, created = pledge_create(
                user=request.user, fields=form.typed_data, idempotency_key=form.submission_token
            )
        except PledgeError as exc:
            form.add_error(None, exc)
        else:
            saved_message(request, created, _("承诺事项已保存为草稿。"))
            return redirect(pledge)
    return render(request, "pledges/pledge_form.html", {"form": form, "pledge": None})


@login_required
def pledge_person_options(request):
    """The <option>s of the responsible-person select for the chosen responsible unit (htmx)."""
    unit_id = id_param(request, "responsible_unit")
    unit = get_for_user_or_404(OrgUnit.objects.all(), request.user, pk=unit_id) if unit_id else None
    if not request.user.has_perm("pledges.add_pledge"):
        raise PermissionDenied
    cadres = responsible_person_choices(user=request.user, unit=unit)
    return render(request, "ledgers/_person_options.html", {"cadres": cadres})


@login_required
def pledge_origin_options(request):
    """The <option>s of the origin select for the chosen origin kind and campaign (htmx)."""
    kind = request.GET.get("origin_kind", "")
    if kind not in Pledge.OriginKind.values:
        raise Http404
    campaign_id = id_param(request, "campaign")
    campaign = get_for_user_or_404(Campaign.objects.plans(), request.user, pk=campaign_id) if campaign_id else None
    if not request.user.has_perm("pledges.add_pledge"):
        raise PermissionDenied
    options = origin_options(kind=kind, user=request.user, campaign=campaign)
    return render(request, "pledges/_origin_options.html", {"options": options, "kind": kind})


@login_required
def pledge_detail(request, pk):
    pledge = _pledge_or_404(request, pk, "pledges.view_pledge")
    actions = [(name, ACTION_LABELS[name]) for name in available_actions(pledge=pledge, user=request.user)]
    context = {
        "pledge": pledge,
        "actions": actions,
        "can_edit": pledge.is_editable and request.user.has_perm("pledges.change_pledge"),
        "can_amend": pledge.is_committed
        and pledge.status != Pledge.Status.COMPLETED
        and request.user.has_perm("pledges.add_pledgeamendment"),
        "can_report": pledge.is_committed
        and pledge.status != Pledge.Status.COMPLETED
        and request.user.has_perm("pledges.add_pledgeprogress"),
        "can_withdraw": withdrawal_refusal(pledge=pledge, user=request.user) is None,
        "origin": pledge.origin_object(),
        "progress_updates": list(pledge.progress_updates.all()),
        "amendments": list(pledge.amendments.all()),
    }
    return render(request, "pledges/pledge_detail.html", context)


@csrf_recoverable()
@login_required
def pledge_edit(request, pk):
    pledge = _pledge_or_404(request, pk, "pledges.change_pledge")
    if not pledge.is_editable:
        messages.error(request, _("承诺事项已提交或已审批，不能直接修改；审批后的变更请走变更程序。"))
        return redirect(pledge)
    form = PledgeForm(request.POST or None, instance=pledge, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            pledge = pledge_update(
                pledge=pledge, user=request.user, fields=form.typed_data, expected_version=form.loaded_version
            )
        except StaleEdit as exc:
            return edit_conflict_response(
                request,
                template="pledges/pledge_form.html",
                context={"pledge": pledge},
                form=form,
                exc=exc,
                done=pledge,
            )
        except PledgeError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(pledge)
    return render(request, "pledges/pledge_form.html", {"form": form, "pledge": pledge})


@require_POST
@login_required
def pledge_transition_view(request, pk):
    pledge = pledge_get_for_user(user=request.user, pk=pk)
    form = PledgeTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("未知的操作。"))
        return redirect(pledge)
    action = form.cleaned_data["action"]
    try:
        pledge_transition(pledge=pledge, user=request.user, action=action, comment=form.cleaned_data["comment"])
    except PledgeError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("已%(action)s。") % {"action": ACTION_LABELS[action]})
    return redirect(pledge)


@csrf_recoverable()
@login_required
def pledge_withdraw_view(request, pk):
    """Confirm, then take the pledge off the public board (a leader's or the office's act)."""
    pledge = _pledge_or_404(request, pk, "pledges.withdraw_pledge")
    form = PledgeWithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pledge_withdraw(pledge=pledge, user=request.user, reason=form.cleaned_data["reason"])
        except PledgeError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("承诺事项已撤回，不再在公示栏显示。"))
            return redirect(pledge)
    context = {"form": form, "pledge": pledge, "refusal": withdrawal_refusal(pledge=pledge, user=request.user)}
    return render(request, "pledges/pledge_withdraw.html", context)


@csrf_recoverable()
@login_required
def pledge_amend_view(request, pk):
    pledge = _pledge_or_404(request, pk, "pledges.add_pledgeamendment")
    form = PledgeAmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pledge_amend(
                pledge=pledge,
                user=request.user,
                field=form.cleaned_data["field"],
                new_value=form.cleaned_data["new_value"],
                reason=form.cleaned_data["reason"],
                idempotency_key=form.submission_token,
            )
        except PledgeError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("变更已记录，并将在公示栏显示。"))
            return redirect(pledge)
    return render(request, "pledges/pledge_amend.html", {"form": form, "pledge": pledge})


@csrf_recoverable()
@login_required
@limit_evidence_photo_upload
def pledge_progress_view(request, pk):
    pledge = _pledge_or_404(request, pk, "pledges.add_pledgeprogress")
    form = PledgeProgressForm(request.POST or None, request.FILES or None, pledge=pledge)
    if request.method == "POST" and request.size_limit.exceeded:
        # Cut off while streaming: nothing is recorded, and the photo field says why.
        form.add_error("photo", request.size_limit.message())
    if request.method == "POST" and form.is_valid():
        try:
            pledge_report_progress(
                pledge=pledge, user=request.user, idempotency_key=form.submission_token, **form.typed_data
            )
        except PledgeError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("进展已填报。"))
            return redirect(pledge)
    return render(request, "pledges/pledge_progress_form.html", {"form": form, "pledge": pledge})


# ---- Public board (公示栏): no login, cacheable, no personal data ------------------------

# Browsers and proxies may store the board (public) but must ask again every time (no-cache):
# the ETag makes that question cost a 304 and three small queries, and a villager never reads a
# stale promise. The rendered page is also kept server-side under its version for this long.
BOARD_CACHE_SECONDS = 300


def _board_etag(request, code):
    request.board_unit = board_unit_or_404(code=code)
    request.board_version = board_version(unit=request.board_unit)
    return request.board_version


def _notice_etag(request, code):
    # The notice also prints the board's address (QR code), which depends on the host or setting.
    version = _board_etag(request, code)
    request.board_url = board_url(request, request.board_unit)
    return hashlib.sha256(f"{version}|{request.board_url}".encode()).hexdigest()[:32]


def _render_public(template, context, *, content_type="text/html; charset=utf-8"):
    # Rendered without the request: no session, no user, no CSRF token, so the page is the
    # same for everyone and may be cached by any proxy.
    return HttpResponse(render_to_string(template, context), content_type=content_type)


def board_url(request, unit) -> str:
    path = reverse("pledges:public_board", kwargs={"code": unit.code})
    base = getattr(settings, "PUBLIC_BOARD_BASE_URL", "")
    return f"{base.rstrip('/')}{path}" if base else request.build_absolute_uri(path)


@require_safe
@vary_on_headers("Accept-Language", "Cookie")  # the language may come from the switcher's cookie
@cache_control(public=True, no_cache=True)
@condition(etag_func=_board_etag)
def public_board(request, code):
    # The rendered page is kept under its version: any change to the unit's pledges (or the
    # date, or the language) makes a new version, so a stale board is never served.
    key = f"pledges:public_board:{request.board_version}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("pledges/public_board.html", {"board": board_for_unit(unit=request.board_unit)})
        cache.set(key, html, BOARD_CACHE_SECONDS)
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@require_safe
@vary_on_headers("Accept-Language", "Cookie")  # the language may come from the switcher's cookie
@cache_control(public=True, no_cache=True)
@condition(etag_func=_notice_etag)
def public_notice(request, code):
    board = board_for_unit(unit=request.board_unit)
    url = request.board_url
    qr_svg = segno.make(url, error="m").svg_inline(omitsize=True, title=_("扫码查看承诺事项最新进展"))
    return _render_public("pledges/public_notice.html", {"board": board, "qr_svg": qr_svg, "board_url": url})


@require_safe
@cache_control(public=True, max_age=86400)
def public_qr(request, code):
    unit = board_unit_or_404(code=code)
    buffer = io.BytesIO()
    segno.make(board_url(request, unit), error="m").save(buffer, kind="svg", scale=8, title=unit.name)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
