"""Staff pages for visits, ledgers and demands. Thin: parse, check, call, render."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import dates
from core.access import find_for_user, view_access
from core.audit import audit_export
from core.concurrency import StaleEdit
from core.concurrency_forms import edit_conflict_response
from core.csrf import csrf_recoverable
from core.masking import can_view_personal_data
from core.paginators import CappedPaginator
from core.params import date_param, id_param, month_param, parse_id, unit_param
from core.workflow import TransitionRefused
from core.xlsx_write import xlsx_response
from org.models import Cadre, OrgUnit
from outreach.models import Household

from . import demand_flow, selectors
from .exports import demand_ledger_workbook, ledger_book_workbook
from .forms import (
    ACTION_FORMS,
    PlaceOnLedgerForm,
    StandaloneDemandForm,
    VisitDeleteForm,
    VisitEditForm,
    VisitEntryForm,
    help_formset,
    kept_text,
)
from .models import Demand, DemandCategory, LedgerBook, Visit
from .services import VisitRecorded, demand_reveal_phone, visit_can_change, visit_delete, visit_record, visit_update
from .validators import limit_photo_upload

PAGE_SIZE = 25
PRINT_LIMIT = 2000


def _page(request, queryset, size=PAGE_SIZE):
    # Capped: a city's visit list never counts its ten million rows to say how many pages.
    return CappedPaginator(queryset, size).get_page(request.GET.get("page"))


# ---------------------------------------------------------------- visits


def _photos_lost(request) -> bool:
    """A posted form shown again (it had errors) cannot keep its chosen files: the page says so."""
    return request.method == "POST" and (bool(request.FILES.getlist("photos")) or request.size_limit.exceeded)


def _refuse_cut_off_photos(request, form) -> None:
    """A photo over the limit was cut off while streaming (and the fields after it with it):
    nothing is saved, and the photo field says why."""
    if request.method == "POST" and request.size_limit.exceeded:
        form.add_error("photos", request.size_limit.message())


def _visit_form_kwargs(request, cadre) -> dict:
    # The last method is only the blank form's default: a posted form never reads it.
    last_method = selectors.last_method_for_cadre(cadre) if request.method != "POST" else None
    return {"user": request.user, "cadre": cadre, "last_method": last_method}


@view_access("ledgers.add_visit")
def _visit_entry_after_csrf_failure(request):
    """A visit posted from a tab whose CSRF token went stale (the user signed in again meanwhile):
    the entry page again with everything typed, checked but never saved (core.csrf)."""
    cadre = selectors.cadre_for_user(request.user)
    form = VisitEntryForm(request.POST, request.FILES, **_visit_form_kwargs(request, cadre))
    helps = help_formset(request.POST)
    form.is_valid()
    helps.is_valid()
    return _visit_entry_page(request, form, helps, cadre)


@csrf_recoverable(_visit_entry_after_csrf_failure)
@view_access("ledgers.add_visit")
@require_http_methods(["GET", "POST"])
@limit_photo_upload
def visit_entry(request):
    """The fast entry page: search a household, fill a few fields, save and add another."""
    cadre = selectors.cadre_for_user(request.user)
    form_kwargs = _visit_form_kwargs(request, cadre)
    helps = help_formset(request.POST if request.method == "POST" else None)
    if request.method != "POST":
        previous = selectors.visit_defaults_after(user=request.user, pk=request.GET.get("after"))
        return _visit_entry_page(request, VisitEntryForm(initial=previous, **form_kwargs), helps, cadre)
    form = VisitEntryForm(request.POST, request.FILES, **form_kwargs)
    _refuse_cut_off_photos(request, form)
    if form.is_valid() and helps.is_valid():
        try:
            recorded = visit_record(actor=request.user, help_items=helps.help_items(), **form.visit_record_kwargs())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            _say_visit_saved(request, recorded)
            if "save_and_add" in request.POST:
                # The next visit starts from this one's method, book, campaign, date and cadre.
                return redirect(f"{reverse('ledgers:visit_entry')}?after={recorded.visit.pk}")
            return redirect("ledgers:visit_detail", pk=recorded.visit.pk)
    return _visit_entry_page(request, form, helps, cadre)


def _say_visit_saved(request, recorded: VisitRecorded) -> None:
    visit, demand = recorded.visit, recorded.demand
    if demand is not None:
        # The demand now needs an owner: say so, and link to it.
        messages.success(
            request,
            format_html(
                _('已保存：{household} {date} 的走访记录，并受理诉求<a href="{url}">“{title}”</a>。'),
                household=visit.household.head_name,
                date=visit.visited_on,
                url=demand.get_absolute_url(),
                title=demand.title,
            ),
        )
    elif recorded.created:
        messages.success(
            request,
            _("已保存：%(household)s %(date)s 的走访记录。")
            % {"household": visit.household.head_name, "date": visit.visited_on},
        )
    else:
        messages.info(request, _("该走访记录已保存过，未重复保存。"))


def _visit_entry_page(request, form, helps, cadre):
    bound = form.is_bound
    page = selectors.visit_entry_page(
        user=request.user,
        cadre=cadre,
        picked=form.cleaned_data.get("household") if bound and hasattr(form, "cleaned_data") else None,
        # Opened from the household's file page (录入走访): preselected, still scoped to the user.
        household_id=None if bound else id_param(request, "household"),
    )
    context = {
        "form": form,
        "helps": helps,
        "selected_member": form["member"].value(),
        "photos_lost": _photos_lost(request),
        **page,
    }
    return render(request, "ledgers/visit_entry.html", context)


@view_access("ledgers.add_visit")
@require_GET
def household_search(request):
    """htmx: households matching what was typed, scoped to the user's subtree."""
    q = request.GET.get("q", "")
    households = selectors.household_search_for_user(user=request.user, q=q)
    return render(request, "ledgers/partials/_household_results.html", {"households": households, "q": q.strip()})


