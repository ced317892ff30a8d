from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def minutes(value) -> int | str:
    """A duration in whole minutes (rounded up), for sentences like "请 30 分钟后再试"."""
    if not isinstance(value, timedelta):
        return ""
    return max(1, -(-int(value.total_seconds()) // 60))
