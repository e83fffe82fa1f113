"""Investment aid intensity (GBER art. 27(6)) by the region type of each investment grant, with the
cluster's state-aid profile as the default."""

import datetime as dt
from decimal import Decimal

import pytest

from clusterpact.funding import adapters, domain
from clusterpact.funding.forms import GrantForm
from clusterpact.funding.models import (
    ClusterAidProfile,
    FundingLine,
    FundingLineKind,
    Grant,
    GrantKind,
    RegionType,
)
from clusterpact.rules import state_aid as sa

D = Decimal


@pytest.fixture
def investment_line(db):
    return FundingLine.objects.create(name="Investments", kind=FundingLineKind.INVESTMENT)


def investment(cluster, line, recipient, *, aid, region=""):
    grant = Grant(
        funding_line=line,
        cluster=cluster,
        recipient=recipient,
        kind=GrantKind.INVESTMENT,
        grant_date=dt.date(2020, 3, 1),
        period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2020, 12, 31),
        region_type=region,
    )
    return domain.save_grant(
        grant=grant, years=[domain.YearInput(2020, D(aid), {"tangible": D(1_000_000)})]
    )


def intensity_verdict(cluster):
    verdicts = sa.check_all(adapters.aid_history(cluster), as_of=dt.date(2021, 1, 1))
    return next(v for v in verdicts if v.check == "investment_aid_intensity")


@pytest.mark.parametrize(
    ("region", "aid", "status", "limit"),
    [
        (RegionType.NONE, 500_000, "ok", D("0.50")),
        (RegionType.NONE, 500_001, "breach", D("0.50")),
        (RegionType.C_AREA, 550_000, "ok", D("0.55")),
        (RegionType.C_AREA, 550_001, "breach", D("0.55")),
        (RegionType.A_AREA, 650_000, "ok", D("0.65")),
        (RegionType.A_AREA, 650_001, "breach", D("0.65")),
    ],
)
def test_region_of_the_grant_sets_the_ceiling(
    cluster_a, investment_line, org_a, region, aid, status, limit
):
    # The cluster's own profile says "no bonus": the grant's region must win.
    ClusterAidProfile.objects.create(cluster=cluster_a, region_type=RegionType.NONE)
    investment(cluster_a, investment_line, org_a, aid=aid, region=region)
    verdict = intensity_verdict(cluster_a)
    assert (verdict.status.value, verdict.figures["max_intensity"]) == (status, limit)
    assert verdict.figures["region_type"] == region


def test_blank_region_takes_the_clusters_profile(cluster_a, investment_line, org_a):
    ClusterAidProfile.objects.create(cluster=cluster_a, region_type=RegionType.C_AREA)
    investment(cluster_a, investment_line, org_a, aid=550_000)
    verdict = intensity_verdict(cluster_a)
    assert verdict.status is sa.Status.OK
    assert verdict.figures["max_intensity"] == D("0.55")


def test_an_operating_grant_has_no_region_of_its_own(cluster_a, basic_line, org_a):
    from django.core.exceptions import ValidationError

    grant = Grant(
        funding_line=basic_line,
        cluster=cluster_a,
        recipient=org_a,
        kind=GrantKind.OPERATING,
        grant_date=dt.date(2020, 1, 1),
        period_start=dt.date(2020, 1, 1),
        period_end=dt.date(2020, 12, 31),
        region_type=RegionType.A_AREA,
    )
    with pytest.raises(ValidationError) as error:
        grant.full_clean()
    assert list(error.value.message_dict) == ["region_type"]


def test_the_form_proposes_the_profiles_region_and_drops_it_for_operating_aid(
    cluster_a, basic_line, org_a
):
    ClusterAidProfile.objects.create(cluster=cluster_a, region_type=RegionType.A_AREA)
    cluster_a.refresh_from_db()
    assert GrantForm(cluster=cluster_a).initial["region_type"] == RegionType.A_AREA
    # The view passes a new grant of the cluster, whose own fields are blank.
    form = GrantForm(instance=Grant(cluster=cluster_a), cluster=cluster_a)
    assert form.initial["region_type"] == RegionType.A_AREA
    assert form.initial["recipient"] == org_a.pk
    data = {
        "funding_line": basic_line.pk,
        "kind": GrantKind.OPERATING,
        "recipient": org_a.pk,
        "recipient_kind": "cluster_organisation",
        "grant_date": "2020-01-01",
        "period_start": "2020-01-01",
        "period_end": "2020-12-31",
        "publication_status": "unknown",
        "region_type": RegionType.A_AREA,
    }
    form = GrantForm(data, cluster=cluster_a)
    assert form.is_valid(), form.errors
    assert form.save(commit=False).region_type == ""


def test_the_cluster_page_names_the_region_of_an_investment_grant(
    client, officer, cluster_a, investment_line, org_a
):
    investment(cluster_a, investment_line, org_a, aid=1, region=RegionType.A_AREA)
    client.force_login(officer)
    html = client.get("/funding/clusters/alpha/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Investment aid (Art. 107(3)(a) area)" in html
