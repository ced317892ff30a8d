"""Channel plumbing: the SMS backend interface and the errors every channel raises.

An office plugs in its SMS provider by writing a class with ``send(*, phone, text,
idempotency_key)`` and naming it in the ``REMINDERS_SMS_BACKEND`` setting. Raise
``TransientChannelError`` for what may work later (timeouts, rate limits, provider 5xx): the
delivery is retried with backoff. Anything else marks the delivery failed at once.
``idempotency_key`` is unique per delivery; pass it to providers that de-duplicate on it.
"""

import logging

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("reminders.sms")


class TransientChannelError(Exception):
    """The channel may accept the message later: retry with backoff."""


class PermanentChannelError(Exception):
    """The channel will never accept this message (bad address, refused number)."""


class SmsBackend:
    def send(self, *, phone: str, text: str, idempotency_key: str) -> None:
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    """Writes each SMS to the log instead of sending it: the default until an office plugs in a provider."""

    def send(self, *, phone: str, text: str, idempotency_key: str) -> None:
        masked = f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"
        logger.info("SMS to %s [%s]: %s", masked, idempotency_key, text)


def get_sms_backend() -> SmsBackend:
    path = getattr(settings, "REMINDERS_SMS_BACKEND", "reminders.channels.LoggingSmsBackend")
    return import_string(path)()
