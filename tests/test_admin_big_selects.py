"""No back-office form renders a select over households, members, cadres, units or accounts:
at city scale that is 20,000 cadres (a megabyte of <option>s per page). Such fields are scoped
search widgets (autocomplete) or read-only."""

import pytest
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteMixin, ForeignKeyRawIdWidget, RelatedFieldWidgetWrapper
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from org.models import Cadre, OrgUnit
from outreach.models import Household, HouseholdMember
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def _big_models():
    return {Cadre, OrgUnit, Household, HouseholdMember, get_user_model()}


def _admins():
    for model, model_admin in admin.site._registry.items():
        yield model, model_admin, model_admin
        for inline_class in model_admin.inlines:
            yield inline_class.model, model_admin, inline_class(model, admin.site)


def _edits(model_admin, request, model):
    """Whether the admin's add or change form has input widgets (a read-only one shows values)."""
    if model_admin.has_add_permission(request):
        return True
    try:
        return model_admin.has_change_permission(request, model())
    except Exception:  # noqa: BLE001 - a rule reading the object's fields: count it as editable
        return True


def test_no_admin_form_selects_over_a_big_table(world):
    request = RequestFactory().get("/admin/")
    request.user = world.superuser
    offending = []
    for model, _parent, model_admin in _admins():
        # treebeard's move form places a unit by a select of the user's units (not yet a search).
        if model is OrgUnit:
            continue
        # Read-only admins (the audit trail, reminders, deliveries) render values, not widgets.
        if model_admin is _parent and not _edits(model_admin, request, model):
            continue
        form = model_admin.get_formset(request).form if hasattr(model_admin, "get_formset") else None
        form = form or model_admin.get_form(request)
        for name, field in form.base_fields.items():
            queryset = getattr(field, "queryset", None)
            if queryset is None or queryset.model not in _big_models():
                continue
            widget = field.widget.widget if isinstance(field.widget, RelatedFieldWidgetWrapper) else field.widget
            if not isinstance(widget, AutocompleteMixin | ForeignKeyRawIdWidget):
                offending.append(f"{model_admin.__class__.__name__}.{name}")
    assert not offending, offending


@pytest.mark.parametrize("url_name", ["admin:outreach_forum_add", "admin:outreach_receptionday_add"])
def test_forum_and_reception_day_add_forms_list_no_cadre(world, client_for, url_name):
    for i in range(5):
        make_person(f"ganbu{i}", world.town_a1, rank="staff", name=f"干部甲{i}")
    html = client_for(world.superuser).get(reverse(url_name)).content.decode()
    assert "干部甲3" not in html
    assert html.count("<option") < 40


def test_the_forum_cadre_search_is_scoped_to_the_subtree(world, client_for):
    from django.contrib.auth.models import Permission

    make_person("jia_ganbu", world.town_a1, name="甲镇干部")
    make_person("yi_ganbu", world.town_b1, name="乙镇干部")
    viewer = make_person("county_forums", world.county_a, is_staff=True)
    viewer.user_permissions.add(*Permission.objects.filter(codename__in=["add_forum", "view_cadre"]))
    params = {"app_label": "outreach", "model_name": "forum", "field_name": "leading_cadres", "term": "镇干部"}
    response = client_for(viewer).get(reverse("admin:autocomplete"), params)
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["甲镇干部"]
    # A field that is not a search widget is refused, not answered with a 500.
    bad = client_for(viewer).get(reverse("admin:autocomplete"), {**params, "field_name": "place"})
    assert bad.status_code == 403
