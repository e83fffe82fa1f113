"""The audit trail: who, when, before and after, for every create, change and delete."""

import datetime as dt

import pytest

from clusterpact.accounts import audit
from clusterpact.accounts.models import AuditEntry
from clusterpact.registry.models import Membership
from tests.conftest import make_organisation

pytestmark = pytest.mark.django_db


def test_create_change_and_delete_are_recorded_with_before_and_after(officer, cluster_a):
    with audit.acting_as(officer):
        org = make_organisation("Before Name", "0123456749")
        org.name = "After Name"
        org.save()
        membership = Membership.objects.create(
            organisation=org, cluster=cluster_a, start=dt.date(2020, 1, 1)
        )
        membership.delete()
    entries = list(audit.history_for(org).order_by("id"))
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[0].before is None and entries[0].after["name"] == "Before Name"
    assert entries[1].changed_fields == [("name", "Before Name", "After Name")]
    assert all(e.actor == officer and e.actor_label == "officer" for e in entries)
    deleted = AuditEntry.objects.get(action="delete")
    assert deleted.before["organisation"] == org.pk and deleted.after is None


def test_saving_without_changes_adds_no_entry(cluster_a):
    cluster_a.save()
    assert [e.action for e in audit.history_for(cluster_a)] == ["create"]


def test_changes_outside_a_request_are_attributed_to_the_system(db):
    org = make_organisation("Loaded")
    entry = audit.history_for(org).get()
    assert entry.actor is None and entry.actor_label == "system"


def test_reason_is_kept(officer):
    with audit.acting_as(officer, reason="correction after review"):
        org = make_organisation("Reasoned")
    assert audit.history_for(org).get().reason == "correction after review"


def test_bulk_creations_are_recorded_explicitly(officer, cluster_a):
    orgs = [make_organisation(f"Firm {i}") for i in range(2)]
    AuditEntry.objects.all().delete()
    memberships = Membership.objects.bulk_create(
        [Membership(organisation=o, cluster=cluster_a, start=dt.date(2021, 1, 1)) for o in orgs]
    )
    with audit.acting_as(officer, reason="import members.xlsx"):
        audit.record_created(memberships)
    assert (
        AuditEntry.objects.filter(
            action="create", actor=officer, reason="import members.xlsx"
        ).count()
        == 2
    )


def test_audit_trail_is_shown_on_the_organisation_page(client, officer, members_a):
    org = members_a[0].organisation
    with audit.acting_as(officer):
        org.municipality = "Gent"
        org.save()
    client.force_login(officer)
    page = client.get(org.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Audit trail" in page
    assert "municipality" in page and "Gent" in page


def test_request_user_is_the_actor(client, admin_user, cluster_a):
    client.force_login(admin_user)
    response = client.post(
        f"/admin/registry/cluster/{cluster_a.pk}/change/",
        {
            "name": "Alpha Renamed",
            "slug": "alpha",
            "kind": "spearhead",
            "status": "active",
            "support_start": "2017-01-01",
            "is_published": "on",
            "domain_description": "",
            "nuts_code": "",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    entry = audit.history_for(cluster_a).filter(action="update").get()
    assert entry.actor == admin_user
    assert ("name", "Alpha Cluster", "Alpha Renamed") in entry.changed_fields


def test_a_stored_file_is_recorded_by_its_name():
    from django.db.models import FileField
    from django.db.models.fields.files import FieldFile

    stored = FieldFile(None, FileField(name="attachment"), "evidence/2026/report.pdf")
    empty = FieldFile(None, FileField(name="attachment"), None)
    assert audit._json_value(stored) == "evidence/2026/report.pdf"
    assert audit._json_value(empty) == ""
