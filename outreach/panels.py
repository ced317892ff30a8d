"""What apps above outreach show on outreach's record pages (households, forums, reception days).

A topic raised at a forum, or by a visitor on a reception day, becomes a demand; demands live in
ledgers, above outreach, so outreach cannot read them. Instead ledgers registers here, when it
loads (``ledgers.forum_demands``, imported by its AppConfig.ready): a column for the list pages,
computed by an annotation in the list's own query, and a panel for the detail page, which may
take the page's POST (raising a demand there) and answers it. Outreach renders what is
registered and knows nothing of demands.

The household file works the same way: ledgers adds the household's visits and demands and the
buttons that record a visit or open its timeline. And "must-visit households nobody has reached"
counts a visit as reaching a household: ledgers registers that condition here too
(``register_reach``), so outreach's pairing-status page never reads ledgers' tables by name.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpResponse


@dataclass(frozen=True)
class ListColumn:
    """A column of a list page: ``heading``, and the value ``annotate()`` adds as ``key``."""

    key: str
    heading: str
    annotate: Callable[[], object]


@dataclass(frozen=True)
class PanelContent:
    """A panel of a detail page as HTML: ``below`` goes under the record, ``aside`` beside it,
    ``actions`` among the page's buttons."""

    below: str = ""
    aside: str = ""
    actions: str = ""


# A panel gets (request, record) and returns its PanelContent, or the response to a POST it took.
Panel = Callable[[object, object], "PanelContent | HttpResponse"]

_COLUMNS: dict[type, list[ListColumn]] = {}
_PANELS: dict[type, list[Panel]] = {}
# Conditions on Household (an Exists() over OuterRef("pk")) under which an app above counts a
# household as reached; outreach's own reach is an active pairing.
_REACH: list[Callable[[], object]] = []


def register_reach(condition: Callable[[], object]) -> None:
    if condition not in _REACH:
        _REACH.append(condition)


def reach_conditions() -> list:
    """The registered reach conditions, built for one query."""
    return [condition() for condition in _REACH]


def register_list_column(model: type, column: ListColumn) -> None:
    columns = _COLUMNS.setdefault(model, [])
    if all(existing.key != column.key for existing in columns):
        columns.append(column)


def register_detail_panel(model: type, panel: Panel) -> None:
    panels = _PANELS.setdefault(model, [])
    if panel not in panels:
        panels.append(panel)


def list_columns(model: type) -> list[ListColumn]:
    return list(_COLUMNS.get(model, ()))


def with_list_columns(queryset):
    """``queryset`` annotated with the registered columns of its model."""
    columns = list_columns(queryset.model)
    return queryset.annotate(**{c.key: c.annotate() for c in columns}) if columns else queryset


def column_values(record, columns: list[ListColumn]) -> list:
    return [getattr(record, c.key, "") for c in columns]


def detail_panels(request, record) -> list[PanelContent] | HttpResponse:
    """The panels of ``record``'s page, or the response of the panel that took the POST."""
    contents = []
    for panel in _PANELS.get(type(record), ()):
        result = panel(request, record)
        if isinstance(result, HttpResponse):
            return result
        contents.append(result)
    return contents
