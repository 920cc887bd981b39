"""One execution pool for the whole test run: every notebook execution of `make test` (the clean build's
chapters, nbval's reader notebooks, the student editions, the wrong-method runs, the grading runs) goes
through its two slots, longest job first, so that both cores of the machine stay busy while the test
process itself runs the cheap tests and the browser in the gaps.

    from exec_pool import POOL
    future = POOL.submit("student", "hvp", run_it, estimate=12.0)   # returns at once
    future.result()        # waits; a job waited for that has not started moves to the front

A job is any callable (it runs in a thread of this process; the notebook's kernel is a process of its own).
Jobs run in order of (priority class, longest estimate first); `estimate` defaults to the job's duration
in the last run (read from the run log that tests/conftest.py writes, _build/test-run.json) or to a
static guess. The pool also keeps a log of every job (kind, name, start, end), and a sampler of the CPU
time of this process and all its children, for tools/test_phases.py.
"""

import heapq
import itertools
import json
import os
import threading
import time
from concurrent.futures import Future
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "_build" / "test-run.json"
SLOTS = int(os.environ.get("TEST_POOL_SLOTS", "2"))

# Priority classes: lower runs first. The build's chapters come first (the site, and so every browser
# test, waits for them); a job the test process is waiting for comes next; then everything else.
BUILD, WAITED, NORMAL = 0, 1, 2


def _previous_durations():
    """{(kind, name): seconds} of the jobs of the last run, if it left a log."""
    try:
        jobs = json.loads(LOG.read_text())["jobs"]
    except (OSError, ValueError, KeyError):
        return {}
    return {(job["kind"], job["name"]): job["end"] - job["start"] for job in jobs if job.get("end")}


class Pool:
    def __init__(self, slots=SLOTS):
        self.slots = slots
        self.queue = []  # heap of [class, -estimate, order, entry]
        self.order = itertools.count()
        self.lock = threading.Condition()
        self.jobs = []  # every job: {"kind", "name", "estimate", "submitted", "start", "end", "ok"}
        self.threads = []
        self.previous = None
        self.t0 = time.time()

    def estimate(self, kind, name, default):
        if self.previous is None:
            self.previous = _previous_durations()
        return self.previous.get((kind, name), default)

    def submit(self, kind, name, function, *args, estimate=10.0, priority=NORMAL, **kwargs):
        """Queue function(*args, **kwargs); return a Future whose result() also bumps the job forward."""
        future = Future()
        record = {"kind": kind, "name": name, "estimate": self.estimate(kind, name, estimate),
                  "submitted": time.time(), "start": None, "end": None, "ok": None}
        entry = [priority, -record["estimate"], next(self.order), (future, record, function, args, kwargs)]
        future._pool_entry = entry  # noqa: SLF001 (for the bump in result())
        original_result = future.result

        def result(timeout=None):
            self.bump(entry)
            if timeout is not None:
                return original_result(timeout)
            while True:  # in short waits, so that Ctrl-C still stops the run
                try:
                    return original_result(1.0)
                except TimeoutError:
                    continue

        future.result = result
        with self.lock:
            self.jobs.append(record)
            heapq.heappush(self.queue, entry)
            self._start_workers()
            self.lock.notify()
        return future

    def bump(self, entry):
        """Move a queued job to the front of everything but the build (the test process waits for it)."""
        with self.lock:
            if entry[0] > WAITED and any(queued is entry for queued in self.queue):
                self.queue = [queued for queued in self.queue if queued is not entry]
                entry[0] = WAITED
                self.queue.append(entry)
                heapq.heapify(self.queue)

    def run(self, kind, name, function, *args, estimate=10.0, **kwargs):
        """Submit and wait (for a test that needs one result now)."""
        return self.submit(kind, name, function, *args, estimate=estimate, priority=WAITED, **kwargs).result()

    def shutdown(self):
        """Drop the jobs not started (an interrupted run); return the records of those still running."""
        with self.lock:
            for entry in self.queue:
                entry[3][0].cancel()
            self.queue.clear()
        return [job for job in self.jobs if job["start"] and not job["end"]]

    def _start_workers(self):
        while len(self.threads) < self.slots:
            thread = threading.Thread(target=self._work, name=f"exec-pool-{len(self.threads)}", daemon=True)
            self.threads.append(thread)
            thread.start()

    def _work(self):
        while True:
            with self.lock:
                while not self.queue:
                    self.lock.wait()
                _, _, _, (future, record, function, args, kwargs) = heapq.heappop(self.queue)
            if not future.set_running_or_notify_cancel():
                continue
            record["start"] = time.time()
            try:
                value = function(*args, **kwargs)
            except BaseException as error:  # noqa: BLE001 (the waiting test reports it)
                record["end"], record["ok"] = time.time(), False
                future.set_exception(error)
            else:
                record["end"], record["ok"] = time.time(), True
                future.set_result(value)


POOL = Pool()


def process_tree_cpu():
    """CPU seconds (user + system) used so far by this process and every process it started, living or
    reaped (a reaped child's time is in its parent's children times)."""
    try:
        import psutil
    except ImportError:  # the run log then has no CPU column
        return None
    me = psutil.Process()
    total = 0.0
    for process in [me, *me.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def machine_cpu():
    """CPU seconds the whole machine has been busy (all cores, every process: user, nice, system, irq),
    or None. Chromium's renderers leave the test's process tree (its zygote forks them off), so only this
    sees them; on a machine doing nothing else, it is the run's own CPU."""
    try:
        import psutil
    except ImportError:
        return None
    times = psutil.cpu_times()
    return sum(getattr(times, name, 0.0) for name in ("user", "nice", "system", "irq", "softirq", "steal"))


class Sampler:
    """Every `interval` seconds: (time, CPU seconds of the process tree, 1-minute load average, CPU seconds
    of the whole machine)."""

    def __init__(self, interval=1.0):
        self.interval, self.samples, self.stop_event = interval, [], threading.Event()
        self.thread = threading.Thread(target=self._run, name="cpu-sampler", daemon=True)

    def start(self):
        self.sample()
        self.thread.start()
        return self

    def sample(self):
        self.samples.append((time.time(), process_tree_cpu(), os.getloadavg()[0], machine_cpu()))

    def _run(self):
        while not self.stop_event.wait(self.interval):
            self.sample()

    def stop(self):
        self.stop_event.set()
        self.thread.join(timeout=5)
        self.sample()
