"""Upload limits for visit photos: a village phone sends JPEG/PNG/WebP, and offices have small disks."""

from django.utils.translation import gettext_lazy as _

from core.uploads import UploadRule

MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TOO_LARGE = _("照片过大（上限为 %(size)s），已停止上传。请缩小照片后重新选择。")
PHOTO_UPLOAD = UploadRule(
    extensions=("jpg", "jpeg", "png", "webp"),
    max_bytes=MAX_PHOTO_BYTES,
    code="photo",
    wrong_type=_("照片只能是 JPG、PNG 或 WebP 格式。"),
    too_large=_("照片不能超过 5 MB。"),
    wrong_content=_("照片内容与格式不符，请上传真实的图片文件。"),
)


def validate_photo(file) -> None:
    """Refuse files over 5 MB and anything whose name or first bytes are not JPEG/PNG/WebP."""
    PHOTO_UPLOAD.validate(file)


# Views taking visit photos: a "photo" over the limit is cut off while it streams in.
limit_photo_upload = PHOTO_UPLOAD.limit_while_streaming(PHOTO_TOO_LARGE)
