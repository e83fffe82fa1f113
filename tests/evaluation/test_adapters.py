import datetime as dt

import polars as pl
import pytest

from clusterpact.evaluation import adapters
from clusterpact.registry.models import Membership
from tests.conftest import make_organisation


@pytest.fixture
def hand_registry(cluster_a, cluster_b):
    """Four firms: A from 2018 (and B from 2020), B only from mid-2021, a non-member, a firm not in any cluster."""
    first = make_organisation("First", "0123456749")
    second = make_organisation("Second", "0200065765")
    make_organisation("Third", "0403170701")
    Organisation = type(first)
    Organisation.objects.filter(pk=first.pk).update(size_class="small")
    Organisation.objects.filter(pk=second.pk).update(size_class="large")
    Membership.objects.create(organisation=first, cluster=cluster_a, start=dt.date(2018, 1, 1))
    Membership.objects.create(organisation=first, cluster=cluster_b, start=dt.date(2020, 5, 1))
    Membership.objects.create(
        organisation=first, cluster=cluster_a, start=dt.date(2022, 1, 1), end=dt.date(2023, 1, 1)
    )
    Membership.objects.create(organisation=second, cluster=cluster_b, start=dt.date(2021, 6, 1))


def _panel(numbers, years=range(2015, 2024)):
    return pl.DataFrame(
        {
            "enterprise_number": [n for n in numbers for _ in years],
            "year": [y for _ in numbers for y in years],
            "employment": [5.0 if n == "0999999823" else 100.0 for n in numbers for _ in years],
        },
        schema_overrides={"year": pl.Int32},
    )


@pytest.mark.django_db
def test_cohorts_are_the_first_year_of_membership_overall_and_per_cluster(hand_registry):
    panel = _panel(["0123456749", "0200065765", "0403170701", "0999999823"])
    joined = adapters.evaluation_panel(panel)
    token = {
        n: adapters.pseudonym(n) for n in ["0123456749", "0200065765", "0403170701", "0999999823"]
    }
    groups = dict(joined.frame.group_by("unit").agg(pl.col("group").first()).iter_rows())
    assert groups == {
        token["0123456749"]: 2018,
        token["0200065765"]: 2021,
        token["0403170701"]: 0,
        token["0999999823"]: 0,
    }
    per_cluster = sorted(joined.cluster_groups.iter_rows())
    assert per_cluster == sorted(
        [
            (token["0123456749"], "alpha", 2018),
            (token["0123456749"], "beta", 2020),
            (token["0200065765"], "beta", 2021),
        ]
    )
    assert joined.clusters == {"alpha": "Alpha Cluster", "beta": "Beta Network"}


@pytest.mark.django_db
def test_size_class_comes_from_the_registry_else_from_headcount(hand_registry):
    panel = _panel(["0123456749", "0200065765", "0403170701", "0999999823"])
    joined = adapters.evaluation_panel(panel)
    sizes = dict(joined.frame.group_by("unit").agg(pl.col("size_class").first()).iter_rows())
    assert sizes[adapters.pseudonym("0123456749")] == "small"
    assert sizes[adapters.pseudonym("0200065765")] == "large"
    assert (
        sizes[adapters.pseudonym("0403170701")] == "medium"
    )  # 100 staff, no class in the registry
    assert sizes[adapters.pseudonym("0999999823")] == "micro"  # 5 staff, not in the registry
    assert any("headcount" in note for note in joined.notes)


@pytest.mark.django_db
def test_the_joined_panel_holds_no_enterprise_number(hand_registry):
    joined = adapters.evaluation_panel(_panel(["0123456749", "0200065765"]))
    text = joined.frame.write_csv() + joined.cluster_groups.write_csv()
    assert "0123456749" not in text and "0200065765" not in text
    assert "enterprise_number" not in joined.frame.columns


def test_pseudonyms_are_stable_short_and_keyed(settings):
    first = adapters.pseudonym("0123456749")
    assert first == adapters.pseudonym("0123456749")
    assert len(first) == adapters.PSEUDONYM_LENGTH
    assert first != adapters.pseudonym("0200065765")
    settings.SECRET_KEY = "another-key-" + "y" * 40
    assert adapters.pseudonym("0123456749") != first


def test_pseudonymise_maps_each_row():
    series = pl.Series("n", ["0123456749", "0200065765", "0123456749"])
    out = adapters.pseudonymise(series)
    assert out.to_list() == [adapters.pseudonym(n) for n in series.to_list()]
