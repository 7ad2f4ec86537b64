"""Decode an HTML page's bytes: byte-order mark, then the page's own charset declaration, then UTF-8."""

from __future__ import annotations

import codecs
import re

# The HTML standard tells browsers to look for the declaration in the first 1024 bytes; real pages
# put long <script> blocks first more often than the standard expects, so look a little further.
_PRESCAN_BYTES = 8192

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""")

# What browsers actually do with the labels publishers write (WHATWG Encoding standard): these
# legacy labels mean a superset, and decoding with the narrow codec would garble real pages.
_WHATWG_SUPERSETS = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "iso-8859-9": "cp1254",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-sjis": "shift_jis",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
}


def declared_encoding(data: bytes) -> str | None:
    """The codec name the bytes announce (BOM, XML declaration or <meta> charset), if Python knows it."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    head = data[:_PRESCAN_BYTES]
    match = _XML_DECLARATION.search(head) or _META_CHARSET.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii", "ignore").strip().lower()
    label = _WHATWG_SUPERSETS.get(label, label)
    try:
        codec = codecs.lookup(label)
    except LookupError:
        return None
    # A page that says "utf-16" in an ASCII-compatible <meta> cannot be UTF-16 (browsers agree).
    if codec.name.startswith("utf-16") or codec.name.startswith("utf-32"):
        return "utf-8"
    return codec.name


def decode_html(data: bytes) -> str:
    """The page's text: declared encoding when there is one, else UTF-8; bad bytes become U+FFFD."""
    encoding = declared_encoding(data) or "utf-8"
    text = data.decode(encoding, errors="replace")
    return text.removeprefix("\ufeff")
