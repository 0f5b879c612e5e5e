"""Regenerate tests/ops/data/release.sqlite3.gz (gzip keeps the committed file small): the small database that
tests/ops/test_upgrade.py migrates to the newest schema.

Run it when a release is cut (the file must be what that release creates,
so that the next releases are tested against it), from the repository root:

    python tests/ops/make_release_db.py

It runs `bianzhi migrate` and `bianzhi demo --quick` (the two demo counties)
in a temporary data folder and keeps the vacuumed SQLite file, with the
release's version written next to it.
"""

from __future__ import annotations

import gzip
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "ops" / "data" / "release.sqlite3.gz"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BIANZHI_")}
        env.update({"BIANZHI_DATA_DIR": tmp, "BIANZHI_LOG_DIR": "-",
                    "PYTHONPATH": str(ROOT / "src")})
        for args in (["migrate"], ["demo", "--quick"]):
            subprocess.run([sys.executable, "-m", "bianzhi", *args], env=env, check=True,
                           stdout=subprocess.DEVNULL)
        db = sqlite3.connect(Path(tmp) / "bianzhi.sqlite3")
        db.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        db.execute("VACUUM")
        db.close()
        OUT.parent.mkdir(parents=True, exist_ok=True)
        with (Path(tmp) / "bianzhi.sqlite3").open("rb") as src, gzip.open(OUT, "wb", 9) as dst:
            shutil.copyfileobj(src, dst)
    version = subprocess.run(
        [sys.executable, "-c", "import bianzhi; print(bianzhi.__version__)"],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, capture_output=True, text=True,
        check=True,
    ).stdout.strip()
    OUT.with_name("release.version").write_text(version + "\n")
    print(f"{OUT}（{OUT.stat().st_size // 1024} KB，版本 {version}）")


if __name__ == "__main__":
    main()
