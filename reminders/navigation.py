from django.utils.translation import gettext_lazy as _

NAV_ITEMS = [
    {"label": _("消息提醒"), "url": "reminders:inbox", "icon": "bell", "roles": None, "order": 60},
    {
        "label": _("发送失败"),
        "url": "reminders:failures",
        "icon": "exclamation-triangle",
        "roles": None,
        "perm": "reminders.view_delivery",
        "order": 85,
    },
]
