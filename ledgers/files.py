"""Which ledgers fields hold files and who may read them (served by core.files)."""

from core.files import FileKind, register
from core.scoping import get_for_user_or_404


def _visit_photo_for_user(*, user, pk):
    from .models import VisitPhoto

    return get_for_user_or_404(VisitPhoto.objects.select_related("visit__household__village"), user, pk=pk)


# Photos of a household's home and people: personal data, every view audited.
VISIT_PHOTO = register(
    FileKind(
        key="visit-photo",
        model="ledgers.visitphoto",
        field="image",
        get_for_user=_visit_photo_for_user,
        permission="ledgers.view_visit",
        personal=True,
    )
)
