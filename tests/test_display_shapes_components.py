"""display_shapes._components: the connected components of a graph, the same
partition and numbering as scipy.sparse.csgraph.connected_components (which
the display shapes no longer import)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from geo_priority.display_shapes import _components


def _scipy(n: int, one: np.ndarray, two: np.ndarray) -> tuple[int, np.ndarray]:
    graph = coo_matrix((np.ones(len(one)), (one, two)), shape=(n, n))
    count, labels = connected_components(graph, directed=False)
    return int(count), labels


def _random_graphs() -> list[tuple[int, np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(11)
    graphs = []
    for n, edges in [(1, 0), (2, 0), (2, 1), (7, 3), (50, 20), (50, 60), (300, 280),
                     (1000, 400), (1000, 1500), (5000, 4990)]:  # fmt: skip
        for _ in range(5):
            one, two = rng.integers(0, n, (2, edges))
            graphs.append((n, one, two))
    # long paths and a star through shuffled nodes: many hooking rounds
    for n in (2, 17, 2000):
        order = rng.permutation(n)
        graphs.append((n, order[:-1], order[1:]))
        graphs.append((n, order[1:], order[:-1]))
        graphs.append((n, np.full(n - 1, order[0]), order[1:]))
    # the shape of _touching_sets' input: every node with itself, both ways
    n = 400
    one, two = rng.integers(0, n, (2, 300))
    loops = np.arange(n)
    graphs.append((n, np.r_[loops, one, two], np.r_[loops, two, one]))
    return graphs


@pytest.mark.parametrize(("n", "one", "two"), _random_graphs())
def test_components_are_scipys(n: int, one: np.ndarray, two: np.ndarray) -> None:
    count, labels = _components(n, one, two)
    expected_count, expected = _scipy(n, one, two)
    assert count == expected_count
    assert labels.tolist() == expected.tolist()


def test_components_of_no_edges_are_the_nodes() -> None:
    empty = np.array([], dtype=np.intp)
    count, labels = _components(4, empty, empty)
    assert count == 4
    assert labels.tolist() == [0, 1, 2, 3]


def test_components_are_numbered_by_their_smallest_node() -> None:
    count, labels = _components(6, np.array([5, 3, 4]), np.array([0, 2, 5]))
    assert count == 3
    assert labels.tolist() == [0, 1, 2, 2, 0, 0]
