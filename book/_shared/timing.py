# @title Timing helpers (shared cell; edit book/_shared/timing.py, then run make notebooks)
import random
from typing import NamedTuple


class Timing(NamedTuple):
    """Seconds per call: the median and the 25th and 75th percentiles of the timed
    blocks."""

    median: float
    p25: float
    p75: float

    @property
    def iqr(self):
        return self.p75 - self.p25

    @property
    def error_bar(self):
        """How far the quartiles lie below and above the median: matplotlib's yerr for
        one point."""
        return self.median - self.p25, self.p75 - self.median


def timing_of(times):
    q = torch.tensor(times, dtype=torch.float64).quantile(
        torch.tensor([0.25, 0.5, 0.75], dtype=torch.float64)
    )
    return Timing(q[1].item(), q[0].item(), q[2].item())


def error_bars(timings):
    """yerr for matplotlib's errorbar from a list of Timing: two rows, below and above
    each median."""
    return [[t.error_bar[0] for t in timings], [t.error_bar[1] for t in timings]]


def time_it(fn, *args, min_run_time=0.1, min_blocks=5):
    """Time fn(*args) with torch.utils.benchmark on NUM_THREADS threads and return a
    Timing.

    blocked_autorange repeats the call in blocks until min_run_time has passed. A call
    slower than about min_run_time / min_blocks leaves too few blocks for quartiles, so
    more one-call blocks are added."""
    timer = benchmark.Timer(
        stmt="fn(*args)", globals={"fn": fn, "args": args}, num_threads=NUM_THREADS
    )
    times = list(timer.blocked_autorange(min_run_time=min_run_time).times)
    while len(times) < min_blocks:
        times.extend(timer.timeit(1).times)
    return timing_of(times)


def time_methods(
    fns, *args, run_time=0.05, block_time=1e-3, slow=5e-3, min_blocks=5, max_blocks=40
):
    """Time each function of the dict fns, called as fn(*args); return {name: Timing}.

    Functions faster than `slow` take turns: one block of about block_time each per
    round, in a random order each round, so that a burst of background load hits all of
    them alike and their ratios stay steadier than their absolute times. A slower
    function is timed on its own with time_it."""
    timers = {
        name: benchmark.Timer(
            stmt="fn(*args)", globals={"fn": fn, "args": args}, num_threads=NUM_THREADS
        )
        for name, fn in fns.items()
    }
    # A first short measurement of each: warm-up, and an estimate of the time per call.
    per_call = {
        name: timer.blocked_autorange(min_run_time=block_time).median
        for name, timer in timers.items()
    }
    results = {
        name: time_it(
            fns[name],
            *args,
            min_run_time=min_blocks * per_call[name],
            min_blocks=min_blocks,
        )
        for name in timers
        if per_call[name] >= slow
    }
    fast = [name for name in timers if per_call[name] < slow]
    if fast:
        # Blocks of our own size: blocked_autorange would make each block long enough to
        # hide the timer's overhead (100 calls for a 1 ms call), which leaves only one
        # or two blocks in a short run.
        number = {name: max(1, round(block_time / per_call[name])) for name in fast}
        rounds = min(
            max_blocks,
            max(
                min_blocks, round(run_time / max(number[n] * per_call[n] for n in fast))
            ),
        )
        times = {name: [] for name in fast}
        shuffler = random.Random(0)
        for _ in range(rounds):
            shuffler.shuffle(fast)
            for name in fast:
                times[name].extend(timers[name].timeit(number[name]).times)
        results.update({name: timing_of(times[name]) for name in fast})
    return {name: results[name] for name in fns}


def log_log_slope(sizes, times):
    """Least-squares slope of log(time) against log(size): 1 for a cost proportional to
    size, 2 for its square."""
    log_s = torch.tensor([math.log(s) for s in sizes], dtype=torch.float64)
    log_t = torch.tensor([math.log(t) for t in times], dtype=torch.float64)
    centred = log_s - log_s.mean()
    return ((centred * (log_t - log_t.mean())).sum() / (centred**2).sum()).item()
