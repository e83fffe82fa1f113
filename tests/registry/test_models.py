import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clusterpact.registry import domain
from clusterpact.registry.models import Membership, Organisation, OrganisationYear
from tests.conftest import make_organisation

pytestmark = pytest.mark.django_db


def test_clean_normalises_the_enterprise_number():
    org = Organisation(
        name="X", enterprise_number="BE 0123.456.749", helix_role="company", kind="company"
    )
    org.full_clean()
    assert org.enterprise_number == "0123456749"
    assert org.enterprise_number_display == "0123.456.749"


def test_clean_rejects_a_wrong_check_digit_on_the_field():
    org = Organisation(
        name="X", enterprise_number="0123456748", helix_role="company", kind="company"
    )
    with pytest.raises(ValidationError) as error:
        org.full_clean()
    assert "verkeerd controlegetal" in str(error.value.message_dict["enterprise_number"])


def test_foreign_organisations_use_their_own_identifier():
    org = Organisation(
        name="Dutch BV",
        country="NL",
        foreign_identifier="KVK 12345678",
        helix_role="company",
        kind="company",
    )
    org.full_clean()
    assert org.identifier_display == "NL KVK 12345678"
    wrong = Organisation(
        name="Y", country="NL", enterprise_number="0123456749", helix_role="company", kind="company"
    )
    with pytest.raises(ValidationError):
        wrong.full_clean()


def test_unknown_nace_code_is_rejected_and_known_one_sets_the_section():
    with pytest.raises(ValidationError):
        Organisation(name="X", nace_code="99.99", helix_role="company", kind="company").full_clean()
    org = make_organisation("Chem", nace_code="2011")
    assert (org.nace_code, org.nace_section) == ("20.11", "C")


def test_enterprise_number_is_unique_but_blank_is_not():
    make_organisation("A", "0123456749")
    make_organisation("B")
    make_organisation("C")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_organisation("D", "0123456749")


def test_membership_cannot_end_before_it_starts(cluster_a):
    org = make_organisation("A")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            organisation=org, cluster=cluster_a, start=dt.date(2022, 1, 1), end=dt.date(2021, 1, 1)
        )


def test_size_classes_are_derived_from_yearly_figures_with_the_two_year_rule():
    org = make_organisation("Growing")
    for year, staff, money in [(2021, 8, 1_000_000), (2022, 30, 5_000_000), (2023, 40, 6_000_000)]:
        OrganisationYear.objects.create(
            organisation=org, year=year, headcount=staff, turnover=money, balance_sheet=money
        )
    domain.derive_size_classes([org])
    org.refresh_from_db()
    assert org.size_class == "small"
    assert dict(org.years.values_list("year", "size_class")) == {
        2021: "micro",
        2022: "micro",
        2023: "small",
    }


def test_fee_for_each_member_follows_the_schedule(members_a, fees_a, cluster_a):
    fees = {f.membership.organisation.name: f.amount for f in domain.fees_for_year(cluster_a, 2020)}
    assert fees == {"Small Firm": 500, "Large Firm": 5000, "Test University": 2000}


def test_composition_counts_active_members(members_a, cluster_a):
    members_a[1].end = dt.date(2021, 12, 31)
    members_a[1].save()
    comp = domain.composition(cluster_a, dt.date(2024, 1, 1))
    assert comp.members == 2
    assert comp.by_helix == {"company": 1, "knowledge": 1}
    assert comp.smes == 1 and comp.sme_share == 1.0
    assert comp.young_firms == 1  # founded 2023
