"""The one way a view checks access: sign-in, then the scoped lookup (404), then the permission (403).

    @view_access("ledgers.view_visit", lookup=Visit)                        # <int:pk> → the visit
    @view_access("campaigns.change_milestoneassignment", lookup=assignment_get_for_user)
    @view_access("outreach.view_pairing", lookup=OrgUnit, kwarg="code")
    @view_access("ledgers.view_demand")                                     # no object in the URL
    @view_access()                                                          # signed in is enough

In this order:

1. an anonymous user goes to the login page;
2. ``gate``, if given: a role that never uses this page gets 403 whatever the URL names, even an
   id that does not exist. Only where the URL matrices answer so (outreach's household, pairing,
   liaison-point and import pages, the plan page, a reminder's retry); new views use ``perm``;
3. ``lookup``: the object the URL names, limited to the user's OrgUnit subtree. Missing or outside
   it answers 404 — whatever the user's permissions, so a 403 never tells that an object exists —
   and core.scoping audits the refusal. The view receives the object in place of the URL argument;
4. ``perm``: the permission(s) the user needs (403). A callable gets the view's remaining URL
   arguments and returns the permission (a demand's action names it); it may raise Http404 for
   an argument that names nothing;
5. ``check``: a rule about this user and this object beyond permissions (only the uploader may
   confirm an import, only the visit's cadre or the office may correct it): False answers 403.

``lookup`` is the app's ``<thing>_get_for_user(*, user, <field>)`` selector, a model or a queryset
(looked up with core.scoping.get_for_user_or_404); ``field`` is the lookup field when it is not
named like the URL argument.
"""

import functools
from collections.abc import Callable, Iterable

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet

from .scoping import get_for_user_or_404

Perms = str | Iterable[str] | None


def _as_tuple(perms: Perms) -> tuple[str, ...]:
    if perms is None:
        return ()
    return (perms,) if isinstance(perms, str) else tuple(perms)


def find_for_user(lookup, user, **lookups):
    """The object ``lookups`` name that ``user`` may see, by a selector, a model or a queryset; else 404."""
    if isinstance(lookup, QuerySet):
        return get_for_user_or_404(lookup.all(), user, **lookups)
    if isinstance(lookup, type) and issubclass(lookup, Model):
        return get_for_user_or_404(lookup._default_manager.all(), user, **lookups)
    return lookup(user=user, **lookups)


def view_access(
    perm: Perms | Callable[..., str] = None,
    *,
    lookup=None,
    kwarg: str = "pk",
    field: str | None = None,
    gate: Perms = None,
    check: Callable[..., bool] | None = None,
):
    """Wrap a view in the access steps of the module docstring."""
    gates = _as_tuple(gate)
    fixed = None if callable(perm) else _as_tuple(perm)

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapper(request, *args, **kwargs):
            user = request.user
            if gates and not user.has_perms(gates):
                raise PermissionDenied
            obj = None
            if lookup is not None:
                obj = find_for_user(lookup, user, **{field or kwarg: kwargs.pop(kwarg)})
                args = (obj, *args)
            required = _as_tuple(perm(**kwargs)) if fixed is None else fixed
            if required and not user.has_perms(required):
                raise PermissionDenied
            if check is not None and not check(user, obj):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
