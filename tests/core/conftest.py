import pytest
from django.db.models import TextChoices

from core import audit_codes


@pytest.fixture
def extra_audit_codes(monkeypatch):
    """``register(*codes, legacy=False)``: declare codes for one test, forgotten after it.

    Tests of the trail itself (filing, scoping, paging) write ``test.*`` codes that no app
    declares; ``audit_record`` refuses undeclared codes, so they are declared here.
    """
    monkeypatch.setattr(audit_codes, "_CODES", dict(audit_codes._CODES))
    monkeypatch.setattr(audit_codes, "_FAMILIES", list(audit_codes._FAMILIES))

    def register(*codes, legacy=False, families=()):
        choices = TextChoices("TestAudit", [(code.replace(".", "_").upper(), code) for code in codes])
        audit_codes.register_audit_codes(choices, families=families, legacy=legacy)

    return register
