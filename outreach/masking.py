"""Personal data on screens and in exports: ID and phone numbers are masked by default.

A user with ``outreach.view_personal_data`` may reveal one value at a time; the reveal is an
audit event (``household_reveal_personal`` in services). Everything else shows the masked form.
"""

PERSONAL_DATA_PERM = "outreach.view_personal_data"


def can_view_personal_data(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm(PERSONAL_DATA_PERM))


def mask_id_number(value: str) -> str:
    """3701**********1234: region prefix and last four kept, birth date and sequence hidden."""
    value = value or ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678: carrier prefix and last four kept."""
    value = value or ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


MASKERS = {"id_number": mask_id_number, "phone": mask_phone}
