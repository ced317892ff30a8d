"""Login lockout (django-axes, database handler): by account, and a separate, higher limit per address.

An account is locked after ``AXES_FAILURE_LIMIT`` failures within the cool-off, from any number
of addresses (a locked account stays locked whoever tries it). An address is refused after
``AXES_IP_FAILURE_LIMIT`` failures within the cool-off, whatever names it tries (password
spraying). The address is the client's, behind the configured proxies (core.request_context).
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
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
    """AXES_LOCKOUT_PARAMETERS names both "username" and "ip_address"; the two have different limits.

    django-axes counts every parameter against one limit and, on a successful login, forgets the
    records of each: a colleague logging in from the office address would then unlock an account
    an attacker locked from it. Here the account's count, reset and lockout signal are the
    account's alone (``filter_user_attempts``), and the address is checked against its own,
    higher limit (``is_locked``).
    """

    def filter_user_attempts(self, request, credentials=None):
        return [AccessAttempt.objects.filter(username=get_client_username(request, credentials))]

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
