from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .audit_codes import action_group_by_key, action_labels, grouped_action_codes
from .dates import validate_date_in_range
from .widgets import DateInput

# The action filter's values: "" (all), "group:<key>" (a heading of the list), "<prefix>*" (all
# codes starting with it), or one action code. A bare prefix such as "auth" (the old free-text
# filter, still in bookmarks) is read as "auth*".
GROUP_VALUE = "group:"
PREFIX_MARK = "*"


def action_filter_choices():
    """The audit page's grouped action choices: each group's "all", its families, then its codes."""
    labels = action_labels()
    choices = [("", _("全部操作"))]
    for group, codes in grouped_action_codes():
        options = [(GROUP_VALUE + group.key, format_lazy(_("{group}：全部"), group=group.label))]
        if len(group.families) > 1:
            options += [
                (family.prefix + PREFIX_MARK, format_lazy(_("{family}：全部"), family=family.label))
                for family in group.families
            ]
        options += [(code, labels[code]) for code in codes]
        choices.append((group.label, options))
    return choices


def parse_action_filter(value: str) -> dict | None:
    """Selector arguments for an action filter value, or None if it names no known action."""
    labels = action_labels()
    if len(value) > 64:
        return None
    if value.startswith(GROUP_VALUE):
        group = action_group_by_key(value.removeprefix(GROUP_VALUE))
        return {"action": group.prefixes} if group is not None else None
    if value in labels:
        return {"action_exact": value}
    prefix = value.removesuffix(PREFIX_MARK)
    if prefix and any(code.startswith(prefix) for code in labels):
        return {"action": prefix}
    return None


class AuditEventFilterForm(forms.Form):
    """The audit page's filters; days are Asia/Shanghai calendar days, both ends included."""

    RESULT_CHOICES = [("", _("全部")), ("success", _("成功")), ("failure", _("失败"))]

    action = forms.CharField(
        label=_("操作类型"),
        max_length=64,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
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
        validators=[validate_date_in_range],
    )
    date_to = forms.DateField(
        label=_("结束日期"),
        required=False,
        widget=DateInput(),
        error_messages={"invalid": _("结束日期格式不对，请按“年-月-日”填写，如 2026-03-31。")},
        validators=[validate_date_in_range],
    )
    ip = forms.GenericIPAddressField(
        label=_("IP地址"),
        required=False,
        error_messages={"invalid": _("IP地址格式不对，请填写完整的地址，如 10.0.0.8。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = action_filter_choices()
        value = (self.data.get("action") or "").strip()
        known = {v for _group, options in choices[1:] for v, _label in options}
        if value not in known and parse_action_filter(value):
            # An old free-text prefix: keep it visible as the selected option, not "全部".
            choices.insert(1, (value, format_lazy(_("以“{prefix}”开头的操作"), prefix=value.rstrip(PREFIX_MARK))))
        self.fields["action"].widget.choices = choices

    def clean_action(self) -> dict:
        """The action filter as selector arguments: ``{"action": prefixes}`` or ``{"action_exact": code}``."""
        value = self.cleaned_data["action"].strip()
        if not value:
            return {}
        parsed = parse_action_filter(value)
        if parsed is not None:
            return parsed
        raise ValidationError(_("没有“%(value)s”这种操作类型，请从列表中选择。"), params={"value": value})

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
            "action": "",
            "action_exact": "",
            **(data.get("action") or {}),
            "account": data.get("account", "").strip(),
            "success": {"success": True, "failure": False}.get(result),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "ip": data.get("ip") or "",
        }
