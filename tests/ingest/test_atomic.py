"""A SIGKILL in the middle of a file leaves the warehouse exactly as before that file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from shopradar.ingest import ingest
from shopradar.warehouse import Warehouse


def _state(db: Path) -> dict[str, object]:
    with Warehouse.open(db, create=False, read_only=True) as wh:
        out: dict[str, object] = {}
        for name in ("product_snapshot", "product", "quarantine", "ingest_run"):
            out[name] = sorted(map(str, wh.table(name).to_pyarrow().to_pylist()))
        return out


def test_sigkill_mid_file(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    first = tmp_path / "first.csv"
    first.write_text("product_id,market,observed_at,price,sold\n1,US,2026-08-20 10:00,$1,5\n2,US,x,$1,5\n")
    with Warehouse.open(db) as wh:
        ingest(wh, [first])
    before = _state(db)
    big = tmp_path / "big.csv"
    with big.open("w") as fh:
        fh.write("product_id,market,observed_at,price,sold\n")
        for i in range(60_000):
            fh.write(f"{i + 10},US,2026-08-20 10:00,$1.{i % 100:02d},{i}\n")
    script = textwrap.dedent(f"""
        import sys, time
        from shopradar.ingest import ingest
        from shopradar.warehouse import Warehouse
        wh = Warehouse.open({str(db)!r})
        def progress(step, done, total):
            print("PROGRESS", done, flush=True)
            time.sleep(30)   # hold the open transaction until the parent kills us
        ingest(wh, [{str(big)!r}], progress=progress, batch_rows=10_000)
        print("FINISHED", flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                            env={**os.environ})
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("PROGRESS"), line
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _state(db) == before
    with Warehouse.open(db) as wh:  # and the file still works
        [res] = ingest(wh, [big])
        assert res.loaded == 60_000 and res.balanced
