"""Who answers above someone: the nearest active leaders walking up the org tree."""

from collections.abc import Hashable, Mapping, Sequence

from .models import Cadre


def nearest_leaders(chains: Mapping[Hashable, tuple[Sequence[str], int | None]]) -> dict[Hashable, list[Cadre]]:
    """For each key, the active leaders of the first unit on its chain that has any, oldest first.

    ``chains`` maps a key to (unit paths to try in order, a cadre id to pass over or None): the
    person whose own matter it is never answers for it. Callers choose the walk: a reminder
    escalates from the cadre's own unit upward, an overdue demand from the unit above the
    responsible one, its own unit last. One query for any number of keys; a key with no leader
    anywhere on its chain gets [].
    """
    paths = {path for chain, _skip in chains.values() for path in chain}
    by_path: dict[str, list[Cadre]] = {}
    leaders = (
        Cadre.objects.filter(is_leader=True, user__is_active=True, org_unit__path__in=paths)
        .select_related("user", "org_unit")
        .order_by("id")
    )
    for leader in leaders:
        by_path.setdefault(leader.org_unit.path, []).append(leader)
    result = {}
    for key, (chain, skip) in chains.items():
        found = []
        for path in chain:
            found = [c for c in by_path.get(path, []) if c.pk != skip]
            if found:
                break
        result[key] = found
    return result
