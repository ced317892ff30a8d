"""Writes to the household register, pairings, liaison points, forums, reception days and imports:
the only writers."""

import datetime
import gzip
import json
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Campaign
from core import dates
from core.audit import audit_export, audit_record
from core.background import enqueue_on_commit
from core.concurrency import create_once, lock_version, stamp_version
from core.masking import MASKERS, can_view_personal_data
from core.scoping import scope_for_user, user_can_see_unit
from core.workflow import Transition, Workflow
from core.xlsx import format_of
from core.xlsx_write import table_workbook
from org.models import Cadre, OrgUnit
from reminders.services import reminders_sync_for

from .importing import IMPORTERS, CheckResult, sheet_columns
from .models import Forum, Household, HouseholdMember, ImportJob, LiaisonPoint, Pairing, ReceptionDay
from .selectors import user_unit
from .xlsx import XlsxRejected, check_upload, read_first_sheet

logger = logging.getLogger(__name__)

HOUSEHOLD_FIELDS = ("village", "number", "head_name", "members_count", "address", "phone", "id_number", "notes")
PERSONAL_FIELDS = ("phone", "id_number")


def _changed_fields(instance, data: dict) -> list[str]:
    return [name for name, value in data.items() if getattr(instance, name) != value]


def _require_visible(user, unit) -> None:
    if not user_can_see_unit(user, unit):
        raise Http404


# --- households -------------------------------------------------------------------------------


@transaction.atomic
def household_create(*, actor, data: dict, categories=(), idempotency_key=None) -> tuple[Household, bool]:
    """Register a household; returns (household, created). Audited (without personal values).

    A replayed form (same ``idempotency_key``) returns the household it registered. A household
    number already used in the village, even by a concurrent request, raises ValidationError.
    """
    _require_visible(actor, data["village"])

    def create():
        household = Household(
            **{k: v for k, v in data.items() if k in HOUSEHOLD_FIELDS}, idempotency_key=idempotency_key
        )
        household.full_clean(exclude=["idempotency_key"])
        stamp_version(household, actor=actor, created=True)
        household.save()
        household.categories.set(categories)
        audit_record(
            action="outreach.household_create", actor=actor, obj=household, detail={"number": household.number}
        )
        return household

    try:
        return create_once(Household, idempotency_key, create)
    except IntegrityError:
        # Two people registering the same number at once: the second meets the unique index.
        if Household.objects.filter(village=data["village"], number=data["number"]).exists():
            raise ValidationError({"number": _duplicate_number_message(data["number"])}) from None
        raise


def _duplicate_number_message(number: str) -> str:
    return _("该村/社区已有户号为 %(number)s 的农户，请核对户号；如是同一户，请在名册中打开它。") % {"number": number}


@transaction.atomic
def household_update(
    *, actor, household: Household, data: dict, categories=None, expected_version: int | None = None
) -> Household:
    """Change a household; blank personal fields in ``data`` mean "keep". Audited: which fields.

    Locks the row; a form loaded at an older ``expected_version`` raises StaleEdit.
    """
    _require_visible(actor, household.village)
    household = lock_version(Household.objects.all(), pk=household.pk, expected_version=expected_version)
    data = {k: v for k, v in data.items() if k in HOUSEHOLD_FIELDS}
    for name in PERSONAL_FIELDS:
        if name in data and not data[name]:
            data.pop(name)
    if "village" in data:
        _require_visible(actor, data["village"])
    changed = _changed_fields(household, data)
    for name, value in data.items():
        setattr(household, name, value)
    if categories is not None:
        before = set(household.categories.values_list("pk", flat=True))
        after = {c.pk for c in categories}
        if before != after:
            household.categories.set(categories)
            changed.append("categories")
    if not changed:
        return household
    household.full_clean(exclude=["idempotency_key"])
    stamp_version(household, actor=actor)
    try:
        with transaction.atomic():
            household.save()
    except IntegrityError:
        raise ValidationError({"number": _duplicate_number_message(household.number)}) from None
    audit_record(action="outreach.household_update", actor=actor, obj=household, detail={"fields": changed})
    return household


@transaction.atomic
def household_record_view(*, actor, household: Household) -> None:
    """Note in the audit trail that ``actor`` opened ``household`` (its numbers stay masked)."""
    audit_record(action="outreach.household_view", actor=actor, obj=household)


