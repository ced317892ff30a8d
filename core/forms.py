from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .widgets import DateInput


class AuditEventFilterForm(forms.Form):
    """The audit page's filters; days are Asia/Shanghai calendar days, both ends included."""

    RESULT_CHOICES = [("", _("全部")), ("success", _("成功")), ("failure", _("失败"))]

    action = forms.CharField(
        label=_("操作类型"),
        max_length=64,
        required=False,
        error_messages={"max_length": _("操作类型最多 64 个字符。")},
    )
    account = forms.CharField(
        label=_("操作人账号"),
        max_length=150,
        required=False,
        error_messages={"max_length": _("操作人账号最多 150 个字符。")},
    )
    result = forms.ChoiceField(
        label=_("结果"),
        choices=RESULT_CHOICES,
        required=False,
        error_messages={"invalid_choice": _("结果只能是“成功”或“失败”。")},
    )
    date_from = forms.DateField(
        label=_("开始日期"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("开始日期格式不对，请按“年-月-日”填写，如 2026-03-01。")},
    )
    date_to = forms.DateField(
        label=_("结束日期"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("结束日期格式不对，请按“年-月-日”填写，如 2026-03-31。")},
    )
    ip = forms.GenericIPAddressField(
        label=_("IP地址"),
        required=False,
        error_messages={"invalid": _("IP地址格式不对，请填写完整的地址，如 10.0.0.8。")},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise ValidationError(_("开始日期不能晚于结束日期。"))
        return cleaned

    def filters(self) -> dict:
        """The cleaned values as ``audit_event_list_for_user`` takes them."""
        data = self.cleaned_data
        result = data.get("result")
        return {
            "action": data.get("action", "").strip(),
            "account": data.get("account", "").strip(),
            "success": {"success": True, "failure": False}.get(result),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "ip": data.get("ip") or "",
        }
