"""An SMS backend for the integration tests: the real worker process appends each SMS to a file.

If ``<log>.crash`` exists when a message is sent, the backend removes it and kills its own
process right after sending (``os._exit``): a worker dying between the send and the "sent" mark.
"""

import os
from pathlib import Path


class FileSmsBackend:
    def send(self, *, phone: str, text: str, idempotency_key: str) -> None:
        log = Path(os.environ["REMINDERS_TEST_SMS_LOG"])
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"{idempotency_key}\t{phone}\t{text}\n")
            fh.flush()
            os.fsync(fh.fileno())
        crash = log.with_name(log.name + ".crash")
        if crash.exists():
            crash.unlink()
            os._exit(1)
