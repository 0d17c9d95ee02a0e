"""Download benchmark (issue 17): throughput beside curl, and the bytes a selective fetch reads.

    .venv/bin/python benchmarks/download_bench.py [--member-kb 100] [--runs 3] [--write-readme]

A release-shaped quantile zip (``R1/<folder>/day_<d>.csv`` for the release's 163 per-minute
folders × 31 days = 5,053 members; random, stored members of ``--member-kb`` each: ≈ 0.5 GB at
the default) is written once into ``benchmarks/.work/download``. A local server on 127.0.0.1,
in its own process, sends it with ``sendfile`` (zero-copy, so the server is not what is
measured) and honours Range. Measured, median and best of ``--runs`` interleaved runs, and
the client's CPU time (children included). Two pairs are compared:

* fetching alone — ``curl``: ``curl -s -f -o FILE URL`` (the process, start-up included)
  against ``coldstart fetch``: the streaming fetch into the ``.part`` file (its zip stream
  check included: it runs on the writer thread as the bytes arrive);
* fetching and checking every member's CRC — ``curl + unzip -t``: curl, then
  ``unzip -tqq FILE`` against ``coldstart download``: the whole command path (fetch, the
  directory matched against the members checked in the stream, rename);
* for reference, ``coldstart fetch, httpx transport``: the same fetch over httpx's own
  transport (64 KB reads) instead of ``BulkTransport`` (1 MB reads);
* ``selective``: one day of one metric (``--days 5 --metrics cpu_usage_avg``): bytes the
  server sent, as a share of the zip.

Results go to ``benchmarks/results/download.json``; ``--write-readme`` (or the runner's
``python -m benchmarks --write-readme``) renders them into benchmarks/README.md through
``benchmarks/readme.py``. Numbers depend on the machine and its load (sampled during the run
and reported); nothing here is asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from benchmarks.harness import LoadSampler

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work" / "download"
RESULTS = HERE / "results" / "download.json"
NAME = "quantiles/R1.zip"
# Each measured tool and the one it is held against (the README's "÷ baseline" column).
BASELINE = {
    "curl": "curl",
    "coldstart fetch": "curl",
    "coldstart fetch, httpx transport": "curl",
    "curl + unzip -t": "curl + unzip -t",
    "coldstart download": "curl + unzip -t",
}


def make_zip(path: Path, member_kb: int) -> Path:
    """The release's member layout with random (incompressible) stored members."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    blob = os.urandom(member_kb * 1024 + 4096)
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
        for i, member in enumerate(_members()):
            k = i % 4096
            zf.writestr(member, blob[k : k + member_kb * 1024])
    tmp.replace(path)
    return path


def _members() -> list[str]:
    """The release's quantile-zip members: ``R1/<folder>/day_<d>.csv``, 163 folders x 31."""
    from coldstart.download.selection import series_folders

    return [f"R1/{folder}/day_{day}.csv" for folder in series_folders() for day in range(31)]


def serve(path: Path) -> None:
    """Run in a child process: serve ``path`` at /<NAME> with Range; print the port."""
    size = path.stat().st_size

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return None

        def do_GET(self) -> None:
            start, end, status = 0, size - 1, 200
            rng = self.headers.get("Range", "")
            if rng.startswith("bytes="):
                a, _, b = rng[6:].partition("-")
                start, end, status = int(a), min(int(b), size - 1) if b else size - 1, 206
            self.send_response(status)
            self.send_header("Content-Length", str(end - start + 1))
            self.send_header("Content-Type", "application/zip")
            self.send_header("Accept-Ranges", "bytes")
            if status == 206:
                self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
            self.end_headers()
            self.wfile.flush()
            with open(path, "rb") as fh:
                n = self.connection.sendfile(fh, start, end - start + 1)
            print(f"sent {n}", flush=True)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


