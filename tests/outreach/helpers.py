"""Objects and real .xlsx files for the outreach tests (used by the URL matrix too)."""

import datetime
import io

from openpyxl import Workbook

from campaigns.models import Campaign
from org.models import Cadre, OrgUnit
from outreach.importing import HouseholdImporter
from outreach.models import Household, HouseholdCategory, HouseholdMember, ImportJob, LiaisonPoint, Pairing
from outreach.validators import id_number_check_digit
from tests.factories import build_campaign

PHONE = "13812345678"


def valid_id(seq: int = 1) -> str:
    # Born 1980-01-01; the sequence varies the last three digits before the check character.
    first17 = f"37160219800101{seq % 1000:03d}"
    return first17 + id_number_check_digit(first17)


def bad_check_digit_id(seq: int = 1) -> str:
    good = valid_id(seq)
    wrong = "0" if good[-1] != "0" else "1"
    return good[:-1] + wrong


def campaign_for(world) -> Campaign:
    title = "下基层、访妇情、办实事"
    existing = Campaign.objects.filter(title=title).first()
    return existing or build_campaign(
        world.city, title=title, start=datetime.date(2026, 4, 1), end=datetime.date(2026, 12, 31)
    )


def household_in(village, number="0001", **fields) -> Household:
    defaults = {
        "head_name": f"户主{number}",
        "phone": PHONE,
        "id_number": valid_id(int(number) if number.isdigit() else 7),
        "members_count": 3,
    }
    defaults.update(fields)
    household, _ = Household.objects.get_or_create(village=village, number=number, defaults=defaults)
    return household


def member_in(household, name="小花", **flags) -> HouseholdMember:
    member, _ = HouseholdMember.objects.get_or_create(household=household, name=name, defaults=flags)
    return member


def cadre_of(user) -> Cadre:
    return Cadre.objects.get(user=user)


def pairing_for(world, household, cadre=None, **fields) -> Pairing:
    cadre = cadre or cadre_of(world.sibling_town_staff)
    pairing, _ = Pairing.objects.get_or_create(
        campaign=campaign_for(world),
        cadre=cadre,
        household=household,
        kind=fields.pop("kind", Pairing.Kind.SUPPORT),
        defaults={"start_date": datetime.date(2026, 4, 1), **fields},
    )
    return pairing


def liaison_in(world, village, pk=None) -> LiaisonPoint:
    fields = {"campaign": campaign_for(world), "village": village, "unit": OrgUnit.objects.get_parent(village)}
    if pk is not None:
        point, _ = LiaisonPoint.objects.get_or_create(pk=pk, defaults=fields)
        return point
    return LiaisonPoint.objects.create(**fields)


def job_by(user, unit, **fields) -> ImportJob:
    from django.core.files.base import ContentFile

    job = ImportJob(kind="households", unit=unit, uploaded_by=user, original_name="x.xlsx", **fields)
    job.file.save("x.xlsx", ContentFile(b"PK"), save=False)
    job.save()
    return job


def category(code="tekun") -> HouseholdCategory:
    return HouseholdCategory.objects.get(code=code)


def xlsx_bytes(rows, header=None) -> bytes:
    """A real .xlsx (openpyxl) with ``header`` (default: the household template's) and ``rows``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header if header is not None else HouseholdImporter.headers())
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def household_row(village_code, number, head="王秀英", phone=PHONE, id_number=None, categories="特困户", **extra):
    """One row in the household template's column order."""
    return [
        village_code,
        "",
        number,
        head,
        extra.get("members", 3),
        extra.get("address", "一组"),
        phone,
        id_number if id_number is not None else valid_id(int(number) if number.isdigit() else 1),
        categories,
        extra.get("notes", ""),
    ]


def counts(summary: dict) -> dict:
    """The counts of an import job's summary, without the listed changes and skipped examples."""
    return {k: v for k, v in summary.items() if k not in ("changes", "more_changes", "examples")}
