"""Hardened parsing of clinic submissions (QĐ 130/4750 envelope ``GIAMDINHHS``).

Safety: defusedxml with DTDs, entities and external references forbidden; size limits on the
envelope and on every decoded inner file; encoding detected from BOM, UTF-16 byte patterns or the
XML declaration. Text values are normalised to NFC. Nothing here touches a database.
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

from de06.health.layout import INNER_ROOTS, TABLE_TYPES, USED_TABLES

MAX_ENVELOPE_BYTES = 20 * 1024 * 1024
MAX_INNER_BYTES = 5 * 1024 * 1024
_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']", re.S)
_DECL_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>", re.S)


class Rejected(Exception):
    """A submission (or one of its tables) cannot be accepted; ``reason`` names the problem."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Episode:
    """One ``HOSO``: the tables of one treatment episode (one MA_LK)."""

    index: int
    xml1: dict[str, str] | None = None
    xml4: list[dict[str, str]] = field(default_factory=list)
    xml13: dict[str, str] | None = None
    xml14: dict[str, str] | None = None
    ignored: list[str] = field(default_factory=list)  # XML2, XML3, ... seen and not used


@dataclass
class Envelope:
    facility_code: str
    ngaylap: str
    declared_count: str
    episodes: list[Episode]


def decode_bytes(data: bytes, *, what: str = "document") -> str:
    """Bytes -> text: BOM, UTF-16 without BOM, declared encoding, else UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        enc, data = "utf-8", data[3:]
    elif data.startswith(b"\xff\xfe"):
        enc, data = "utf-16-le", data[2:]
    elif data.startswith(b"\xfe\xff"):
        enc, data = "utf-16-be", data[2:]
    elif data[:2] == b"<\x00":
        enc = "utf-16-le"
    elif data[:2] == b"\x00<":
        enc = "utf-16-be"
    else:
        m = _DECL.match(data[:200])
        enc = m.group(1).decode("ascii").lower() if m else "utf-8"
        if enc in ("utf-16", "utf16"):
            enc = "utf-16"
    try:
        text = data.decode(enc)
    except LookupError as exc:
        raise Rejected(f"{what}: unknown declared encoding {enc!r}") from exc
    except UnicodeDecodeError as exc:
        raise Rejected(f"{what}: bytes are not valid {enc} at offset {exc.start}") from exc
    return text


def parse_text(text: str, *, what: str = "document") -> Element:
    """Parse XML text with DTDs, entity declarations and external references forbidden."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    body = _DECL_TEXT.sub("", text, count=1)
    if "<!DOCTYPE" in body or "<!ENTITY" in body:
        raise Rejected(f"{what}: DTD or entity declaration present (XXE is refused)")
    try:
        return fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise Rejected(f"{what}: forbidden XML construct ({type(exc).__name__}; XXE is refused)") from exc
    except ParseError as exc:
        raise Rejected(f"{what}: malformed XML ({exc})") from exc


def _text(el: Element | None) -> str:
    if el is None or el.text is None:
        return ""
    return unicodedata.normalize("NFC", el.text.strip())


def flat_record(el: Element, *, what: str) -> dict[str, str]:
    rec: dict[str, str] = {}
    for child in el:
        if len(child):
            raise Rejected(f"{what}: element {child.tag} has nested elements")
        if child.tag in rec and child.tag not in ("PP_DIEU_TRI", "PP_DIEUTRI"):
            raise Rejected(f"{what}: element {child.tag} repeated")
        rec[child.tag] = _text(child)
    return rec


def parse_inner(kind: str, raw_b64: str, *, where: str) -> Element:
    """Decode one ``NOIDUNGFILE`` and check its root against ``kind``."""
    what = f"{where} {kind}"
    compact = re.sub(r"\s+", "", raw_b64 or "")
    if not compact:
        raise Rejected(f"{what}: NOIDUNGFILE is empty")
    if len(compact) * 3 // 4 > MAX_INNER_BYTES:
        raise Rejected(f"{what}: larger than {MAX_INNER_BYTES} bytes")
    try:
        data = base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Rejected(f"{what}: NOIDUNGFILE is not valid base64") from exc
    root = parse_text(decode_bytes(data, what=what), what=what)
    path = INNER_ROOTS[kind]
    if root.tag != path[0]:
        raise Rejected(f"{what}: root element is {root.tag}, expected {path[0]}")
    return root


def inner_items(kind: str, root: Element, *, where: str) -> list[Element]:
    """The record elements of a list table (root/list/item), or [root] for a flat table."""
    path = INNER_ROOTS[kind]
    if len(path) == 1:
        return [root]
    lst = root.find(path[1])
    if lst is None:
        raise Rejected(f"{where} {kind}: missing list element {path[1]}")
    items = list(lst)
    bad = [c.tag for c in items if c.tag != path[2]]
    if bad:
        raise Rejected(f"{where} {kind}: unexpected element {bad[0]} in {path[1]}")
    return items


def parse_envelope(data: bytes) -> Envelope:
    """Parse and structurally check an envelope; raise :class:`Rejected` with a reason."""
    if len(data) > MAX_ENVELOPE_BYTES:
        raise Rejected(f"envelope larger than {MAX_ENVELOPE_BYTES} bytes")
    if not data.strip():
        raise Rejected("envelope is empty")
    root = parse_text(decode_bytes(data, what="envelope"), what="envelope")
    if root.tag != "GIAMDINHHS":
        raise Rejected(f"envelope: root element is {root.tag}, expected GIAMDINHHS")
    facility = _text(root.find("THONGTINDONVI/MACSKCB"))
    info = root.find("THONGTINHOSO")
    if info is None:
        raise Rejected("envelope: missing THONGTINHOSO")
    hosos = info.findall("DANHSACHHOSO/HOSO")
    env = Envelope(facility, _text(info.find("NGAYLAP")), _text(info.find("SOLUONGHOSO")), [])
    for i, hoso in enumerate(hosos, start=1):
        ep = Episode(index=i)
        where = f"HOSO {i}"
        for fh in hoso.findall("FILEHOSO"):
            kind = _text(fh.find("LOAIHOSO")).upper()
            if kind not in TABLE_TYPES:
                raise Rejected(f"{where}: unknown table type {kind or '(empty)'!r}")
            inner = parse_inner(kind, _text(fh.find("NOIDUNGFILE")), where=where)
            items = inner_items(kind, inner, where=where)
            if kind not in USED_TABLES:
                ep.ignored.append(kind)
                continue
            recs = [flat_record(it, what=f"{where} {kind}") for it in items]
            if kind == "XML4":
                ep.xml4.extend(recs)
            else:
                attr = kind.lower()
                if getattr(ep, attr) is not None:
                    raise Rejected(f"{where}: table {kind} appears twice")
                setattr(ep, attr, recs[0])
        env.episodes.append(ep)
    return env
