"""``--state DIR``: a write-ahead journal of every request that changes state, replayed at start-up.

Each change is appended to ``DIR/journal.jsonl`` and flushed to disk (fsync) before it is applied,
so a crash loses at most the request that was being answered. o11yshop's own services are replayed
with the clock they first saw; moto's services are replayed as the HTTP requests they were.
Not journalled: reads, SNS Publish (notifications are never sent twice), and alarm deliveries.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from o11yshop.localaws.server import LocalAws

_READ_PREFIXES = ("Get", "List", "Describe", "Receive", "Head", "Check", "Lookup", "Search", "BatchGet")
_NOT_REPLAYED = {"Publish", "PublishBatch", "ReceiveMessage", "ChangeMessageVisibility",
                 "ChangeMessageVisibilityBatch"}  # fmt: skip
_HEADERS = (
    "Content-Type",
    "X-Amz-Target",
    "Authorization",
    "X-Amz-Date",
    "Host",
    "Content-Md5",
    "X-Amz-Content-Sha256",
)


def moto_changes_state(method: str, action: str | None) -> bool:
    """Whether a request to moto changes what it holds (and so belongs in the journal)."""
    if method in ("GET", "HEAD", "OPTIONS"):
        return False
    if action is None:
        return True
    return not action.startswith(_READ_PREFIXES) and action not in _NOT_REPLAYED


class Journal:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "journal.jsonl"
        self._lock = threading.Lock()
        self._file: BinaryIO | None = None

    def _append(self, entry: dict[str, Any]) -> None:
        line = json.dumps(entry, separators=(",", ":"), default=str).encode() + b"\n"
        with self._lock:
            if self._file is None:
                self._file = open(self.path, "ab")  # noqa: SIM115 - held open for the endpoint's lifetime
                if self._file.tell() and not self._ends_with_newline():
                    self._file.write(b"\n")  # end a line torn by a crash, so it cannot swallow the next one
            self._file.write(line)
            self._file.flush()
            os.fsync(self._file.fileno())

    def _ends_with_newline(self) -> bool:
        with open(self.path, "rb") as existing:
            existing.seek(-1, os.SEEK_END)
            return existing.read(1) == b"\n"

    def record(
        self, service: str, region: str, operation: str, params: dict[str, Any], moment: float
    ) -> None:
        self._append({"k": "op", "t": moment, "s": service, "r": region, "o": operation, "p": params})

    def record_http(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> None:
        self._append(
            {
                "k": "http",
                "m": method,
                "path": path,
                "q": query,
                "h": {k: v for k, v in headers.items() if k in _HEADERS},
                "b": base64.b64encode(body).decode(),
            }
        )

    def replay(self, app: LocalAws) -> int:
        """Apply every journalled change to a fresh endpoint; a torn last line (a crash) is skipped."""
        if not self.path.exists():
            return 0
        count = 0
        with open(self.path, "rb") as source:
            for raw in source:
                if not raw.strip():
                    continue
                try:
                    entry = json.loads(raw)
                except ValueError:
                    continue  # only a last line can be torn: it was being written when the process died
                if entry["k"] == "op":
                    app.replay(entry["s"], entry["r"], entry["o"], entry["p"], entry["t"])
                else:
                    body = base64.b64decode(entry["b"])
                    app.replay_http(entry["m"], entry["path"], entry["q"], entry["h"], body)
                count += 1
        return count

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None
