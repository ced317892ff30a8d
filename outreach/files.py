"""Which outreach fields hold files and who may read them (served by core.files).

An import workbook and its checked rows hold a register's full ID and mobile numbers: only the
uploader reads them back (as only they see its rows and errors), every read is audited, and
both are deleted once the import is written, discarded or abandoned (services).
"""

from core.files import FileKind, register


def _own_job(*, user, pk):
    from .selectors import import_job_get_own

    return import_job_get_own(user=user, pk=pk)


IMPORT_WORKBOOK = register(
    FileKind(
        key="import-workbook",
        model="outreach.importjob",
        field="file",
        get_for_user=_own_job,
        permission="outreach.add_importjob",
        personal=True,
        attachment=True,
        download_name=lambda job: job.original_name,
    )
)
IMPORT_PLAN = register(
    FileKind(
        key="import-plan",
        model="outreach.importjob",
        field="plan",
        get_for_user=_own_job,
        permission="outreach.add_importjob",
        personal=True,
        attachment=True,
        download_name=lambda job: f"import-{job.pk}-plan.json.gz",
    )
)
