"""The one workflow shape: every page action is a row of its model's table, and every refusal is
one exception a form can show."""

import pytest
from django.core.exceptions import ValidationError

from campaigns.models import Campaign
from campaigns.services import CAMPAIGN_FLOW
from core.workflow import StaleRecord, TransitionRefused, WrongState
from ledgers.demand_flow import DEMAND_FLOW
from ledgers.forms import ACTION_FORMS
from outreach.models import ImportJob
from outreach.services import IMPORT_FLOW


def test_a_refusal_is_a_validation_error_whose_text_is_the_message():
    for refusal in (TransitionRefused("不行。"), WrongState("不行。"), StaleRecord("不行。")):
        assert isinstance(refusal, ValidationError)
        assert str(refusal) == "不行。"
        assert refusal.messages == ["不行。"]


def test_every_demand_action_on_the_page_is_a_row_of_the_table_with_its_service():
    assert set(ACTION_FORMS) == set(DEMAND_FLOW.transitions) == set(DEMAND_FLOW.services)
    for name, transition in DEMAND_FLOW.transitions.items():
        assert transition.audit_action == f"ledgers.demand_{name}"
        assert transition.permission in ("ledgers.change_demand", "ledgers.close_demand")


def test_the_campaign_table_is_draft_active_closed():
    S = Campaign.Status
    assert {(tuple(t.sources), t.target) for t in CAMPAIGN_FLOW.transitions.values()} == {
        ((S.DRAFT,), S.ACTIVE),
        ((S.ACTIVE,), S.CLOSED),
    }
    assert CAMPAIGN_FLOW.action_to(S.DRAFT) is None


@pytest.mark.django_db
def test_an_import_step_is_claimed_once(world):
    job = ImportJob.objects.create(
        kind=ImportJob.Kind.HOUSEHOLDS, unit=world.town_a1, uploaded_by=world.town_staff, original_name="a.xlsx"
    )
    assert IMPORT_FLOW.claim(job.pk, "check", attempts=1)
    assert not IMPORT_FLOW.claim(job.pk, "check", attempts=1)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ImportJob.Status.CHECKING, 1)
