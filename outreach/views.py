from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import dates
from core.access import view_access
from core.audit import audit_export
from core.concurrency import StaleEdit
from core.concurrency_forms import edit_conflict_response, saved_message
from core.csrf import csrf_recoverable
from core.masking import MASKERS, can_view_personal_data
from core.paginators import CappedPaginator
from core.params import date_param, id_param, unit_param
from core.scoping import scope_for_user
from core.xlsx_write import table_workbook, xlsx_response
from org.models import Cadre, OrgUnit

from . import panels, selectors, services
from .forms import (
    BulkAssignForm,
    BulkFilterForm,
    ForumForm,
    HouseholdFilterForm,
    HouseholdForm,
    ImportUploadForm,
    LiaisonPointForm,
    MemberForm,
    PairingEndForm,
    PairingFilterForm,
    PairingForm,
    ReceptionDayForm,
    SuggestForm,
    picked_assignments,
)
from .forum_rules import forum_rules_for, forum_warnings
from .importing import IMPORTERS, sheet_columns
from .models import Forum, Household, ImportJob, LiaisonPoint, Pairing, ReceptionDay
from .resources import CadreResource, HouseholdResource, PairingResource
from .services import PERSONAL_FIELDS
from .uploads import limit_upload_size
from .xlsx import XlsxRejected

PAGE_SIZE = 50
BULK_MAX = 500


def _page(request, queryset):
    return CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _export_name(stem: str) -> str:
    return f"{stem}-{dates.today():%Y%m%d}.xlsx"


# --- households -------------------------------------------------------------------------------


@view_access("outreach.view_household")
def household_list(request):
    form = HouseholdFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    households = selectors.household_list_for_user(
        user=request.user, village=filters.get("village"), category=filters.get("category"), q=filters.get("q", "")
    )
    if request.GET.get("export") == "xlsx":
        data = services.export_workbook(
            actor=request.user,
            resource_class=HouseholdResource,
            queryset=households,
            title=_("农户名册"),
            importer=IMPORTERS["households"],
        )
        return xlsx_response(data, _export_name("households"))
    context = {
        "form": form,
        "page_obj": _page(request, households),
        "can_add": request.user.has_perm("outreach.add_household"),
    }
    return render(request, "outreach/household_list.html", context)


# The household, pairing, liaison-point and import pages refuse a role without their permission
# before looking the object up (gate): 403 whatever the id, as their URL matrix says.
HOUSEHOLD = selectors.household_get_for_user


@view_access(gate="outreach.view_household", lookup=HOUSEHOLD)
def household_detail(request, household):
    services.household_record_view(actor=request.user, household=household)
    shown = panels.detail_panels(request, household)
    if isinstance(shown, HttpResponse):
        return shown
    context = {
        "household": household,
        "can_reveal": can_view_personal_data(request.user),
        "can_change": request.user.has_perm("outreach.change_household"),
        "can_pair": request.user.has_perm("outreach.add_pairing"),
        "can_add_member": request.user.has_perm("outreach.add_householdmember"),
        "panels": shown,
    }
    return render(request, "outreach/household_detail.html", context)


@require_POST
@view_access(gate="outreach.view_household", lookup=HOUSEHOLD)
def household_reveal(request, household, field):
    if field not in MASKERS:
        raise Http404
    value = services.household_reveal_personal(actor=request.user, household=household, field=field)
    return render(request, "outreach/partials/_revealed.html", {"value": value})


