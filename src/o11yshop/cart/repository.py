from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from o11yshop.db.models import Cart


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CartRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def by_token(self, token: str) -> Cart | None:
        return self.session.scalar(
            select(Cart).where(Cart.token_hash == token_hash(token)).options(selectinload(Cart.items))
        )

    def add(self, cart: Cart) -> Cart:
        self.session.add(cart)
        self.session.flush()
        return cart
