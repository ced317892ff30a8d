from tests.matrix import ADMIN_LOGIN, FORBIDDEN, NOT_FOUND, OK, REDIRECT, Case, everyone, signed_in

from .helpers import make_message


def _failed_in_village_a2(w):
    return {"pk": make_message(w.sibling_town_staff, unit=w.village_a2, channel="sms", status="failed").pk}


URLS = {
    "reminders:inbox": Case(expect=signed_in(OK)),
    "reminders:bell": Case(expect=signed_in(OK)),
    "reminders:preferences": Case(expect=signed_in(OK)),
    "reminders:mark_all_read": Case(expect=signed_in(REDIRECT), method="post"),
    # A message is its recipient's alone: everyone else gets 404, the superuser included.
    "reminders:message_detail": Case(
        label="town_staff's message",
        kwargs=lambda w: {"pk": make_message(w.town_staff).pk},
        expect=signed_in(NOT_FOUND, town_staff=OK),
    ),
    "reminders:mark_read": Case(
        label="town_staff's message",
        method="post",
        kwargs=lambda w: {"pk": make_message(w.town_staff).pk},
        expect=signed_in(NOT_FOUND, town_staff=REDIRECT),
    ),
    "reminders:due_list": Case(expect=signed_in(OK)),
    "reminders:failures": Case(expect=signed_in(FORBIDDEN, superuser=OK, office_admin=OK)),
    "reminders:delivery_retry": Case(
        label="a failed SMS in village A2",
        method="post",
        kwargs=_failed_in_village_a2,
        expect=signed_in(FORBIDDEN, superuser=REDIRECT, office_admin=REDIRECT),
    ),
}

ADMIN_MODELS = {
    "reminders.reminderrule": everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK),
    "reminders.reminder": everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK),
    "reminders.delivery": everyone(ADMIN_LOGIN, superuser=OK, office_admin=OK),
}
