"""Which pledges fields hold files and who may read them (served by core.files)."""

from core.files import FileKind, register

from .selectors import progress_get_for_user

PLEDGE_PROGRESS_PHOTO = register(
    FileKind(
        key="pledge-photo",
        model="pledges.pledgeprogress",
        field="photo",
        get_for_user=progress_get_for_user,
        permission="pledges.view_pledge",
    )
)
