"""``agglomerate`` against a plain reference that recomputes every average at each step.

The scores are multiples of 1/4 so that every sum is exact whatever the order of the
additions: the two must then make the same merges in the same order, ties included.
"""

from __future__ import annotations

import random

import pytest

from wiredesk import merge
from wiredesk.merge import PerCluster, agglomerate


def _reference(n, scores, threshold, can_merge=None, bonus=None):
    """Average-link by brute force: the best live pair by (-average, first id, second
    id), ids numbered as ``agglomerate`` numbers new clusters; a refused pair is never
    asked again."""
    members = {i: [i] for i in range(n)}
    refused = set()
    next_id = n
    while True:
        best = None
        ids = sorted(members)
        for x, a in enumerate(ids):
            for b in ids[x + 1:]:
                if (a, b) in refused:
                    continue
                pairs = [scores.get((min(i, j), max(i, j)))
                         for i in members[a] for j in members[b]]
                if all(p is None for p in pairs):
                    continue  # never linked: never in the heap
                avg = sum(p for p in pairs if p is not None) / (
                    len(members[a]) * len(members[b]))
                if bonus is not None and len(members[a]) + len(members[b]) > 2:
                    avg += bonus(members[a], members[b])
                if avg > threshold and (best is None or (-avg, a, b) < best):
                    best = (-avg, a, b)
        if best is None:
            return sorted(sorted(m) for m in members.values())
        _, a, b = best
        if can_merge is not None and not can_merge(members[a], members[b]):
            refused.add((a, b))
            continue
        members[next_id] = members.pop(a) + members.pop(b)
        next_id += 1


def _random_case(rng: random.Random, n: int, density: float) -> dict[tuple[int, int], float]:
    return {(i, j): rng.randint(-8, 8) / 4 for i in range(n) for j in range(i + 1, n)
            if rng.random() < density}


@pytest.mark.parametrize("sweep", [4096, 0])
def test_agglomerate_matches_reference_with_ties_and_constraints(
    sweep: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # sweep 0: stale heap entries are swept out as soon as they are half the heap
    monkeypatch.setattr(merge, "_SWEEP_MIN", sweep)
    rng = random.Random(7)
    for case in range(40):
        n = rng.randint(5, 14)
        scores = _random_case(rng, n, rng.choice([0.3, 0.7, 1.0]))
        colour = [rng.randrange(3) for _ in range(n)]
        tag = [frozenset({rng.randrange(4)}) if rng.random() < 0.5 else frozenset()
               for _ in range(n)]

        def can_merge(xs: list[int], ys: list[int], colour: list[int] = colour) -> bool:
            # at most two colours in a cluster: a constraint that depends on both sides
            return len({colour[i] for i in xs + ys}) <= 2

        def bonus(xs: list[int], ys: list[int], tag: list[frozenset[int]] = tag) -> float:
            px = frozenset().union(*(tag[i] for i in xs))
            py = frozenset().union(*(tag[i] for i in ys))
            return (0.25 if px & py else -0.25) if px and py else 0.0

        got = sorted(agglomerate(n, scores, 0.0, can_merge, bonus))
        # agglomerate adds the bonus only on re-scored links (never to a pair of items)
        assert got == _reference(n, scores, 0.0, can_merge, bonus), case
        assert sorted(agglomerate(n, scores, 0.25)) == _reference(n, scores, 0.25), case


def test_per_cluster_summary_follows_growing_clusters() -> None:
    calls = []

    def total(xs: list[int]) -> int:
        calls.append(list(xs))
        return sum(xs)

    per = PerCluster(total)
    assert per([3]) == 3 and per([3]) == 3
    assert per([3, 5]) == 8  # the cluster of 3 grew: worked out again
    assert per([3, 5]) == 8
    assert calls == [[3], [3, 5]]
    per.forget([3, 5])
    assert per([3, 5]) == 8 and len(calls) == 3