@transaction.atomic
def household_reveal_personal(*, actor, household: Household, field: str) -> str:
    """The unmasked ID or phone number of ``household``; an audit event records who saw it.

    Raises PermissionDenied without ``outreach.view_personal_data``, ValueError on other fields.
    """
    if field not in MASKERS:
        raise ValueError(field)
    if not can_view_personal_data(actor):
        raise PermissionDenied
    _require_visible(actor, household.village)
    audit_record(action="outreach.household_reveal", actor=actor, obj=household, detail={"field": field})
    return getattr(household, field)


@transaction.atomic
def household_member_create(
    *, actor, household: Household, data: dict, idempotency_key=None
) -> tuple[HouseholdMember, bool]:
    """Add a member to ``household``; returns (member, created). A replayed form adds nothing. Audited."""
    _require_visible(actor, household.village)

    def create():
        member = HouseholdMember(household=household, idempotency_key=idempotency_key, **data)
        member.full_clean(exclude=["idempotency_key"])
        stamp_version(member, actor=actor, created=True)
        member.save()
        audit_record(action="outreach.member_create", actor=actor, obj=member, detail={"household": household.pk})
        return member

    return create_once(HouseholdMember, idempotency_key, create)


@transaction.atomic
def household_member_update(
    *, actor, member: HouseholdMember, data: dict, expected_version: int | None = None
) -> HouseholdMember:
    """Change a member. Locks the row; an older ``expected_version`` raises StaleEdit. Audited."""
    _require_visible(actor, member.household.village)
    member = lock_version(HouseholdMember.objects.all(), pk=member.pk, expected_version=expected_version)
    changed = _changed_fields(member, data)
    if not changed:
        return member
    for name, value in data.items():
        setattr(member, name, value)
    member.full_clean(exclude=["idempotency_key"])
    stamp_version(member, actor=actor)
    member.save()
    audit_record(
        action="outreach.member_update",
        actor=actor,
        obj=member,
        detail={"household": member.household_id, "fields": changed},
    )
    return member


# --- pairings ---------------------------------------------------------------------------------


def _check_pairing_parties(actor, cadre: Cadre, household: Household, member: HouseholdMember | None) -> None:
    _require_visible(actor, cadre.org_unit)
    _require_visible(actor, household.village)
    if member is not None and member.household_id != household.pk:
        raise ValidationError({"member": _("帮扶对象不是该户的成员。")})


@transaction.atomic
def pairing_create(
    *,
    actor,
    campaign: Campaign,
    cadre: Cadre,
    household: Household,
    kind: str,
    start_date: datetime.date,
    member: HouseholdMember | None = None,
    end_date: datetime.date | None = None,
    idempotency_key=None,
) -> tuple[Pairing, bool]:
    """Pair ``cadre`` with ``household`` (or one member); returns (pairing, created).

    A replayed form (same ``idempotency_key``) returns the pairing it made. Raises
    ValidationError on a duplicate active pairing, also when one is made concurrently.
    """
    _check_pairing_parties(actor, cadre, household, member)
    duplicate_message = _("该干部已与此对象以相同形式结对。")

    def create():
        pairing = Pairing(
            campaign=campaign,
            cadre=cadre,
            household=household,
            member=member,
            kind=kind,
            start_date=start_date,
            end_date=end_date,
            idempotency_key=idempotency_key,
        )
        pairing.full_clean(exclude=["idempotency_key"])
        pairing.save()
        audit_record(action="outreach.pairing_create", actor=actor, obj=pairing, detail={"kind": kind})
        return pairing

    if idempotency_key is None or not Pairing.objects.filter(idempotency_key=idempotency_key).exists():
        duplicate = Pairing.objects.filter(
            campaign=campaign, cadre=cadre, household=household, member=member, kind=kind, is_active=True
        )
        if duplicate.exists():
            raise ValidationError(duplicate_message)
    try:
        return create_once(Pairing, idempotency_key, create)
    except IntegrityError:
        raise ValidationError(duplicate_message) from None


@transaction.atomic
def pairing_end(*, actor, pairing: Pairing, end_date: datetime.date) -> Pairing:
    """Close a pairing on ``end_date`` (it stays in the history). Audited."""
    _require_visible(actor, pairing.household.village)
    if end_date < pairing.start_date:
        raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})
    pairing.end_date = end_date
    pairing.is_active = False
    pairing.save(update_fields=["end_date", "is_active", "updated_at"])
    audit_record(action="outreach.pairing_end", actor=actor, obj=pairing, detail={"end_date": end_date.isoformat()})
    return pairing


