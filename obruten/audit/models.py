"""The append-only audit log: every read and write of a child's record."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLogIsAppendOnly(Exception):
    pass


# Events that change no data (AuditEvent.Action's values): a refused import writes
# nothing but its refusal, a sign-in nothing but itself.
NOT_WRITES = ["read", "list", "export", "refused", "login"]


class AuditEvent(models.Model):
    """One row per read or write.

    - ``actor``: who did it (``actor_name`` keeps the name if the user is removed).
    - ``action``: what happened (read, create, update, import, ...).
    - ``child``: whose record, or empty for events about no single child (a list).
    - ``object_type`` / ``object_id``: the record touched (a placement, a school start).
    - ``via``: which page, export or command.
    - ``reason``: why, where the user gave a reason.
    - ``changes``: for writes ``{field: [old, new]}``; for list reads, the filters used.
    - ``state``: for writes about a child, the digest of the child's records after it.
    - ``sequence``: 1, 2, 3, ... without gaps, so a removed row leaves a hole.
    - ``previous_hash`` / ``hash``: the chain; ``hash`` is an HMAC (keyed with
      ``AUDIT_KEY``, which is never in the database) over every other field and the
      previous row's hash, so a changed or removed row breaks the chain
      (``obruten audit verify``).
    """

    class Action(models.TextChoices):
        READ = "read", _("läst")
        LIST = "list", _("listat")
        CREATE = "create", _("skapat")
        UPDATE = "update", _("ändrat")
        EXPORT = "export", _("exporterat")
        IMPORT = "import", _("importerat")
        LOGIN = "login", _("loggat in")
        REFUSED = "refused", _("nekad")

    NOT_WRITES = NOT_WRITES

    at = models.DateTimeField(_("tid"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vem"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(_("användarnamn"), max_length=150)
    action = models.CharField(_("händelse"), max_length=10, choices=Action.choices)
    child = models.ForeignKey(
        "register.Child",
        verbose_name=_("barn"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,  # the index on (child, at) serves it
    )
    object_type = models.CharField(_("posttyp"), max_length=40, blank=True)
    object_id = models.BigIntegerField(_("post"), null=True, blank=True)
    via = models.CharField(_("sida eller export"), max_length=100)
    reason = models.CharField(_("skäl"), max_length=500, blank=True)
    changes = models.JSONField(_("ändringar"), default=dict, blank=True)
    # For a write about a child: the digest of the child's records as the write left them
    # (obruten.audit.records), so a record changed outside Obruten is found.
    state = models.CharField(_("postens kontrollsumma"), max_length=64, blank=True, default="")
    sequence = models.BigIntegerField(unique=True)
    previous_hash = models.CharField(max_length=64)
    # Not unique: a row is found by its sequence; an index each on the hash (PostgreSQL
    # adds a second for LIKE) cost every list page and import a third of its audit writes.
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]
        verbose_name = _("logghändelse")
        verbose_name_plural = _("logghändelser")
        indexes = [
            models.Index(fields=["child", "at"]),
            # The newest write per child and the newest write about no child: where
            # the state a child's records were left in (obruten.audit.records).
            models.Index(
                fields=["child", "sequence"],
                name="audit_child_writes",
                condition=~models.Q(action__in=NOT_WRITES),
            ),
            models.Index(
                fields=["sequence"],
                name="audit_other_writes",
                condition=models.Q(child__isnull=True) & ~models.Q(action__in=NOT_WRITES),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditLogIsAppendOnly("An audit event is never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditLogIsAppendOnly("An audit event is never removed.")


class AuditChainHead(models.Model):
    """A single row holding the newest sequence number and hash. Writers lock it, so the
    chain stays one line even with several application servers on one PostgreSQL."""

    last_hash = models.CharField(max_length=64)
    last_sequence = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("loggkedjans huvud")

    def __str__(self) -> str:
        return self.last_hash
