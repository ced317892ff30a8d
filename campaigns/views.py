from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.scoping import sees_everything, user_scope_root

from .models import OrgUnit
from .selectors import cadre_list_for_unit, orgunit_children, orgunit_get_for_user, orgunit_tree_for_user


@login_required
def orgunit_tree(request):
    units = list(orgunit_tree_for_user(user=request.user))
    root = None if sees_everything(request.user) else user_scope_root(request.user)
    base_depth = root.depth if root is not None else 1
    rows = [{"unit": unit, "indent": unit.depth - base_depth} for unit in units]
    return render(request, "campaigns/orgunit_tree.html", {"rows": rows, "root": root})


@login_required
def orgunit_detail(request, code):
    unit = orgunit_get_for_user(user=request.user, code=code)
    context = {
        "unit": unit,
        "ancestors": OrgUnit.objects.get_ancestors(unit),
        "children": orgunit_children(unit=unit),
        "cadres": cadre_list_for_unit(unit=unit),
    }
    return render(request, "campaigns/orgunit_detail.html", context)