@transaction.atomic
def pairing_bulk_assign(
    *, actor, campaign: Campaign, assignments: list[tuple[int, int]], kind: str, start_date: datetime.date
) -> dict:
    """Create the pairings (household id, cadre id) in one transaction.

    Every household and cadre must be in the actor's subtree (Http404 otherwise, nothing
    written). Pairs that already exist are skipped, so a double submit creates nothing twice.
    Returns {"created": n, "skipped": m}. One audit event for the batch.
    """
    if kind not in Pairing.Kind.values:
        raise ValidationError({"kind": _("帮扶形式无效。")})
    household_ids = {h for h, _c in assignments}
    cadre_ids = {c for _h, c in assignments}
    visible_households = set(
        scope_for_user(Household.objects.filter(pk__in=household_ids), actor).values_list("pk", flat=True)
    )
    visible_cadres = set(scope_for_user(Cadre.objects.filter(pk__in=cadre_ids), actor).values_list("pk", flat=True))
    if visible_households != household_ids or visible_cadres != cadre_ids:
        raise Http404
    existing = set(
        Pairing.objects.filter(
            campaign=campaign, household_id__in=household_ids, kind=kind, is_active=True, member__isnull=True
        ).values_list("household_id", "cadre_id")
    )
    new = [
        Pairing(campaign=campaign, cadre_id=c, household_id=h, kind=kind, start_date=start_date)
        for h, c in dict.fromkeys(assignments)
        if (h, c) not in existing
    ]
    Pairing.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    result = {"created": len(new), "skipped": len(assignments) - len(new)}
    audit_record(
        action="outreach.pairing_bulk_assign",
        actor=actor,
        obj=campaign,
        unit=user_unit(actor),
        detail={**result, "kind": kind, "cadres": sorted(cadre_ids)[:50]},
    )
    return result


@transaction.atomic
def liaison_point_create(
    *, actor, campaign: Campaign, village: OrgUnit, leader: Cadre | None = None, unit: OrgUnit | None = None
) -> LiaisonPoint:
    """Link a leader or a unit to a village for a campaign (联系点). Audited.

    Idempotent: an identical point (same campaign, village, leader and unit) is returned as is.
    """
    _require_visible(actor, village)
    if village.kind != OrgUnit.Kind.VILLAGE:
        raise ValidationError({"village": _("联系点必须是村/社区。")})
    if leader is None and unit is None:
        raise ValidationError(_("请选择联系领导或联系单位。"))
    # A double submit (or two tabs) must not add the same point twice: creations for one village
    # wait on its row, then an identical point already there is returned instead of a new one.
    OrgUnit.objects.select_for_update().filter(pk=village.pk).exists()
    existing = LiaisonPoint.objects.filter(campaign=campaign, village=village, leader=leader, unit=unit).first()
    if existing is not None:
        return existing
    point = LiaisonPoint(campaign=campaign, village=village, leader=leader, unit=unit)
    point.full_clean()
    point.save()
    audit_record(action="outreach.liaison_point_create", actor=actor, obj=point)
    return point


@transaction.atomic
def liaison_point_delete(*, actor, point: LiaisonPoint) -> None:
    _require_visible(actor, point.village)
    audit_record(action="outreach.liaison_point_delete", actor=actor, obj=point)
    point.delete()


# --- imports ----------------------------------------------------------------------------------

J = ImportJob.Status

# The moves someone takes a job through. A run of the checker or the writer claims its step by
# compare-and-set (``Workflow.claim``: one run per step; a run that died is taken over, see
# ``_claim``); the run holding the claim then writes the outcome (``_finish``): checking → valid,
# invalid or failed; importing → done (with the rows, in their transaction), invalid or failed.
# A job waiting for confirmation is thrown away by its uploader or by the daily sweep.
IMPORT_FLOW = Workflow(
    model=ImportJob,
    transitions={
        "check": Transition({J.PENDING}, J.CHECKING, permission=None, audit_action="", label=J.CHECKING.label),
        "write": Transition({J.VALID}, J.IMPORTING, permission=None, audit_action="", label=J.IMPORTING.label),
        "discard": Transition(
            {J.VALID, J.INVALID, J.FAILED},
            None,
            permission="outreach.add_importjob",
            audit_action="outreach.import_discard",
            label=gettext_lazy("放弃"),
        ),
        "expire": Transition(
            {J.VALID, J.INVALID, J.FAILED},
            None,
            permission=None,
            audit_action="outreach.import_expire",
            label=gettext_lazy("过期删除"),
        ),
    },
)


