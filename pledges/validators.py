"""The rules of a pledge's fields, one each, used by the forms, the admin and the services: the
deadline (办理时限) and the evidence photo (small, and really an image by its first bytes)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import dates
from core.dates import DATE_FLOOR, horizon
from core.uploads import limit_upload_size
from ledgers.validators import PHOTO_TOO_LARGE

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024

# Magic numbers of the formats we accept; the extension alone is the uploader's claim.
_SIGNATURES = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
)


def _looks_like_image(head: bytes) -> bool:
    if any(head.startswith(signature) for signature, _name in _SIGNATURES):
        return True
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def validate_evidence_photo(upload):
    if not upload:
        return
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(_("佐证照片不能超过 5 MB。"), code="too_large")
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(16)
    upload.seek(position)
    if not _looks_like_image(head):
        raise ValidationError(_("佐证照片须为 JPG、PNG 或 WebP 图片。"), code="not_an_image")


# The progress form: an evidence "photo" over the limit is cut off while it streams in.
limit_evidence_photo_upload = limit_upload_size(limit=lambda: MAX_EVIDENCE_BYTES, message=PHOTO_TOO_LARGE)


def validate_pledge_deadline(day: datetime.date, *, new: bool = False, today: datetime.date | None = None) -> None:
    """A pledge's 办理时限: a new pledge's is not in the past; none is past the horizon (ten years).

    A pledge that is already overdue keeps its past deadline when other fields are edited.
    Raises ValidationError with a Chinese message.
    """
    today = today or dates.today()
    if new and day < today:
        raise ValidationError(gettext("办理时限不能早于今天。"), code="deadline_in_past")
    latest = horizon(today)
    if day > latest:
        raise ValidationError(
            gettext("办理时限不能晚于 %(latest)s（十年以内）。"),
            code="deadline_too_far",
            params={"latest": latest.isoformat()},
        )
    if day < DATE_FLOOR:
        raise ValidationError(
            gettext("办理时限不能早于 %(floor)s。"), code="deadline_too_early", params={"floor": DATE_FLOOR.isoformat()}
        )
