from django import forms


class DateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO (YYYY-MM-DD): with the zh-hans input format
    (2026/12/06) the browser shows the field empty, and an edit form would lose the stored date."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
