"""Just enough CBOR (RFC 8949) for the Smithy RPC v2 CBOR protocol, which newer AWS SDKs use for CloudWatch.

Timestamps travel as tag 1 (epoch seconds); they decode to epoch-second floats, and datetimes
encode as tag 1.
"""

from __future__ import annotations

import math
import struct
from datetime import datetime
from typing import Any


class CBORError(ValueError):
    pass


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def take(self, count: int) -> bytes:
        if self.pos + count > len(self.data):
            raise CBORError("truncated CBOR")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def argument(self, info: int) -> int | None:
        if info < 24:
            return info
        sizes = {24: 1, 25: 2, 26: 4, 27: 8}
        if info in sizes:
            return int.from_bytes(self.take(sizes[info]), "big")
        if info == 31:
            return None  # indefinite length
        raise CBORError(f"reserved additional information {info}")

    def item(self) -> Any:
        initial = self.take(1)[0]
        major, info = initial >> 5, initial & 0x1F
        if major == 7:
            return self.simple(info)
        argument = self.argument(info)
        if major == 0:
            return argument
        if major == 1:
            return -1 - (argument or 0)
        if major in (2, 3):
            if argument is None:
                chunks = []
                while self.data[self.pos] != 0xFF:
                    chunks.append(self.item())
                self.pos += 1
                return b"".join(chunks) if major == 2 else "".join(chunks)
            raw = self.take(argument)
            return raw if major == 2 else raw.decode("utf-8")
        if major == 4:
            items = []
            if argument is None:
                while self.data[self.pos] != 0xFF:
                    items.append(self.item())
                self.pos += 1
            else:
                items = [self.item() for _ in range(argument)]
            return items
        if major == 5:
            mapping: dict[Any, Any] = {}
            if argument is None:
                while self.data[self.pos] != 0xFF:
                    key = self.item()
                    mapping[key] = self.item()
                self.pos += 1
            else:
                for _ in range(argument):
                    key = self.item()
                    mapping[key] = self.item()
            return mapping
        value = self.item()  # major 6: a tag; tag 1 is an epoch timestamp, which stays a number
        return value

    def simple(self, info: int) -> Any:
        if info == 20:
            return False
        if info == 21:
            return True
        if info in (22, 23):
            return None
        if info == 25:
            return _half(int.from_bytes(self.take(2), "big"))
        if info == 26:
            return struct.unpack(">f", self.take(4))[0]
        if info == 27:
            return struct.unpack(">d", self.take(8))[0]
        raise CBORError(f"unsupported simple value {info}")


def _half(bits: int) -> float:
    exponent = (bits >> 10) & 0x1F
    mantissa = bits & 0x3FF
    if exponent == 0:
        value = mantissa * 2.0**-24
    elif exponent == 31:
        value = math.inf if mantissa == 0 else math.nan
    else:
        value = (mantissa + 1024) * 2.0 ** (exponent - 25)
    return -value if bits & 0x8000 else value


def loads(data: bytes) -> Any:
    reader = _Reader(data)
    value = reader.item()
    if reader.pos != len(data):
        raise CBORError("trailing bytes after the CBOR item")
    return value


def _head(major: int, argument: int) -> bytes:
    if argument < 24:
        return bytes([major << 5 | argument])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | info]) + argument.to_bytes(size, "big")
    raise CBORError("integer too large for CBOR")


def dumps(value: Any) -> bytes:
    out = bytearray()
    _encode(value, out)
    return bytes(out)


def _encode(value: Any, out: bytearray) -> None:
    if value is None:
        out.append(0xF6)
    elif value is True:
        out.append(0xF5)
    elif value is False:
        out.append(0xF4)
    elif isinstance(value, int):
        out += _head(0, value) if value >= 0 else _head(1, -1 - value)
    elif isinstance(value, float):
        out += b"\xfb" + struct.pack(">d", value)
    elif isinstance(value, str):
        raw = value.encode("utf-8")
        out += _head(3, len(raw)) + raw
    elif isinstance(value, bytes | bytearray):
        out += _head(2, len(value)) + bytes(value)
    elif isinstance(value, datetime):
        out += b"\xc1"
        _encode(value.timestamp(), out)
    elif isinstance(value, list | tuple | set | frozenset):
        items = list(value)
        out += _head(4, len(items))
        for item in items:
            _encode(item, out)
    elif isinstance(value, dict):
        entries = [(k, v) for k, v in value.items() if v is not None]
        out += _head(5, len(entries))
        for key, item in entries:
            _encode(key, out)
            _encode(item, out)
    else:
        raise CBORError(f"cannot encode {type(value).__name__} as CBOR")
