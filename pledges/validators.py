"""The rules of a pledge's fields, one each, used by the forms, the admin and the services: the
deadline (办理时限) and the evidence photo (small, and really an image by its first bytes: core.uploads)."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import dates
from core.dates import DATE_FLOOR, horizon
from core.uploads import UploadRule
from ledgers.validators import PHOTO_TOO_LARGE

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
# The field's FileExtensionValidator checks the name; the content may be any of the image types
# (a phone's .jpg that is really a PNG is still a photo).
EVIDENCE_PHOTO_UPLOAD = UploadRule(
    extensions=("jpg", "jpeg", "png", "webp"),
    max_bytes=MAX_EVIDENCE_BYTES,
    code="evidence_photo",
    too_large=_("佐证照片不能超过 5 MB。"),
    wrong_content=_("佐证照片须为 JPG、PNG 或 WebP 图片。"),
    content_by_extension=False,
)


def validate_evidence_photo(upload):
    """A progress report's photo: at most 5 MB and an image by its first bytes (kept by name: migrations name it)."""
    EVIDENCE_PHOTO_UPLOAD.validate(upload)


# The progress form: an evidence "photo" over the limit is cut off while it streams in.
limit_evidence_photo_upload = EVIDENCE_PHOTO_UPLOAD.limit_while_streaming(PHOTO_TOO_LARGE)


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
