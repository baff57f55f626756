from hypothesis import given
from hypothesis import strategies as st

from approdo.reports.suppression import protect, suppress, threshold

counts = st.lists(st.integers(min_value=0, max_value=40), min_size=1, max_size=8)
limits = st.integers(min_value=2, max_value=12)


def possible_values(shown, total, index):
    """What a reader can tell about hidden cell `index` from the published figures: every value
    it can take, knowing that visible zeros mean hidden cells are at least 1."""
    hidden = [i for i, value in enumerate(shown) if value is None]
    rest = total - sum(value for value in shown if value is not None)
    others = len(hidden) - 1
    return set(range(1, rest - others + 1))


@given(counts, limits)
def test_overlapping_breakdowns_hide_exactly_the_small_cells(cells, limit):
    result = suppress(cells, limit=limit)
    assert result.total is None
    for value, shown in zip(cells, result.cells, strict=True):
        assert shown == (None if 0 < value < limit else value)


@given(counts, limits)
def test_no_hidden_cell_of_a_partition_can_be_rebuilt_from_its_total(cells, limit):
    total = sum(cells)
    result = suppress(cells, total=total, limit=limit)
    for value, shown in zip(cells, result.cells, strict=True):
        assert shown in (None, value)
        if 0 < value < limit:
            assert shown is None  # every small cell is hidden
        if value == 0:
            assert shown == 0  # zeros describe nobody
    hidden = [i for i, shown in enumerate(result.cells) if shown is None]
    if result.total is None:
        assert all(shown is None for value, shown in zip(cells, result.cells, strict=True) if value)
        return
    assert result.total == total
    if hidden:
        assert len(hidden) >= 2
        assert sum(cells[i] for i in hidden) >= limit
        for index in hidden:
            assert cells[index] in possible_values(result.cells, total, index)
            assert len(possible_values(result.cells, total, index)) > 1


def test_secondary_suppression_hides_the_smallest_other_cell():
    assert suppress([3, 10, 20], total=33, limit=5).cells == [None, None, 20]
    assert suppress([18, 22], total=40, limit=5).cells == [18, 22]
    assert suppress([2, 38], total=40, limit=5).cells == [None, None]


def test_a_small_total_hides_everything_but_zeros():
    result = suppress([3, 0], total=3, limit=5)
    assert result.cells == [None, 0]
    assert result.total is None


def test_thresholds_come_from_settings(settings):
    assert threshold() == 5
    assert threshold(sensitive=True) == 10
    settings.APPRODO_SUPPRESSION_THRESHOLD = 3
    assert suppress([4, 2, 0]).cells == [4, None, 0]
    assert suppress([9], sensitive=True).cells == [None]


def test_secondary_suppression_worked_by_hand():
    """Threshold 5, each case reasoned out on paper: the fewest extra cells, smallest first."""
    # 1 and 2 hidden add up to 3, which would tell both are small: the 7 goes too.
    assert suppress([1, 2, 7, 30], total=40, limit=5).cells == [None, None, None, 30]
    # one hidden cell is the total minus the others: the smallest other (6) goes too.
    assert suppress([4, 6, 30], total=40, limit=5).cells == [None, None, 30]
    # zeros stay visible and are never chosen.
    assert suppress([0, 3, 40], total=43, limit=5).cells == [0, None, None]
    assert suppress([2, 2, 0, 20, 21], total=45, limit=5).cells == [None, None, 0, None, 21]
    # five hidden ones would be known to be 1 each (sum 5 over 5 cells): the 30 goes too.
    assert suppress([1, 1, 1, 1, 1, 30], total=35, limit=5).cells == [None] * 6
    # enough large cells: nothing beyond the small ones.
    assert suppress([3, 4, 10, 12], total=29, limit=5).cells == [None, None, 10, 12]
    # no small cell: everything shown.
    assert suppress([5, 9], total=14, limit=5).cells == [5, 9]


def test_protect_reports_when_no_choice_of_cells_protects():
    assert protect([3, 0], [None, 0], limit=5) is None  # one non-zero cell: the total tells it
    assert protect([3, 8], [None, 8], limit=5) == [None, None]
    assert protect([6, 8], [6, 8], limit=5) == [6, 8]
