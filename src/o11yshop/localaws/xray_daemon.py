"""The X-Ray daemon's UDP protocol, so the X-Ray SDKs can send segments here unchanged.

The SDKs send each segment as one datagram: a header line ``{"format": "json", "version": 1}``,
a newline, then the segment document. Point them here with
``AWS_XRAY_DAEMON_ADDRESS="udp:127.0.0.1:2000 tcp:127.0.0.1:4566"``: segments arrive over UDP, and
the SDK's sampler asks for rules and targets over HTTP, which the endpoint answers.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from o11yshop.localaws.server import LocalAws

HEADER = {"format": "json", "version": 1}


class XRayDaemon:
    """Receives segments on 127.0.0.1 over UDP and stores them as PutTraceSegments would."""

    def __init__(self, app: LocalAws, port: int, region: str | None = None) -> None:
        self.app = app
        self.region = (
            region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        )
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", port))
        self.socket.settimeout(0.1)
        self.port = int(self.socket.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="local-aws-xray-daemon", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.socket.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                datagram = self.socket.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            self.receive(datagram)

    def receive(self, datagram: bytes) -> None:
        self.app.stats.count("xray.DaemonUDP", len(datagram))
        header, _, document = datagram.decode("utf-8", "replace").partition("\n")
        try:
            if json.loads(header) != HEADER:
                raise ValueError(header)
        except ValueError:
            print(f"local-aws X-Ray daemon: dropped a datagram without the daemon header: {header[:80]!r}",
                  file=sys.stderr)  # fmt: skip
            return
        result = self.app.call("xray", self.region, "PutTraceSegments", {"TraceSegmentDocuments": [document]})
        for rejected in result["UnprocessedTraceSegments"]:
            print(f"local-aws X-Ray daemon: rejected a segment: {rejected['Message']}", file=sys.stderr)
