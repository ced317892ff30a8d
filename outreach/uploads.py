"""Refusing oversized uploads while they stream in, before Django keeps them in memory or on disk.

Django's default handlers write any size of file to a temporary file before the view can look at
it; ``check_upload`` and the form's size check only run afterwards. ``SizeLimitUploadHandler`` is
put first in ``request.upload_handlers`` and stops the upload as soon as the file passes the
limit, so no more than the limit (plus one chunk) is ever kept.

The handler has to be installed before anything reads ``request.POST``, and the CSRF middleware
does: views using it are ``csrf_exempt`` and check the token themselves (``csrf_protect``) after
installing it (``limit_upload_size``). The form's CSRF token comes before the file in the body,
so the token is read even when the file is cut off.
"""

import functools

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .xlsx import max_upload_bytes

# Past this many bytes a request body is not even read to the end to answer politely: the
# connection is dropped (the browser shows a network error instead of the form message).
DISCARD_FACTOR = 5


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops the upload when a file exceeds ``limit`` bytes; nothing of the file is kept."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit
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
        return _("文件过大（上限为 %(size)s），已停止上传。请拆分后分批导入。") % {"size": size}


def limit_upload_size(view):
    """Install ``SizeLimitUploadHandler`` (as ``request.size_limit``) before CSRF reads the body."""
    protected = csrf_protect(view)

    @functools.wraps(view)
    @csrf_exempt
    def wrapper(request, *args, **kwargs):
        handler = SizeLimitUploadHandler(request, limit=max_upload_bytes())
        request.upload_handlers.insert(0, handler)
        request.size_limit = handler
        return protected(request, *args, **kwargs)

    return wrapper
