from decimal import Decimal

import pytest

from clusterpact.analysis.concentration import herfindahl, top_share


def test_top_share_of_seven_recipients_hand_computed():
    # 40+20+10+10+10 = 90 of 100.
    assert top_share([40, 20, 10, 10, 10, 5, 5]) == Decimal("0.9")


def test_herfindahl_hand_computed():
    # Shares 0.5, 0.3, 0.2: 0.25 + 0.09 + 0.04 = 0.38.
    assert herfindahl([Decimal(50), Decimal(30), Decimal(20)]) == Decimal("0.38")


def test_equal_shares_give_one_over_n_and_a_single_recipient_one():
    assert herfindahl([1, 1, 1, 1]) == Decimal("0.25")
    assert herfindahl([7]) == Decimal(1)
    assert top_share([3, 3], n=5) == Decimal(1)


def test_zero_total_gives_none_and_negative_is_refused():
    assert herfindahl([]) is None
    assert top_share([0, 0]) is None
    with pytest.raises(ValueError):
        herfindahl([1, -1])