def import_job_create(*, actor, kind: str, data: bytes, name: str, campaign: Campaign | None = None) -> ImportJob:
    """Store an upload as an ImportJob after the safety checks. Raises XlsxRejected (nothing stored)."""
    if kind not in IMPORTERS:
        raise ValueError(kind)
    check_upload(data, name)
    unit = user_unit(actor) or OrgUnit.objects.get_first_root_node()
    with transaction.atomic():
        job = ImportJob(kind=kind, unit=unit, campaign=campaign, uploaded_by=actor, original_name=name[:200])
        # Stored under the format it is (read back by its first bytes, whatever the name).
        job.file.save(f"{kind}.{format_of(data) or 'xlsx'}", ContentFile(data), save=False)
        job.save()
        audit_record(action="outreach.import_upload", actor=actor, obj=job, detail={"kind": kind, "bytes": len(data)})
    return job


def _runs_in_the_request(job: ImportJob) -> bool:
    """Small files are read in the request; larger ones by the worker, with a progress bar."""
    return job.file.size <= getattr(settings, "OUTREACH_IMPORT_INLINE_MAX_BYTES", 512 * 1024)


def import_job_start_check(*, job: ImportJob) -> None:
    """Check a new upload: here for a small file, else by the worker once the job is committed.

    When the broker is down the check runs here too: the web app keeps working without Redis.
    """
    if _runs_in_the_request(job):
        import_job_check(job_id=job.pk)
    else:
        enqueue_on_commit("outreach.check_import", job.pk, fallback=lambda: import_job_check(job_id=job.pk))


def import_job_start_apply(*, job: ImportJob) -> None:
    """Write a confirmed job: here for a small file, else by the worker (here when the broker is down)."""
    if _runs_in_the_request(job):
        import_job_apply(job_id=job.pk)
    else:
        enqueue_on_commit("outreach.apply_import", job.pk, fallback=lambda: import_job_apply(job_id=job.pk))


def import_job_stale_after() -> datetime.timedelta:
    """How long a running job may go without a sign of life before another run takes it over."""
    return datetime.timedelta(seconds=getattr(settings, "OUTREACH_IMPORT_STALE_SECONDS", 600))


def import_job_discard(*, actor, job: ImportJob) -> bool:
    """Delete the uploader's checked-but-not-imported job with its stored file and plan.

    Only a job waiting for confirmation (VALID, INVALID, FAILED) is discarded, claimed by a
    conditional delete so a confirm running at the same time wins. Returns whether it was
    deleted. Raises PermissionDenied for anyone but the uploader.
    """
    if job.uploaded_by_id != actor.pk:
        raise PermissionDenied
    with transaction.atomic():
        deleted, _rows = ImportJob.objects.filter(pk=job.pk, status__in=IMPORT_FLOW["discard"].sources).delete()
        if not deleted:
            return False
        audit_record(
            action="outreach.import_discard",
            actor=actor,
            unit=job.unit,
            detail={"kind": job.kind, "name": job.original_name, "job": job.pk},
        )
        _delete_files_on_commit(job)
    return True


def _delete_files_on_commit(job: ImportJob) -> list[str]:
    """Delete the job's workbook and plan (full ID and mobile numbers) once the transaction that
    let go of them commits: never while a rollback could still need them. Returns their names."""
    names = [f.name for f in (job.file, job.plan) if f]
    storage = job.file.storage
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return names


def import_jobs_delete_abandoned() -> int:
    """Delete uploaded workbooks nobody confirmed or discarded within ``OUTREACH_IMPORT_KEEP_DAYS``.

    The daily sweep. A job left waiting (checked, refused or failed) that long goes with its
    files, as a discard would; an imported job that still has files (one imported before files
    were deleted at import) loses them; a stored file no job names (an upload whose transaction
    rolled back) older than the age goes too. One ``outreach.import_expire`` event per job.
    Idempotent: a second run finds nothing. Returns how many jobs were cleaned.
    """
    cutoff = timezone.now() - datetime.timedelta(days=settings.OUTREACH_IMPORT_KEEP_DAYS)
    waiting = IMPORT_FLOW["expire"].sources
    done_with_files = ImportJob.objects.filter(status=ImportJob.Status.DONE).exclude(file="", plan="")
    cleaned = 0
    for job in ImportJob.objects.filter(status__in=waiting, updated_at__lt=cutoff).select_related("unit"):
        with transaction.atomic():
            # Claimed by a conditional delete: a confirm or discard at the same moment wins.
            deleted, _rows = ImportJob.objects.filter(pk=job.pk, status__in=waiting, updated_at__lt=cutoff).delete()
            if deleted:
                _audit_expiry(job, _delete_files_on_commit(job), job_deleted=True)
                cleaned += 1
    for job in done_with_files.select_related("unit"):
        with transaction.atomic():
            if ImportJob.objects.filter(pk=job.pk).exclude(file="", plan="").update(file="", plan="") == 1:
                _audit_expiry(job, _delete_files_on_commit(job), job_deleted=False)
                cleaned += 1
    _delete_orphan_files(cutoff)
    return cleaned


