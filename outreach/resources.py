"""django-import-export resources: the column layout of exports (same Chinese headers as the
import templates, so a permitted user's export imports back) and the library's own row-by-row
import, which the benchmark times against the bulk importer in ``outreach.importing``.

Exports mask ID and phone numbers unless built with ``show_personal=True``, and every cell is
escaped when written (``core.xlsx_write``).
"""

from import_export import fields, resources, widgets

from core.masking import mask_id_number, mask_phone, mask_text
from org.models import Cadre, OrgUnit

from .importing import campaign_label
from .models import Household, HouseholdCategory, Pairing


def _text(attribute, header):
    return fields.Field(attribute=attribute, column_name=header, widget=widgets.CharWidget(allow_blank=True))


class MaskingResource(resources.ModelResource):
    def __init__(self, *, show_personal: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.show_personal = show_personal

    def _phone(self, value):
        return value if self.show_personal else mask_phone(value)


class HouseholdResource(MaskingResource):
    village = fields.Field(
        attribute="village", column_name="村/社区代码*", widget=widgets.ForeignKeyWidget(OrgUnit, field="code")
    )
    village_name = fields.Field(attribute="village__name", column_name="村/社区名称", readonly=True)
    number = _text("number", "户号*")
    head_name = _text("head_name", "户主姓名*")
    members_count = fields.Field(attribute="members_count", column_name="家庭人口", widget=widgets.IntegerWidget())
    address = _text("address", "住址")
    phone = _text("phone", "联系电话")
    id_number = _text("id_number", "户主身份证号")
    categories = fields.Field(
        attribute="categories",
        column_name="类别",
        widget=widgets.ManyToManyWidget(HouseholdCategory, separator="、", field="name"),
    )
    notes = _text("notes", "备注")

    class Meta:
        model = Household
        fields = (
            "village",
            "village_name",
            "number",
            "head_name",
            "members_count",
            "address",
            "phone",
            "id_number",
            "categories",
            "notes",
        )
        export_order = fields
        import_id_fields = ("village", "number")

    def dehydrate_phone(self, household):
        return self._phone(household.phone)

    def dehydrate_id_number(self, household):
        return household.id_number if self.show_personal else mask_id_number(household.id_number)

    # Numbers typed into the address or notes are masked like the phone (core.masking).
    def dehydrate_address(self, household):
        return household.address if self.show_personal else mask_text(household.address)

    def dehydrate_notes(self, household):
        return household.notes if self.show_personal else mask_text(household.notes)

    def dehydrate_categories(self, household):
        return "、".join(c.name for c in household.categories.all())


class CadreResource(MaskingResource):
    username = fields.Field(attribute="user__username", column_name="用户名*", readonly=True)
    name = _text("name", "姓名*")
    unit = fields.Field(attribute="org_unit__code", column_name="单位代码*", readonly=True)
    unit_name = fields.Field(attribute="org_unit__name", column_name="单位名称", readonly=True)
    title = _text("title", "职务")
    rank = fields.Field(attribute="rank", column_name="职级", readonly=True)
    is_leader = fields.Field(attribute="is_leader", column_name="领导干部", readonly=True)
    is_party_member = fields.Field(attribute="is_party_member", column_name="党员", readonly=True)
    phone = _text("phone", "手机号")

    class Meta:
        model = Cadre
        fields = ("username", "name", "unit", "unit_name", "title", "rank", "is_leader", "is_party_member", "phone")
        export_order = fields

    def dehydrate_rank(self, cadre):
        return cadre.get_rank_display()

    def dehydrate_is_leader(self, cadre):
        return "是" if cadre.is_leader else "否"

    def dehydrate_is_party_member(self, cadre):
        return "是" if cadre.is_party_member else "否"

    def dehydrate_phone(self, cadre):
        return self._phone(cadre.phone)


class PairingResource(MaskingResource):
    username = fields.Field(attribute="cadre__user__username", column_name="干部用户名*", readonly=True)
    cadre_name = fields.Field(attribute="cadre__name", column_name="干部姓名", readonly=True)
    village = fields.Field(attribute="household__village__code", column_name="村/社区代码*", readonly=True)
    number = fields.Field(attribute="household__number", column_name="户号*", readonly=True)
    head_name = fields.Field(attribute="household__head_name", column_name="户主姓名", readonly=True)
    member = fields.Field(attribute="member__name", column_name="帮扶对象姓名", readonly=True)
    kind = fields.Field(attribute="kind", column_name="帮扶形式*", readonly=True)
    start_date = fields.Field(attribute="start_date", column_name="开始日期*", widget=widgets.DateWidget("%Y-%m-%d"))
    end_date = fields.Field(attribute="end_date", column_name="结束日期", widget=widgets.DateWidget("%Y-%m-%d"))
    campaign = fields.Field(attribute="campaign", column_name="主题活动", readonly=True)
    is_active = fields.Field(attribute="is_active", column_name="有效", readonly=True)

    class Meta:
        model = Pairing
        fields = (
            "username",
            "cadre_name",
            "village",
            "number",
            "head_name",
            "member",
            "kind",
            "start_date",
            "end_date",
            "campaign",
            "is_active",
        )
        export_order = fields

    def dehydrate_kind(self, pairing):
        return pairing.get_kind_display()

    def dehydrate_campaign(self, pairing):
        # Titles repeat (each unit copies its superior's plan): the import reads the id back.
        return campaign_label(pairing.campaign)

    def dehydrate_is_active(self, pairing):
        return "是" if pairing.is_active else "否"
