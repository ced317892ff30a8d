"""One writer of the SQLite hammer test: read-modify-write transactions through Django's connection.

Run as ``python -m tests.core.sqlite_hammer <iterations>`` with DJANGO_SETTINGS_MODULE and
DATABASE_URL set; prints ``ok`` or the error. A deferred transaction that reads and then writes
is what fails with "database is locked" when another process writes meanwhile.
"""

import sys

import django


def main(iterations: int) -> None:
    django.setup()
    from django.db import connection, transaction

    for _ in range(iterations):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT n FROM hammer_counter WHERE id = 1")
            (n,) = cursor.fetchone()
            cursor.execute("UPDATE hammer_counter SET n = %s WHERE id = 1", [n + 1])
            cursor.execute("INSERT INTO hammer_log (seen) VALUES (%s)", [n])
        with connection.cursor() as cursor:  # a reader between writes, as a page is
            cursor.execute("SELECT count(*) FROM hammer_log")
    print("ok")


if __name__ == "__main__":
    try:
        main(int(sys.argv[1]))
    except Exception as exc:  # noqa: BLE001 - reported to the test, which fails on it
        print(f"error: {exc}")
        sys.exit(1)
