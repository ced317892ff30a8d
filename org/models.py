"""The hierarchy everything is scoped by: units (OrgUnit) and the cadres who work in them.

The ground floor of the domain: every other app reads it, it reads nothing above core.
"""

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from core.models import TimeStampedModel
from core.scoping import ScopedQuerySet


def subtree_q(path: str, prefix: str = "") -> Q:
    """The units at and below ``path`` (a materialised path), as a condition on ``<prefix>path``;
    see OrgUnit.subtree_q."""
    return Q(**{f"{prefix}path__startswith": path})


class OrgUnitQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    pass


class OrgUnitManager(MP_NodeManager):
    def get_queryset(self):
        # treebeard's materialised path: ordering by path is tree order.
        return OrgUnitQuerySet(self.model, using=self._db).order_by("path")

    def for_user(self, user):
        return self.get_queryset().for_user(user)


class OrgUnit(MP_Node):
    """A node of the hierarchy (province > city > county > township > village, plus offices)."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县/区")
        TOWNSHIP = "township", _("乡镇/街道")
        VILLAGE = "village", _("村/社区")
        OFFICE = "office", _("机关/部门")

    kind = models.CharField(_("层级"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("单位代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    # Siblings are kept in this order; a changed sort order moves the node on save in admin.
    node_order_by = ["sort_order", "code"]

    objects = OrgUnitManager()

    class Meta:
        db_table = "campaigns_orgunit"  # the table predates the org app; kept so no data moves
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["province", "city", "county", "township", "village", "office"]),
                name="campaigns_orgunit_valid_kind",
            ),
        ]
        indexes = [
            # Subtree queries are `path LIKE 'prefix%'`; PostgreSQL can only use an index for
            # that with the pattern operator class (ignored on SQLite, whose index serves it).
            models.Index(fields=["path"], name="campaigns_orgunit_path_like", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("campaigns:orgunit_detail", kwargs={"code": self.code})

    def subtree_q(self, prefix: str = "") -> Q:
        """This unit and every unit below it, as a condition on ``<prefix>path``.

        ``prefix`` is the lookup path from the queried model to its OrgUnit, ending in "__"
        (``"household__village__"``); empty for OrgUnit itself. The one subtree filter of the
        apps above org (core.scoping, below org, writes its own).
        """
        return subtree_q(self.path, prefix)


class CadreQuerySet(ScopedQuerySet):
    pass


class Cadre(TimeStampedModel):
    """A user's profile as a cadre: where they work, rank, leadership, party membership."""

    class Rank(models.TextChoices):
        MINISTERIAL = "ministerial", _("省部级")
        BUREAU = "bureau", _("厅局级")
        DIVISION = "division", _("正处级")
        DEPUTY_DIVISION = "deputy_division", _("副处级")
        SECTION = "section", _("正科级")
        DEPUTY_SECTION = "deputy_section", _("副科级")
        STAFF = "staff", _("科员")
        CLERK = "clerk", _("办事员")
        NONE = "none", _("无职级")

    SENIOR_RANKS = ("ministerial", "bureau", "division", "deputy_division")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("账号"), on_delete=models.CASCADE, related_name="cadre"
    )
    name = models.CharField(_("姓名"), max_length=50)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("所在单位"), on_delete=models.PROTECT, related_name="cadres")
    title = models.CharField(_("职务"), max_length=100, blank=True)
    rank = models.CharField(_("职级"), max_length=20, choices=Rank.choices, default=Rank.STAFF)
    # "副处级以上": the plans bind some duties (结穷亲) to this rank band.
    is_senior = models.GeneratedField(
        expression=Case(When(rank__in=SENIOR_RANKS, then=Value(True)), default=Value(False)),
        output_field=models.BooleanField(verbose_name=_("副处级以上")),
        db_persist=True,
    )
    is_leader = models.BooleanField(_("领导干部"), default=False)
    is_party_member = models.BooleanField(_("党员"), default=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    scope_unit_field = "org_unit"
    objects = CadreQuerySet.as_manager()

    class Meta:
        db_table = "campaigns_cadre"  # the table predates the org app; kept so no data moves
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering = ["org_unit__path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    rank__in=[
                        "ministerial",
                        "bureau",
                        "division",
                        "deputy_division",
                        "section",
                        "deputy_section",
                        "staff",
                        "clerk",
                        "none",
                    ]
                ),
                name="campaigns_cadre_valid_rank",
            ),
        ]

    def __str__(self):
        return self.name
