"""Upload limits for visit photos: a village phone sends JPEG/PNG/WebP, and offices have small disks."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.uploads import limit_upload_size

MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TOO_LARGE = _("照片过大（上限为 %(size)s），已停止上传。请缩小照片后重新选择。")
_SIGNATURES = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "webp": (b"RIFF",),
}


def validate_photo(file) -> None:
    """Refuse files over 5 MB and anything whose name or first bytes are not JPEG/PNG/WebP."""
    name = (getattr(file, "name", "") or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if extension not in _SIGNATURES:
        raise ValidationError(_("照片只能是 JPG、PNG 或 WebP 格式。"), code="photo_type")
    if file.size is not None and file.size > MAX_PHOTO_BYTES:
        raise ValidationError(_("照片不能超过 5 MB。"), code="photo_size")
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(12)
    file.seek(position)
    if isinstance(head, str):
        head = head.encode()
    ok = any(head.startswith(sig) for sig in _SIGNATURES[extension])
    if extension == "webp":
        ok = ok and head[8:12] == b"WEBP"
    if not ok:
        raise ValidationError(_("照片内容与格式不符，请上传真实的图片文件。"), code="photo_content")


# Views taking visit photos: a "photo" over the limit is cut off while it streams in.
limit_photo_upload = limit_upload_size(limit=lambda: MAX_PHOTO_BYTES, message=PHOTO_TOO_LARGE)
