"""Which evaluations fields hold files and who may read them (served by core.files)."""

from core.files import FileKind, register
from core.scoping import get_for_user_or_404


def _report_for_user(*, user, pk):
    from .models import Report

    return get_for_user_or_404(Report.objects.select_related("unit"), user, pk=pk)


REPORT_ATTACHMENT = register(
    FileKind(
        key="report-attachment",
        model="evaluations.report",
        field="attachment",
        get_for_user=_report_for_user,
        permission="evaluations.view_report",
        attachment=True,
        download_name=lambda report: report.attachment_name or report.attachment.name.rsplit("/", 1)[-1],
    )
)
