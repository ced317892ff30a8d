from functools import cached_property

from .selectors import inbox_unread_count


class Bell:
    """The navbar bell's unread count, queried once and only if a template shows it."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def unread(self) -> int:
        return inbox_unread_count(user=self.user)


def bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"reminder_bell": Bell(user)}
