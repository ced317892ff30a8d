"""Which campaigns fields hold files and who may read them (served by core.files)."""

from core.files import FileKind, register


def _assignment_for_user(*, user, pk):
    from .selectors import assignment_get_for_user

    return assignment_get_for_user(user=user, pk=pk)


STEP_EVIDENCE = register(
    FileKind(
        key="step-evidence",
        model="campaigns.milestoneassignment",
        field="evidence",
        get_for_user=_assignment_for_user,
        permission="campaigns.view_milestoneassignment",
        attachment=True,
        download_name=lambda assignment: assignment.evidence_name or assignment.evidence.name.rsplit("/", 1)[-1],
    )
)
