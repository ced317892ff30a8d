"""Validators for personal data in the household register."""

import datetime
import re
from operator import mul

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    if born > (today or timezone.localdate()):
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
