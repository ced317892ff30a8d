from tests.matrix import (
    ADMIN_LOGIN,
    FORBIDDEN,
    NOT_ALLOWED,
    OK,
    REDIRECT,
    Case,
    everyone,
    signed_in,
)

# Who may enter the admin at all: staff users. Inside, model permissions decide.
STAFF_ONLY = everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK)

URLS = {
    "home": Case(expect=signed_in(REDIRECT)),
    "healthz": Case(expect=everyone(OK)),
    "login": Case(expect=everyone(REDIRECT, anonymous=OK)),
    "logout": Case(expect=everyone(NOT_ALLOWED), label="GET is refused; logout is a POST"),
    "set_language": Case(expect=everyone(REDIRECT), method="post", data=lambda w: {"language": "en", "next": "/"}),
    "password_change": Case(expect=signed_in(OK)),
    "password_change_done": Case(expect=signed_in(OK)),
    "core:audit_list": Case(expect=signed_in(FORBIDDEN, auditor=OK, superuser=OK)),
}

ADMIN_MODELS = {
    "core.auditevent": everyone(ADMIN_LOGIN, superuser=OK, office_admin=FORBIDDEN),
    "auth.user": STAFF_ONLY,
    "auth.group": everyone(ADMIN_LOGIN, superuser=OK, office_admin=FORBIDDEN),
    "axes.accessattempt": everyone(ADMIN_LOGIN, superuser=OK, office_admin=FORBIDDEN),
    "axes.accessfailurelog": everyone(ADMIN_LOGIN, superuser=OK, office_admin=FORBIDDEN),
    "axes.accesslog": everyone(ADMIN_LOGIN, superuser=OK, office_admin=FORBIDDEN),
}
