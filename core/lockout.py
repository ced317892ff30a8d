"""Login lockout (django-axes, database handler): by account, and a separate, higher limit per address.

An account is locked after ``AXES_FAILURE_LIMIT`` failures within the cool-off, from any number
of addresses (a locked account stays locked whoever tries it). An address is refused after
``AXES_IP_FAILURE_LIMIT`` failures within the cool-off, whatever names it tries (password
spraying). The address is the client's, behind the configured proxies (core.request_context).
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

from .audit import CoreAudit, audit_record


def address_failures(ip_address, request) -> int:
    """Failed logins from ``ip_address`` within the cool-off, over every name tried."""
    if not ip_address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return address_failures(getattr(request, "axes_ip_address", None), request) >= settings.AXES_IP_FAILURE_LIMIT

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        ip_address = getattr(request, "axes_ip_address", None)
        failures = address_failures(ip_address, request)
        if failures >= settings.AXES_IP_FAILURE_LIMIT:
            request.axes_locked_out = True  # the lockout page (429), as for a locked account
        # Recorded once, when this failure brings the address to its limit.
        if failures == settings.AXES_IP_FAILURE_LIMIT:
            audit_record(
                action=CoreAudit.IP_BLOCKED,
                actor=None,
                request=request,
                success=False,
                detail={"ip_address": ip_address, "failures": settings.AXES_IP_FAILURE_LIMIT},
            )
