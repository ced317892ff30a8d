"""Query-string parameters (``?month=``, ``?date_from=``, ``?campaign=``, ``?unit=``), parsed in one place.

A bookmarked or hand-edited URL must never answer 500: a month, date or id that is malformed or
outside the dates a record may have (``core.dates``) falls back to the default, and pages that
take it show a message saying so.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from . import dates
from .dates import DATE_FLOOR, horizon, within_range
from .scoping import get_for_user_or_404, sees_everything, unit_model, user_scope_root

# Ids are 64-bit columns (BigAutoField); a longer number cannot name a row.
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class Month:
    """A calendar month; ``previous``/``following`` are None past the range of valid dates."""

    first: datetime.date

    @property
    def last(self) -> datetime.date:
        return self.first.replace(day=calendar.monthrange(self.first.year, self.first.month)[1])

    @property
    def key(self) -> str:
        return f"{self.first.year:04d}-{self.first.month:02d}"

    @property
    def previous(self) -> "Month | None":
        if self.first <= DATE_FLOOR:
            return None
        return Month((self.first - datetime.timedelta(days=1)).replace(day=1))

    @property
    def following(self) -> "Month | None":
        first = self.last + datetime.timedelta(days=1)
        return Month(first) if first <= horizon() else None

    def __str__(self) -> str:
        return self.key


def this_month() -> Month:
    return Month(dates.today().replace(day=1))


def parse_month(value: str) -> Month:
    """'2026-04' → Month(2026-04-01). Raises ValueError when malformed or out of range."""
    year_text, _sep, month_text = (value or "").strip().partition("-")
    digits = year_text + month_text
    if not (digits.isascii() and digits.isdigit() and len(year_text) == 4 and 1 <= len(month_text) <= 2):
        raise ValueError(value)
    month = Month(datetime.date(int(year_text), int(month_text), 1))  # ValueError for month 13
    if not DATE_FLOOR <= month.first <= horizon():
        raise ValueError(value)
    return month


def parse_query_date(value: str) -> datetime.date:
    """'2026-04-01' → a date. Raises ValueError when malformed, impossible or out of range."""
    day = parse_date((value or "").strip())  # raises ValueError for 2026-02-30
    if day is None or not within_range(day):
        raise ValueError(value)
    return day


def _refuse(request, name: str, value: str, fallback: str) -> None:
    messages.warning(
        request,
        _("地址中的参数 %(name)s=“%(value)s” 无效，已改为%(fallback)s。")
        % {"name": name, "value": value[:40], "fallback": fallback},
    )


def month_param(request, name: str = "month") -> Month:
    """The month named by ``?month=YYYY-MM``; this month when missing, or (with a message) when bad."""
    value = request.GET.get(name, "").strip()
    if not value:
        return this_month()
    try:
        return parse_month(value)
    except ValueError:
        _refuse(request, name, value, _("本月"))
        return this_month()


def date_param(request, name: str) -> datetime.date | None:
    """The date named by ``?<name>=YYYY-MM-DD``; None when missing, or (with a message) when bad."""
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        return parse_query_date(value)
    except ValueError:
        _refuse(request, name, value, _("不限"))
        return None


def parse_id(value) -> int | None:
    """A positive id that fits a database id column, else None (no message: ids come from links)."""
    value = str(value or "").strip()
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def id_param(request, name: str) -> int | None:
    return parse_id(request.GET.get(name))


def unit_for_user(*, user, code: str, within=None):
    """The unit with ``code`` if the user may see it (and it is in ``within``'s subtree); None
    for a blank code. A code outside either answers 404, like any object out of scope."""
    code = (code or "").strip()
    if not code:
        return None
    units = unit_model().objects.all()
    if within is not None:
        units = units.filter(within.subtree_q())
    return get_for_user_or_404(units, user, code=code)


def unit_param(request, *, within=None, default_root: bool = False):
    """The unit named by ``?unit=<code>`` (404 outside the user's subtree or ``within``'s).

    Without one: None, or with ``default_root`` the user's own root unit (the first root for a
    superuser), 404 for a user who has none.
    """
    unit = unit_for_user(user=request.user, code=request.GET.get("unit", ""), within=within)
    if unit is not None or not default_root:
        return unit
    if sees_everything(request.user):
        unit = unit_model().objects.get_first_root_node()
    else:
        unit = user_scope_root(request.user)
    if unit is None:
        raise Http404
    return unit
