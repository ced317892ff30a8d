"""The URL × role permission matrix: what each role gets from every URL of the project.

Every app lists its URLs in ``tests/<app>/url_matrix.py``:

    URLS = {"app:name": Case(expect={...}, kwargs=lambda w: {...}), ...}   # or a list of Cases
    ADMIN_MODELS = {"app_label.model": {role: expectation, ...}}             # admin changelists

``tests/test_url_matrix.py`` walks every URL pattern of the project, admin included, and fails
on any URL that no app classified; then it requests each case as each role.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

OK = 200
NO_CONTENT = 204
FORBIDDEN = 403
NOT_FOUND = 404
NOT_ALLOWED = 405
LOGIN = "login"  # 302 to the login page
ADMIN_LOGIN = "admin_login"  # 302 to the admin login page
REDIRECT = "redirect"  # 302 anywhere else (e.g. home sending a role to its page)


@dataclass
class Case:
    expect: dict[str, object]
    kwargs: Callable | None = None
    method: str = "get"
    data: Callable | None = None
    label: str = ""
    extra: dict = field(default_factory=dict)


def everyone(value, **overrides):
    from tests.conftest import ROLE_USERS

    expect = dict.fromkeys(ROLE_USERS, value)
    expect.update(overrides)
    return expect


def signed_in(value, **overrides):
    return everyone(value, anonymous=LOGIN, **overrides)


def collect():
    urls, admin_models = {}, {}
    for path in sorted(Path(__file__).parent.glob("*/url_matrix.py")):
        module = import_module(f"tests.{path.parent.name}.url_matrix")
        for name, cases in getattr(module, "URLS", {}).items():
            assert name not in urls, f"{name} classified twice"
            urls[name] = cases if isinstance(cases, list) else [cases]
        admin_models.update(getattr(module, "ADMIN_MODELS", {}))
    return urls, admin_models