def _audit_expiry(job: ImportJob, names: list[str], *, job_deleted: bool) -> None:
    audit_record(
        action="outreach.import_expire",
        actor_repr="system",
        unit=job.unit,
        detail={
            "kind": job.kind,
            "name": job.original_name,
            "job": job.pk,
            "status": job.status,
            "uploaded_by": job.uploaded_by_id,
            "files": len(names),
            "job_deleted": job_deleted,
        },
    )


def _delete_orphan_files(cutoff: datetime.datetime) -> None:
    storage = ImportJob._meta.get_field("file").storage
    named = set()
    for file_name, plan_name in ImportJob.objects.values_list("file", "plan"):
        named.update((file_name, plan_name))
    for name in _stored_under(storage, "imports"):
        if name not in named and storage.get_modified_time(name) < cutoff:
            storage.delete(name)


def _stored_under(storage, folder: str):
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _stored_under(storage, f"{folder}/{sub}")


def import_job_record_personal_view(*, actor, job: ImportJob) -> None:
    """Note in the audit trail that ``actor`` saw unmasked personal data in an import preview."""
    audit_record(action="outreach.import_preview_personal", actor=actor, obj=job, unit=job.unit)


def import_job_max_attempts() -> int:
    """Runs of one step (check or write) before a job whose runs keep dying is failed."""
    return getattr(settings, "OUTREACH_IMPORT_MAX_ATTEMPTS", 2)


def _claim(job_id: int, action: str) -> bool:
    """Take the job for this run's step (``IMPORT_FLOW``'s check or write): moved from the step's
    source state to its running state by compare-and-set. A job left running by a run that died (a worker killed,
    its message redelivered) is taken over once it has shown no sign of life for
    ``import_job_stale_after()``: the check beats at every progress step, and the write holds
    the job's row lock for its whole transaction, so a live writer is never taken over.

    Runs are counted: when ``import_job_max_attempts()`` runs have died on the job (a file that
    kills its reader would otherwise be retried forever), it is failed with the reason instead,
    and the user can discard it."""
    now = timezone.now()
    if IMPORT_FLOW.claim(job_id, action, attempts=1, updated_at=now):
        return True
    to_status = IMPORT_FLOW[action].target
    cutoff = now - import_job_stale_after()
    with transaction.atomic():
        stale = (
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(pk=job_id, status=to_status, updated_at__lt=cutoff)
            .first()
        )
        if stale is None:
            return False
        if stale.attempts >= import_job_max_attempts():
            _give_up(stale)
            return False
        ImportJob.objects.filter(pk=job_id).update(attempts=F("attempts") + 1, updated_at=now)
    logger.warning("import job %s: taking over a %s run that stopped (worker lost?)", job_id, to_status)
    return True


def _give_up(job: ImportJob) -> None:
    """Fail a job whose runs died ``job.attempts`` times (nothing was written: a write commits
    its rows and DONE together)."""
    if job.status == ImportJob.Status.IMPORTING:
        message = _(
            "导入时处理进程已 %(n)s 次意外中断，已停止重试，没有写入任何数据。请放弃本次导入后重新上传；"
            "如再次出现，请联系管理员。"
        )
    else:
        message = _(
            "检查时处理进程已 %(n)s 次意外中断（文件可能过大或内容异常），已停止重试，没有写入任何数据。"
            "请放弃本次导入，检查文件后重新上传；如再次出现，请联系管理员。"
        )
    logger.error("import job %s: %s runs died while %s; failing it", job.pk, job.attempts, job.status)
    _finish(job, ImportJob.Status.FAILED, message=message % {"n": job.attempts})


