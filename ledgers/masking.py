"""Masking of personal data on ledger pages and exports (DESIGN: masked unless the user may see them).

Exports mask unconditionally: a spreadsheet leaves the system and its reader is unknown.
"""


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678; the tail stays (it is what people search by)."""
    value = (value or "").strip()
    if len(value) < 7:
        return "*" * len(value)
    return f"{value[:3]}{'*' * (len(value) - 7)}{value[-4:]}"


def mask_id_number(value: str) -> str:
    """An 18-digit ID keeps its region (6) and its last 4 characters."""
    value = (value or "").strip()
    if len(value) < 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"
