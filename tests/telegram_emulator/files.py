"""Files both sides send: ids, what the bytes are, and the image sizes a PhotoSize reports.

Image dimensions are read from PNG, GIF and JPEG headers (as Telegram would after decoding), so a
photo the bot uploads comes back with its real width and height; bytes that are not an image are
refused like Telegram's IMAGE_PROCESS_FAILED.
"""

from __future__ import annotations

import itertools
import struct
import zlib

from tests.telegram_emulator.models import StoredFile


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG image, or None if the bytes are none of those."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return None


def tiny_png(width: int = 2, height: int = 2) -> bytes:
    """A valid grey PNG of the given size: a real image for sendPhoto without fixture files."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 9 < len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return int(width), int(height)
        pos += 2 + length
    return None


def sniff_mime(data: bytes, filename: str | None) -> str:
    """A MIME type from the content first, the file name second (as Telegram reports it)."""
    signatures = {
        b"%PDF": "application/pdf",
        b"\x89PNG": "image/png",
        b"\xff\xd8\xff": "image/jpeg",
        b"GIF8": "image/gif",
        b"PK\x03\x04": "application/zip",
        b"OggS": "audio/ogg",
    }
    for magic, mime in signatures.items():
        if data.startswith(magic):
            if mime == "application/zip" and filename and filename.endswith(".xlsx"):
                return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            return mime
    suffixes = {".csv": "text/csv", ".json": "application/json", ".md": "text/markdown"}
    for suffix, mime in suffixes.items():
        if filename and filename.lower().endswith(suffix):
            return mime
    return "text/plain" if _is_text(data) else "application/octet-stream"


def _is_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class FileStore:
    """Every file by id; ids are never reused, so a stale id from another test cannot match."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.by_id: dict[str, StoredFile] = {}

    def add(
        self,
        kind: str,
        data: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        duration: int = 0,
        url: str | None = None,
        size: tuple[int, int] | None = None,
    ) -> StoredFile:
        number = next(self._ids)
        width, height = size or image_size(data) or (0, 0)
        stored = StoredFile(
            file_id=f"{kind}-{number}",
            file_unique_id=f"u{kind}-{number}",
            kind=kind,
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
            duration=duration,
            url=url,
        )
        self.by_id[stored.file_id] = stored
        return stored

    def by_path(self, path: str) -> StoredFile | None:
        """The file a download URL (`<kind>s/<file_id>`) points at."""
        return next((f for f in self.by_id.values() if f.file_path == path), None)
