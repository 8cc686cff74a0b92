"""Turning a file's bytes into text: BOMs, UTF-16, UTF-8, Windows-1252/Latin-1, and refusing binaries."""

from __future__ import annotations

import codecs
import re

from newsingest.ingest.formats.base import BinaryFile, EmptyFile

_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_ALLOWED_CONTROL = {"\t", "\n", "\r", "\f", "\v"}
_BAD_CHAR = re.compile("[\x00-\x08\x0e-\x1f\ufffd]")  # control characters outside _ALLOWED_CONTROL, U+FFFD
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_NOT_CONTINUATION = re.compile(rb"[\x00-\x7f\xc0-\xff]")
_SLICE = 1 << 16
# A byte that starts a well-formed UTF-8 sequence (ASCII included): where the UTF-8 decoder is back in step.
_UTF8_SEQUENCE = re.compile(
    rb"[\x00-\x7f]|[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_MIXED_HANDLER = "newsingest-cp1252-fallback"


def _byte_as_cp1252(value: int) -> str:
    try:
        return bytes([value]).decode("cp1252")
    except UnicodeDecodeError:
        return bytes([value]).decode("latin-1")


_C1_AS_CP1252 = str.maketrans({chr(b): _byte_as_cp1252(b) for b in range(0x80, 0xA0)})  # above: cp1252 = Latin-1


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 are read as Windows-1252 (Latin-1 where undefined).

    Takes the whole run of such bytes at once, up to where a well-formed UTF-8 sequence starts (the decoder
    would report each of them in turn): called for every byte, it took seconds per megabyte."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    data = exc.object
    in_step = _UTF8_SEQUENCE.search(data, exc.end)
    end = in_step.start() if in_step else len(data)
    return data[exc.start : end].decode("latin-1").translate(_C1_AS_CP1252), end


codecs.register_error(_MIXED_HANDLER, _cp1252_fallback)


def _multibyte_sequences(data: bytes) -> tuple[int, int]:
    """How many UTF-8 multi-byte sequences ``data`` holds, and their bytes: in slices cut before a byte that is no
    continuation byte (so never inside a sequence), as a list of every sequence took 40 bytes per input byte."""
    count = length = position = 0
    while position < len(data):
        cut = _NOT_CONTINUATION.search(data, position + _SLICE)
        end = cut.start() if cut else len(data)
        found = _UTF8_MULTIBYTE.findall(data, position, end)
        count += len(found)
        length += sum(map(len, found))
        position = end
    return count, length


def _decode_single_byte(data: bytes) -> tuple[str, str]:
    """UTF-8 where the bytes are UTF-8, Windows-1252 elsewhere (files pasted together from two sources)."""
    multibyte, multibyte_bytes = _multibyte_sequences(data)
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    invalid = high - multibyte_bytes
    if multibyte and multibyte >= invalid:
        return data.decode("utf-8", errors=_MIXED_HANDLER), "utf-8+windows-1252"
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "iso-8859-1"


def _looks_like_bomless_utf16(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_zero = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd_zero = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd_zero > 0.4 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.4 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    return len(_BAD_CHAR.findall(sample)) / len(sample)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes to text; returns (text, encoding name). Raises EmptyFile or BinaryFile."""
    if not data.strip():
        raise EmptyFile("file is empty or only whitespace", size=len(data))
    text: str | None = None
    encoding = ""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text, encoding = data.decode(name), name.replace("-sig", "")
            except UnicodeDecodeError as exc:
                raise BinaryFile(f"byte order mark says {name} but the bytes are not", position=exc.start) from exc
            break
    if text is None and (utf16 := _looks_like_bomless_utf16(data)):
        try:
            text, encoding = data.decode(utf16), utf16
        except UnicodeDecodeError:
            text = None
    if text is None:
        if b"\x00" in data[:8192]:
            raise BinaryFile("file holds NUL bytes: not text", size=len(data))
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _decode_single_byte(data)
    if _control_ratio(text) > 0.02:
        raise BinaryFile("file holds control characters: not text", encoding=encoding, size=len(data))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise EmptyFile("file has no text", size=len(data))
    return text, encoding


def _is_multibyte_utf8(data: bytes) -> bool:
    """Valid UTF-8 with non-ASCII characters: practically never a single-byte encoding by accident."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _UTF8_MULTIBYTE.search(data) is not None


def decode_declared(data: bytes, declared: str | None) -> tuple[str, str]:
    """Decode with the encoding a document declares (XML/HTML), falling back to detection when it lies."""
    if declared and not any(data.startswith(bom) for bom, _ in _BOMS) and not _is_multibyte_utf8(data):
        try:
            codec = codecs.lookup(declared.strip().lower())
        except LookupError:
            codec = None
        if codec is not None and codec.name not in {"utf-16", "utf-32", "utf-16-le", "utf-16-be"}:
            try:
                text = data.decode(codec.name)
            except (UnicodeError, LookupError):  # not the encoding, or none of text ("rot13", "hex", "undefined")
                pass
            else:
                if _control_ratio(text) <= 0.02 and text.strip():
                    return text.replace("\r\n", "\n").replace("\r", "\n"), codec.name
    return decode_text(data)
