"""Refusing oversized uploads while they stream in, before Django keeps them in memory or on disk.

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

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
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
