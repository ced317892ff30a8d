"""Every demo role follows every link it can reach from home and submits nothing: no page may
answer 500, and no signed-in page may be cached. On the demo data of `make run` (seed_demo), SQLite and PostgreSQL.

The crawl is bounded: same-origin GETs only (links and htmx ``hx-get``), at most
``PAGES_PER_ROLE`` pages per role, and at most ``PER_PATTERN`` URLs per URL pattern and set of
query keys — ids, codes and filter values vary, the view and template do not — so a list of
2,000 households costs a few requests, not 2,000.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import Resolver404, resolve

DEMO_USERS = [
    "admin",
    "city_office",
    "city_leader",
    "county_leader",
    "town_staff",
    "town2_staff",
    "village_cadre",
    "auditor",
]
PAGES_PER_ROLE = 160
PER_PATTERN = 3
# Public pages anyone may cache (the pledge board printed as a QR code holds no personal data).
PUBLIC_VIEWS = {"pledges:public_board", "pledges:public_notice", "pledges:public_qr"}
# Not pages: leaving the session, switching the language, assets and uploaded files.
SKIPPED_PREFIXES = ("/logout/", "/admin/logout/", "/i18n/", "/static/", "/media/")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("href", "hx-get") if tag == "a" else ("hx-get",):
            if attributes.get(name):
                self.links.append(attributes[name])


def _links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.links


def _internal(base: str, href: str) -> str | None:
    """The same-origin path?query of a link, or None for anything else (other sites, anchors, js)."""
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "tel:", "data:")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if parts.path.startswith(SKIPPED_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _view_name(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return ""


def _pattern(url: str) -> tuple:
    """What a URL exercises: its route and the names of its query parameters."""
    parts = urlsplit(url)
    try:
        route = resolve(parts.path).route
    except Resolver404:
        route = parts.path
    return route, tuple(sorted({key for key, _value in parse_qsl(parts.query, keep_blank_values=True)}))


def crawl(client: Client, start: str = "/", *, signed_in: bool = True) -> tuple[list[tuple[str, str]], int]:
    """Breadth-first GETs from ``start``; returns (failures as (url, what), pages fetched).

    Signed in, every page and download must also forbid caching (it may hold personal data).
    """
    failures, seen, per_pattern = [], {start}, {}
    queue = deque([start])
    fetched = 0
    while queue and fetched < PAGES_PER_ROLE:
        url = queue.popleft()
        fetched += 1
        try:
            response = client.get(url)
        except Exception as exc:  # noqa: BLE001 - every crash is reported with its URL
            failures.append((url, f"{type(exc).__name__}: {exc}"))
            continue
        if response.status_code >= 500:
            failures.append((url, f"HTTP {response.status_code}"))
            continue
        cacheable = "no-store" not in response.get("Cache-Control", "")
        if signed_in and response.status_code == 200 and cacheable and _view_name(url) not in PUBLIC_VIEWS:
            failures.append((url, f"Cache-Control: {response.get('Cache-Control', '(none)')}"))
        candidates = []
        if response.status_code in (301, 302, 303, 307, 308):
            candidates = [response["Location"]]
        elif response.get("Content-Type", "").startswith("text/html") and not response.streaming:
            candidates = _links(response.content.decode(errors="replace"))
        for href in candidates:
            target = _internal(url, href)
            if target is None or target in seen:
                continue
            key = _pattern(target)
            if per_pattern.get(key, 0) >= PER_PATTERN:
                continue
            per_pattern[key] = per_pattern.get(key, 0) + 1
            seen.add(target)
            queue.append(target)
    return failures, fetched


@pytest.mark.django_db
def test_every_demo_role_follows_every_link_without_a_server_error(django_user_model):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123
    report = []
    for username in DEMO_USERS:
        client = Client()
        client.force_login(django_user_model.objects.get(username=username))
        failures, fetched = crawl(client)
        assert fetched > 5, f"{username} reached only {fetched} pages: the crawl is not following links"
        report += [f"{username}: {url} → {what}" for url, what in failures]
    anonymous_failures, _fetched = crawl(Client(), start="/login/", signed_in=False)
    report += [f"anonymous: {url} → {what}" for url, what in anonymous_failures]
    assert not report, "pages that answer 500 or may be cached:\n" + "\n".join(report)
