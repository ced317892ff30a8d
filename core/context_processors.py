from django.conf import settings
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from . import accounts
from .navigation import nav_items_for, nav_menu_for


def navigation(request):
    # Lazy: only a page that draws the navbar reads the user's roles for it, not an htmx partial
    # (the search as you type answers every keystroke without the roles query).
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "nav_items": SimpleLazyObject(lambda: nav_items_for(user)),
        "nav_menu": SimpleLazyObject(lambda: nav_menu_for(user)),
    }


def account(request):
    """The session limits for the idle warning (static/js/session.js) and a password about to expire."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    context = {
        "session_idle_timeout": settings.SESSION_IDLE_TIMEOUT,
        "session_idle_warning": settings.SESSION_IDLE_WARNING,
    }
    days_left = accounts.session_password_state(request.session).days_left(timezone.now())
    if days_left is not None and days_left <= settings.ACCOUNT_PASSWORD_WARN_DAYS:
        context["password_days_left"] = days_left
    return context
