"""Account rules (MLPS level 3): password age and first-login change, idle and absolute session limits,
dormant accounts. The one place these rules live; ``core.middleware.AccountPolicyMiddleware``
enforces them on every request from what login stored in the session (no query per request).

Settings (all in config/settings/base.py, from the environment):
- ``ACCOUNT_PASSWORD_MAX_AGE_DAYS`` (90; 0 = never expires), warned ``ACCOUNT_PASSWORD_WARN_DAYS`` (7) before;
- ``ACCOUNT_DORMANT_DAYS`` (90; 0 = never): accounts not used for that long are disabled by a daily task;
- ``SESSION_IDLE_TIMEOUT`` (1800 s), warned ``SESSION_IDLE_WARNING`` (120 s) before, renewable;
- ``SESSION_ABSOLUTE_TIMEOUT`` (12 h from login, whatever the activity).
"""

import datetime
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .audit import CoreAudit, audit_record
from .models import AccountSecurity

# Session keys written at login and read by the middleware.
LOGIN_AT = "account_login_at"
LAST_SEEN = "account_last_seen"
PASSWORD_DUE = "account_password_due"  # noqa: S105  (a session key: when the password expires, ISO, or None)
MUST_CHANGE = "account_must_change"


@dataclass(frozen=True)
class PasswordState:
    must_change: bool
    expires_at: datetime.datetime | None

    def expired(self, now: datetime.datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    def days_left(self, now: datetime.datetime) -> int | None:
        if self.expires_at is None:
            return None
        # 2 days and 23 hours left reads "3 天内到期".
        return max(0, math.ceil((self.expires_at - now).total_seconds() / 86400))


def record_password_set(user, *, by_self: bool) -> None:
    """A password was set for ``user``: its age starts now; set by someone else, the owner must
    change it at the next login (a new account's first password, an administrator's reset)."""
    AccountSecurity.objects.update_or_create(
        user=user,
        defaults={"password_changed_at": timezone.now(), "must_change_password": not by_self},
    )


def mark_demo_accounts(users) -> None:
    """The local demo's accounts: their passwords neither expire nor must be changed (the login page says so)."""
    for user in users:
        AccountSecurity.objects.update_or_create(
            user=user, defaults={"demo_account": True, "must_change_password": False}
        )


def password_state(user) -> PasswordState:
    """Whether ``user`` must change their password now, and when it expires (one query)."""
    row = AccountSecurity.objects.filter(user=user).first()
    if row is not None and row.demo_account:
        return PasswordState(must_change=False, expires_at=None)
    max_age = settings.ACCOUNT_PASSWORD_MAX_AGE_DAYS
    set_at = (row.password_changed_at if row is not None else None) or user.date_joined
    expires_at = set_at + datetime.timedelta(days=max_age) if max_age > 0 else None
    return PasswordState(must_change=bool(row and row.must_change_password), expires_at=expires_at)


def start_session(request, user) -> None:
    """At login: remember when the session began and the password's state, for the middleware."""
    now = timezone.now().timestamp()
    request.session[LOGIN_AT] = now
    request.session[LAST_SEEN] = now
    refresh_password_state(request.session, user)


def refresh_password_state(session, user) -> None:
    """Store ``user``'s password state in their session (at login, and after they change it)."""
    state = password_state(user)
    session[MUST_CHANGE] = state.must_change
    session[PASSWORD_DUE] = state.expires_at.isoformat() if state.expires_at else None


def session_password_state(session) -> PasswordState:
    due = session.get(PASSWORD_DUE)
    return PasswordState(
        must_change=bool(session.get(MUST_CHANGE)),
        expires_at=datetime.datetime.fromisoformat(due) if due else None,
    )


def session_expiry(session, now: float) -> str | None:
    """Why the session has run out at ``now`` (epoch seconds): "idle", "absolute", or None."""
    login_at = session.get(LOGIN_AT)
    last_seen = session.get(LAST_SEEN)
    if login_at is not None and now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT:
        return "absolute"
    if last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT:
        return "idle"
    return None


def dormant_accounts(now: datetime.datetime | None = None):
    """Active accounts nobody has logged in to for ACCOUNT_DORMANT_DAYS (never-used ones count
    from the day they were made); the demo's accounts are left alone."""
    days = settings.ACCOUNT_DORMANT_DAYS
    users = get_user_model().objects.filter(is_active=True)
    if days <= 0:
        return users.none()
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    return users.filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)).exclude(
        security__demo_account=True
    )


def disable_dormant_accounts(*, now: datetime.datetime | None = None) -> int:
    """Disable every dormant account, each with an audit event; returns how many (the daily task)."""
    now = now or timezone.now()
    disabled = 0
    for user in dormant_accounts(now).iterator():
        with transaction.atomic():
            changed = get_user_model().objects.filter(pk=user.pk, is_active=True).update(is_active=False)
            if not changed:
                continue
            AccountSecurity.objects.update_or_create(user=user, defaults={"disabled_as_dormant_at": now})
            audit_record(
                action=CoreAudit.DORMANT_DISABLED,
                obj=user,
                actor_repr="system",
                detail={
                    "account": user.get_username(),
                    "last_login": user.last_login,
                    "days": settings.ACCOUNT_DORMANT_DAYS,
                },
            )
            disabled += 1
    return disabled
