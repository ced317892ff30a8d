"""Reads for pledges, already shaped for their pages: the ledger, the detail page, the public board."""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.db.models import Count, Max, Prefetch, Q
from django.utils import translation

from core import dates
from core.scoping import get_for_user_or_404, scope_for_user
from org.models import OrgUnit

from .models import Pledge, PledgeAmendment, PledgeProgress
from .services import derive_status

# Long texts the list page does not show; the export and the detail page read them.
LIST_DEFERRED = ("content", "target", "measures", "recipients", "completion_note", "return_comment")


def pledge_list_for_user(*, user, for_export: bool = False):
    """The 办实事台帐 rows the user may see, with everything a row shows joined in."""
    queryset = (
        scope_for_user(Pledge.objects.all(), user)
        .select_related("campaign", "org_unit", "category", "responsible_unit", "responsible_person")
        .order_by("deadline", "id")
    )
    return queryset if for_export else queryset.defer(*LIST_DEFERRED)


def pledge_get_for_user(*, user, pk: int) -> Pledge:
    """One pledge with its progress and amendments; 404 outside the user's subtree."""
    queryset = Pledge.objects.select_related(
        "campaign",
        "org_unit",
        "category",
        "responsible_unit",
        "responsible_person",
        "approved_by",
        "created_by",
        "withdrawn_by__cadre",
    ).prefetch_related(
        Prefetch("progress_updates", queryset=PledgeProgress.objects.select_related("reported_by__cadre")),
        Prefetch("amendments", queryset=PledgeAmendment.objects.select_related("amended_by__cadre")),
    )
    return get_for_user_or_404(queryset, user, pk=pk)


def progress_get_for_user(*, user, pk: int) -> PledgeProgress:
    return get_for_user_or_404(PledgeProgress.objects.select_related("pledge"), user, pk=pk)


# ---- The public board (公示栏): no login, no personal data --------------------------------


@dataclass
class BoardAmendment:
    field_label: str
    old_value: str
    new_value: str
    reason: str
    amended_on: datetime.date


@dataclass
class BoardPledge:
    """What the public sees of a pledge. Deliberately no recipients, no person, no notes."""

    pk: int
    title: str
    category: str
    content: str
    target: str
    measures: str
    deadline: datetime.date
    responsible_unit: str
    percent: int
    status: str
    status_label: str
    last_progress_on: datetime.date | None
    completed_on: datetime.date | None
    published_on: datetime.date | None
    amendments: list[BoardAmendment] = field(default_factory=list)


@dataclass
class Board:
    unit: OrgUnit
    ancestors: list
    pledges: list[BoardPledge]
    children: list  # child units with public pledges: (unit, count)
    today: datetime.date

    @property
    def completed_count(self) -> int:
        return sum(1 for p in self.pledges if p.status == Pledge.Status.COMPLETED)


def board_unit_or_404(*, code: str) -> OrgUnit:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(OrgUnit.objects.all(), code=code)


def board_version(*, unit: OrgUnit) -> str:
    """A fingerprint of everything the board of ``unit`` shows: the ETag (one query)."""
    stats = (
        Pledge.objects.on_public_board()
        .filter(org_unit=unit)
        .aggregate(
            n=Count("id", distinct=True),
            changed=Max("updated_at"),
            amended=Max("amendments__amended_at"),
        )
    )
    children = (
        Pledge.objects.on_public_board()
        .filter(org_unit__path__startswith=unit.path, org_unit__depth=unit.depth + 1)
        .aggregate(n=Count("id"), changed=Max("updated_at"))
    )
    raw = "|".join(
        str(value)
        for value in (
            unit.pk,
            unit.name,
            stats["n"],
            stats["changed"],
            stats["amended"],
            children["n"],
            children["changed"],
            dates.today(),  # status turns 逾期 at midnight even when no row changes
            translation.get_language(),
        )
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def board_for_unit(*, unit: OrgUnit) -> Board:
    """The public pledges of ``unit`` (published and public only), shaped for the board."""
    today = dates.today()
    # Labels looked up once per page, not once per row (get_FOO_display translates each call).
    status_labels = {value: str(label) for value, label in Pledge.Status.choices}
    field_labels = {value: str(label) for value, label in PledgeAmendment.Field.choices}
    rows = (
        Pledge.objects.on_public_board()
        .filter(org_unit=unit)
        .select_related("category", "responsible_unit")
        .prefetch_related(Prefetch("amendments", queryset=PledgeAmendment.objects.order_by("amended_at", "id")))
        .order_by("deadline", "id")
    )
    pledges = []
    for pledge in rows:
        status = (
            derive_status(
                percent=pledge.percent, completed_on=pledge.completed_on, deadline=pledge.deadline, today=today
            )
            if pledge.is_committed
            else pledge.status
        )
        pledges.append(
            BoardPledge(
                pk=pledge.pk,
                title=pledge.title,
                category=pledge.category.name,
                content=pledge.content,
                target=pledge.target,
                measures=pledge.measures,
                deadline=pledge.deadline,
                responsible_unit=pledge.responsible_unit.name,
                percent=pledge.percent,
                status=status,
                status_label=status_labels[status],
                last_progress_on=pledge.last_progress_on,
                completed_on=pledge.completed_on,
                published_on=pledge.published_at.date() if pledge.published_at else None,
                amendments=[
                    BoardAmendment(
                        field_label=field_labels[a.field],
                        old_value=a.old_value,
                        new_value=a.new_value,
                        reason=a.reason,
                        amended_on=a.amended_at.date(),
                    )
                    for a in pledge.amendments.all()
                ],
            )
        )
    children = (
        OrgUnit.objects.get_children(unit)
        .annotate(
            public_count=Count(
                "pledges",
                filter=Q(pledges__approval_state=Pledge.ApprovalState.PUBLISHED),
            )
        )
        .filter(public_count__gt=0)
    )
    return Board(
        unit=unit,
        ancestors=list(OrgUnit.objects.get_ancestors(unit)) if unit.depth > 1 else [],
        pledges=pledges,
        children=list(children),
        today=today,
    )
