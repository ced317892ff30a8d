"""Who may change a campaign plan: the one rule the admin, the Excel import and the services use.

A campaign is *read* down its branch and up the path (``Campaign.scope_includes_ancestors``): a
county reads the city's plan it takes part in. It is *edited* (fields, phases, steps,
requirements, status, dates, cascading) only by office staff of the issuing unit or of a unit
above it, holding the change permission. Templates are edited by superusers only. Recording a
unit's own completion of a step is not editing the plan: it is scoped by the owing unit
(``MilestoneAssignment``) and stays open to the lower units.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.scoping import sees_everything, user_scope_root

from .models import Campaign

CHANGE_PERMISSION = "campaigns.change_campaign"


def campaign_can_edit(user, campaign: Campaign) -> bool:
    if sees_everything(user):
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if campaign.is_template or campaign.issuing_unit_id is None:
        return False
    if not user.has_perm(CHANGE_PERMISSION):
        return False
    root = user_scope_root(user)
    return root is not None and campaign.issuing_unit.path.startswith(root.path)


def campaign_require_edit(user, campaign: Campaign) -> None:
    """Raise PermissionDenied (Chinese) unless ``user`` may change ``campaign``.

    ``user`` None is the system itself (commands, data migrations, tests of the arithmetic).
    """
    if user is None or campaign_can_edit(user, campaign):
        return
    if campaign.is_template:
        raise PermissionDenied(_("方案模板只能由系统管理员修改。"))
    raise PermissionDenied(
        _("“%(title)s”由%(unit)s发布，您只能查看，不能修改。")
        % {"title": campaign.title, "unit": campaign.issuing_unit}
    )


def campaigns_editable_by(user, queryset=None):
    """The campaigns ``user`` may change, as a queryset (for form choices and import lookups)."""
    queryset = Campaign.objects.all() if queryset is None else queryset
    if sees_everything(user):
        return queryset
    if user is None or not user.is_authenticated or not user.is_active or not user.has_perm(CHANGE_PERMISSION):
        return queryset.none()
    root = user_scope_root(user)
    if root is None:
        return queryset.none()
    return queryset.filter(root.subtree_q("issuing_unit__"), is_template=False)
