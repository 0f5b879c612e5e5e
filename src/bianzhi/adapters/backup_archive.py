"""The backup archive (`bianzhi backup`): one .tar.gz holding

    manifest.json        version, time, engine, row counts per table, audit chain head
    database.sqlite3     an SQLite online-backup copy, or
    database.pgdump      `pg_dump --format=custom` output (PostgreSQL)
    media/...            the uploaded and generated files

Writing and reading only; what goes in is decided by ``bianzhi.ops``.
Member names are checked on the way out, so an archive cannot write outside
the folder it is extracted into.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path, PurePosixPath
from typing import Any

MANIFEST = "manifest.json"
MEDIA = "media"
FORMAT = 1


class ArchiveError(ValueError):
    """Not a bianzhi backup archive, or a damaged one (Chinese message)."""


def write_archive(
    *, out: Path, manifest: dict[str, Any], database: Path, database_name: str, media: Path | None
) -> int:
    """Write the archive to ``out`` (through a temporary name, then renamed, so a
    half-written file never looks like a backup); returns its size in bytes."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    data = json.dumps({"format": FORMAT, **manifest}, ensure_ascii=False, indent=2).encode()
    # Level 6 is gzip's default; the database file compresses to about a fifth.
    with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
        tar.add(database, arcname=database_name)
        if media is not None and media.is_dir():
            for path in sorted(media.rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=f"{MEDIA}/{path.relative_to(media).as_posix()}")
    partial.replace(out)
    return out.stat().st_size


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            manifest: dict[str, Any] = json.loads(member.read().decode())
    except (OSError, tarfile.TarError, KeyError, ValueError) as exc:
        raise ArchiveError(f"不是有效的备份文件（{archive.name}）：{exc}") from exc
    if manifest.get("format") != FORMAT or "database_file" not in manifest:
        raise ArchiveError(f"不是本系统的备份文件，或格式版本不受支持（{archive.name}）。")
    return manifest


def _safe(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts


def extract_database(archive: Path, manifest: dict[str, Any], into: Path) -> Path:
    """Extract the database file into the folder ``into``; returns its path."""
    name = str(manifest["database_file"])
    if not _safe(name) or "/" in name:
        raise ArchiveError("备份文件中的数据库文件名无效。")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            source = tar.extractfile(name)
            if source is None:
                raise KeyError(name)
            target = into / name
            with target.open("wb") as out:
                while chunk := source.read(1 << 20):
                    out.write(chunk)
    except (OSError, tarfile.TarError, KeyError) as exc:
        raise ArchiveError(f"备份文件损坏，读不出数据库（{exc}）。") from exc
    return target


def extract_media(archive: Path, into: Path) -> int:
    """Extract the media files into ``into`` (the media folder); returns their count."""
    count = 0
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar:
                if not member.name.startswith(f"{MEDIA}/") or not member.isfile():
                    continue
                relative = member.name[len(MEDIA) + 1 :]
                if not _safe(relative):
                    raise ArchiveError(f"备份文件中的文件名无效：{member.name}")
                source = tar.extractfile(member)
                if source is None:
                    continue
                target = into / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("wb") as out:
                    while chunk := source.read(1 << 20):
                        out.write(chunk)
                count += 1
    except (OSError, tarfile.TarError) as exc:
        raise ArchiveError(f"备份文件损坏，读不出上传文件（{exc}）。") from exc
    return count


def media_names(archive: Path) -> list[str]:
    with tarfile.open(archive, "r:gz") as tar:
        return [m.name[len(MEDIA) + 1 :] for m in tar if m.isfile() and m.name.startswith(f"{MEDIA}/")]