class Served:
    """The server process, and a count of the body bytes it reports sending."""

    def __init__(self, path: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(path)], stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None
        self.base = f"http://127.0.0.1:{int(self.proc.stdout.readline())}"
        self.sent = 0
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._count, daemon=True)
        self.reader.start()

    def _count(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self.lock:
                self.sent += int(line.split()[1])

    def take(self) -> int:
        """Bytes sent since the last call (waits a moment for the child's report)."""
        time.sleep(0.3)
        with self.lock:
            n, self.sent = self.sent, 0
        return n

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait()


def file_list(path: Path) -> Path:
    path.write_text(
        "# benchmark file list\n# download_url: http://127.0.0.1/{drive_id}\n"
        "region,table,part,drive_id,name,size_bytes,name_source,readme_commit\n"
        f"R1,timeseries,1,bench,{NAME},,bench,0\n"
    )
    return path


def timed(fn: object) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process and its children) of one call."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    c0, t0 = time.process_time(), time.perf_counter()
    fn()  # type: ignore[operator]
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    children = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    return wall, time.process_time() - c0 + children


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--member-kb", type=int, default=100)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--write-readme", action="store_true", help="put the results into benchmarks/README.md"
    )
    ap.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve)
        return

    import httpx

    from coldstart.download import download, fetch
    from coldstart.download.run import make_client

    zpath = make_zip(WORK / f"R1-{args.member_kb}kb.zip", args.member_kb)
    size = zpath.stat().st_size
    listing = file_list(WORK / "files.csv")
    server = Served(zpath)
    url = f"{server.base}/{NAME}"
    out = WORK / "out"
    started = time.strftime("%Y-%m-%d %H:%M")
    load = LoadSampler()
    try:
        load.__enter__()  # not a with block: the sampler must stop before the server does

        def curl() -> None:
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir(parents=True)
            subprocess.run(["curl", "-s", "-f", "-o", str(out / "R1.zip"), url], check=True)

        def curl_unzip() -> None:
            curl()
            subprocess.run(["unzip", "-tqq", str(out / "R1.zip")], check=True)

        def fetch_with(client: httpx.Client) -> None:
            shutil.rmtree(out, ignore_errors=True)
            with client:
                _, outcome = fetch.fetch_to_part(
                    client, NAME, url, out / "R1.zip", lambda n: None, lambda n: None, True
                )
            if outcome.streamed is None or outcome.streamed.problem is not None:
                raise SystemExit(f"the zip stream check did not vouch: {outcome.streamed}")

        def fetch_only() -> None:
            fetch_with(make_client())

        def fetch_httpx() -> None:
            fetch_with(httpx.Client(headers={"Accept-Encoding": "identity"}, timeout=60))

        def whole() -> None:
            shutil.rmtree(out, ignore_errors=True)
            download(out, file_list=listing, mirror=server.base)

        tools = {
            "curl": curl,
            "coldstart fetch": fetch_only,
            "coldstart fetch, httpx transport": fetch_httpx,
            "curl + unzip -t": curl_unzip,
            "coldstart download": whole,
        }
        for fn in tools.values():
            fn()  # warm-up (page cache, connection set-up)
        times: dict[str, list[float]] = {label: [] for label in tools}
        cpu: dict[str, list[float]] = {label: [] for label in tools}
        for _ in range(args.runs):  # interleaved, so load from other processes hits all alike
            for label, fn in tools.items():
                wall, used = timed(fn)
                times[label].append(wall)
                cpu[label].append(used)
        shutil.rmtree(out, ignore_errors=True)
        server.take()
        sel = download(
            out, file_list=listing, mirror=server.base, days="5", metrics=["cpu_usage_avg"]
        )
        selective_sent = server.take()
    finally:
        load.__exit__(None, None, None)
        server.close()
        shutil.rmtree(out, ignore_errors=True)

    results = summarise(args, size, times, cpu, selective_sent, sel.total_bytes, load.summary())
    results["started"] = started
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    for line in report_lines(results):
        print(line)
    print(f"wrote {RESULTS}")
    if args.write_readme:
        from benchmarks import readme

        readme.write_download()


def summarise(
    args: argparse.Namespace,
    size: int,
    times: dict[str, list[float]],
    cpu: dict[str, list[float]],
    selective_sent: int,
    selective_counted: int,
    load: dict[str, float],
) -> dict[str, Any]:
    """The run as data (benchmarks/results/download.json), for the README's generator."""
    curl_median = statistics.median(times["curl"])
    tools = {}
    for label, secs in times.items():
        med = statistics.median(secs)
        base = BASELINE.get(label, "curl")
        tools[label] = {
            "median_s": med,
            "min_s": min(secs),
            "max_s": max(secs),
            "median_mb_s": size / 1e6 / med,
            "cpu_s": statistics.median(cpu[label]),
            "cpu_ms_per_mb": 1000 * statistics.median(cpu[label]) / (size / 1e6),
            "time_vs_curl": med / curl_median,
            "baseline": base,
            "time_vs_baseline": med / statistics.median(times[base]),
        }
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "command": f".venv/bin/python benchmarks/download_bench.py --member-kb {args.member_kb} "
        f"--runs {args.runs}" + (" --write-readme" if getattr(args, "write_readme", False) else ""),
        "commit": commit,
        "nproc": os.cpu_count(),
        "load": load,
        "zip_bytes": size,
        "members": len(_members()),
        "member_kb": args.member_kb,
        "runs": args.runs,
        "tools": tools,
        "selective": {"sent": selective_sent, "counted": selective_counted},
    }


def report_lines(r: dict[str, Any]) -> list[str]:
    """Plain-text lines of a run (also what the README's generator prints from the JSON)."""
    mb = r["zip_bytes"] / 1e6
    lines = [
        f"zip: {mb:,.0f} MB, {r['members']:,} stored members of {r['member_kb']} KB; "
        f"{r['runs']} runs; load average (1 min) min {r['load']['min']:.1f}, median "
        f"{r['load']['median']:.1f}, max {r['load']['max']:.1f} on {r['nproc']} cores"
    ]
    for label, t in r["tools"].items():
        lines.append(
            f"{label:33} median {t['median_s']:6.2f} s ({t['median_mb_s']:5.0f} MB/s; "
            f"{t['time_vs_baseline']:4.2f}x {t['baseline']}'s time)  min-max "
            f"{t['min_s']:.2f}-{t['max_s']:.2f} s  CPU {t['cpu_s']:5.2f} s "
            f"({t['cpu_ms_per_mb']:.2f} ms/MB)"
        )
    sel = r["selective"]
    lines.append(
        f"selective (--days 5 --metrics cpu_usage_avg): server sent {sel['sent']:,} bytes "
        f"= {100 * sel['sent'] / r['zip_bytes']:.3f} % of the zip (coldstart counted "
        f"{sel['counted']:,})"
    )
    return lines


if __name__ == "__main__":
    sys.exit(main())
