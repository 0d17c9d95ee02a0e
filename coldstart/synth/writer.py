"""Write one region's simulated events as release-shaped CSV files.

Formats follow the release: floats as written by a dataframe library (shortest repr), empty
fields for NaN, counts as floats in the per-minute tables (``3.0``), integer ids as ints,
64-hex request IDs, ``poolNN-CPU-MEM-NNNNNNNNNN`` pod IDs, Spark part-file names for the
request table. Quirks the release has are injected here: NaN frontend fields, a few
unparseable or empty podIDs, R1's top-100-pods and R3's subsampled request tables.
"""

from __future__ import annotations

import io
import shutil
import uuid
from pathlib import Path
from typing import IO

import numpy as np
import polars as pl

from coldstart import release
from coldstart.synth import calibration as cal
from coldstart.synth.metrics import series_folders
from coldstart.synth.population import Population
from coldstart.synth.simulate import ChunkResult

_SERIES_BATCH_CELLS = 4_000_000  # cells per CSV formatting batch (≈100 MB of text at most)
_SPILL_ROWS = 250_000  # request rows built and split at a time on the request day
_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def hex_ids(rng: np.random.Generator, n: int) -> pl.Series:
    """n random 64-hex-character IDs (like the release's hashed request IDs)."""
    raw = np.frombuffer(rng.bytes(32 * n), dtype=np.uint8).reshape(n, 32)
    chars = np.empty((n, 64), dtype=np.uint8)
    chars[:, 0::2] = _HEX[raw >> 4]
    chars[:, 1::2] = _HEX[raw & 15]
    # Through Binary, not numpy unicode (4 bytes a character): a quarter of the memory.
    return pl.Series("requestID", chars.view("S64").ravel()).cast(pl.String)


