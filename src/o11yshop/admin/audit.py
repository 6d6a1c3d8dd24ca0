"""Every admin change leaves a row: who, what, before, after (and the request it came from)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from o11yshop.db.models import AdminUser, AuditLog
from o11yshop.http.context import current_request_id


def record_change(
    session: Session,
    actor: AdminUser,
    action: str,
    entity_type: str,
    entity_id: object,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditLog:
    entry = AuditLog(
        actor_id=actor.id,
        actor_email=actor.email,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        before=before,
        after=after,
        request_id=current_request_id(),
    )
    session.add(entry)
    session.flush()
    return entry


def recent(
    session: Session, *, limit: int, entity_type: str | None = None, entity_id: str | None = None
) -> list[AuditLog]:
    query = select(AuditLog)
    if entity_type:
        query = query.where(AuditLog.entity_type == entity_type)
    if entity_id:
        query = query.where(AuditLog.entity_id == entity_id)
    return list(session.scalars(query.order_by(AuditLog.id.desc()).limit(limit)))
