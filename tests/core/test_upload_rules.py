"""One upload check for every file field: the type by name and first bytes, the size, the field's own words."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from campaigns.validation import EVIDENCE_UPLOAD
from core.uploads import UploadRule
from ledgers.validators import PHOTO_UPLOAD

JPEG = b"\xff\xd8\xff\xe0" + bytes(20)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(20)
WEBP = b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(8)


def _refusal(rule, name, content):
    with pytest.raises(ValidationError) as refused:
        rule.validate(SimpleUploadedFile(name, content))
    return refused.value


def test_a_rule_names_only_types_it_can_recognise():
    with pytest.raises(ValueError, match="exe"):
        UploadRule(extensions=("exe",), max_bytes=1, code="x", too_large="big", wrong_content="bad")


@pytest.mark.parametrize(("name", "content"), [("a.jpg", JPEG), ("a.JPEG", JPEG), ("a.png", PNG), ("a.webp", WEBP)])
def test_real_photos_pass_and_the_file_position_is_kept(name, content):
    upload = SimpleUploadedFile(name, content)
    upload.seek(3)
    PHOTO_UPLOAD.validate(upload)
    assert upload.tell() == 3


def test_each_refusal_speaks_the_fields_words_and_code():
    assert _refusal(PHOTO_UPLOAD, "a.gif", b"GIF89a").messages == ["照片只能是 JPG、PNG 或 WebP 格式。"]
    refused = _refusal(PHOTO_UPLOAD, "a.jpg", PNG)  # the content must be what the name says
    assert refused.code == "photo_content"
    assert _refusal(PHOTO_UPLOAD, "a.webp", b"RIFF\x00\x00\x00\x00AVI LIST").code == "photo_content"
    assert _refusal(PHOTO_UPLOAD, "a.jpg", JPEG + bytes(5 * 1024 * 1024)).messages == ["照片不能超过 5 MB。"]
    assert _refusal(EVIDENCE_UPLOAD, "a.exe", b"MZ").messages == [
        "不支持的文件类型“exe”，只能上传：pdf、jpg、jpeg、png、doc、docx、xls、xlsx。"
    ]
    assert _refusal(EVIDENCE_UPLOAD, "noext", b"%PDF").messages[0].startswith("不支持的文件类型“无扩展名”")
    assert _refusal(EVIDENCE_UPLOAD, "a.pdf", b"").messages == ["文件是空的。"]
    assert _refusal(EVIDENCE_UPLOAD, "a.pdf", b"MZ\x90\x00").messages == [
        "文件内容与扩展名“pdf”不符，请上传真实的pdf文件。"
    ]
    big = _refusal(EVIDENCE_UPLOAD, "a.pdf", b"%PDF" + bytes(11 * 1024 * 1024))
    assert big.messages == ["文件过大（11.0 MB），不能超过 10 MB。"]
    assert big.code == "evidence_size"


def test_a_rule_may_accept_any_of_its_types_whatever_the_name_says():
    rule = UploadRule(
        extensions=("jpg", "jpeg", "png", "webp"),
        max_bytes=1024,
        code="evidence_photo",
        too_large="big",
        wrong_content="not an image",
        content_by_extension=False,
    )
    rule.validate(SimpleUploadedFile("a.jpg", PNG))
    rule.validate(SimpleUploadedFile("a.png", WEBP))
    assert _refusal(rule, "a.png", b"%PDF-1.7").messages == ["not an image"]
    rule.validate(None)  # an empty optional field
