"""Redaction (O-LOG-06): no password, token, card number, full e-mail or phone number leaves."""

from __future__ import annotations

import pytest

from o11yshop.telemetry.redaction import REDACTED, luhn_valid, redact_event, redact_text


@pytest.mark.parametrize(
    "card",
    ["4111 1111 1111 1111", "4111-1111-1111-1111", "5500005555555559", "378282246310005", "3530111333300000"],
)
def test_card_numbers_are_removed(card):
    assert luhn_valid(card.replace(" ", "").replace("-", ""))
    out = redact_text(f"paid with {card} today")
    assert out == "paid with [CARD] today"


@pytest.mark.parametrize(
    "harmless",
    [
        "4111111111111112",  # fails the Luhn check
        "epoch 1764454544123",  # a millisecond timestamp, however its digits add up
        "order OS-7K3M-9QXD total 12000",
        "trace 1-5f84c7a1-0123456789abcdef01234567",
        "2026-11-29T22:15:44.120Z",
        "id 1234567890123",
    ],
)
def test_look_alikes_are_kept(harmless):
    assert redact_text(harmless) == harmless


def test_emails_and_phones_are_masked():
    text = "ship to hanako.yamada@example.co.jp, call +81 3-1234-5678 or 090-1234-5678 or 09012345678"
    assert redact_text(text) == "ship to h***@example.co.jp, call ***-**78 or ***-**78 or ***-**78"


def test_sensitive_keys_anywhere_in_the_event():
    event = {
        "message": "login",
        "password": "hunter2",
        "headers": {"Authorization": "Bearer abc.def.ghi", "X-Cart-Token": "tok", "accept": "json"},
        "body": [{"access_token": "x"}, {"note": "mail a@b.example"}],
        "apiKey": "k",
        "count": 3,
    }
    assert redact_event(event) == {
        "message": "login",
        "password": REDACTED,
        "headers": {"Authorization": REDACTED, "X-Cart-Token": REDACTED, "accept": "json"},
        "body": [{"access_token": REDACTED}, {"note": "mail a***@b.example"}],
        "apiKey": REDACTED,
        "count": 3,
    }