@csrf_recoverable()
@view_access("outreach.add_household")
def household_create(request):
    form = HouseholdForm(request.POST or None, user=request.user)
    replayed = form.replayed(Household)
    if replayed is not None:
        # The form's own check would now find its number taken — by the household it registered.
        saved_message(request, False, "")
        return redirect("outreach:household_detail", pk=replayed.pk)
    if request.method == "POST" and form.is_valid():
        try:
            household, created = services.household_create(
                actor=request.user,
                data=form.household_data(),
                categories=form.cleaned_data["categories"],
                idempotency_key=form.submission_token,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            saved_message(request, created, _("已登记农户 %(h)s。") % {"h": household})
            return redirect("outreach:household_detail", pk=household.pk)
    return render(request, "outreach/household_form.html", {"form": form})


@csrf_recoverable()
@view_access(gate="outreach.change_household", lookup=HOUSEHOLD)
def household_edit(request, household):
    pk = household.pk
    form = HouseholdForm(request.POST or None, instance=household, user=request.user)
    if request.method == "POST" and form.is_valid():
        household = HOUSEHOLD(user=request.user, pk=pk)  # unmodified by the form
        try:
            services.household_update(
                actor=request.user,
                household=household,
                data=form.household_data(),
                categories=form.cleaned_data["categories"],
                expected_version=form.loaded_version,
            )
        except StaleEdit as exc:
            return edit_conflict_response(
                request,
                template="outreach/household_form.html",
                context={"household": household},
                form=form,
                exc=exc,
                done=reverse("outreach:household_detail", args=[pk]),
                private=PERSONAL_FIELDS,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("outreach:household_detail", pk=pk)
    return render(request, "outreach/household_form.html", {"form": form, "household": household})


@csrf_recoverable()
@view_access(gate="outreach.add_householdmember", lookup=HOUSEHOLD)
def member_create(request, household):
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _member, created = services.household_member_create(
            actor=request.user, household=household, data=form.typed_data, idempotency_key=form.submission_token
        )
        saved_message(request, created, _("已添加家庭成员。"))
        return redirect("outreach:household_detail", pk=household.pk)
    return render(request, "outreach/member_form.html", {"form": form, "household": household})


@csrf_recoverable()
@view_access(gate="outreach.change_householdmember", lookup=selectors.member_get_for_user)
def member_edit(request, member):
    form = MemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_member_update(
                actor=request.user, member=member, data=form.typed_data, expected_version=form.loaded_version
            )
        except StaleEdit as exc:
            return edit_conflict_response(
                request,
                template="outreach/member_form.html",
                context={"household": member.household},
                form=form,
                exc=exc,
                done=reverse("outreach:household_detail", args=[member.household_id]),
            )
        messages.success(request, _("已保存。"))
        return redirect("outreach:household_detail", pk=member.household_id)
    return render(request, "outreach/member_form.html", {"form": form, "household": member.household})


# --- pairings ---------------------------------------------------------------------------------


@view_access("outreach.view_pairing")
def pairing_list(request):
    form = PairingFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    pairings = selectors.pairing_list_for_user(
        user=request.user,
        campaign=filters.get("campaign"),
        kind=filters.get("kind", ""),
        active=filters.get("active", ""),
        cadre=form.cadre if filters.get("mine") else None,
    )
    if request.GET.get("export") == "xlsx":
        data = services.export_workbook(
            actor=request.user,
            resource_class=PairingResource,
            queryset=pairings,
            title=_("结对帮扶"),
            importer=IMPORTERS["pairings"],
        )
        return xlsx_response(data, _export_name("pairings"))
    context = {
        "form": form,
        "page_obj": _page(request, pairings),
        "can_change": request.user.has_perm("outreach.change_pairing"),
    }
    return render(request, "outreach/pairing_list.html", context)


@csrf_recoverable()
@view_access(gate="outreach.add_pairing", lookup=HOUSEHOLD, kwarg="household_pk", field="pk")
def pairing_create(request, household):
    initial = {"campaign": selectors.default_campaign_for_user(user=request.user), "start_date": dates.today()}
    # Prefilled from links such as the unit pairing-status page (?campaign=…&kind=…); the form
    # still limits every choice to what the user may see.
    initial.update({k: request.GET[k] for k in ("campaign", "kind", "cadre") if request.GET.get(k)})
    form = PairingForm(request.POST or None, user=request.user, household=household, initial=initial)
    back = request.POST.get("next") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    if request.method == "POST" and form.is_valid():
        try:
            _pairing, created = services.pairing_create(
                actor=request.user, household=household, idempotency_key=form.submission_token, **form.typed_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            saved_message(request, created, _("已结对。"))
            return redirect(back or reverse("outreach:household_detail", args=[household.pk]))
    return render(request, "outreach/pairing_form.html", {"form": form, "household": household, "next": back})


@require_POST
@view_access(gate="outreach.change_pairing", lookup=selectors.pairing_get_for_user)
def pairing_end(request, pairing):
    form = PairingEndForm(request.POST)
    if form.is_valid():
        try:
            services.pairing_end(actor=request.user, pairing=pairing, end_date=form.cleaned_data["end_date"])
            messages.success(request, _("结对已结束。"))
        except ValidationError as exc:
            messages.error(request, pgettext("message separator", "；").join(exc.messages))
    else:
        messages.error(request, _("请填写结束日期。"))
    return redirect("outreach:household_detail", pk=pairing.household_id)


@view_access("outreach.add_pairing")
def pairing_bulk(request):
    """Filter households (GET), tick them and pick a cadre (POST preview), confirm (POST confirm)."""
    initial = {"campaign": selectors.default_campaign_for_user(user=request.user), "unpaired": True}
    filter_form = BulkFilterForm(request.GET or None, user=request.user, initial=initial)
    households, chosen = [], {}
    if filter_form.is_valid():
        households = filter_form.households(user=request.user, limit=BULK_MAX)
        chosen["campaign"] = filter_form.cleaned_data["campaign"]
    assign_form = BulkAssignForm(
        request.POST or None, user=request.user, initial={"start_date": dates.today(), **chosen}
    )
    if request.method == "POST" and assign_form.is_valid():
        data = assign_form.cleaned_data
        picked = list(data["households"])
        if request.POST.get("step") == "confirm":
            return _pairings_saved(
                request,
                data,
                [(h.pk, data["cadre"].pk) for h in picked],
                lambda result: (
                    _("已为 %(cadre)s 新建 %(n)d 个结对（%(s)d 个已存在，未重复创建）。")
                    % {"cadre": data["cadre"].name, "n": result["created"], "s": result["skipped"]}
                ),
            )
        context = {"form": assign_form, "picked": picked, "data": data, "kind_label": Pairing.Kind(data["kind"]).label}
        return render(request, "outreach/pairing_bulk_confirm.html", context)
    context = {"filter_form": filter_form, "assign_form": assign_form, "households": households, "limit": BULK_MAX}
    return render(request, "outreach/pairing_bulk.html", context)


def _pairings_saved(request, data, assignments, message):
    """Save the confirmed (household id, cadre id) pairs, say what was done (``message(result)``),
    and go to the campaign's pairings."""
    result = services.pairing_bulk_assign(
        actor=request.user,
        campaign=data["campaign"],
        assignments=assignments,
        kind=data["kind"],
        start_date=data["start_date"],
    )
    messages.success(request, message(result))
    return redirect(reverse("outreach:pairing_list") + f"?campaign={data['campaign'].pk}")


@view_access("outreach.add_pairing")
def pairing_suggest(request):
    """Propose a balanced assignment for a township (GET); save the ticked rows (POST)."""
    initial = {"campaign": selectors.default_campaign_for_user(user=request.user), "start_date": dates.today()}
    form = SuggestForm(request.POST or request.GET or None, user=request.user, initial=initial)
    proposal = []
    if form.is_valid():
        data = form.cleaned_data
        if request.method == "POST":
            assignments = picked_assignments(request.POST.getlist("pick"))
            if not assignments:
                messages.error(request, _("请至少勾选一条建议。"))
            else:
                # The township's cadres only: a tampered form cannot pair outside it.
                allowed = selectors.cadre_ids_in(user=request.user, unit=data["township"])
                if any(c not in allowed for _h, c in assignments):
                    raise Http404
                return _pairings_saved(
                    request, data, assignments, lambda result: _("已保存 %(n)d 个结对。") % {"n": result["created"]}
                )
        proposal = selectors.pairing_suggestions(township=data["township"], campaign=data["campaign"])
    return render(
        request, "outreach/pairing_suggest.html", {"form": form, "proposal": proposal, "searched": form.is_bound}
    )


@view_access("org.view_cadre")
def cadre_export(request):
    cadres = scope_for_user(Cadre.objects.select_related("user", "org_unit"), request.user)
    data = services.export_workbook(
        actor=request.user,
        resource_class=CadreResource,
        queryset=cadres,
        title=_("干部名册"),
        importer=IMPORTERS["cadres"],
    )
    return xlsx_response(data, _export_name("cadres"))


@view_access(gate="outreach.view_pairing", lookup=OrgUnit, kwarg="code")
def pairing_status(request, unit):
    """A unit's page: cadres below their pairing requirement, must-visit households not reached."""
    campaigns = selectors.campaigns_for_user(user=request.user)
    campaign = None
    if (campaign_id := id_param(request, "campaign")) is not None:
        campaign = campaigns.filter(pk=campaign_id).first()
    campaign = campaign or selectors.default_campaign_for_user(user=request.user)
    rules = selectors.pairing_rules_for(campaign=campaign)
    context = {"unit": unit, "campaign": campaign, "campaigns": campaigns, "rules": rules}
    if campaign is not None:
        cadres = selectors.cadres_below_pairing_requirement(unit=unit, campaign=campaign, rules=rules)
        households = selectors.must_visit_households_unreached(unit=unit, campaign=campaign)
        cadre_page = CappedPaginator(cadres, PAGE_SIZE).get_page(request.GET.get("cpage"))
        context["cadre_page"] = cadre_page
        context["cadre_rows"] = selectors.pairing_status_rows(cadres=cadre_page, rules=rules)
        context["household_page"] = _page(request, households)
        context["visits_counted"] = bool(panels.reach_conditions())
        context["can_pair"] = request.user.has_perm("outreach.add_pairing")
    return render(request, "outreach/pairing_status.html", context)


@view_access("outreach.view_pairing")
def pairing_status_home(request):
    unit = selectors.user_unit(request.user)
    if unit is None:
        unit = OrgUnit.objects.get_first_root_node()
    if unit is None:
        raise PermissionDenied
    return redirect("outreach:pairing_status", code=unit.code)


# --- liaison points ---------------------------------------------------------------------------


@view_access("outreach.view_liaisonpoint")
def liaison_list(request):
    campaign = None
    if (campaign_id := id_param(request, "campaign")) is not None:
        campaign = selectors.campaigns_for_user(user=request.user).filter(pk=campaign_id).first()
    points = selectors.liaison_list_for_user(user=request.user, campaign=campaign)
    context = {
        "page_obj": _page(request, points),
        "campaigns": selectors.campaigns_for_user(user=request.user),
        "campaign": campaign,
        "can_add": request.user.has_perm("outreach.add_liaisonpoint"),
        "can_delete": request.user.has_perm("outreach.delete_liaisonpoint"),
    }
    return render(request, "outreach/liaison_list.html", context)


@csrf_recoverable()
@view_access("outreach.add_liaisonpoint")
def liaison_create(request):
    initial = {"campaign": selectors.default_campaign_for_user(user=request.user)}
    form = LiaisonPointForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.liaison_point_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已添加联系点。"))
            return redirect("outreach:liaison_list")
    return render(request, "outreach/liaison_form.html", {"form": form})


@require_POST
@view_access(gate="outreach.delete_liaisonpoint", lookup=LiaisonPoint.objects.select_related("village"))
def liaison_delete(request, point):
    services.liaison_point_delete(actor=request.user, point=point)
    messages.success(request, _("已删除联系点。"))
    return redirect("outreach:liaison_list")


# --- imports ----------------------------------------------------------------------------------


@limit_upload_size
@view_access("outreach.add_importjob")
def import_upload(request):
    posted = request.method == "POST"
    form = ImportUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        user=request.user,
        initial={"kind": "households"},
    )
    if posted and request.size_limit.exceeded:
        form.refuse_cut_off_file(request.size_limit.message())
    elif posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.import_job_create(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                data=upload.read(),
                name=upload.name,
                campaign=form.cleaned_data.get("campaign"),
            )
        except XlsxRejected as exc:
            form.add_error("file", str(exc))
        else:
            services.import_job_start_check(job=job)
            return redirect(job)
    jobs = selectors.import_job_list_for_user(user=request.user)[:10]
    templates = [(kind, importer.title) for kind, importer in IMPORTERS.items()]
    return render(request, "outreach/import_upload.html", {"form": form, "jobs": jobs, "templates": templates})


@view_access("outreach.add_importjob")
@require_GET
def import_template(request, kind):
    importer = IMPORTERS.get(kind)
    if importer is None:
        raise Http404
    header, rows = importer.template_rows()
    data = table_workbook(title=str(importer.title), columns=sheet_columns(importer, header), rows=rows)
    return xlsx_response(data, _export_name(f"template-{kind}"))


@view_access(gate="outreach.add_importjob", lookup=selectors.import_job_get_for_user)
def import_detail(request, job):
    show = can_view_personal_data(request.user)
    changes, unmasked = selectors.import_job_changes(job=job, show_personal=show)
    errors, unmasked_errors = selectors.import_job_errors(job=job, show_personal=show)
    notes, unmasked_notes = selectors.import_job_notes(job=job, show_personal=show)
    if unmasked or unmasked_errors or unmasked_notes:
        services.import_job_record_personal_view(actor=request.user, job=job)
    template = "outreach/partials/_import_status.html" if request.htmx else "outreach/import_detail.html"
    stalled = selectors.import_job_stalled(job=job)
    context = {"job": job, "changes": changes, "errors": errors, "notes": notes, "stalled": stalled}
    return render(request, template, context)


@require_POST
@view_access(gate="outreach.add_importjob", lookup=selectors.import_job_get_own)
def import_discard(request, job):
    """Throw away the uploader's own checked file (the preview's 放弃 button)."""
    if services.import_job_discard(actor=request.user, job=job):
        messages.success(request, _("已放弃导入“%(name)s”，上传的文件已删除。") % {"name": job.original_name})
    else:
        messages.error(request, _("该文件正在导入或已导入，不能放弃。"))
        return redirect(job)
    return redirect("outreach:import_upload")


@view_access(gate="outreach.add_importjob", lookup=selectors.import_job_get_own)
@require_GET
def import_errors(request, job):
    """The bad rows of the user's own import as .xlsx (row number, column, reason, value read)."""
    errors, unmasked = selectors.import_job_errors(job=job, show_personal=can_view_personal_data(request.user))
    rows = [(e["row"], e["column"], e["reason"], e["value"]) for e in errors]
    columns = [(_("行号"), 8), (_("列"), 14), (_("原因"), 60), (_("文件中读到的值"), 24)]
    data = table_workbook(title=str(_("错误行")), columns=columns, rows=rows)
    audit_export(action="outreach.import_errors_export", what="import_errors", rows=len(rows), personal=unmasked)
    return xlsx_response(data, _export_name(f"import-{job.pk}-errors"))


def _uploaded_it(user, job) -> bool:
    return job.uploaded_by_id == user.pk


@require_POST
@view_access(gate="outreach.add_importjob", lookup=selectors.import_job_get_for_user, check=_uploaded_it)
def import_confirm(request, job):
    if job.status in (ImportJob.Status.IMPORTING, ImportJob.Status.DONE):
        return redirect(job)  # a second click: the page shows the import that is running or done
    if job.status != ImportJob.Status.VALID:
        messages.error(request, _("只有检查通过的文件才能导入。"))
        return redirect(job)
    services.import_job_start_apply(job=job)
    return redirect(job)


# --- forums and reception days ----------------------------------------------------------------
# What people raise there (demands) is shown by the apps that own it, through outreach.panels.

RECORD_PAGE_SIZE = 25


def _record_page(request, queryset):
    return Paginator(queryset, RECORD_PAGE_SIZE).get_page(request.GET.get("page"))


@view_access("outreach.view_forum")
def forum_list(request):
    filters = {
        "unit": unit_param(request),
        "date_from": date_param(request, "date_from"),
        "date_to": date_param(request, "date_to"),
    }
    page = _record_page(request, selectors.forum_list_for_user(user=request.user, filters=filters))
    columns = panels.list_columns(Forum)
    context = {
        "page_obj": page,
        "rows": selectors.forum_rows(page, columns=columns),
        "columns": columns,
        "colspan": 8 + len(columns),
        "filters": filters,
        "units": selectors.units_for_filter(user=request.user, selected=filters["unit"]),
    }
    return render(request, "outreach/forum_list.html", context)


def _forum_saved(request, form, forum):
    """Create (``forum`` None) or update the forum from a valid form; (saved, created)."""
    data = form.typed_data
    leading = data.pop("leading_cadres")
    if forum is None:
        return services.forum_create(
            actor=request.user, leading_cadres=leading, idempotency_key=form.submission_token, **data
        )
    saved = services.forum_update(
        actor=request.user, forum=forum, leading_cadres=leading, expected_version=form.loaded_version, **data
    )
    return saved, True


def _forum_form(request, forum=None):
    form = ForumForm(request.POST or None, instance=forum, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved, created = _forum_saved(request, form, forum)
        except StaleEdit as exc:
            return edit_conflict_response(
                request,
                template="outreach/forum_form.html",
                context={"forum": forum},
                form=form,
                exc=exc,
                done=reverse("outreach:forum_detail", args=[forum.pk]),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            saved_message(request, created, _("群众访谈日已保存。"))
            return redirect("outreach:forum_detail", pk=saved.pk)
    return render(request, "outreach/forum_form.html", {"form": form, "forum": forum})


@csrf_recoverable()
@view_access("outreach.add_forum")
@require_http_methods(["GET", "POST"])
def forum_new(request):
    return _forum_form(request)


@csrf_recoverable()
@view_access("outreach.change_forum", lookup=Forum)
@require_http_methods(["GET", "POST"])
def forum_edit(request, forum):
    return _forum_form(request, forum)


@csrf_recoverable()
@view_access("outreach.view_forum", lookup=Forum.objects.select_related("village", "campaign"))
@require_http_methods(["GET", "POST"])
def forum_detail(request, forum):
    """A forum with its warnings against the plan's rules, and the panels of the apps above (the
    topics raised there as demands, which such a panel may take as this page's POST)."""
    shown = panels.detail_panels(request, forum)
    if isinstance(shown, HttpResponse):
        return shown
    rules = forum_rules_for(forum.campaign)
    context = {
        "forum": forum,
        "leaders": list(forum.leading_cadres.all()),
        "rules": rules,
        "warnings": forum_warnings(forum, rules),
        "panels": shown,
    }
    return render(request, "outreach/forum_detail.html", context)


@view_access("outreach.view_receptionday")
def reception_list(request):
    filters = {
        "unit": unit_param(request),
        "channel": request.GET.get("channel", ""),
        "date_from": date_param(request, "date_from"),
        "date_to": date_param(request, "date_to"),
    }
    page = _record_page(request, selectors.reception_day_list_for_user(user=request.user, filters=filters))
    columns = panels.list_columns(ReceptionDay)
    context = {
        "page_obj": page,
        "rows": [(day, panels.column_values(day, columns)) for day in page],
        "columns": columns,
        "colspan": 6 + len(columns),
        "filters": filters,
        "channels": ReceptionDay.Channel.choices,
        "units": selectors.units_for_filter(user=request.user, selected=filters["unit"]),
    }
    return render(request, "outreach/reception_list.html", context)


def _reception_form(request, reception_day=None):
    form = ReceptionDayForm(request.POST or None, instance=reception_day, user=request.user)
    if request.method == "POST" and form.is_valid():
        if reception_day is None:
            saved, created = services.reception_day_create(
                actor=request.user, idempotency_key=form.submission_token, **form.typed_data
            )
        else:
            try:
                saved = services.reception_day_update(
                    actor=request.user,
                    reception_day=reception_day,
                    expected_version=form.loaded_version,
                    **form.typed_data,
                )
            except StaleEdit as exc:
                return edit_conflict_response(
                    request,
                    template="outreach/reception_form.html",
                    context={"reception_day": reception_day},
                    form=form,
                    exc=exc,
                    done=reverse("outreach:reception_detail", args=[reception_day.pk]),
                )
            created = True
        saved_message(request, created, _("接待日已保存。"))
        return redirect("outreach:reception_detail", pk=saved.pk)
    return render(request, "outreach/reception_form.html", {"form": form, "reception_day": reception_day})


@csrf_recoverable()
@view_access("outreach.add_receptionday")
@require_http_methods(["GET", "POST"])
def reception_new(request):
    return _reception_form(request)


@csrf_recoverable()
@view_access("outreach.change_receptionday", lookup=ReceptionDay)
@require_http_methods(["GET", "POST"])
def reception_edit(request, reception_day):
    return _reception_form(request, reception_day)


@csrf_recoverable()
@view_access(
    "outreach.view_receptionday",
    lookup=ReceptionDay.objects.select_related("leader", "leader__org_unit", "campaign"),
)
@require_http_methods(["GET", "POST"])
def reception_detail(request, reception_day):
    """A reception day and the panels of the apps above (its visitors' demands, raised here)."""
    shown = panels.detail_panels(request, reception_day)
    if isinstance(shown, HttpResponse):
        return shown
    return render(request, "outreach/reception_detail.html", {"reception_day": reception_day, "panels": shown})
