"""The request being served, for audit events written far from the view (admin log, auth signals)."""

import ipaddress
from contextvars import ContextVar

from django.conf import settings

_current_request = ContextVar("minqing_current_request", default=None)


def set_current_request(request):
    return _current_request.set(request)


def reset_current_request(token):
    _current_request.reset(token)


def get_current_request():
    return _current_request.get()


def client_ip(request):
    """The client's address: the right-most hop that none of our own proxies wrote.

    With ``AUDIT_TRUSTED_PROXIES`` = n reverse proxies in front of the app, the last n addresses
    of X-Forwarded-For + REMOTE_ADDR are our proxies; the one before them is the client as the
    outermost proxy saw it. Everything further left was sent by the client and can be forged.
    With 0 (no proxy) the header is ignored. Also django-axes' client IP (settings).
    """
    if request is None:
        return None
    trusted = settings.AUDIT_TRUSTED_PROXIES
    remote = request.META.get("REMOTE_ADDR") or None
    if trusted <= 0:
        return _valid_ip(remote)
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    hops = [*forwarded, remote] if remote else forwarded
    if len(hops) <= trusted:
        # Fewer hops than proxies: the request did not come through them all; the header cannot be trusted.
        return _valid_ip(remote)
    return _valid_ip(hops[-(trusted + 1)])


def _valid_ip(value):
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None
