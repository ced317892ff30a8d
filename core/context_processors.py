from django.utils.functional import SimpleLazyObject

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