def import_jobs_give_up() -> list[int]:
    """Fail every job whose runs died ``import_job_max_attempts()`` times and that has shown no
    sign of life since (the beat sweep, so such a job ends 失败 even if no task comes back)."""
    cutoff = timezone.now() - import_job_stale_after()
    given_up = []
    for job_id in ImportJob.objects.filter(
        status__in=[ImportJob.Status.CHECKING, ImportJob.Status.IMPORTING],
        updated_at__lt=cutoff,
        attempts__gte=import_job_max_attempts(),
    ).values_list("pk", flat=True):
        with transaction.atomic():
            job = (
                ImportJob.objects.select_for_update(skip_locked=True)
                .filter(
                    pk=job_id,
                    status__in=[ImportJob.Status.CHECKING, ImportJob.Status.IMPORTING],
                    updated_at__lt=cutoff,
                )
                .first()
            )
            if job is not None:
                _give_up(job)
                given_up.append(job_id)
    return given_up


def import_jobs_to_requeue() -> tuple[list[int], list[int]]:
    """Jobs whose task seems lost: (to check again, to write again).

    A job waiting to be checked, or left checking or importing, with no sign of life for
    ``import_job_stale_after()``: its broker message was lost (Redis wiped, a task dropped) or
    its worker died. Sending the task again is safe: runs claim jobs, and a live one is never
    taken over (see ``_claim``).
    """
    cutoff = timezone.now() - import_job_stale_after()
    stale = ImportJob.objects.filter(updated_at__lt=cutoff, attempts__lt=import_job_max_attempts())
    to_check = stale.filter(status__in=[ImportJob.Status.PENDING, ImportJob.Status.CHECKING])
    to_write = stale.filter(status=ImportJob.Status.IMPORTING)
    return list(to_check.values_list("pk", flat=True)), list(to_write.values_list("pk", flat=True))


def import_job_in_progress(*, job_id: int) -> bool:
    """Whether the job is being checked or written (by another run, or by one that died and is
    not yet stale): a task that could not claim it should try again later."""
    return ImportJob.objects.filter(
        pk=job_id, status__in=[ImportJob.Status.CHECKING, ImportJob.Status.IMPORTING]
    ).exists()


def _lock(job: ImportJob) -> None:
    """Hold the job's row for the write transaction: the sign of life of a writer."""
    ImportJob.objects.select_for_update().filter(pk=job.pk).exists()


def _save_plan(job: ImportJob, importer, result: CheckResult) -> None:
    """Keep the checked rows so the confirm step need not parse and check the file again."""
    if not importer.caches_plan:
        return
    payload = json.dumps({"total": result.total, "plan": result.plan}, ensure_ascii=False).encode()
    job.plan.save("plan.json.gz", ContentFile(gzip.compress(payload, compresslevel=1)), save=False)
    ImportJob.objects.filter(pk=job.pk).update(plan=job.plan.name)


def _load_plan(job: ImportJob, importer) -> CheckResult | None:
    if not importer.caches_plan or not job.plan:
        return None
    try:
        with job.plan.open("rb") as handle:
            payload = json.loads(gzip.decompress(handle.read()))
    except (OSError, ValueError):
        return None
    result = CheckResult(total=payload["total"], plan=[tuple(item) for item in payload["plan"]])
    return result


def _run(job: ImportJob, *, write: bool) -> CheckResult | None:
    importer_class = IMPORTERS[job.kind]
    actor = job.uploaded_by
    importer = importer_class(user=actor, unit=user_unit(actor), campaign=job.campaign)
    if write:
        result = _load_plan(job, importer)
        if result is not None:
            with transaction.atomic():
                _lock(job)
                # The rows were checked at the preview; what may have changed since is the
                # register around them (villages, the importer's subtree, categories).
                if importer.revalidate(result):
                    importer.count_changes(result)
                    _write(job, importer, result)
                    # In the same transaction: the rows are there if and only if the job says so.
                    _finish(job, ImportJob.Status.DONE, result=result)
                    return result
    with job.file.open("rb") as handle:
        data = handle.read()
    try:
        sheet = read_first_sheet(data)
    except XlsxRejected as exc:
        _finish(job, ImportJob.Status.FAILED, message=str(exc))
        return None
    ImportJob.objects.filter(pk=job.pk).update(total_rows=len(sheet.rows), processed_rows=0, updated_at=timezone.now())

    def progress(done: int) -> None:
        # Outside any transaction, so the page polling the job sees it; also the run's heartbeat.
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, updated_at=timezone.now())

    if not write:
        result = importer.check(sheet, progress=progress)
        if result.ok:
            _save_plan(job, importer, result)
        return result
    with transaction.atomic():
        _lock(job)
        # Checked again inside the transaction: the register may have changed since the preview.
        result = importer.check(sheet)
        if result.ok:
            _write(job, importer, result)
            _finish(job, ImportJob.Status.DONE, result=result)
    return result


