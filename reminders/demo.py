"""Demo reminders: compute every registered deadline's reminders and today's leader digests.

Nothing is delivered here: the Celery worker that `make run` starts (beat inside) dispatches
them within a minute, through the same path as production.
"""

from .registry import all_kinds
from .services import reminders_create_digests, reminders_sync_kind


def seed(*, context, stdout):
    created = 0
    for kind in all_kinds():
        created += reminders_sync_kind(kind_key=kind.key).created
    digests = reminders_create_digests()
    stdout.write(f"提醒：新建 {created} 条，领导每日摘要 {digests} 份（由 Celery 工作进程在一分钟内发送）")
