"""The database as the processes hold it, and the per-request session dependencies.

The request owns the transaction: ``WriteSession`` commits when the handler returns and rolls back
when it raises; services only ``flush()``. ``ReadSession`` is for handlers that write nothing.
On SQLite a write session takes the single write lock when it first touches the database, so
handlers that call another service's write endpoint do that before their first write-session query
(or, like checkout, in short transactions of their own): never hold a transaction across a network
call.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from o11yshop import telemetry
from o11yshop.db.engine import make_engine, make_session_factory, session_scope
from o11yshop.telemetry.runtime import watch_engine


@dataclass
class Database:
    engine: Engine
    write: sessionmaker[Session]
    read: sessionmaker[Session]

    @classmethod
    def connect(cls, url: str) -> Database:
        engine = make_engine(url)
        watch_engine(engine)
        telemetry.instrument_engine(engine)
        return cls(engine, make_session_factory(engine), make_session_factory(engine, read_only=True))

    def dispose(self) -> None:
        self.engine.dispose()


def database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _write_session(request: Request) -> Iterator[Session]:
    with session_scope(database(request).write) as session:
        yield session


def _read_session(request: Request) -> Iterator[Session]:
    session = database(request).read()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


WriteSession = Annotated[Session, Depends(_write_session, scope="function")]
ReadSession = Annotated[Session, Depends(_read_session, scope="function")]
DatabaseDep = Annotated[Database, Depends(database)]
