"""Which dates a visit may have: one rule, used by the forms, the admin and the services (so a
tampered post or a script is held to what the form says). A pledge's deadline rule is in
``pledges/validators.py``.

Bounds come from ``core.dates``: nothing before 2000 (a typo like 0026 for 2026), nothing more
than ten years ahead (9999).
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core import dates
from core.dates import DATE_FLOOR


def validate_visit_date(day: datetime.date, *, campaign=None, today: datetime.date | None = None) -> None:
    """A visit happened: not after today, not before its campaign started (nor before 2000).

    Raises ValidationError with a Chinese message.
    """
    today = today or dates.today()
    if day > today:
        raise ValidationError(_("走访日期不能晚于今天。"), code="visit_in_future")
    start = getattr(campaign, "start_date", None)
    if start is not None and day < start:
        raise ValidationError(
            _("走访日期不能早于主题活动“%(campaign)s”的开始日期 %(start)s。"),
            code="visit_before_campaign",
            params={"campaign": campaign.title, "start": start.isoformat()},
        )
    if day < DATE_FLOOR:
        raise ValidationError(
            _("走访日期不能早于 %(floor)s。"), code="visit_too_early", params={"floor": DATE_FLOOR.isoformat()}
        )
