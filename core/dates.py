"""Today in Asia/Shanghai, and the range of dates a record or a query may name: one floor and one
horizon for every app.

A date before 2000 is a typo (0026 for 2026) or a probe, and one more than ten years ahead is
too (9999): no campaign, visit, demand or pledge of these offices lies outside that range. The
form fields, the import, the services and the query-string parsers all take their bounds here.
"""

import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

DATE_FLOOR = datetime.date(2000, 1, 1)
HORIZON_YEARS = 10
SHANGHAI = ZoneInfo("Asia/Shanghai")


def day_of(moment: datetime.datetime) -> datetime.date:
    """The calendar day in Asia/Shanghai of an aware ``moment`` (a forum's start, a sweep's "now"),
    whatever the server's or the request's time zone: deadlines, visits and reports are days there."""
    return timezone.localtime(moment, SHANGHAI).date()


def today() -> datetime.date:
    """Today in Asia/Shanghai: the one "today" of every app; call it as ``dates.today()``."""
    return day_of(timezone.now())


def horizon(as_of: datetime.date | None = None) -> datetime.date:
    """The latest date a record may name: ``HORIZON_YEARS`` after today (29 Feb → 28 Feb)."""
    as_of = as_of or today()
    try:
        return as_of.replace(year=as_of.year + HORIZON_YEARS)
    except ValueError:
        return as_of.replace(year=as_of.year + HORIZON_YEARS, day=28)


def within_range(day: datetime.date, as_of: datetime.date | None = None) -> bool:
    return DATE_FLOOR <= day <= horizon(as_of)


def validate_date_in_range(day: datetime.date | None) -> None:
    """A form or filter date between the floor and the horizon; a Chinese ValidationError otherwise."""
    if day is not None and not within_range(day):
        raise ValidationError(
            _("日期应在 %(floor)s 至 %(latest)s 之间。"),
            code="date_out_of_range",
            params={"floor": DATE_FLOOR.isoformat(), "latest": horizon().isoformat()},
        )
