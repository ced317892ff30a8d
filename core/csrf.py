"""A refused CSRF check (a tab left open across a re-login) never loses what was typed.

``CSRF_FAILURE_VIEW`` points here. When the refused post went to a view marked with
``@csrf_recoverable(renderer)``, the renderer shows that view's form again, filled with the
posted data and never saved, on a fresh CSRF token, with a message to check and submit again;
the form's own submission token travels along, so submitting it again still records it once.
Any other refused post gets a Chinese page that says what happened and lists what was typed.
"""

from django.contrib import messages
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

RENDERER_ATTR = "csrf_recover"
# Never echoed back: secrets, and the hidden fields that only mean something to the form.
_HIDDEN_NAMES = ("csrfmiddlewaretoken", "token", "version", "loaded_at", "loaded_version", "next")


def csrf_recoverable(renderer=None):
    """Mark a view whose form can be shown again from a post refused by the CSRF check.

    ``renderer(request, *args, **kwargs)`` gets the view's URL arguments and returns the
    view's form page, bound to ``request.POST``; it must never save anything. Without one, the
    view itself runs again as a GET that still carries the posted data: only for views that
    bind their form to ``request.POST or None`` and save only when ``request.method == "POST"``
    (and that pass their own login, scope and permission checks again on the way).
    """

    def decorator(view):
        setattr(view, RENDERER_ATTR, renderer or _as_get(view))
        return view

    return decorator


def _as_get(view):
    def renderer(request, *args, **kwargs):
        request.method = "GET"  # the form is shown, bound to what was posted; nothing is saved
        return view(request, *args, **kwargs)

    return renderer


def csrf_failure(request, reason=""):
    """The CSRF failure view: the form again, when its view knows how to show it; else a page."""
    renderer = None
    match = None
    try:
        match = resolve(request.path_info)
        renderer = getattr(match.func, RENDERER_ATTR, None)
    except Resolver404:
        pass
    if renderer is not None and request.user.is_authenticated:
        messages.warning(
            request,
            _("页面已过期（可能您在其他窗口重新登录过），本次提交没有保存。您填写的内容保留在下方，请核对后再次提交。"),
        )
        response = renderer(request, *match.args, **match.kwargs)
        response.status_code = 403
        return response
    typed = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in _HIDDEN_NAMES and "password" not in name
        for value in values
        if value.strip()
    ]
    again = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        again, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        again = request.path
    return render(request, "403_csrf.html", {"typed": typed, "again_url": again}, status=403)
