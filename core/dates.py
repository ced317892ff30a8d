"""The range of dates a record or a query may name: one floor and one horizon for every app.

A date before 2000 is a typo (0026 for 2026) or a probe, and one more than ten years ahead is
too (9999): no campaign, visit, demand or pledge of these offices lies outside that range. The
form fields, the import, the services and the query-string parsers all take their bounds here.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

DATE_FLOOR = datetime.date(2000, 1, 1)
HORIZON_YEARS = 10


def local_today() -> datetime.date:
    """Today in the site's time zone (Asia/Shanghai)."""
    return timezone.localdate()


def horizon(today: datetime.date | None = None) -> datetime.date:
    """The latest date a record may name: ``HORIZON_YEARS`` after today (29 Feb → 28 Feb)."""
    today = today or local_today()
    try:
        return today.replace(year=today.year + HORIZON_YEARS)
    except ValueError:
        return today.replace(year=today.year + HORIZON_YEARS, day=28)


def within_range(day: datetime.date, today: datetime.date | None = None) -> bool:
    return DATE_FLOOR <= day <= horizon(today)


def validate_date_in_range(day: datetime.date | None) -> None:
    """A form or filter date between the floor and the horizon; a Chinese ValidationError otherwise."""
    if day is not None and not within_range(day):
        raise ValidationError(
            _("日期应在 %(floor)s 至 %(latest)s 之间。"),
            code="date_out_of_range",
            params={"floor": DATE_FLOOR.isoformat(), "latest": horizon().isoformat()},
        )
