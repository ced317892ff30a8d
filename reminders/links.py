"""Absolute addresses for messages read outside the site (e-mail, SMS).

Reminders store site-relative paths (the inbox links them as they are); anything that leaves the
site is rendered with REMINDERS_SITE_URL in front, because a mail client has no host to resolve
``/ledgers/pledges/5/`` against, and a Celery worker has no request to take one from.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def site_url() -> str:
    """REMINDERS_SITE_URL without its trailing slash (it may carry a path prefix: https://host/minqing)."""
    return (getattr(settings, "REMINDERS_SITE_URL", "") or DEFAULT_SITE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """``path`` under the site's public address; already absolute URLs and empty paths pass through."""
    if not path or urlsplit(path).scheme:
        return path
    return f"{site_url()}/{path.lstrip('/')}"


@checks.register(checks.Tags.compatibility, deploy=True)
def check_site_url(app_configs=None, **kwargs):
    """``check --deploy``: e-mailed links must not point at the loopback default."""
    host = urlsplit(site_url()).hostname or ""
    if host in ("127.0.0.1", "localhost", "::1"):
        return [
            checks.Warning(
                "REMINDERS_SITE_URL points at this machine; links in reminder e-mails will not open elsewhere.",
                hint="Set MINQING_SITE_URL to the site's public address, e.g. https://minqing.example.gov.cn",
                id="reminders.W001",
            )
        ]
    return []
