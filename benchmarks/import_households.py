"""Time the 100,000-row household import: our bulk importer vs django-import-export's default.

    export DATABASE_URL=postgres://root@127.0.0.1:5432/minqing_i4
    .venv/bin/python manage.py migrate
    .venv/bin/python benchmarks/import_households.py --rows 100000

It builds one real .xlsx of ``--rows`` households (100 villages of a benchmark township, IDs with
valid check digits, categories), then on the same file times:

1. Minqing's importer (outreach.services): safety checks, core.xlsx's streaming capped read,
   every-row check (the preview), then the all-or-nothing write with batched upserts; then the
   same file again (idempotent re-import: every row an update). The read alone is timed too,
   and against python-calamine (the reader it replaced) when that is installed.
2. django-import-export's default row-by-row mode (``HouseholdResource().import_data``, tablib
   reading with openpyxl), after deleting the rows so it creates them like run 1 did.

The benchmark's own units, user and households are removed at the start and the end.
"""

import argparse
import io
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from org.models import Cadre, OrgUnit  # noqa: E402
from outreach.importing import HouseholdImporter  # noqa: E402
from outreach.models import Household, HouseholdCategory, ImportJob  # noqa: E402
from outreach.validators import id_number_check_digit  # noqa: E402

PREFIX = "BENCH"
VILLAGES = 100


def cleanup():
    """Remove the benchmark's households and jobs. Its units and user stay: the audit trail
    (append-only) refers to them."""
    households = Household.objects.filter(village__code__startswith=f"{PREFIX}V")
    Household.categories.through.objects.filter(household__in=households).delete()
    households.delete()
    ImportJob.objects.filter(uploaded_by__username="bench_importer").delete()


def setup():
    township = OrgUnit.objects.filter(code=f"{PREFIX}T").first()
    if township is None:
        root = OrgUnit.objects.get_first_root_node()
        if root is None:
            root = OrgUnit.objects.add_root(
                create_kwargs={"code": f"{PREFIX}ROOT", "name": "基准测试市", "kind": "city"}
            )
        township = OrgUnit.objects.add_child(
            root, create_kwargs={"code": f"{PREFIX}T", "name": "基准测试镇", "kind": "township"}
        )
        for i in range(VILLAGES):
            OrgUnit.objects.add_child(
                township, create_kwargs={"code": f"{PREFIX}V{i:03d}", "name": f"基准村{i}", "kind": "village"}
            )
    User = get_user_model()
    user, _ = User.objects.get_or_create(username="bench_importer")
    Cadre.objects.get_or_create(user=user, defaults={"name": "基准导入员", "org_unit": township})
    return user


def build_file(rows: int) -> bytes:
    from openpyxl import Workbook

    rng = random.Random(11643)
    names = list(HouseholdCategory.objects.values_list("name", flat=True))
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("农户")
    sheet.append(HouseholdImporter.headers())
    for n in range(rows):
        first17 = (
            f"371602{rng.randint(1940, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
        )
        sheet.append(
            [
                f"{PREFIX}V{n % VILLAGES:03d}",
                "",
                f"{n // VILLAGES + 1:05d}",
                "王秀英",
                rng.randint(1, 6),
                f"{n // 20 + 1}组{n}号",
                f"13{rng.randint(0, 9)}{rng.randint(0, 99_999_999):08d}",
                first17 + id_number_check_digit(first17),
                "、".join(rng.sample(names, k=rng.choice((0, 0, 1, 1, 2)))),
                "",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def timed(label, func):
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    print(f"  {label:<58} {elapsed:8.2f} s")
    return result, elapsed


def run_minqing(user, data, label):
    from outreach.services import import_job_apply, import_job_check, import_job_create

    print(f"{label}:")
    job, t_upload = timed(
        "upload checks + store (size, zip, macros, bomb)",
        lambda: import_job_create(actor=user, kind="households", data=data, name="bench.xlsx"),
    )
    _, t_check = timed("preview: streaming read + check every row", lambda: import_job_check(job_id=job.pk))
    job.refresh_from_db()
    if job.status != ImportJob.Status.VALID:
        raise SystemExit(f"check failed: {job.errors[:5]}")
    _, t_apply = timed(
        "confirm: re-validate checked plan + COPY upsert (one transaction)", lambda: import_job_apply(job_id=job.pk)
    )
    job.refresh_from_db()
    if job.status != ImportJob.Status.DONE:
        raise SystemExit(f"import failed: {job.status} {job.message}")
    total = t_upload + t_check + t_apply
    print(f"  {'total (upload to committed)':<58} {total:8.2f} s   summary {job.summary}")
    return total


def run_read(data):
    """The read alone: core.xlsx against python-calamine (dense, from the sheet's extent)."""
    import resource

    from core.xlsx import read_rows

    print("reading the first sheet only:")
    rows, _t = timed("core.xlsx streaming capped reader (expat)", lambda: read_rows(data))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"  {len(rows)} rows; peak RSS of this process so far {peak} MB")
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        print("  python-calamine not installed: no comparison")
        return

    def calamine():
        return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python(skip_empty_area=False)

    timed("python-calamine to_python (the reader used before core.xlsx)", calamine)


def run_default(user, data, rows):
    """django-import-export's default: tablib/openpyxl read, then import_data row by row."""
    from import_export.formats.base_formats import XLSX

    from outreach.resources import HouseholdResource

    print("django-import-export default (row-by-row, use_bulk=False):")
    dataset, t_read = timed("tablib/openpyxl read", lambda: XLSX().create_dataset(data))
    resource = HouseholdResource(show_personal=True)
    result, t_import = timed(
        "import_data(dry_run=False) row by row",
        lambda: resource.import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True),
    )
    totals = result.totals
    print(f"  {'total':<58} {t_read + t_import:8.2f} s   new {totals.get('new')} update {totals.get('update')}")
    return t_read + t_import


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--skip-default", action="store_true", help="do not time django-import-export's default")
    parser.add_argument(
        "--default-rows",
        type=int,
        default=None,
        help="time the default mode on the first N rows of the same file (it runs ~40 ms/row here)",
    )
    args = parser.parse_args()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}  rows: {args.rows}")
    cleanup()
    user = setup()
    try:
        data, t_build = timed("building the test file (openpyxl write-only)", lambda: build_file(args.rows))
        print(f"  file size: {len(data) / 1048576:.1f} MB")
        run_read(data)
        first = run_minqing(user, data, "Minqing importer, new rows")
        second = run_minqing(user, data, "Minqing importer, same file again (all updates)")
        count = Household.objects.filter(village__code__startswith=f"{PREFIX}V").count()
        print(f"  households after two imports: {count} (expected {args.rows})")
        if not args.skip_default:
            households = Household.objects.filter(village__code__startswith=f"{PREFIX}V")
            Household.categories.through.objects.filter(household__in=households).delete()
            households.delete()
            default_data = data if args.default_rows is None else build_file(args.default_rows)
            default = run_default(user, default_data, args.default_rows or args.rows)
            print(f"\nsummary: minqing new {first:.1f} s, minqing re-import {second:.1f} s, default {default:.1f} s")
        else:
            print(f"\nsummary: minqing new {first:.1f} s, minqing re-import {second:.1f} s")
    finally:
        cleanup()


if __name__ == "__main__":
    main()
