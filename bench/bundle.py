"""All the reports of a large campaign as one ZIP, as HR's "prepare all reports" button makes it:
wall time and the peak memory of every process taking part.

    python bench/generate.py --url sqlite:////tmp/bench.sqlite --assessees 1000
    python bench/bundle.py --url sqlite:////tmp/bench.sqlite                 # REPORT_PROCESSES unset: one a core
    python bench/bundle.py --url sqlite:////tmp/bench.sqlite --processes 1   # everything in this process

Runs the ``reports-zip`` job itself (``jobs.run_one``): the report data of the whole campaign,
then the PDFs drawn by ``survey.reports.bundle``'s worker processes into the ZIP. Run it from the
project folder (the fork server imports the package from there).

Memory: the workers are started by the fork server, so they are its children, not this
process's, and ``getrusage(RUSAGE_CHILDREN)`` does not count them (not before the fork server
itself has ended and been waited for). The script reads /proc instead (Linux): every 20 ms the
resident sizes of this process and all its descendants are added up, and the largest sum is the
peak of the whole job. It is an upper bound: the pages a worker shares with the fork server count
once in each. Each process's own peak (VmHWM) is kept too. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from survey import create_app
from survey.operations import jobs
from survey.web.common.database import get_db  # noqa: E402
from survey.core.models import Campaign, Job  # noqa: E402
from survey.web.staff.reports import archive_path  # noqa: E402

import table  # noqa: E402  (bench/table.py)

MB = 1024 * 1024


def _status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in bytes; empty when it has just ended."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    out[key] = int(value.split()[0]) * 1024
    except (FileNotFoundError, ProcessLookupError):
        pass
    return out


def _descendants(root: int) -> list[int]:
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    parents[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
    found, frontier = [], [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier]
        found += children
        frontier = children
    return found


class Sampler(threading.Thread):
    """The largest sum of resident sizes of this process and its descendants, and each one's peak.
    The list of descendants is read every 25th time only: reading all of /proc takes a millisecond."""

    def __init__(self, every: float = 0.02):
        super().__init__(daemon=True)
        self.every, self.peak_sum, self.peaks, self.done = every, 0, {}, threading.Event()

    def run(self):
        me, tick, pids = os.getpid(), 0, []
        while not self.done.is_set():
            if tick % 25 == 0:
                pids = [me] + _descendants(me)
            tick += 1
            total = 0
            for pid in pids:
                status = _status(pid)
                total += status.get("VmRSS", 0)
                self.peaks[pid] = max(self.peaks.get(pid, 0), status.get("VmHWM", 0))
            self.peak_sum = max(self.peak_sum, total)
            self.done.wait(self.every)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True, help="a campaign made by bench/generate.py")
    parser.add_argument("--processes", type=int, default=None, help="REPORT_PROCESSES; unset: one a core")
    args = parser.parse_args()
    jobs_dir = tempfile.mkdtemp(prefix="bench-jobs-")
    app = create_app({"DATABASE_URL": args.url, "SECRET_KEY": "bench", "JOBS_DIR": jobs_dir,
                      "REPORT_PROCESSES": args.processes})
    sampler = Sampler()
    with app.app_context():
        database = get_db(app)
        with database.transaction() as session:
            campaign = session.scalar(select(Campaign))
            session.query(Job).delete()
            jobs.start(session, "reports-zip", campaign, "bench")
            campaign_id = campaign.id
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
              f"REPORT_PROCESSES={args.processes or 'unset'}")
        sampler.start()
        started = time.perf_counter()
        jobs.run_one(database, app.config)
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        with database.transaction() as session:
            job = session.scalar(select(Job))
            print(f"job: {job.status}, {job.outcome}")
        path = archive_path(app.config, campaign_id)
        with zipfile.ZipFile(path) as archive:
            count = len(archive.namelist())
        me = os.getpid()
        workers = {pid: peak for pid, peak in sampler.peaks.items() if pid != me}
        print(f"{count} PDFs, ZIP {path.stat().st_size / MB:.0f} MB, {seconds:.1f} s wall "
              f"({seconds / count * 1000:.1f} ms a report)")
        print(f"peak resident memory of all processes together: {sampler.peak_sum / MB:.0f} MB "
              f"(this process {sampler.peaks.get(me, 0) / MB:.0f} MB; {len(workers)} others, the largest "
              f"{max(workers.values(), default=0) / MB:.0f} MB)")
        table.row(f"{count:,} reports as a ZIP, the HR job ({len(workers) or 1} processes besides this one)",
                  "<= 30 s, < 1 GB, both cores", f"{seconds:.1f} s, {sampler.peak_sum / MB:.0f} MB (all processes)",
                  seconds <= 30 and sampler.peak_sum < 1024 * MB and (os.cpu_count() or 1) <= 1 + len(workers))
        cpu = resource.getrusage(resource.RUSAGE_SELF)
        print(f"CPU time of this process: {cpu.ru_utime + cpu.ru_stime:.1f} s; load average at the end "
              f"{os.getloadavg()[0]:.1f}")
        path.unlink()


if __name__ == "__main__":
    main()
