"""Walk every URL of the project and check each role gets what the matrix says."""

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import ROLE_USERS
from tests.matrix import ADMIN_LOGIN, LOGIN, REDIRECT, collect

URLS, ADMIN_MODELS = collect()

# Admin URLs that belong to no model; their access is Django's own.
GENERIC_ADMIN = {
    "index",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "jsi18n",
    "autocomplete",
    "view_on_site",
    "app_list",
    "javascript-catalog",
}


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}{entry.namespace}:"
            yield from _walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern):
            yield namespace, entry


def _all_url_names():
    names, unnamed = set(), []
    for namespace, pattern in _walk(get_resolver().url_patterns):
        if pattern.name is None:
            if namespace != "admin:":  # the admin's catch-all view has no name
                unnamed.append(str(pattern.pattern))
            continue
        names.add(f"{namespace}{pattern.name}")
    return names, unnamed


def _admin_model_names():
    owned = {}
    for model, model_admin in admin.site._registry.items():
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        owned[prefix] = (label, model_admin)
    return owned


def test_every_url_is_classified():
    names, unnamed = _all_url_names()
    assert not unnamed, f"URL patterns without a name cannot be classified: {unnamed}"
    admin_prefixes = _admin_model_names()
    unclassified = []
    for name in sorted(names):
        if name.startswith("admin:"):
            short = name.removeprefix("admin:")
            if short in GENERIC_ADMIN:
                continue
            owner = next((label for prefix, (label, _) in admin_prefixes.items() if name.startswith(prefix)), None)
            if owner is None or owner not in ADMIN_MODELS:
                unclassified.append(name)
            continue
        if name not in URLS:
            unclassified.append(name)
    assert not unclassified, (
        "These URLs are not in any tests/<app>/url_matrix.py; say what every role gets: " + ", ".join(unclassified)
    )


def test_every_registered_admin_model_is_classified():
    missing = {label for label, _ in _admin_model_names().values()} - set(ADMIN_MODELS)
    assert not missing, f"admin models not in ADMIN_MODELS: {sorted(missing)}"


def _check(response, expected, role, what):
    if expected == LOGIN:
        ok = response.status_code == 302 and response["Location"].startswith(reverse("login"))
    elif expected == ADMIN_LOGIN:
        ok = response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    elif expected == REDIRECT:
        ok = response.status_code == 302
    else:
        ok = response.status_code == expected
    location = response.get("Location", "")
    assert ok, f"{what} as {role}: expected {expected}, got {response.status_code} {location}"


@pytest.mark.parametrize("name", sorted(URLS))
def test_url_role_matrix(name, world, client_for):
    for case in URLS[name]:
        assert set(case.expect) == set(ROLE_USERS), f"{name}: the matrix must say what every role gets"
        url = reverse(name, kwargs=case.kwargs(world) if case.kwargs else None)
        for role in ROLE_USERS:
            client = client_for(world.users[role])
            data = case.data(world) if case.data else None
            response = getattr(client, case.method)(url, data=data)
            _check(response, case.expect[role], role, f"{case.method.upper()} {url} {case.label}")


@pytest.mark.parametrize("label", sorted(ADMIN_MODELS))
def test_admin_changelist_matrix(label, world, client_for):
    app_label, model_name = label.split(".")
    url = reverse(f"admin:{app_label}_{model_name}_changelist")
    expect = ADMIN_MODELS[label]
    assert set(expect) == set(ROLE_USERS), f"{label}: the matrix must say what every role gets"
    for role in ROLE_USERS:
        response = client_for(world.users[role]).get(url)
        _check(response, expect[role], role, f"GET {url}")
