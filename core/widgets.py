from django import forms


class DateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO (YYYY-MM-DD): with the zh-hans input format
    (2026/12/06) the browser shows the field empty, and an edit form would lose the stored date."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class SearchSelect(forms.Select):
    """A select that never renders a big table: the chosen value and the first ``limit`` choices,
    with a search box above it that loads matching choices into the same select (htmx GET
    ``search_url?q=…``, answered with ``<option>``s).

    The field keeps its whole (scoped) queryset to validate what is posted; only the rendering is
    bounded. Works as a plain select without JavaScript.
    """

    template_name = "core/widgets/search_select.html"
    # A single choice's matches replace the options; a multiple one's are added (the chosen stay).
    swap = "innerHTML"

    def __init__(self, *, search_url: str = "", limit: int = 50, attrs=None):
        super().__init__(attrs=attrs)
        self.search_url = search_url
        self.limit = limit

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = self.search_url
        context["widget"]["swap"] = self.swap
        return context

    def optgroups(self, name, value, attrs=None):
        choices = self.choices
        queryset = getattr(choices, "queryset", None)
        if queryset is None:
            return super().optgroups(name, value, attrs)
        key = choices.field.to_field_name or "pk"
        chosen = [str(v) for v in value if v not in ("", None) and (key != "pk" or str(v).isdigit())]
        objects = list(queryset.filter(**{f"{key}__in": chosen})) if chosen else []
        objects += [obj for obj in queryset[: self.limit] if str(getattr(obj, key)) not in chosen]
        bounded = [("", choices.field.empty_label)] if choices.field.empty_label is not None else []
        bounded += [choices.choice(obj) for obj in objects]
        self.choices = bounded
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = choices


class SearchSelectMultiple(SearchSelect, forms.SelectMultiple):
    """SearchSelect for a multiple choice (the leading cadres of a forum)."""

    allow_multiple_selected = True
    swap = "beforeend"