def _write(job: ImportJob, importer, result: CheckResult) -> None:
    summary = importer.apply(result)
    audit_record(
        action=f"outreach.import_{job.kind}",
        actor=job.uploaded_by,
        obj=job,
        unit=job.unit,
        detail={**summary, "rows": result.total},
    )
    job.summary = summary


def _finish(job: ImportJob, status: str, *, result: CheckResult | None = None, message: str = "") -> None:
    fields = {"status": status, "finished_at": timezone.now(), "message": message}
    if result is not None:
        fields.update(
            errors=result.errors,
            error_count=result.error_count,
            total_rows=result.total,
            processed_rows=result.total,
        )
        if status in (ImportJob.Status.VALID, ImportJob.Status.INVALID):
            fields["summary"] = {
                "created": result.creates,
                "updated": result.updates,
                "unchanged": result.unchanged,
                "error_rows": len(result.error_rows),
            }
            # Shown on the preview only; kept out of the counts when there is nothing to show.
            if result.changes:
                fields["summary"]["changes"] = result.changes
                fields["summary"]["more_changes"] = result.more_changes
            if result.examples:
                fields["summary"]["examples"] = result.examples
            if result.notes:
                fields["summary"]["normalised"] = result.notes
                fields["summary"]["more_normalised"] = result.more_notes
    if status == ImportJob.Status.DONE:
        fields["summary"] = job.summary
        # Written: the workbook and its plan have served and hold full ID and mobile numbers.
        _delete_files_on_commit(job)
        fields.update(file="", plan="")
    ImportJob.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def import_job_check(*, job_id: int) -> ImportJob | None:
    """Check every row of a pending job (the preview); nothing is written to the register.

    Idempotent: only a PENDING job is claimed. Ends VALID (with created/updated counts),
    INVALID (with every bad row) or FAILED (unreadable file).
    """
    if not _claim(job_id, "check"):
        return None
    job = ImportJob.objects.select_related("uploaded_by", "campaign", "unit").get(pk=job_id)
    try:
        result = _run(job, write=False)
    except Exception:
        logger.exception("import job %s: check failed", job_id)
        _finish(job, ImportJob.Status.FAILED, message=_("检查时发生内部错误，请联系管理员。"))
        raise
    if result is not None:
        _finish(job, ImportJob.Status.VALID if result.ok else ImportJob.Status.INVALID, result=result)
    return job


def import_job_apply(*, job_id: int) -> ImportJob | None:
    """Write a checked job in one transaction: every row or none. Idempotent (claims VALID only)."""
    if not _claim(job_id, "write"):
        return None
    job = ImportJob.objects.select_related("uploaded_by", "campaign", "unit").get(pk=job_id)
    try:
        result = _run(job, write=True)
    except Exception:
        logger.exception("import job %s: apply failed", job_id)
        _finish(job, ImportJob.Status.FAILED, message=_("导入时发生内部错误，没有写入任何数据。"))
        raise
    if result is not None and not result.ok:
        _finish(job, ImportJob.Status.INVALID, result=result, message=_("数据在检查后发生了变化，请重新检查。"))
    return job  # FAILED (unreadable), INVALID, or DONE (set with the rows, in their transaction)


# --- exports ----------------------------------------------------------------------------------


def export_workbook(*, actor, resource_class, queryset, title: str, importer=None) -> bytes:
    """An .xlsx of ``queryset`` (already scoped by the caller) in the resource's columns.

    Personal data is masked unless the actor may see it; an unmasked export is an audit event.
    Every cell starting with = + - @ is stored as quote-prefixed text so a spreadsheet never runs
    it. Laid out for ``importer`` (the import that reads it back): code, 户号, ID and phone
    columns as text, widths, drop-down lists.
    """
    show = can_view_personal_data(actor)
    resource = resource_class(show_personal=show)
    dataset = resource.export(queryset=queryset)
    audit_export(
        action="outreach.export_personal" if show else "outreach.export",
        what=resource_class.__name__,
        rows=len(dataset),
        unit=user_unit(actor),
        personal=show,
    )
    columns = sheet_columns(importer, dataset.headers) if importer is not None else list(dataset.headers)
    return table_workbook(title=title, columns=columns, rows=dataset)


# --- forums and reception days ----------------------------------------------------------------

FORUM_FIELDS = ("village", "campaign", "title", "held_at", "place", "notice_posted_on", "attendance")
FORUM_TEXT_FIELDS = ("attendee_list", "summary")


