"""The demo landscape that `make run` loads: public facts, marked synthetic records, one account per role."""

import io

import pytest

from clusterpact.accounts.models import Role, User
from clusterpact.demo.loader import DEMO_PASSWORD, demo_is_loaded, load_demo
from clusterpact.registry.models import Cluster, Membership, Organisation
from clusterpact.rules import enterprise_number, nace

SPEARHEADS = {
    "Catalisti": 2017,
    "Flanders' FOOD": 2017,
    "Flux50": 2017,
    "SIM": 2017,
    "VIL": 2017,
    "De Blauwe Cluster": 2018,
    "MEDVIA": 2021,
}


@pytest.mark.django_db
def test_demo_landscape_loads_once_with_facts_marked_data_and_accounts():
    out = io.StringIO()
    load_demo(stdout=out)
    assert demo_is_loaded()

    spearheads = {c.name: c.support_start.year for c in Cluster.objects.filter(kind="spearhead")}
    assert spearheads == SPEARHEADS
    assert not Cluster.objects.filter(name__in=SPEARHEADS, is_synthetic=True).exists()
    assert Cluster.objects.filter(kind="business_network").count() >= 3

    companies = Organisation.objects.filter(helix_role="company")
    assert companies.count() > 1500
    assert not companies.filter(is_synthetic=False).exists()
    assert not companies.filter(nace_section="").exists()
    for org in companies.only("enterprise_number", "nace_code")[:500]:
        assert enterprise_number.is_valid(org.enterprise_number)
        assert nace.lookup(org.nace_code).level == 4
    assert companies.exclude(size_class="").count() == companies.count()
    assert not Membership.objects.filter(is_synthetic=False).exists()

    accounts = dict(User.objects.values_list("username", "role"))
    assert set(accounts.values()) == set(Role.values)
    manager = User.objects.get(username="manager")
    assert manager.check_password(DEMO_PASSWORD)
    assert sorted(manager.managed_clusters.values_list("slug", flat=True)) == [
        "catalisti",
        "flux50",
    ]

    counts = (Organisation.objects.count(), Membership.objects.count())
    load_demo(stdout=out)
    assert (Organisation.objects.count(), Membership.objects.count()) == counts
    assert "already loaded" in out.getvalue()
