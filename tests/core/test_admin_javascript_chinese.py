"""The admin's JavaScript widgets speak Chinese: Django 5.2's zh_Hans catalogue lacks the two-box
picker's newer strings, so the project's locale/zh_Hans/LC_MESSAGES/djangojs.po supplies them."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(
    not (Path(settings.BASE_DIR) / "locale/zh_Hans/LC_MESSAGES/djangojs.mo").exists(),
    reason="messages not compiled: run `make messages`",
)

PICKER_STRINGS = [
    'Choose %s by selecting them and then select the "Choose" arrow button.',
    "Choose all %s",
    "Choose selected %s",
    'Remove %s by selecting them and then select the "Remove" arrow button.',
    "Remove all %s",
    "Remove selected %s",
]


def _catalog(client, user) -> dict:
    client.force_login(user)
    body = client.get("/admin/jsi18n/").content.decode()
    entries = re.findall(r'^\s*("(?:[^"\\]|\\.)*"): ("(?:[^"\\]|\\.)*")', body, re.M)
    return {json.loads(key): json.loads(value) for key, value in entries}


def test_the_category_picker_is_chinese(client, world):
    catalog = _catalog(client, world.superuser)
    for msgid in PICKER_STRINGS:
        assert re.search(r"[\u4e00-\u9fff]", catalog.get(msgid, "")), msgid
    # Django's own Chinese is still there beside ours.
    assert catalog["Filter"] == "过滤"


def test_english_users_keep_the_english_picker(client, world):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Choose all %s" not in _catalog(client, world.superuser)
