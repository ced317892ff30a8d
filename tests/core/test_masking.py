"""core.masking: one way to recognise and mask ID and phone numbers, in any spelling."""

import pytest
from django.core.exceptions import ValidationError

from core.masking import contains_personal_number, mask_id_number, mask_phone, mask_text, validate_public_text


@pytest.mark.parametrize(
    "text",
    [
        "联系电话：138 0013 8000",
        "138-0013-8000",
        "138.0013.8000",
        "138　0013　8000",  # ideographic spaces
        "１３８００１３８０００",  # full-width digits
        "+86 138 0013 8000",
        "＋８６１３８００１３８０００",
        "0086 13800138000",
        "tel13800138000",
    ],
)
def test_a_mobile_number_is_recognised_and_masked_in_any_spelling(text):
    assert contains_personal_number(text)
    masked = mask_text(text)
    assert "138****8000" in masked
    assert "0013" not in masked.replace("＋", "")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("身份证11010519491231002x", "身份证1101**********002X"),
        ("110105 19491231 002X", "1101**********002X"),
        ("旧证 110105491231002", "旧证 1101*******1002"),
        ("座机 3161234", "座机 *****34"),
        ("座机 0543-3161234", "座机 054****1234"),
    ],
)
def test_ids_and_landlines_are_masked_like_the_structured_fields(text, masked):
    assert mask_text(text) == masked


def test_structured_and_free_text_masks_agree():
    assert mask_phone("13812345678") == mask_text("13812345678") == "138****5678"
    assert mask_id_number("370102199001011234") == mask_text("370102199001011234") == "3701**********1234"
    # The ledgers copy showed a 7-digit phone in clear.
    assert mask_phone("3161234") == mask_text("3161234") == "*****34"


@pytest.mark.parametrize(
    "text",
    [
        "于2026-03-15前完成",
        "2026.3.5",
        "2026-03-15 10:30 入户",
        "2026.3.1-2026.6.30 完成",
        "2026.3.1—6.30 完成",
        "金额 50000元",
        "第3组12号",
        "3 x 4",
        "",
    ],
)
def test_dates_amounts_and_house_numbers_are_left_alone(text):
    assert not contains_personal_number(text)
    assert mask_text(text) == text


def test_masking_is_idempotent():
    once = mask_text("电话 138 0013 8000，证 11010519491231002X")
    assert mask_text(once) == once


@pytest.mark.parametrize(
    "text", ["联系电话：138 0013 8000", "138-0013-8000", "１３８００１３８０００", "11010519491231002x"]
)
def test_public_text_with_a_number_in_any_spelling_is_refused(text):
    with pytest.raises(ValidationError):
        validate_public_text(f"为群众办实事，{text}")


def test_public_text_without_numbers_passes():
    validate_public_text("2026-06-30 前完成道路硬化 3 公里")
