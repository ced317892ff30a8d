"""One stored file of every kind, all owned by township A2, for the URL matrix and the file tests.

The import job is sibling_town_staff's own upload (township A2): only its uploader reads it back.
"""

import datetime
import gzip

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from evaluations.models import Report
from ledgers.models import VisitPhoto
from outreach.models import ImportJob
from pledges.models import PledgeProgress
from tests.campaigns.plans import PDF_BYTES, assignment_for
from tests.ledgers.conftest import build_ledger
from tests.pledges.helpers import cached_pledge

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
XLSX = b"PK\x03\x04" + "户主 王大海 371602199001011234 13700002222".encode()
PLAN = gzip.compress('{"total": 1, "plan": [["王大海", "371602199001011234"]]}'.encode())

KINDS = ("visit-photo", "pledge-photo", "step-evidence", "report-attachment", "import-workbook", "import-plan")


def stored_files(w) -> dict[str, object]:
    """{kind: the object holding a file of that kind}, made once per test world."""
    cache = w.__dict__.setdefault("_stored_files", {})
    if cache:
        return cache
    ledger = build_ledger(w)
    photo = VisitPhoto.objects.create(visit=ledger.visit_a2, image=SimpleUploadedFile("院墙.png", PNG))
    progress = PledgeProgress.objects.create(
        pledge=cached_pledge(w, "published_a2", w.village_a2),
        reported_on=datetime.date(2026, 6, 1),
        percent=10,
        note="现场照片",
        photo=SimpleUploadedFile("现场.jpg", JPEG),
        reported_by=w.superuser,
    )
    evidence = assignment_for(w.county_a, w.town_a2, with_evidence=True)
    report = Report.objects.create(
        campaign=ledger.campaign,
        unit=w.town_a2,
        title="两个月工作汇总",
        due_date=datetime.date(2026, 5, 1),
        attachment=SimpleUploadedFile("工作汇总.pdf", PDF_BYTES),
    )
    job = ImportJob(
        kind="households",
        status=ImportJob.Status.VALID,
        unit=w.town_a2,
        uploaded_by=w.sibling_town_staff,
        original_name="甲二村名册.xlsx",
    )
    job.file.save("households.xlsx", ContentFile(XLSX), save=False)
    job.plan.save("plan.json.gz", ContentFile(PLAN), save=False)
    job.save()
    cache.update(
        {
            "visit-photo": photo,
            "pledge-photo": progress,
            "step-evidence": evidence,
            "report-attachment": report,
            "import-workbook": job,
            "import-plan": job,
        }
    )
    return cache


def file_kwargs(kind):
    return lambda w: {"kind": kind, "pk": stored_files(w)[kind].pk}