@view_access("ledgers.add_visit", lookup=Household.objects.select_related("village"))
@require_GET
def household_pick(request, household):
    """htmx: the chosen household as a chip, with its members to choose from.

    ``?member=<id>`` preselects that member (a pairing with a household member picks both).
    """
    members = list(household.members.all())
    wanted = request.GET.get("member", "")
    selected = next((m.pk for m in members if str(m.pk) == wanted), None)
    return render(
        request,
        "ledgers/partials/_household_picked.html",
        {"picked": household, "picked_members": members, "selected_member": selected},
    )


@view_access("ledgers.view_visit")
def visit_list(request):
    filters = {
        "unit": unit_param(request),
        "book": request.GET.get("book", ""),
        "method": request.GET.get("method", ""),
        "date_from": date_param(request, "date_from"),
        "date_to": date_param(request, "date_to"),
        "q": request.GET.get("q", "").strip(),
    }
    page = _page(request, selectors.visit_list_for_user(user=request.user, filters=filters))
    return render(
        request,
        "ledgers/visit_list.html",
        {
            "page_obj": page,
            "filters": filters,
            "units": selectors.units_for_filter(user=request.user, selected=filters["unit"]),
            "books": LedgerBook.choices,
            "methods": Visit.Method.choices,
        },
    )


@view_access("ledgers.view_visit", lookup=selectors.visit_get_for_user)
def visit_detail(request, visit):
    context = {
        "visit": visit,
        "can_change": visit_can_change(user=request.user, visit=visit),
        "can_reveal": can_view_personal_data(request.user),
    }
    return render(request, "ledgers/visit_detail.html", context)


def _may_change_visit(user, visit) -> bool:
    return visit_can_change(user=user, visit=visit)


# A visit is corrected or deleted by its own cadre or the office's staff (403 for others who see it).
CHANGEABLE_VISIT = {
    "perm": "ledgers.view_visit",
    "lookup": Visit.objects.select_related("household__village", "cadre", "member", "campaign"),
    "check": _may_change_visit,
}


