from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core import dates
from core.access import view_access

from . import selectors, services
from .forms import PreferenceForm
from .models import ChannelPreference, Delivery


@view_access()
@require_GET
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox_list(user=request.user, unread_only=unread_only), 20).get_page(
        request.GET.get("page")
    )
    return render(request, "reminders/inbox.html", {"page_obj": page, "unread_only": unread_only})


@view_access()
@require_GET
def message_detail(request, pk):
    try:
        delivery = services.inbox_mark_read(user=request.user, delivery_id=pk)
    except Delivery.DoesNotExist as exc:
        raise Http404 from exc
    delivery = selectors.inbox_message(user=request.user, delivery_id=delivery.pk)
    return render(request, "reminders/message_detail.html", {"delivery": delivery})


@view_access()
@require_POST
def mark_read(request, pk):
    try:
        services.inbox_mark_read(user=request.user, delivery_id=pk)
    except Delivery.DoesNotExist as exc:
        raise Http404 from exc
    if request.htmx:
        delivery = selectors.inbox_message(user=request.user, delivery_id=pk)
        response = render(request, "reminders/partials/_message_row.html", {"delivery": delivery})
        response["HX-Trigger"] = "reminders-read"
        return response
    return redirect("reminders:inbox")


@view_access()
@require_POST
def mark_all_read(request):
    count = services.inbox_mark_all_read(user=request.user)
    if request.htmx:
        response = render(
            request,
            "reminders/partials/_message_list.html",
            {"page_obj": Paginator(selectors.inbox_list(user=request.user), 20).get_page(1)},
        )
        response["HX-Trigger"] = "reminders-read"
        return response
    messages.success(request, _("已将 %(n)d 条消息标为已读") % {"n": count})
    return redirect("reminders:inbox")


@view_access()
@require_GET
def bell(request):
    return render(request, "reminders/partials/_bell.html")


@view_access()
def preferences(request):
    instance = ChannelPreference.objects.filter(user=request.user).first() or ChannelPreference(user=request.user)
    form = PreferenceForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.preference_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("提醒设置已保存"))
        return redirect("reminders:preferences")
    return render(request, "reminders/preferences.html", {"form": form})


@view_access()
@require_GET
def due_list(request):
    """Everything due soon or overdue in the user's subtree: where the digest's "另有 N 项" leads."""
    show = request.GET.get("show", "")
    overdue, due = selectors.due_items_for_user(user=request.user, today=dates.today())
    return render(
        request,
        "reminders/due_list.html",
        {
            "overdue": overdue if show != "due" else None,
            "due": due if show != "overdue" else None,
            "show": show,
        },
    )


@view_access("reminders.view_delivery")
@require_GET
def failures(request):
    status = request.GET.get("status", "")
    page = Paginator(selectors.failed_deliveries_for_user(user=request.user, status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "reminders/failures.html", {"page_obj": page, "status": status})


@view_access(gate="reminders.change_delivery", lookup=Delivery.objects.select_related("reminder__unit"))
@require_POST
def delivery_retry(request, delivery):
    try:
        services.delivery_retry(actor=request.user, delivery=delivery)
    except ValueError:
        messages.error(request, _("只有发送失败或结果未知的记录可以重新发送"))
    else:
        messages.success(request, _("已安排重新发送"))
    return redirect("reminders:failures")
