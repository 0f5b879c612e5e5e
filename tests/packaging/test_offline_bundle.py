"""The offline bundle installs and runs with no network at all.

`.ci/run` builds the archive (`make bundle`) and runs this test with
BIANZHI_BUNDLE pointing at it. Everything after the build happens inside a
new network namespace (`unshare -n`) that has only a loopback interface: any
attempt of the installer (pip) or the program to reach the network fails,
and with it the test. Inside: install.sh, migrate, the demo, serve, log in
over loopback and download a PDF.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

BUNDLE = os.environ.get("BIANZHI_BUNDLE", "")
HERE = Path(__file__).resolve().parent

pytestmark = pytest.mark.skipif(
    not BUNDLE or os.geteuid() != 0 or shutil.which("unshare") is None,
    reason="needs BIANZHI_BUNDLE=<archive> (set by .ci/run after make bundle), root and unshare",
)

SCRIPT = r"""
set -eu
ip link set lo up
# The namespace really has no way out.
if python3 -c "import socket; socket.create_connection(('1.1.1.1', 53), timeout=3)" 2>/dev/null; then
    echo "network reachable inside the namespace" >&2; exit 90
fi
START=$(date +%s)
step() { echo "[$(( $(date +%s) - START )) s] $1"; }
cd "$WORK"
tar xzf "$BUNDLE"
step "extracted"
cd bianzhi-*-offline-linux-x86_64
./install.sh "$WORK/opt"
step "installed"
"$WORK/opt/bin/bianzhi" migrate >/dev/null
step "migrated"
"$WORK/opt/bin/bianzhi" demo --quick >/dev/null
step "demo loaded"
"$WORK/opt/bin/bianzhi" serve --host 127.0.0.1 --port 18765 --workers 1 --no-jobs \
    > "$WORK/serve.log" 2>&1 &
SERVE=$!
trap 'kill $SERVE 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', 18765), timeout=1)" 2>/dev/null && break
    sleep 0.5
done
step "serving"
python3 "$CLIENT" http://127.0.0.1:18765
step "logged in, PDF downloaded"
"$WORK/opt/bin/bianzhi" check || true
"""


def test_bundle_installs_and_serves_a_pdf_without_network(tmp_path: Path) -> None:
    env = {
        # Nothing of this machine's Python set-up leaks in: no PYTHONPATH, no pip config.
        "PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
        "HOME": str(tmp_path / "home"),
        "LANG": "C.UTF-8",
        "PIP_CONFIG_FILE": os.devnull,
        "WORK": str(tmp_path),
        "BUNDLE": str(Path(BUNDLE).resolve()),
        "CLIENT": str(HERE / "offline_client.py"),
    }
    done = subprocess.run(
        ["unshare", "--net", "bash", "-c", SCRIPT], env=env, capture_output=True, text=True,
        timeout=900, check=False,
    )
    log = (tmp_path / "serve.log").read_text() if (tmp_path / "serve.log").exists() else ""
    assert done.returncode == 0, f"{done.stdout}\n{done.stderr}\n{log}"
    assert "PDF " in done.stdout
    assert "安装完成" in done.stdout
    print(done.stdout)  # the step timings, for the CI log