@csrf_recoverable()
@view_access(**CHANGEABLE_VISIT)
@require_http_methods(["GET", "POST"])
@limit_photo_upload
def visit_edit(request, visit):
    """Correct a visit (its own cadre, or the office's data-entry staff)."""
    form = VisitEditForm(request.POST or None, request.FILES or None, user=request.user, visit=visit)
    _refuse_cut_off_photos(request, form)
    helps = help_formset(request.POST or None, visit=visit, user=request.user)
    page = {"helps": helps, "visit": visit, "photos_lost": _photos_lost(request)}
    if request.method == "POST" and form.is_valid() and helps.is_valid():
        try:
            visit_update(actor=request.user, visit=visit, help_items=helps.help_items(), **form.visit_update_kwargs())
        except StaleEdit as exc:
            return edit_conflict_response(
                request,
                template="ledgers/visit_form.html",
                context=page,
                form=form,
                exc=exc,
                done=reverse("ledgers:visit_detail", args=[visit.pk]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("走访记录已修改。"))
            return redirect("ledgers:visit_detail", pk=visit.pk)
    return render(request, "ledgers/visit_form.html", {"form": form, **page})


@csrf_recoverable()
@view_access(**CHANGEABLE_VISIT)
@require_http_methods(["GET", "POST"])
def visit_delete_view(request, visit):
    """Delete a visit entered by mistake, with a reason (refused when it raised a demand)."""
    form = VisitDeleteForm(request.POST or None, visit=visit)
    if request.method == "POST" and form.is_valid():
        try:
            visit_delete(
                actor=request.user,
                visit=visit,
                reason=form.cleaned_data["reason"],
                expected_version=form.loaded_version,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("走访记录已删除。"))
            return redirect("ledgers:household_timeline", pk=visit.household_id)
    has_demands = visit.demands.exists()
    return render(
        request, "ledgers/visit_confirm_delete.html", {"form": form, "visit": visit, "has_demands": has_demands}
    )


@view_access("ledgers.view_visit", lookup=Household.objects.select_related("village"))
def household_timeline(request, household):
    """Per household: its visits, help given and demands on one timeline."""
    return render(
        request,
        "ledgers/household_timeline.html",
        {
            "household": household,
            "entries": selectors.household_timeline(user=request.user, household=household),
            "help_total": selectors.household_help_total(household),
            "can_reveal": can_view_personal_data(request.user),
        },
    )


@view_access("ledgers.view_visit")
def my_diary(request):
    """The signed-in cadre's own 民情日记 for one month."""
    cadre = selectors.cadre_for_user(request.user)
    if cadre is None:
        return render(request, "ledgers/cadre_diary.html", {"cadre": None, "visits": []})
    return _diary_page(request, cadre, own=True)


@view_access("ledgers.view_visit", lookup=Cadre.objects.select_related("org_unit"))
def cadre_diary(request, cadre):
    """A cadre's 民情日记 for one month."""
    return _diary_page(request, cadre, own=False)


def _diary_page(request, cadre, *, own: bool):
    month = month_param(request)
    visits = list(selectors.cadre_diary(user=request.user, cadre=cadre, first=month.first, last=month.last))
    return render(
        request,
        "ledgers/cadre_diary.html",
        {
            "cadre": cadre,
            "visits": visits,
            "month": month,
            "first": month.first,
            "previous": month.previous,
            "following": month.following,
            "own": own,
        },
    )


def _book_params(request):
    unit = unit_param(request, default_root=True)
    book = request.GET.get("book") or LedgerBook.MINQING
    if book not in LedgerBook.values:
        raise Http404
    month = month_param(request)
    q = request.GET.get("q", "").strip()
    visits = selectors.ledger_book_visits(
        user=request.user, unit=unit, book=book, first=month.first, last=month.last, q=q
    )
    return unit, book, month.first, month.last, month, q, visits


@view_access("ledgers.view_visit")
def ledger_books(request):
    """The four books of a unit (民情账/帮扶账/组织账/稳定账) for one month, filterable and paginated."""
    unit, book, first, last, month, q, visits = _book_params(request)
    return render(
        request,
        "ledgers/ledger_books.html",
        {
            "unit": unit,
            "book": book,
            "book_label": LedgerBook(book).label,
            "books": LedgerBook.choices,
            "month": month,
            "previous": month.previous,
            "following": month.following,
            "q": q,
            "page_obj": _page(request, visits),
            "units": selectors.units_for_filter(user=request.user, selected=unit),
        },
    )


@view_access("ledgers.view_visit")
def ledger_book_export(request):
    unit, book, first, last, month, q, visits = _book_params(request)
    with translation.override("zh-hans"):  # the file keeps the offices' Chinese layout
        label = str(LedgerBook(book).label)
        content = ledger_book_workbook(unit=unit, book_label=label, first=first, last=last, visits=visits)
    audit_export(action="ledgers.visit_export", what="ledger_book", rows=visits.count(), unit=unit)
    return xlsx_response(content, f"{unit.name}{label}{month}.xlsx")


@view_access("ledgers.view_visit")
def ledger_book_print(request):
    unit, book, first, last, month, q, visits = _book_params(request)
    rows = list(visits[: PRINT_LIMIT + 1])
    return render(
        request,
        "ledgers/ledger_book_print.html",
        {
            "unit": unit,
            "book_label": LedgerBook(book).label,
            "first": first,
            "last": last,
            "rows": rows[:PRINT_LIMIT],
            "truncated": len(rows) > PRINT_LIMIT,
            "today": dates.today(),
        },
    )


# ---------------------------------------------------------------- demands


def _demand_filters(request):
    category = None
    category_id = id_param(request, "category")
    if category_id is not None:
        category = DemandCategory.objects.filter(pk=category_id).first()
    return {
        "unit": unit_param(request),
        "status": request.GET.get("status", ""),
        "category": category,
        "source": request.GET.get("source", ""),
        "overdue": request.GET.get("overdue") == "1",
        "q": request.GET.get("q", "").strip(),
    }


@view_access("ledgers.view_demand")
def demand_list(request):
    filters = _demand_filters(request)
    page = _page(request, selectors.demand_list_for_user(user=request.user, filters=filters))
    return render(
        request,
        "ledgers/demand_list.html",
        {
            "page_obj": page,
            "filters": filters,
            "statuses": Demand.Status.choices,
            "sources": Demand.Source.choices,
            "categories": list(DemandCategory.objects.all()),
            "units": selectors.units_for_filter(user=request.user, selected=filters["unit"]),
            "today": dates.today(),
        },
    )


@view_access("ledgers.view_demand")
def demand_export(request):
    filters = _demand_filters(request)
    demands = selectors.demand_list_for_user(user=request.user, filters=filters)[:5000]
    unit = filters["unit"] or unit_param(request, default_root=True)
    with translation.override("zh-hans"):  # the file keeps the offices' Chinese layout
        content = demand_ledger_workbook(unit_name=unit.name, demands=demands)
    audit_export(action="ledgers.demand_export", what="demand_ledger", rows=demands.count(), unit=unit)
    return xlsx_response(content, f"{unit.name}整改台账{dates.today():%Y%m%d}.xlsx")


@csrf_recoverable()
@view_access("ledgers.add_demand")
@require_http_methods(["GET", "POST"])
def demand_new(request):
    """A demand received by hotline, mailbox or at the office door."""
    form = StandaloneDemandForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = data.get("household")
        demand = demand_flow.demand_raise(
            actor=request.user,
            unit=household.village if household else data["unit"],
            category=data["category"],
            title=data["title"],
            description=data.get("description", ""),
            source=data["source"],
            household=household,
            person_name=data.get("person_name", ""),
            person_phone=data.get("person_phone", ""),
            campaign=data.get("campaign"),
            received_on=data["received_on"],
            idempotency_key=data["token"],
        )
        messages.success(request, _("诉求已受理。"))
        return redirect(demand)
    return render(request, "ledgers/demand_form.html", {"form": form})


def _action_form(action, user, data=None, demand=None):
    form_class = ACTION_FORMS[action]
    kwargs = {"user": user, "demand": demand} if issubclass(form_class, PlaceOnLedgerForm) else {}
    initial = {"version": demand.version} if demand is not None else {}
    if action == "reply":
        initial["replied_on"] = dates.today()
    if action == "assign" and demand is not None:
        initial.update(
            responsible_unit=demand.responsible_unit_id,
            responsible_person=demand.responsible_person_id,
            coordinator=demand.coordinator_id,
            deadline=demand.deadline,
        )
    if action == "place_on_ledger" and demand is not None:
        initial["responsible_unit"] = demand.unit_id
    return form_class(data, initial=initial, prefix=action, **kwargs)


def _demand_page(request, demand, *, kept_action=None, kept_form=None):
    """The demand page; a refused action's form comes back filled in, on the current version."""
    actions = demand_flow.allowed_actions(demand, request.user)
    action_forms = [
        (
            a,
            demand_flow.ACTION_LABELS[a],
            kept_form if a == kept_action else _action_form(a, request.user, demand=demand),
        )
        for a in actions
    ]
    # The action is no longer possible (the demand moved on): still show what was typed.
    kept = kept_text(kept_form) if kept_form is not None and kept_action not in actions else []
    return render(
        request,
        "ledgers/demand_detail.html",
        {
            "demand": demand,
            "events": selectors.demand_events(demand),
            "action_forms": action_forms,
            "kept_action_label": demand_flow.ACTION_LABELS[kept_action] if kept else "",
            "kept_text": kept,
            "today": dates.today(),
            "can_reveal": can_view_personal_data(request.user),
        },
    )


@view_access("ledgers.view_demand", lookup=selectors.demand_detail)
def demand_detail(request, demand):
    return _demand_page(request, demand)


@view_access("ledgers.view_demand", lookup=selectors.demand_detail)
@require_POST
def demand_reveal_phone_view(request, demand):
    """htmx: the demand person's full phone number (audited); 403 without the permission."""
    value = demand_reveal_phone(actor=request.user, demand=demand)
    return render(request, "outreach/partials/_revealed.html", {"value": value})


@view_access("ledgers.change_demand", lookup=Demand)
@require_GET
def demand_person_options(request, demand):
    """htmx: the <option>s of a demand's responsible-person select for the chosen responsible unit."""
    raw = next((v for k, v in request.GET.items() if k.endswith("responsible_unit")), "")
    unit_id = parse_id(raw)
    unit = find_for_user(OrgUnit, request.user, pk=unit_id) if unit_id else None
    cadres = selectors.demand_owner_choices(user=request.user, unit=unit)
    return render(request, "ledgers/_person_options.html", {"cadres": cadres})


def _action_permission(*, action) -> str:
    """The permission one demand action needs; an unknown action names no page (404)."""
    if action not in ACTION_FORMS:
        raise Http404
    return demand_flow.DEMAND_FLOW[action].permission


@view_access(_action_permission, lookup=Demand)
@require_POST
def demand_action(request, demand, action):
    """One transition of a demand; a refusal re-renders the demand page with the input kept."""
    form = _action_form(action, request.user, data=request.POST, demand=demand)
    if form.is_valid():
        # The form's fields are the service's arguments: the table finds the service.
        fields = dict(form.cleaned_data)
        try:
            demand_flow.DEMAND_FLOW.perform(
                action, demand=demand, actor=request.user, expected_version=fields.pop("version"), **fields
            )
        except TransitionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已%(action)s。") % {"action": demand_flow.ACTION_LABELS[action]})
            return redirect(demand)
    return _refused_action_page(request, demand.pk, action, form)


def _refused_action_page(request, pk, action, form):
    """Refused (bad input, someone else acted first, or the state moved on): the page is shown
    again with the demand as it is now and the user's input kept, on the current version, so
    nothing typed is lost and a second submit acts on what the user has now seen."""
    current = selectors.demand_detail(user=request.user, pk=pk)
    data = request.POST.copy()
    data[f"{action}-version"] = str(current.version)
    kept = _action_form(action, request.user, data=data, demand=current)
    if kept.is_valid() or action not in demand_flow.allowed_actions(current, request.user):
        # Errors that are not shown next to a field go to the message area.
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(
                    request,
                    pgettext("name: detail", "%(name)s：%(detail)s") % {"name": label, "detail": error}
                    if label
                    else error,
                )
    return _demand_page(request, current, kept_action=action, kept_form=kept)


@view_access("ledgers.view_demand")
def demand_chase(request):
    """件件有着落、事事有回音: no owner, past deadline, resolved but not replied — and escalated here."""
    unit = unit_param(request, default_root=True)
    chase = selectors.demand_chase_for_unit(user=request.user, unit=unit)
    return render(
        request,
        "ledgers/demand_chase.html",
        {
            "unit": unit,
            "chase": chase,
            "units": selectors.units_for_filter(user=request.user, selected=unit),
            "today": dates.today(),
        },
    )