class RegionWriter:
    """Streams a region's chunks to CSV: cold starts per day, per-minute series, requests."""

    def __init__(
        self,
        root: Path,
        pop: Population,
        parts: int,
        rng: np.random.Generator,
        metrics: tuple[str, ...] = release.METRICS,
    ) -> None:
        self.root = root
        self.folders = series_folders(metrics)
        self.pop = pop
        self.region = pop.region
        self.parts = parts
        self.rng = rng
        self.func_id = pop.func_id
        self.pool_of_pod_func = pop.pool
        self._cs_handle: IO[bytes] | None = None
        self._series: dict[str, IO[bytes]] = {}
        self._alive: np.ndarray | None = None
        self._pod_counts: list[pl.DataFrame] = []
        self._spills = 0
        self.counts = {"cold_starts": 0, "requests_simulated": 0, "request_rows": 0}
        (root / "cold_start" / self.region).mkdir(parents=True, exist_ok=True)

    # --- per day -------------------------------------------------------------------------
    def open_day(self, day: int) -> None:
        self._cs_handle = open(self.root / "cold_start" / self.region / f"day_{day}.csv", "wb")  # noqa: SIM115 (closed in close_day)
        self._cs_handle.write((",".join(release.COLD_START_COLUMNS) + "\n").encode())
        self._alive = np.flatnonzero((self.pop.first_day <= day) & (self.pop.last_day >= day))
        for folder in self.folders:
            d = self.root / "quantiles" / self.region / folder
            d.mkdir(parents=True, exist_ok=True)
            self._series[folder] = open(d / f"day_{day}.csv", "wb")  # noqa: SIM115
        self._series_header = True

    def close_day(self) -> None:
        assert self._cs_handle is not None
        self._cs_handle.close()
        for h in self._series.values():
            h.close()
        self._series.clear()

    def write_chunk(self, day: int, res: ChunkResult, request_day: bool) -> None:
        n = len(res.events.t_ms)
        # Request IDs are drawn for every request only where the request table needs them;
        # a cold start carries the ID of the request that triggered it.
        ids = hex_ids(self.rng, n) if request_day else None
        cold_ids = (
            ids.gather(res.cold_idx) if ids is not None else hex_ids(self.rng, len(res.cold_idx))
        )
        self._write_cold_starts(day, res, cold_ids)
        self._write_series(day, res)
        self.counts["requests_simulated"] += n
        if request_day:
            assert ids is not None
            self._spill_requests(res, ids)

    def _write_cold_starts(self, day: int, res: ChunkResult, request_ids: pl.Series) -> None:
        ev, idx, comp = res.events, res.cold_idx, res.components
        f = ev.func[idx]
        n = len(idx)
        self.counts["cold_starts"] += n
        df = pl.DataFrame(
            {
                "day": np.full(n, day, dtype=np.int64),
                "time": ev.t_ms[idx] / 1000.0,
                "clusterName": ev.cluster[idx].astype(np.int64),
                "funcName": self.pop.func_name[f],
                "userID": self.pop.user_id[f],
                "requestID": request_ids,
                "totalCost_cold_start": comp.total / 1e6,
                "podAllocationCost": comp.pod_allocation / 1e6,
                "deployCodeCost": comp.deploy_code / 1e6,
                "deployDependencyCost": comp.deploy_dependency / 1e6,
                "schedulingCost": comp.scheduling / 1e6,
                "pool": self.pop.pool[f],
                "serial": ev.pod[idx],
            }
        )
        df = df.with_columns(_pod_id()).select(release.COLD_START_COLUMNS)
        assert self._cs_handle is not None
        df.write_csv(self._cs_handle, include_header=False)

    def _write_series(self, day: int, res: ChunkResult) -> None:
        """Append this chunk's rows to every per-minute file of the day.

        All series share the day's columns, so batches of them are stacked into one frame and
        formatted by one CSV write, then cut into files by line: a frame per file would cost
        ~2 ms of overhead each, one frame for all of them would hold
        the whole chunk's text in memory at once (163 files per region and day).
        """
        alive = self._alive
        assert alive is not None
        names = list(self.func_id[alive])
        folders = list(self._series)
        cells = res.minutes * max(len(names), 1)
        per_batch = max(1, min(len(folders), _SERIES_BATCH_CELLS // cells))
        for b in range(0, len(folders), per_batch):
            self._write_series_batch(day, res, folders[b : b + per_batch], alive, names)
        self._series_header = False

    def _write_series_batch(
        self, day: int, res: ChunkResult, folders: list[str], alive: np.ndarray, names: list[str]
    ) -> None:
        mats = []
        for folder in folders:
            metric, stat = release.split_series_folder(folder)
            if stat is None:
                counts = {
                    "requests": res.requests,
                    "num_pods": res.pods,
                    "num_cold_starts": res.cold_starts,
                }
                mat = counts[metric][alive].astype(np.float64)
                mat[mat == 0] = np.nan  # the release leaves minutes without data empty
            else:
                # Statistics are written to 1e-6 (µs for times): full float precision would
                # double the files' size and tell nothing the events do not.
                mat = np.round(res.metric_stats(metric)[stat][alive], 6)
            mats.append(mat.T)
        stacked = np.concatenate(mats, axis=0)
        times = np.tile(
            np.arange(res.minute0, res.minute0 + res.minutes, dtype=np.int64) * 60, len(folders)
        )
        key = pl.DataFrame({"day": np.full(len(times), day, dtype=np.int64), "time": times})
        block = pl.from_numpy(stacked, schema=names, orient="row") if names else pl.DataFrame()
        buf = io.BytesIO()
        pl.concat([key, block], how="horizontal").fill_nan(None).write_csv(buf, include_header=True)
        lines = buf.getvalue().split(b"\n")
        header, body = lines[0] + b"\n", lines[1:]
        for i, folder in enumerate(folders):
            handle = self._series[folder]
            if self._series_header:
                handle.write(header)
            handle.write(b"\n".join(body[i * res.minutes : (i + 1) * res.minutes]) + b"\n")

    # --- request table --------------------------------------------------------------------
    def _request_rows(self, res: ChunkResult, request_ids: pl.Series, rows: slice) -> pl.DataFrame:
        ev = res.events
        fields = ev.fields
        assert fields is not None  # drawn on the request day
        f = ev.func[rows]
        fe = fields.frontend_us[rows]
        t_ms, exec_us, worker_us = ev.t_ms[rows], ev.exec_us[rows], fields.worker_us[rows]
        df = pl.DataFrame(
            {
                "t_ms": t_ms,
                "time_worker": t_ms / 1000.0,
                "time_frontend": (t_ms - fields.frontend_delay_ms[rows]) / 1000.0,
                "requestID": request_ids[rows],
                "clusterName": ev.cluster[rows].astype(np.int64),
                "funcName": self.pop.func_name[f],
                "pool": self.pop.pool[f],
                "serial": ev.pod[rows],
                "func": f,
                "userID": self.pop.user_id[f],
                "totalCost_worker": exec_us / 1e6,
                "workerCost": worker_us / 1e6,
                "runtimeCost": (exec_us - worker_us) / 1e6,
                "totalCost_frontend": (exec_us + fe.sum(axis=1)) / 1e6,
                "frontendCost": fe[:, 0] / 1e6,
                "busCost": fe[:, 1] / 1e6,
                "readBodyCost": fe[:, 2] / 1e6,
                "writeRspCost": fe[:, 3] / 1e6,
                "cpu_usage": ev.cpu[rows],
                "memory_usage": ev.mem[rows],
                "requestBodySize": fields.body_bytes[rows],
                "nan_fe": fields.frontend_nan[rows],
            }
        )
        return df.with_columns(
            [
                pl.when(pl.col("nan_fe")).then(None).otherwise(pl.col(c)).alias(c)
                for c in release.FRONTEND_COLUMNS
            ]
        )

    def _spill_requests(self, res: ChunkResult, request_ids: pl.Series) -> None:
        """Park one chunk's request rows on disk, split by part file, so memory stays bounded.

        The rows are built and split ``_SPILL_ROWS`` at a time (a frame of all of a busy
        chunk's rows and its split copy would be the request day's peak). R3's subsample is
        drawn here; R1's top-100 filter needs the whole day, so only the per-pod counts are
        kept in memory until ``write_requests``.
        """
        rng = self.rng
        n = len(res.events.t_ms)
        keep = None
        if cal.REGION_PROFILES[self.region].request_keep == "subsample":
            keep = rng.random(n) < cal.R3_SUBSAMPLE
        part = rng.integers(0, self.parts, size=n if keep is None else int(keep.sum()))
        spill = self.root.parent / f".requests-{self.region}"
        spill.mkdir(exist_ok=True)
        done = 0
        for a in range(0, max(n, 1), _SPILL_ROWS):
            df = self._request_rows(res, request_ids, slice(a, a + _SPILL_ROWS))
            if keep is not None:
                df = df.filter(pl.Series(keep[a : a + _SPILL_ROWS]))
            self._pod_counts.append(df.group_by("func", "serial").len())
            df = df.with_columns(part=pl.Series(part[done : done + df.height]))
            done += df.height
            for (i,), rows in df.partition_by("part", as_dict=True).items():
                rows.drop("part").write_parquet(
                    spill / f"{i:05d}-{self._spills:06d}.parquet", compression="lz4"
                )
            self._spills += 1

    def write_requests(self) -> None:
        """Write the request day's Spark part files: thinned (R1), a few podIDs corrupted,
        rows of each part in time order. Works one part at a time from the spilled chunks."""
        rng = self.rng
        out = self.root / "per_request" / self.region
        out.mkdir(parents=True, exist_ok=True)
        spill = self.root.parent / f".requests-{self.region}"
        job = uuid.UUID(bytes=rng.bytes(16), version=4)
        top = None
        if cal.REGION_PROFILES[self.region].request_keep == "top100" and self._pod_counts:
            per_pod = (
                pl.concat(self._pod_counts).group_by("func", "serial").agg(pl.col("len").sum())
            )
            ranked = per_pod.sort(
                "func", "len", "serial", descending=[False, True, False]
            ).with_columns(r=pl.int_range(pl.len()).over("func"))
            top = ranked.filter(pl.col("r") < cal.R1_TOP_PODS).select("func", "serial")
        self._pod_counts = []
        variants = ["", "unknown", "pool22-300", "pod-7f3a9c"]
        # Region 5's podIDs all parse (the authors' notebook splits every one of them).
        bad_pods = cal.REGION_PROFILES[self.region].bad_pod_ids
        n_bad_written = 0
        for i in range(self.parts):
            files = sorted(spill.glob(f"{i:05d}-*.parquet")) if spill.exists() else []
            df = pl.concat([pl.read_parquet(f) for f in files]) if files else None
            name = out / f"part-{i:05d}-{job}-c000.csv"
            if df is None or df.height == 0:
                name.write_text(",".join(release.REQUEST_COLUMNS) + "\n")
                continue
            if top is not None:
                df = df.join(top, on=["func", "serial"], how="semi")
            df = df.sort("t_ms").with_columns(_pod_id())
            # A few podIDs that do not parse, or are missing (release quirk): about one row
            # in 5 000, and at least two per region.
            n = df.height
            k = min(n, max(n // 5000, 1 if n_bad_written < 2 else 0)) if bad_pods else 0
            if k:
                bad = np.sort(rng.choice(n, size=k, replace=False))
                vals = [variants[(n_bad_written + j) % len(variants)] or None for j in range(k)]
                pods = df["podID"].scatter(bad, pl.Series(vals, dtype=pl.String))
                df = df.with_columns(pods.alias("podID"))
                n_bad_written += k
            self.counts["request_rows"] += n
            df.select(release.REQUEST_COLUMNS).write_csv(name)
        shutil.rmtree(spill, ignore_errors=True)

    def write_function_table(self) -> None:
        pop = self.pop
        # Every function is in the table: the authors' notebook merges R2's cold starts with it
        # and finds no unmatched row [NB c42].
        idx = self.rng.permutation(pop.n)
        df = pl.DataFrame(
            {
                "funcID": self.func_id[idx],
                "cpu_request": [release.CPU_LIMIT_TO_REQUEST[int(c)] for c in pop.cpu_limit[idx]],
                "runtime": pop.runtime[idx],
                "triggerType-invocationType": pop.trigger[idx],
            }
        )
        path = self.root / release.FUNCTION_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        df.write_csv(path)


def _pod_id() -> pl.Expr:
    return pl.concat_str(
        [pl.col("pool"), pl.lit("-"), pl.col("serial").cast(pl.String).str.zfill(10)]
    ).alias("podID")
