"""When the database cannot be reached, the user gets 503 with Retry-After, not a 500 page.

Only failures of the connection count: a server that is down, restarting or has dropped the
connection, and an SQLite file that cannot be opened or stays locked past the busy timeout.
Programming errors (a missing table, bad SQL, a broken constraint) still answer 500 and are
logged as such.
"""

import logging

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30

# SQLite reports "no such table" and syntax errors as OperationalError too; these are the
# messages of a file that is unusable for now.
_SQLITE_UNAVAILABLE = ("unable to open database", "database is locked", "disk i/o error")


def is_database_unavailable(exc: BaseException | None) -> bool:
    """True when ``exc`` says the database connection is unusable (not a programming error)."""
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    conn = connections[DEFAULT_DB_ALIAS]
    if conn.vendor != "sqlite" or conn.connection is None:
        # PostgreSQL raises OperationalError only for the server and the connection (shut down,
        # terminated, unreachable, out of connections, statement cancelled); its programming
        # errors are ProgrammingError, IntegrityError and DataError.
        return True
    message = str(exc).lower()
    return any(part in message for part in _SQLITE_UNAVAILABLE)


def database_unavailable_response() -> HttpResponse:
    """The 503 page. Rendered with no request: context processors would query the database."""
    response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def log_unavailable(request, exc: BaseException) -> None:
    logger.warning("database unavailable on %s %s: %s", request.method, request.path, exc)
