"""``--jobs N``: inputs annotated in N worker processes, their reports handed back in input order.

Workers only annotate; the parent writes every file (reports, tables, the resume state), so
output order, atomic renames and the state file stay in one process, whatever ``--jobs`` is.
At most 2 × N inputs are in flight: the reorder buffer that keeps the order holds no more
reports than that, so a batch still never holds them all.

Workers are started by a fork server ('forkserver' context) that has imported the pipeline
once: a new worker is a fork of a small, clean process, never a fork of the parent, whose
threads, signal handlers, open output files and htslib handles 'fork' would copy mid-use.
Measured on 2 busy cores, 1,000 small files: 'fork' and 'forkserver' take the same time per
file; the fork server costs a one-time ~0.3 s (one interpreter importing the pipeline), and
'spawn' is about twice as slow (each worker imports everything). Like any 'forkserver' or
'spawn' pool, workers import the main module: the console script and ``python -m
il1rn_annot`` guard it; a script that calls ``run_batch(..., jobs=N)`` needs the usual
``if __name__ == "__main__":``. Workers ignore SIGINT: a Ctrl-C reaches the whole process
group, and only the parent reports it and removes its temporary files; it then ends the workers
(SIGTERM, silent) and exits 130. A worker that dies (the OOM killer) ends the batch with one
line; the reports already written stay, and a rerun resumes. A batch killed by SIGKILL cannot
end its workers: each sees its batch gone within half a second and ends itself.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from il1rn_annot.errors import EXIT_INTERNAL, Il1rnAnnotError, InputError, InternalError
from il1rn_annot.model import Options, Report

STDIN = "-"


@dataclass(frozen=True)
class Task:
    """One input of a batch and how to run it."""

    source: str
    name: str  # its report's name in --output-dir: the input's stem, or the sheet's sample
    options: Options
    sample: str | None = None  # a sample sheet's row: the sample the row is about


@dataclass
class Outcome:
    """A worker's answer: a report, or why there is none (picklable, unlike some exceptions)."""

    report: Report | None = None
    error: str = ""
    exit_code: int = 0
    internal: bool = False
    traceback: str = ""  # under --debug
    #: What the worker logged, (logger, level, message), re-logged by the parent in input
    #: order: the CLI's format and --quiet hold, and the progress line is cleared first.
    logs: list[tuple[str, int, str]] = field(default_factory=list)


def annotate_task(task: Task, debug: bool = False) -> Report:
    """One task's report: a sheet row's report must have the row's sample in it (a row that
    names the wrong VCF must fail, never leave the sample out of the tables)."""
    from il1rn_annot.batch import guarded
    from il1rn_annot.pipeline import annotate

    report = guarded(annotate, task.source, task.options, debug)
    if task.sample is not None and task.sample not in {s.sample for s in report.samples}:
        raise InputError(
            f"has no sample {task.sample} (named by the sample sheet)",
            task.source,
        )
    return report


def run_in_worker(task: Task, debug: bool, level: int = logging.WARNING) -> Outcome:
    """``annotate_task`` in a worker: every exception becomes an ``Outcome``, and what it logs
    goes back with it."""
    logger = logging.getLogger("il1rn_annot")
    kept = _Keep()
    logger.handlers[:] = [kept]
    logger.propagate = False
    logger.setLevel(level)
    outcome = _outcome(task, debug)
    outcome.logs = kept.records
    return outcome


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def _outcome(task: Task, debug: bool) -> Outcome:
    try:
        return Outcome(report=annotate_task(task))
    except Il1rnAnnotError as error:
        return Outcome(
            error=str(error),
            exit_code=error.exit_code,
            internal=isinstance(error, InternalError),
            traceback=traceback.format_exc() if debug else "",
        )
    except Exception as exc:  # guarded() turns these into InternalError; belt and braces
        return Outcome(
            error=f"{task.source}: unexpected {type(exc).__name__} ({exc}); this is a bug in "
            "il1rn-annot: please report it with the output of --debug",
            exit_code=EXIT_INTERNAL,
            internal=True,
            traceback=traceback.format_exc() if debug else "",
        )


def _worker_start(parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent answers Ctrl-C (module docstring)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()


def _end_with(parent: int) -> None:
    """A worker of a killed batch (SIGKILL, so it could not end its workers) ends too: it would
    wait for work forever. Workers write nothing, so ending at once loses nothing."""
    while True:
        time.sleep(0.5)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)
        except OSError:
            pass  # EPERM: it exists


def in_workers(
    tasks: Sequence[Task],
    jobs: int,
    debug: bool,
    in_parent: Callable[[Task], Outcome],
    level: int = logging.WARNING,
) -> Iterator[Outcome]:
    """Outcomes of ``tasks`` in their order, annotated by ``jobs`` worker processes (stdin by
    ``in_parent``)."""
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["il1rn_annot.pipeline", "il1rn_annot.batch_jobs"])
    workers = max(1, min(jobs, sum(t.source != STDIN for t in tasks)))
    pool = ProcessPoolExecutor(
        workers, mp_context=context, initializer=_worker_start, initargs=(os.getpid(),)
    )
    pending: deque = deque()
    upcoming = iter(tasks)

    def submit(task: Task) -> Future | None:
        # stdin is the parent's: a worker's is /dev/null. It is read here when its turn comes.
        if task.source == STDIN:
            return None
        try:
            return pool.submit(run_in_worker, task, debug, level)
        except BrokenProcessPool as exc:  # reported when this input's turn comes
            broken: Future = Future()
            broken.set_exception(exc)
            return broken

    finished = False
    try:
        for task in upcoming:
            pending.append((task, submit(task)))
            if len(pending) >= 2 * workers:
                break
        while pending:
            task, future = pending.popleft()
            try:
                outcome = in_parent(task) if future is None else future.result()
            except BrokenProcessPool:
                raise InternalError(
                    "a worker process died (killed, or out of memory?) before this input's "
                    "report was made; the reports written so far are kept: rerun to resume",
                    task.source,
                ) from None
            following = next(upcoming, None)
            if following is not None:
                pending.append((following, submit(following)))
            yield outcome
        finished = True
    finally:
        if not finished:  # interrupted, or the batch ended early: stop at once
            for future in (f for _, f in pending):
                future.cancel()
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)
