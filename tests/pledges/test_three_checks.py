"""三查三看 against hand-computed figures on a small fixture, including subtree scoping.

As of 2026-07-10 (Shanghai), stalled = no progress for 30 days or more. Campaign C; C1 implements
C (a county plan); D is unrelated.

| #   | unit        | campaign | state     | progress (date, %)          | deadline | class                 |
|-----|-------------|----------|-----------|-----------------------------|----------|-----------------------|
| P1  | village_a1  | C        | published | 06-20 100                   | 06-30    | completed, on time    |
| P2  | village_a1b | C        | published | 07-05 100                   | 06-30    | completed, late       |
| P3  | town_a1     | C        | published | 07-01 50                    | 08-31    | in progress           |
| P4  | village_a1  | C        | published | 05-20 20 (51 days)          | 09-30    | in progress, stalled  |
| P5  | village_a1  | C        | published | 06-25 30                    | 06-30    | in progress, overdue  |
| P6  | village_a1b | C        | published | 06-01 0 "场地未落实"         | 09-30    | not started, reason   |
| P7  | village_a1  | C        | published | —                           | 07-05    | not started, overdue  |
| P8  | village_a1  | C        | draft     | —                           |          | not counted           |
| P9  | village_a1  | C        | submitted | —                           |          | not counted           |
| P10 | village_a1  | C        | approved (internal) | 07-08 10          | 09-30    | in progress           |
| P11 | village_a2  | C        | published | 06-01 100                   | 06-30    | completed (county A)  |
| P12 | village_a2  | C        | published | —                           | 06-30    | not started, overdue  |
| P13 | village_b1  | C        | published | 05-01 10                    | 06-30    | in progress, stalled, overdue |
| P14 | village_a1  | C1       | published | 07-09 40                    | 09-30    | in progress           |
| P15 | village_a1  | D        | published | 07-09 40                    | 09-30    | not counted           |
| P16 | village_a1b | C        | published | 06-10 10 (exactly 30 days)  | 12-31    | in progress, stalled  |
"""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from evaluations.three_checks import three_checks_review
from pledges.models import Pledge
from tests.pledges.helpers import make_campaign, make_pledge

D = datetime.date
AS_OF = D(2026, 7, 10)
JUNE_30 = D(2026, 6, 30)


@pytest.fixture
def fixture(world):
    c = make_campaign(world)
    c1 = make_campaign(world, title="县级方案", issuing_unit=world.county_a, parent=c)
    d = make_campaign(world, title="无关方案", document_number="x")

    def p(name, unit, state="published", progress=(), deadline=JUNE_30, campaign=c, **extra):
        return make_pledge(
            world,
            unit,
            state,
            title=name,
            deadline=deadline,
            campaign=campaign,
            progress=[(D(2026, m, day), pct, note) for (m, day, pct, note) in progress],
            **extra,
        )

    w = world
    p("P1", w.village_a1, progress=[(6, 20, 100, "完成")])
    p("P2", w.village_a1b, progress=[(7, 5, 100, "完成")])
    p("P3", w.town_a1, progress=[(7, 1, 50, "过半")], deadline=D(2026, 8, 31))
    p("P4", w.village_a1, progress=[(5, 20, 20, "启动")], deadline=D(2026, 9, 30))
    p("P5", w.village_a1, progress=[(6, 25, 30, "推进")])
    p("P6", w.village_a1b, progress=[(6, 1, 0, "场地未落实")], deadline=D(2026, 9, 30))
    p("P7", w.village_a1, deadline=D(2026, 7, 5))
    p("P8", w.village_a1, "draft")
    p("P9", w.village_a1, "submitted")
    p(
        "P10",
        w.village_a1,
        "approved",
        progress=[(7, 8, 10, "内部推进")],
        deadline=D(2026, 9, 30),
        visibility="internal",
    )
    p("P11", w.village_a2, progress=[(6, 1, 100, "完成")])
    p("P12", w.village_a2)
    p("P13", w.village_b1, progress=[(5, 1, 10, "启动")])
    p("P14", w.village_a1, progress=[(7, 9, 40, "县级推进")], deadline=D(2026, 9, 30), campaign=c1)
    p("P15", w.village_a1, progress=[(7, 9, 40, "无关")], deadline=D(2026, 9, 30), campaign=d)
    p("P16", w.village_a1b, progress=[(6, 10, 10, "启动")], deadline=D(2026, 12, 31))
    return c


def _titles(rows):
    return sorted((row.pledge.title for row in rows), key=lambda t: int(t[1:]))


def test_township_a1_review_matches_the_hand_count(world, fixture):
    review = three_checks_review(unit=world.town_a1, campaign=fixture, as_of=AS_OF, stalled_days=30)
    assert _titles(review.completed) == ["P1", "P2"]
    assert review.completed_on_time == 1
    assert _titles(review.in_progress) == ["P3", "P4", "P5", "P10", "P14", "P16"]
    assert sorted(r.pledge.title for r in review.in_progress if r.stalled) == ["P16", "P4"]
    assert [r.pledge.title for r in review.in_progress if r.overdue] == ["P5"]
    assert _titles(review.not_started) == ["P6", "P7"]
    assert {r.pledge.title: r.reason for r in review.not_started} == {"P6": "场地未落实", "P7": ""}
    assert review.not_started_overdue == 1
    assert review.not_started_without_reason == 1
    assert review.total == 10
    assert (review.completed_count, review.in_progress_count, review.not_started_count) == (2, 6, 2)
    assert (review.in_progress_stalled, review.in_progress_overdue) == (2, 1)
    assert review.completion_rate == 20.0
    days = {r.pledge.title: r.days_since_progress for r in review.in_progress}
    assert days["P4"] == 51
    assert days["P16"] == 30


