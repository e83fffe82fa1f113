"""The audit trail: every create, change and delete of a registered model.

Models opt in with :func:`register`. Saves and deletes through the ORM are
recorded by signals; bulk imports, which bypass signals, call
:func:`record_created` themselves. The actor comes from the request (set by
:class:`AuditActorMiddleware`) or from :func:`acting_as` in commands and tasks.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from .models import AuditAction, AuditEntry


@dataclass(frozen=True)
class Actor:
    user: object | None
    label: str
    reason: str = ""


_current_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar(
    "clusterpact_audit_actor", default=None
)
_registered: set[type[models.Model]] = set()


@contextmanager
def acting_as(user=None, *, label: str | None = None, reason: str = "") -> Iterator[None]:
    """Attribute the changes made inside the block to ``user`` (or a named system actor)."""
    actor = Actor(
        user=user, label=label or (user.get_username() if user else "system"), reason=reason
    )
    token = _current_actor.set(actor)
    try:
        yield
    finally:
        _current_actor.reset(token)


class AuditActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            with acting_as(user):
                return self.get_response(request)
        return self.get_response(request)


def _json_value(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):
        # The stored file's name identifies it; its bytes stay out of the trail.
        return value.name or ""
    return value


def snapshot(instance: models.Model) -> dict[str, object]:
    """The audited state of ``instance``: concrete fields by name, JSON-safe."""
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in {"created_at", "updated_at"}:
            continue
        data[field.name] = _json_value(getattr(instance, field.attname))
    return data


def _entry(instance, action, before, after) -> AuditEntry:
    actor = _current_actor.get() or Actor(user=None, label="system")
    return AuditEntry(
        actor=actor.user if getattr(actor.user, "pk", None) else None,
        actor_label=actor.label,
        action=action,
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
        object_repr=str(instance)[:255],
        before=before,
        after=after,
        reason=actor.reason,
    )


_BULK_COLUMNS = (
    "timestamp",
    "actor",
    "actor_label",
    "action",
    "content_type",
    "object_id",
    "object_repr",
    "after",
    "reason",
)


def record_created(instances: Iterable[models.Model]) -> int:
    """Record creations made with ``bulk_create`` (which sends no signals); returns the count.

    Bypasses the ORM: an import of 10,000 members yields 30,000 entries, and the
    ORM's per-field value preparation was most of the import's time. PostgreSQL
    gets them through COPY, SQLite through one parameterised executemany.
    """
    actor = _current_actor.get() or Actor(user=None, label="system")
    actor_id = actor.user.pk if getattr(actor.user, "pk", None) else None
    connection = connections[router.db_for_write(AuditEntry)]
    now = AuditEntry._meta.get_field("timestamp").get_db_prep_value(timezone.now(), connection)
    rows = [
        (
            now,
            actor_id,
            actor.label,
            AuditAction.CREATE.value,
            ContentType.objects.get_for_model(obj, for_concrete_model=False).pk,
            str(obj.pk),
            str(obj)[:255],
            json.dumps(snapshot(obj), cls=DjangoJSONEncoder),
            actor.reason,
        )
        for obj in instances
    ]
    if not rows:
        return 0
    quote = connection.ops.quote_name
    table = quote(AuditEntry._meta.db_table)
    columns = ", ".join(quote(AuditEntry._meta.get_field(name).column) for name in _BULK_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(_BULK_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)
    return len(rows)


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._audit_before = None
        return
    previous = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(previous) if previous is not None else None


def _post_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = None if created else getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if not created and before == after:
        return
    _entry(instance, AuditAction.CREATE if created else AuditAction.UPDATE, before, after).save()


def _post_delete(sender, instance, **kwargs):
    _entry(instance, AuditAction.DELETE, snapshot(instance), None).save()


def register(model: type[models.Model]) -> type[models.Model]:
    """Class decorator: audit every save and delete of ``model``."""
    if model not in _registered:
        _registered.add(model)
        uid = f"audit-{model._meta.label_lower}"
        pre_save.connect(_pre_save, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(_post_save, sender=model, dispatch_uid=uid + "-post")
        post_delete.connect(_post_delete, sender=model, dispatch_uid=uid + "-delete")
    return model


def history_for(instance: models.Model):
    """Audit entries of one object, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
        object_id=str(instance.pk),
    ).select_related("actor")
