"""Build the city-scale benchmark data set on PostgreSQL (see evaluations/benchdata.py)."""

import time

from django.core.management.base import BaseCommand, CommandError

from evaluations import benchdata


class Command(BaseCommand):
    help = (
        "Build the city-scale benchmark data set (≈4,300 units, 20,000 cadres, 1,000,000 households, "
        "10,000,000 visits, 300,000 demands, 30,000 pledges at --scale 1) with COPY. PostgreSQL only; "
        "idempotent: a second run adds nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="fraction of the city to build (0.01 for a quick set); default 1"
        )

    def handle(self, *args, scale, **options):
        if not 0 < scale <= 2:
            raise CommandError("--scale must be above 0 and at most 2.")
        started = time.monotonic()
        try:
            benchdata.build(scale=scale, stdout=self.stdout)
        except benchdata.BenchDataError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"bench data ready in {elapsed:.0f} s"))
        for table, rows in benchdata.counts().items():
            self.stdout.write(f"  {table:<16} {rows:>12,}")
