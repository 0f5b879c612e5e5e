"""Checking uploaded files before they are stored.

Only the types offices exchange as evidence are accepted (pdf, docx, xlsx,
jpg, png), up to ``BIANZHI_ATTACHMENT_MAX_MB`` (default 20 MB) each. The type
is decided by the extension *and* the first bytes of the file, so a renamed
executable is refused. The stored name is generated (``<uuid>.<ext>``); the
user's file name is only kept, cleaned, for display and download.
"""

from __future__ import annotations

import os
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings

# extension -> (content type, accepted leading bytes)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
}
ALLOWED_LABEL = "PDF、Word（.docx）、Excel（.xlsx）、JPG、PNG"
MAX_FILES = 10


def max_bytes() -> int:
    return int(getattr(settings, "BIANZHI_ATTACHMENT_MAX_MB", 20)) * 1024 * 1024


class Upload(Protocol):
    """What the checks need of a Django ``UploadedFile``."""

    @property
    def name(self) -> str | None: ...

    @property
    def size(self) -> int | None: ...

    def read(self, size: int = -1) -> bytes: ...

    def seek(self, offset: int, whence: int = 0) -> int: ...


@dataclass(frozen=True)
class CheckedUpload:
    upload: Upload
    original_name: str
    stored_name: str
    content_type: str
    size: int


def clean_filename(name: str) -> str:
    """The user's file name made safe to show and to send back in a header:
    no directories, no control characters, at most 100 characters."""
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '<>:"|?*')
    name = name.strip(" .") or "附件"
    stem, ext = os.path.splitext(name)
    return stem[: 100 - len(ext)] + ext


def check_upload(upload: Upload) -> CheckedUpload:
    """A checked upload, or ``ValueError`` with the reason in Chinese."""
    original = clean_filename(upload.name or "")
    ext = os.path.splitext(original)[1].lower()
    if ext not in ALLOWED:
        raise ValueError(f"“{original}”：不支持的文件类型，只能上传 {ALLOWED_LABEL}。")
    size = upload.size or 0
    if size > max_bytes():
        raise ValueError(
            f"“{original}”：文件大小 {size / 1024 / 1024:.1f} MB，超过 {max_bytes() // 1024 // 1024} MB 上限。"
        )
    if size == 0:
        raise ValueError(f"“{original}”：文件是空的。")
    content_type, magics = ALLOWED[ext]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise ValueError(f"“{original}”：文件内容与扩展名 {ext} 不符。")
    return CheckedUpload(
        upload=upload,
        original_name=original,
        stored_name=f"{uuid.uuid4().hex}{ext}",
        content_type=content_type,
        size=size,
    )


def check_uploads(uploads: list[Upload]) -> list[CheckedUpload]:
    """All uploads checked; ``ValueError`` listing every bad one."""
    if len(uploads) > MAX_FILES:
        raise ValueError(f"一次最多上传 {MAX_FILES} 个文件。")
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValueError as exc:
            errors.append(str(exc))
    if errors:
        raise ValueError("\n".join(errors))
    return checked
