"""Checking uploads: oversized ones refused while they stream in, stored files by type, content and size.

Every file field declares an ``UploadRule`` (its allowed types, its size, its messages) and
validates with it; the first bytes are checked against ``SIGNATURES``, one table for every field.

Django's default handlers write any size of file to a temporary file before the view can look at
it; the forms' size checks only run afterwards. ``SizeLimitUploadHandler`` is put first in
``request.upload_handlers`` and stops the upload as soon as a file passes the limit, so no more
than the limit (plus one chunk) of any file is ever kept. Every upload view uses it, each with
its own limit and message: household imports (outreach), visit and pledge photos (ledgers), step
evidence (campaigns).

The handler has to be installed before anything reads ``request.POST``, and the CSRF middleware
does: views using it are ``csrf_exempt`` and check the token themselves (``csrf_protect``) after
installing it (``limit_upload_size``). The form's CSRF token comes before the file in the body,
so the token is read even when the file is cut off; the fields after the file are not, so a
view must not save anything when ``request.size_limit.exceeded``.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect

# Past this many bytes a request body is not even read to the end to answer politely: the
# connection is dropped (the browser shows a network error instead of the form message).
DISCARD_FACTOR = 5


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops the upload when a file exceeds ``limit`` bytes; nothing of the file is kept."""

    def __init__(self, request=None, *, limit: int, message: str):
        super().__init__(request)
        self.limit = limit
        self._message = message
        self.exceeded = False
        self.body_length = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.body_length = content_length or 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        # The part's own Content-Length, when the client sends one, tells before any data.
        if self.content_length is not None and self.content_length > self.limit:
            self._stop()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self._stop()
        return raw_data

    def file_complete(self, file_size):
        return None

    def _stop(self):
        self.exceeded = True
        # Reading (and discarding) a moderately large rest lets the page answer with a message;
        # a huge body is not worth reading at all.
        raise StopUpload(connection_reset=self.body_length > self.limit * DISCARD_FACTOR)

    def message(self) -> str:
        mb = round(self.limit / 1048576, 1)
        size = f"{mb:g} MB" if self.limit >= 1048576 else f"{self.limit // 1024} KB"
        return str(self._message) % {"size": size}


def limit_upload_size(*, limit: Callable[[], int], message: str):
    """Decorator: install ``SizeLimitUploadHandler`` (as ``request.size_limit``) before CSRF reads
    the body. ``limit()`` is the most bytes one file may have (read per request, so settings and
    tests may change it); ``message`` a (lazy) text with ``%(size)s``, shown when it is passed."""

    def decorator(view):
        protected = csrf_protect(view)

        @functools.wraps(view)
        @csrf_exempt
        def wrapper(request, *args, **kwargs):
            handler = SizeLimitUploadHandler(request, limit=limit(), message=message)
            request.upload_handlers.insert(0, handler)
            request.size_limit = handler
            return protected(request, *args, **kwargs)

        return wrapper

    return decorator


# --- what a stored file may be ----------------------------------------------------------------

# The first bytes of each type a field may accept, so that a renamed .exe is refused: the name
# is only the uploader's claim. WebP is RIFF with "WEBP" at byte 8.
SIGNATURES = {
    "pdf": ((b"%PDF", None),),
    "jpg": ((b"\xff\xd8\xff", None),),
    "jpeg": ((b"\xff\xd8\xff", None),),
    "png": ((b"\x89PNG\r\n\x1a\n", None),),
    "webp": ((b"RIFF", (8, b"WEBP")),),
    "doc": ((b"\xd0\xcf\x11\xe0", None),),
    "xls": ((b"\xd0\xcf\x11\xe0", None),),
    "docx": ((b"PK\x03\x04", None),),
    "xlsx": ((b"PK\x03\x04", None),),
}
_HEAD_BYTES = 16


def _looks_like(head: bytes, extension: str) -> bool:
    for start, marker in SIGNATURES[extension]:
        if head.startswith(start) and (marker is None or head[marker[0] : marker[0] + len(marker[1])] == marker[1]):
            return True
    return False


@dataclass(frozen=True)
class UploadRule:
    """What one file field accepts (types by name and first bytes, a size) and what its users read when refused.

    The messages are (lazy) texts formatted with ``ext`` (the name's extension), ``allowed`` (the
    extensions, listed), ``size`` (MB, float) and ``limit`` (MB, int), each using what it needs.
    ``wrong_type=None`` leaves the name to the field's own ``FileExtensionValidator``; ``empty=None``
    lets an empty file fail the content check. ``content_by_extension=False`` accepts the content of
    any allowed type whatever the name says (a .jpg that is really a PNG).
    """

    extensions: tuple[str, ...]
    max_bytes: int
    code: str  # ValidationError codes are ``<code>_type``, ``_size``, ``_empty``, ``_content``
    too_large: str
    wrong_content: str
    wrong_type: str | None = None
    empty: str | None = None
    content_by_extension: bool = True

    def __post_init__(self):
        unknown = set(self.extensions) - set(SIGNATURES)
        if unknown:
            raise ValueError(f"no signature for {sorted(unknown)}: add it to core.uploads.SIGNATURES")

    def validate(self, upload) -> None:
        """Raise ValidationError (in the field's words) unless ``upload`` is an allowed, small enough file."""
        if not upload:
            return
        name = (getattr(upload, "name", "") or "").lower()
        extension = name.rsplit(".", 1)[-1] if "." in name else ""
        params = {
            "ext": extension or _("无扩展名"),
            "allowed": pgettext("list separator", "、").join(self.extensions),
            "limit": self.max_bytes // 1024 // 1024,
        }
        if self.wrong_type is not None and extension not in self.extensions:
            raise ValidationError(self.wrong_type % params, code=f"{self.code}_type")
        size = getattr(upload, "size", None)
        if size is not None and size > self.max_bytes:
            raise ValidationError(self.too_large % {**params, "size": size / 1024 / 1024}, code=f"{self.code}_size")
        if self.empty is not None and size == 0:
            raise ValidationError(self.empty % params, code=f"{self.code}_empty")
        head = _head(upload)
        if head is None or (not head and self.empty is not None):
            return
        candidates = (extension,) if self.content_by_extension and extension in self.extensions else self.extensions
        if not any(_looks_like(head, candidate) for candidate in candidates):
            raise ValidationError(self.wrong_content % params, code=f"{self.code}_content")

    def limit_while_streaming(self, message: str):
        """The view decorator that cuts a file over ``max_bytes`` off as it streams in (``limit_upload_size``)."""
        return limit_upload_size(limit=lambda: self.max_bytes, message=message)


def _head(upload) -> bytes | None:
    """The first bytes of ``upload``, its position kept; None if it cannot be read."""
    if not (hasattr(upload, "seek") and hasattr(upload, "read")):
        return None
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(position)
    return head.encode() if isinstance(head, str) else head
