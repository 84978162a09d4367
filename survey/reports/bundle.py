"""Many reports as one ZIP of PDFs, in the same order every time, with memory kept flat.

Drawing the PDFs is nearly all of the time (about 20 ms a report, so 20 s for a campaign of 1,000
in one process) and it is CPU work, so it is spread over worker processes, by default one a core
(``REPORT_PROCESSES``). This process translates each report's words (``text.Wording``)
and the workers draw with them, so a worker needs no Flask, no database and no app context.
Only a few reports a process are in flight at a time; each PDF goes into the archive as soon as
it is its turn, so memory does not grow with the size of the campaign.

The workers are started by a fork server (or spawned, where there is none), never forked from
this process: ``write`` may run in a thread of a web worker or of ``survey jobs work``, and a fork
of a threaded process can inherit a lock that another thread holds. The fork server imports the
PDF modules once, so each worker starts in milliseconds; each then draws the radar backgrounds it
needs once. A worker that raises makes ``write`` raise the same error, and one that dies (killed,
out of memory) makes it raise ``BrokenProcessPool``: the job fails instead of waiting forever.
"""
from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
import zipfile
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import BinaryIO, Iterable, Iterator, Mapping

from flask_babel import force_locale

from survey.reports import individual, pdf, text
from survey.reports.model import Report

IN_FLIGHT = 4  # reports a worker process has queued or in hand: it never waits, and memory stays flat
# Starting the workers costs about a second the first time in a process (the fork server imports
# the PDF modules), then about a quarter of a second (each worker draws its radar backgrounds):
# below about 50 reports a process, that is more than the processes save (bench/README.md).
MIN_PER_PROCESS = 50


def _safe(value: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in value).strip("_")


def pdf_name(report: Report) -> str:
    """``S-101_Айгерим_Нурланова.pdf``: the employee id first, one file per id; the name for people."""
    name = _safe(report.full_name)[:80]
    return f"{individual.file_stem(report) or report.assessment_id}{'_' + name if name else ''}.pdf"


def processes(config: Mapping, count: int) -> int:
    """How many processes should draw ``count`` reports: ``REPORT_PROCESSES`` (unset: one a core),
    but fewer for a small bundle, which is done before more processes would have started."""
    wanted = int(config.get("REPORT_PROCESSES") or os.cpu_count() or 1)
    return max(1, min(wanted, count // MIN_PER_PROCESS))


def write(target: BinaryIO, reports: Iterable[Report], *, language: str | None = None, progress=None,
          processes: int = 1) -> int:
    """Each report's PDF, in ``language`` or else the assessee's own, in the order given, drawn by
    ``processes`` processes (1: this one). PDFs are compressed inside, so the archive stores them
    as they are. Returns the number of reports written."""
    reports = list(reports)
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as archive, \
            drawn(reports, language=language, processes=processes) as documents:
        for report, document in documents:
            archive.writestr(pdf_name(report), document)
            count += 1
            if progress is not None and (count % 10 == 0 or count == len(reports)):
                progress(count, len(reports))
    return count


@contextlib.contextmanager
def drawn(reports: list[Report], *, language: str | None = None, processes: int = 1) -> Iterator[Iterator[tuple[Report, bytes]]]:
    """Each report with its PDF, in the order given; the worker processes stop when the block
    ends, also when it ends early."""
    with contextlib.closing(_drawn(_worded(reports, language), processes)) as documents:
        yield documents


def _worded(reports: list[Report], asked: str | None) -> Iterator[tuple[Report, str, text.Wording]]:
    """Each report with its language and its words, translated here, where the app is."""
    fixed = {}  # (language, threshold) -> text.texts: the same for every report that shares them
    for report in reports:
        language = individual.language_of(report, asked)
        with force_locale(language):
            key = (language, report.threshold)
            if key not in fixed:
                fixed[key] = text.texts(report.threshold)
            words = text.wording(report, language, fixed[key])
        yield report, language, words


def _drawn(worded: Iterator[tuple[Report, str, text.Wording]], processes: int) -> Iterator[tuple[Report, bytes]]:
    """The PDFs in the order of ``worded``, drawn here or by ``processes`` worker processes."""
    if processes <= 1:
        for report, language, words in worded:
            yield report, pdf.draw(report, language, words)
        return
    pool = ProcessPoolExecutor(processes, mp_context=_context(), initializer=_same_code, initargs=(pdf.__file__,))
    try:
        waiting = deque()
        for report, language, words in worded:
            waiting.append((report, pool.submit(pdf.draw, report, language, words)))
            if len(waiting) >= processes * IN_FLIGHT:
                report, future = waiting.popleft()
                yield report, future.result()
        while waiting:
            report, future = waiting.popleft()
            yield report, future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@functools.cache
def _context():
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([pdf.__name__])  # once per fork server, before it starts
        return context
    return multiprocessing.get_context("spawn")


def _same_code(path: str) -> None:
    """Refuse to draw with other code than this process runs. The fork server imports the PDF
    modules from its own ``sys.path`` (Python 3.11 does not give it this process's), so a script that
    changed its path could otherwise have its workers draw with another copy of the package."""
    if pdf.__file__ != path:
        raise RuntimeError(f"the worker process has {pdf.__file__}, not {path}")