def test_county_a_review_adds_township_a2(world, fixture):
    review = three_checks_review(unit=world.county_a, campaign=fixture, as_of=AS_OF, stalled_days=30)
    assert _titles(review.completed) == ["P1", "P2", "P11"]
    assert len(review.in_progress) == 6
    assert _titles(review.not_started) == ["P6", "P7", "P12"]
    assert review.not_started_overdue == 2
    assert review.total == 12
    assert (review.completed_count, review.in_progress_count, review.not_started_count) == (3, 6, 3)
    assert review.not_started_without_reason == 2
    assert review.completion_rate == 25.0


def test_city_review_adds_county_b(world, fixture):
    review = three_checks_review(unit=world.city, campaign=fixture, as_of=AS_OF, stalled_days=30)
    assert review.total == 13
    assert len(review.in_progress) == review.in_progress_count == 7
    assert review.in_progress_stalled == 3
    assert review.in_progress_overdue == 2


def test_a_village_review_sees_only_that_village(world, fixture):
    review = three_checks_review(unit=world.village_a1, campaign=fixture, as_of=AS_OF, stalled_days=30)
    assert _titles(review.completed) == ["P1"]
    assert _titles(review.in_progress) == ["P4", "P5", "P10", "P14"]
    assert _titles(review.not_started) == ["P7"]


def test_the_stalled_threshold_is_a_parameter(world, fixture):
    review = three_checks_review(unit=world.town_a1, campaign=fixture, as_of=AS_OF, stalled_days=60)
    assert review.in_progress_stalled == 0
    review = three_checks_review(unit=world.town_a1, campaign=fixture, as_of=AS_OF, stalled_days=31)
    assert [r.pledge.title for r in review.in_progress if r.stalled] == ["P4"]


def test_the_page_rows_are_limited_most_urgent_first_but_the_figures_are_not(world, fixture):
    review = three_checks_review(unit=world.town_a1, campaign=fixture, as_of=AS_OF, stalled_days=30, row_limit=2)
    assert review.in_progress_count == 6
    assert [r.pledge.title for r in review.in_progress] == ["P5", "P4"]  # overdue, then stalled
    assert review.truncated


def test_a_child_campaign_review_does_not_include_the_parent_campaign(world, fixture):
    child = fixture.children.get()
    review = three_checks_review(unit=world.city, campaign=child, as_of=AS_OF)
    assert [r.pledge.title for r in review.in_progress] == ["P14"]
    assert review.total == 1


def test_the_page_shows_the_figures_for_the_users_subtree(client_for, world, fixture):
    from zoneinfo import ZoneInfo

    import time_machine

    client = client_for(world.county_leader)
    with time_machine.travel(datetime.datetime(2026, 7, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        html = client.get(reverse("evaluations:three_checks"), {"campaign": fixture.pk, "days": 30}).content.decode()
    # The county leader's default unit is county A.
    assert 'data-testid="count-completed">3<' in html
    assert 'data-testid="count-in-progress">6<' in html
    assert 'data-testid="count-not-started">3<' in html
    assert "场地未落实" in html
    assert "P13" not in html


def test_township_staff_get_404_for_a_sibling_township(client_for, world, fixture):
    client = client_for(world.town_staff)
    for name in ("evaluations:three_checks", "evaluations:three_checks_export"):
        response = client.get(reverse(name), {"campaign": fixture.pk, "unit": world.town_a2.code})
        assert response.status_code == 404


def test_the_default_view_of_township_staff_is_their_township(client_for, world, fixture):
    html = client_for(world.town_staff).get(reverse("evaluations:three_checks")).content.decode()
    assert "P1" in html
    assert "P11" not in html
    assert "P13" not in html


def test_the_export_has_a_summary_and_one_sheet_per_check(client_for, world, fixture):
    from zoneinfo import ZoneInfo

    import time_machine

    client = client_for(world.county_leader)
    with time_machine.travel(datetime.datetime(2026, 7, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        response = client.get(
            reverse("evaluations:three_checks_export"),
            {"campaign": fixture.pk, "unit": world.town_a1.code, "days": 30},
        )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["汇总", "已完成", "正在办理", "未启动"]
    summary = {row[0].value: row[1].value for row in book["汇总"].iter_rows(min_row=3)}
    assert summary["承诺事项总数"] == 10
    assert summary["一查：已完成（解决了多少）"] == 2
    assert summary["二查：正在办理"] == 6
    assert summary["其中停滞（30天以上无进展）"] == 2
    assert summary["三查：未启动"] == 2
    assert summary["其中未说明原因"] == 1
    not_started = [[c.value for c in row] for row in book["未启动"].iter_rows(min_row=2)]
    assert [(row[2], row[6]) for row in not_started] == [
        ("P7", "未说明原因"),
        ("P6", "场地未落实"),
    ]  # unit order, then deadline
    assert book["正在办理"].max_row == 7  # header + 6


def test_the_review_page_query_count_does_not_grow(client_for, world, fixture, django_assert_max_num_queries):
    client = client_for(world.county_leader)
    url = reverse("evaluations:three_checks")
    params = {"campaign": fixture.pk, "unit": world.county_a.code}

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, params).status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(6):
        make_pledge(world, world.village_a1, title=f"追加{i}", campaign=fixture, progress=[(D(2026, 7, 1), 20, "x")])
    assert count() == before
    with django_assert_max_num_queries(20):
        client.get(url, params)
    assert Pledge.objects.count() > 16
