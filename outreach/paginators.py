"""A paginator that never counts a whole big table.

``COUNT(*)`` over a million households costs more than the page itself. This paginator counts
at most ``cap`` rows (``SELECT COUNT(*) FROM (... LIMIT cap + 1)``); past that it reports the
cap and the page says "more than N". Narrow the list with filters to reach older rows.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

DEFAULT_CAP = 10_000


class CappedPaginator(Paginator):
    cap = DEFAULT_CAP

    @cached_property
    def count(self):
        counted = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = counted > self.cap
        return min(counted, self.cap)

    capped = False


class AdminCappedPaginator(CappedPaginator):
    """For ModelAdmin.paginator (the admin passes the same constructor arguments)."""
