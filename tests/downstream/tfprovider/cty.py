"""Terraform values on the wire: a small MessagePack codec for cty values.

Terraform sends every ``DynamicValue`` as MessagePack in cty's encoding:
objects and maps are msgpack maps, lists, sets and tuples are arrays, null is
nil, and an unknown value ("known after apply") is a msgpack extension
(type 0, or type 12 for an unknown carrying refinements). Decoded values are
plain Python values, with :class:`Unknown` standing for unknowns; encoding
turns them back. Unknowns keep their original extension payload, so a value
Terraform sent comes back byte-identical.

Schema-free by design: numbers that cty sends as strings (beyond int64 or
float64 precision) stay strings and are sent back as such, which cty accepts.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Unknown:
    """A value not known until apply (msgpack extension ``code``)."""

    code: int = 0
    data: bytes = b"\x00"


UNKNOWN = Unknown()


def decode_dynamic(msgpack: bytes, json_bytes: bytes = b"") -> Any:
    """Decode a DynamicValue's payload (msgpack preferred, else JSON)."""
    if msgpack:
        value, end = _decode(memoryview(msgpack), 0)
        if end != len(msgpack):
            raise ValueError(f"trailing bytes in msgpack value ({len(msgpack) - end})")
        return value
    if json_bytes:
        return json.loads(json_bytes)
    return None


def encode(value: Any) -> bytes:
    """Encode a Python value (with Unknowns) as msgpack."""
    out = bytearray()
    _encode(value, out)
    return bytes(out)


# --- decoding ---------------------------------------------------------------

_FIXED = {  # marker -> (struct format, size)
    0xCA: (">f", 4), 0xCB: (">d", 8),
    0xCC: (">B", 1), 0xCD: (">H", 2), 0xCE: (">I", 4), 0xCF: (">Q", 8),
    0xD0: (">b", 1), 0xD1: (">h", 2), 0xD2: (">i", 4), 0xD3: (">q", 8),
}
_LEN = {  # marker -> (length format, size, kind)
    0xC4: (">B", 1, "bin"), 0xC5: (">H", 2, "bin"), 0xC6: (">I", 4, "bin"),
    0xD9: (">B", 1, "str"), 0xDA: (">H", 2, "str"), 0xDB: (">I", 4, "str"),
    0xDC: (">H", 2, "array"), 0xDD: (">I", 4, "array"),
    0xDE: (">H", 2, "map"), 0xDF: (">I", 4, "map"),
    0xC7: (">B", 1, "ext"), 0xC8: (">H", 2, "ext"), 0xC9: (">I", 4, "ext"),
}
_FIXEXT = {0xD4: 1, 0xD5: 2, 0xD6: 4, 0xD7: 8, 0xD8: 16}


def _decode(buf: memoryview, pos: int) -> tuple[Any, int]:
    marker = buf[pos]
    pos += 1
    if marker <= 0x7F:
        return marker, pos
    if marker >= 0xE0:
        return marker - 0x100, pos
    if 0x80 <= marker <= 0x8F:
        return _decode_map(buf, pos, marker & 0x0F)
    if 0x90 <= marker <= 0x9F:
        return _decode_array(buf, pos, marker & 0x0F)
    if 0xA0 <= marker <= 0xBF:
        n = marker & 0x1F
        return str(buf[pos:pos + n], "utf-8"), pos + n
    if marker == 0xC0:
        return None, pos
    if marker in (0xC2, 0xC3):
        return marker == 0xC3, pos
    if marker in _FIXED:
        fmt, size = _FIXED[marker]
        return struct.unpack_from(fmt, buf, pos)[0], pos + size
    if marker in _FIXEXT:
        n = _FIXEXT[marker]
        code = struct.unpack_from(">b", buf, pos)[0]
        return Unknown(code, bytes(buf[pos + 1:pos + 1 + n])), pos + 1 + n
    if marker in _LEN:
        fmt, size, kind = _LEN[marker]
        n = struct.unpack_from(fmt, buf, pos)[0]
        pos += size
        if kind == "bin":
            return bytes(buf[pos:pos + n]), pos + n
        if kind == "str":
            return str(buf[pos:pos + n], "utf-8"), pos + n
        if kind == "array":
            return _decode_array(buf, pos, n)
        if kind == "map":
            return _decode_map(buf, pos, n)
        code = struct.unpack_from(">b", buf, pos)[0]
        return Unknown(code, bytes(buf[pos + 1:pos + 1 + n])), pos + 1 + n
    raise ValueError(f"unsupported msgpack marker 0x{marker:02x} at {pos - 1}")


def _decode_array(buf: memoryview, pos: int, n: int) -> tuple[list, int]:
    items = []
    for _ in range(n):
        item, pos = _decode(buf, pos)
        items.append(item)
    return items, pos


def _decode_map(buf: memoryview, pos: int, n: int) -> tuple[dict, int]:
    result = {}
    for _ in range(n):
        key, pos = _decode(buf, pos)
        result[key], pos = _decode(buf, pos)
    return result, pos


# --- encoding ---------------------------------------------------------------

def _encode(value: Any, out: bytearray) -> None:
    if value is None:
        out.append(0xC0)
    elif value is True or value is False:
        out.append(0xC3 if value else 0xC2)
    elif isinstance(value, int):
        _encode_int(value, out)
    elif isinstance(value, float):
        out += b"\xcb" + struct.pack(">d", value)
    elif isinstance(value, str):
        data = value.encode("utf-8")
        _header(len(data), out, fix=(0xA0, 31), sized=(0xD9, 0xDA, 0xDB))
        out += data
    elif isinstance(value, (bytes, bytearray)):
        _header(len(value), out, fix=None, sized=(0xC4, 0xC5, 0xC6))
        out += value
    elif isinstance(value, Unknown):
        n = len(value.data)
        fixext = {1: 0xD4, 2: 0xD5, 4: 0xD6, 8: 0xD7, 16: 0xD8}.get(n)
        if fixext:
            out.append(fixext)
        else:
            _header(n, out, fix=None, sized=(0xC7, 0xC8, 0xC9))
        out += struct.pack(">b", value.code) + value.data
    elif isinstance(value, dict):
        _header(len(value), out, fix=(0x80, 15), sized=(None, 0xDE, 0xDF))
        for key, item in value.items():
            _encode(key, out)
            _encode(item, out)
    elif isinstance(value, (list, tuple)):
        _header(len(value), out, fix=(0x90, 15), sized=(None, 0xDC, 0xDD))
        for item in value:
            _encode(item, out)
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as a cty value")


def _header(n: int, out: bytearray, fix, sized) -> None:
    if fix and n <= fix[1]:
        out.append(fix[0] | n)
    elif sized[0] is not None and n <= 0xFF:
        out += bytes((sized[0], n))
    elif n <= 0xFFFF:
        out += bytes((sized[1],)) + struct.pack(">H", n)
    else:
        out += bytes((sized[2],)) + struct.pack(">I", n)


def _encode_int(n: int, out: bytearray) -> None:
    if 0 <= n <= 0x7F or -32 <= n < 0:
        out += struct.pack(">b" if n < 0 else ">B", n)
    elif 0 <= n <= 0xFFFFFFFFFFFFFFFF:
        out += b"\xcf" + struct.pack(">Q", n)
    elif -(1 << 63) <= n < 0:
        out += b"\xd3" + struct.pack(">q", n)
    else:  # beyond 64 bits: cty accepts a number as its decimal string
        _encode(str(n), out)
