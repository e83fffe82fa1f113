"""The EU SME definition (Recommendation 2003/361/EC, Annex) at and around its thresholds."""

from decimal import Decimal

import pytest

from clusterpact.rules.sme import (
    SizeClass,
    YearFigures,
    classify_period,
    is_young,
    size_class_history,
)

M = 1_000_000


@pytest.mark.parametrize(
    ("headcount", "turnover", "balance", "expected"),
    [
        (
            9,
            2 * M,
            2 * M,
            SizeClass.MICRO,
        ),  # at the micro ceilings: still micro (turnover "does not exceed")
        (10, 2 * M, 2 * M, SizeClass.SMALL),  # headcount ceiling is "fewer than 10"
        (9, 2 * M + 1, 2 * M + 1, SizeClass.SMALL),  # both money ceilings exceeded
        (9, 2 * M + 1, 2 * M, SizeClass.MICRO),  # either money ceiling suffices
        (49, 10 * M, 50 * M, SizeClass.SMALL),
        (50, 10 * M, 10 * M, SizeClass.MEDIUM),
        (249, 50 * M, 100 * M, SizeClass.MEDIUM),  # turnover at ceiling
        (249, 60 * M, 43 * M, SizeClass.MEDIUM),  # balance sheet at ceiling
        (249, 50 * M + 1, 43 * M + 1, SizeClass.LARGE),
        (250, 1 * M, 1 * M, SizeClass.LARGE),  # headcount alone makes it large
        (
            Decimal("9.5"),
            Decimal("1500000"),
            None,
            SizeClass.MICRO,
        ),  # annual work units may be fractional
    ],
)
def test_single_period_thresholds(headcount, turnover, balance, expected):
    assert classify_period(headcount, turnover, balance) is expected


def test_status_changes_only_after_two_consecutive_periods_above():
    history = size_class_history(
        [
            YearFigures(2019, 30, 5 * M, 5 * M),  # small
            YearFigures(2020, 60, 12 * M, 12 * M),  # medium once: stays small
            YearFigures(2021, 30, 5 * M, 5 * M),  # back: small
            YearFigures(2022, 60, 12 * M, 12 * M),  # medium once
            YearFigures(2023, 70, 15 * M, 15 * M),  # medium twice: becomes medium
        ]
    )
    assert history == {
        2019: SizeClass.SMALL,
        2020: SizeClass.SMALL,
        2021: SizeClass.SMALL,
        2022: SizeClass.SMALL,
        2023: SizeClass.MEDIUM,
    }


def test_status_moves_to_the_class_crossed_in_both_years():
    history = size_class_history(
        [
            YearFigures(2020, 5, M, M),
            YearFigures(2021, 60, 20 * M, 20 * M),
            YearFigures(2022, 300, 90 * M, 90 * M),
        ]
    )
    # Micro, then medium and large: only the small and medium ceilings were crossed twice.
    assert history[2022] is SizeClass.MEDIUM


def test_status_falls_after_two_periods_below():
    history = size_class_history(
        [
            YearFigures(2020, 300, 90 * M, 90 * M),
            YearFigures(2021, 20, 3 * M, 3 * M),
            YearFigures(2022, 8, M, M),
        ]
    )
    assert history == {2020: SizeClass.LARGE, 2021: SizeClass.LARGE, 2022: SizeClass.SMALL}


def test_a_gap_between_years_does_not_confirm():
    history = size_class_history(
        [
            YearFigures(2018, 5, M, M),
            YearFigures(2019, 60, 20 * M, 20 * M),
            YearFigures(2021, 60, 20 * M, 20 * M),
        ]
    )
    assert history[2021] is SizeClass.MICRO


def test_publicly_controlled_enterprises_are_not_smes():
    history = size_class_history([YearFigures(2020, 5, M, M)], publicly_controlled=True)
    assert history[2020] is SizeClass.LARGE
    assert not history[2020].is_sme


def test_young_firm_is_at_most_five_years_old():
    assert is_young(2020, 2025)
    assert not is_young(2019, 2025)
    assert not is_young(None, 2025)
    assert not is_young(2026, 2025)
