from tests.core.stored_files import file_kwargs
from tests.matrix import (
    ADMIN_LOGIN,
    FORBIDDEN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    Case,
    everyone,
    signed_in,
)

# Roles that see township A2: itself, its county, the city.
A2 = {"superuser": OK, "office_admin": OK, "county_leader": OK, "sibling_town_staff": OK, "auditor": OK}

# Who may enter the admin at all: staff users. Inside, model permissions decide.
STAFF_ONLY = everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK)

URLS = {
    "home": Case(expect=signed_in(REDIRECT)),
    "healthz": Case(expect=everyone(OK)),
    "moved_outreach_page": Case(kwargs=lambda w: {"page": "forums/"}, expect=everyone(REDIRECT)),
    "login": Case(expect=everyone(REDIRECT, anonymous=OK)),
    "logout": Case(expect=everyone(NOT_ALLOWED), label="GET is refused; logout is a POST"),
    "set_language": Case(expect=everyone(REDIRECT), method="post", data=lambda w: {"language": "en", "next": "/"}),
    "password_change": Case(expect=signed_in(OK)),
    "password_change_done": Case(expect=signed_in(OK)),
    # 继续使用 on the idle warning; signed out there is nothing to renew (401, no login page).
    "session_keepalive": [
        Case(label="GET is refused; renewing is a POST", expect=everyone(NOT_ALLOWED)),
        Case(label="renew the session", method="post", expect=everyone(OK, anonymous=401)),
    ],
    "core:audit_list": Case(expect=signed_in(FORBIDDEN, auditor=OK, superuser=OK)),
    # Stored files of township A2 (tests/core/stored_files.py). Anonymous users get 404 like any
    # outsider: a file address says nothing, and leads to no login page.
    "core:file": [
        Case(label="a visit photo of village A2", kwargs=file_kwargs("visit-photo"), expect=everyone(NOT_FOUND, **A2)),
        Case(label="a pledge progress photo", kwargs=file_kwargs("pledge-photo"), expect=everyone(NOT_FOUND, **A2)),
        Case(
            label="step evidence of township A2",
            kwargs=file_kwargs("step-evidence"),
            expect=everyone(NOT_FOUND, **{**A2, "auditor": FORBIDDEN}),
        ),
        Case(
            label="a report attachment of township A2",
            kwargs=file_kwargs("report-attachment"),
            expect=everyone(NOT_FOUND, **A2),
        ),
        Case(
            label="an import workbook uploaded in township A2",
            kwargs=file_kwargs("import-workbook"),
            expect=everyone(NOT_FOUND, sibling_town_staff=OK),
        ),
        Case(
            label="its checked rows",
            kwargs=file_kwargs("import-plan"),
            expect=everyone(NOT_FOUND, sibling_town_staff=OK),
        ),
        Case(label="an unknown kind", kwargs=lambda w: {"kind": "nope", "pk": 1}, expect=everyone(NOT_FOUND)),
    ],
}

ADMIN_MODELS = {
    "core.auditevent": everyone(ADMIN_LOGIN, superuser=OK, office_admin=FORBIDDEN),
    "auth.user": STAFF_ONLY,
    "auth.group": everyone(ADMIN_LOGIN, superuser=OK, office_admin=FORBIDDEN),
    "axes.accessattempt": everyone(ADMIN_LOGIN, superuser=OK, office_admin=FORBIDDEN),
    "axes.accessfailurelog": everyone(ADMIN_LOGIN, superuser=OK, office_admin=FORBIDDEN),
    "axes.accesslog": everyone(ADMIN_LOGIN, superuser=OK, office_admin=FORBIDDEN),
}