def _forum_apply(forum: Forum, fields: dict) -> dict:
    changed = {}
    for name, value in fields.items():
        if name not in FORUM_FIELDS + FORUM_TEXT_FIELDS:
            raise TypeError(f"unknown forum field {name}")
        if getattr(forum, name, None) != value:
            changed[name] = value
        setattr(forum, name, value)
    if forum.notice_posted_on and forum.held_at and forum.notice_posted_on > dates.day_of(forum.held_at):
        raise ValidationError(_("预告张贴日期不能晚于访谈日。"))
    forum.full_clean(exclude=["idempotency_key"])
    return changed


@transaction.atomic
def forum_create(*, actor, leading_cadres=(), idempotency_key=None, **fields) -> tuple[Forum, bool]:
    """Record a forum (群众访谈日); returns (forum, created). A replayed form records nothing. Audited."""
    if not actor.has_perm("outreach.add_forum"):
        raise PermissionDenied(_("您没有登记群众访谈日的权限。"))

    def create():
        forum = Forum(idempotency_key=idempotency_key)
        _forum_apply(forum, fields)
        stamp_version(forum, actor=actor, created=True)
        forum.save()
        forum.leading_cadres.set(leading_cadres)
        reminders_sync_for(forum)
        audit_record(action="outreach.forum_create", actor=actor, obj=forum)
        return forum

    return create_once(Forum, idempotency_key, create)


@transaction.atomic
def forum_update(*, actor, forum: Forum, leading_cadres=None, expected_version: int | None = None, **fields) -> Forum:
    """Change a forum record. Locks the row; an older ``expected_version`` raises StaleEdit. Audited."""
    if not actor.has_perm("outreach.change_forum"):
        raise PermissionDenied(_("您没有登记群众访谈日的权限。"))
    forum = lock_version(Forum.objects.all(), pk=forum.pk, expected_version=expected_version)
    changed = _forum_apply(forum, fields)
    if leading_cadres is not None:
        before = set(forum.leading_cadres.values_list("pk", flat=True))
        if before != {c.pk for c in leading_cadres}:
            forum.leading_cadres.set(leading_cadres)
            changed["leading_cadres"] = True
    if not changed:
        return forum
    stamp_version(forum, actor=actor)
    forum.save()
    reminders_sync_for(forum)
    audit_record(action="outreach.forum_update", actor=actor, obj=forum, detail={"fields": sorted(changed)})
    return forum


RECEPTION_DAY_FIELDS = ("leader", "campaign", "held_on", "channel", "place", "visitors_count", "notes")


def _reception_day_apply(reception_day: ReceptionDay, fields: dict) -> list[str]:
    changed = []
    for name, value in fields.items():
        if name not in RECEPTION_DAY_FIELDS:
            raise TypeError(f"unknown reception day field {name}")
        if getattr(reception_day, name, None) != value:
            changed.append(name)
        setattr(reception_day, name, value)
    reception_day.full_clean(exclude=["idempotency_key"])
    return changed


@transaction.atomic
def reception_day_create(*, actor, idempotency_key=None, **fields) -> tuple[ReceptionDay, bool]:
    """Record a leader's reception day (接待日); returns (day, created). A replay records nothing. Audited."""
    if not actor.has_perm("outreach.add_receptionday"):
        raise PermissionDenied(_("您没有登记接待日的权限。"))

    def create():
        reception_day = ReceptionDay(idempotency_key=idempotency_key)
        _reception_day_apply(reception_day, fields)
        stamp_version(reception_day, actor=actor, created=True)
        reception_day.save()
        audit_record(action="outreach.receptionday_create", actor=actor, obj=reception_day)
        return reception_day

    return create_once(ReceptionDay, idempotency_key, create)


@transaction.atomic
def reception_day_update(
    *, actor, reception_day: ReceptionDay, expected_version: int | None = None, **fields
) -> ReceptionDay:
    """Change a reception day. Locks the row; an older ``expected_version`` raises StaleEdit. Audited."""
    if not actor.has_perm("outreach.change_receptionday"):
        raise PermissionDenied(_("您没有登记接待日的权限。"))
    reception_day = lock_version(ReceptionDay.objects.all(), pk=reception_day.pk, expected_version=expected_version)
    changed = _reception_day_apply(reception_day, fields)
    if not changed:
        return reception_day
    stamp_version(reception_day, actor=actor)
    reception_day.save()
    audit_record(action="outreach.receptionday_update", actor=actor, obj=reception_day, detail={"fields": changed})
    return reception_day
