"""Validators for personal data in the household register."""

import datetime
import re
from operator import mul

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import dates

# A household has at least one person; 99 is the most the register's two-digit column holds and
# far above any real household (a typo like 100000 must not reach the pairing quotas).
MEMBERS_COUNT_MIN = 1
MEMBERS_COUNT_MAX = 99


def validate_members_count(value) -> None:
    """家庭人口: a whole number from 1 to 99 (model field, household form, admin and import)."""
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(_("家庭人口应填写1至99之间的整数。"), code="members_count")
    if not MEMBERS_COUNT_MIN <= value <= MEMBERS_COUNT_MAX:
        raise ValidationError(_("家庭人口应填写1至99之间的整数。"), code="members_count")


# GB 11643-1999: weights of the first 17 digits, and the check character for sum mod 11.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")


def id_number_check_digit(first17: str) -> str:
    if len(first17) != 17:
        raise ValueError("17 digits expected")
    # map/mul instead of a generator: imports check 100,000 IDs per file.
    return _CHECK[sum(map(mul, map(int, first17), _WEIGHTS)) % 11]


def validate_id_number(value: str, *, today: datetime.date | None = None) -> None:
    """GB 11643: 18 characters, a real birth date (digits 7-14) not after ``today``, check digit.

    ``today`` defaults to the local date; imports pass it once for the whole file.
    """
    value = (value or "").upper()
    if not _ID_PATTERN.match(value):
        raise ValidationError(_("身份证号应为18位，前17位为数字，末位为数字或X。"), code="id_format")
    birth = value[6:14]
    try:
        born = datetime.date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError:
        born = None
    if born is None or born.year < 1900:
        raise ValidationError(
            _("身份证号第7至14位的出生日期“%(birth)s”不是有效日期。"), code="id_birth_date", params={"birth": birth}
        )
    if born > (today or dates.today()):
        raise ValidationError(
            _("身份证号第7至14位的出生日期“%(birth)s”晚于今天。"), code="id_birth_future", params={"birth": birth}
        )
    if id_number_check_digit(value[:17]) != value[17]:
        raise ValidationError(_("身份证号校验位错误，请逐位核对号码。"), code="id_check_digit")


_PHONE_PATTERN = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")


def validate_phone(value: str) -> None:
    """A mainland mobile number (11 digits from 1) or a landline with its area code."""
    if value and not _PHONE_PATTERN.match(value):
        raise ValidationError(
            _("电话号码应为11位手机号（如13812345678）或带区号的固定电话（如0531-12345678）。"), code="phone_format"
        )
