"""A paginator that never counts a whole big table.

``COUNT(*)`` over ten million visits costs more than the page itself. This paginator counts at
most ``cap`` rows (``SELECT COUNT(*) FROM (... LIMIT cap + 1)``); past that it reports the cap
and the page says "more than N" (``capped``). Narrow the list with filters to reach older rows.
Staff lists (visits, demands, the register, pairings, the audit trail) and the back office's
big changelists use it.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

DEFAULT_CAP = 10_000


class CappedPaginator(Paginator):
    cap = DEFAULT_CAP
    capped = False

    @cached_property
    def count(self):
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)


class AdminCappedPaginator(CappedPaginator):
    """For ModelAdmin.paginator (the admin passes the same constructor arguments)."""
