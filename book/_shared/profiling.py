# @title Profiling helpers: quiet profiler, peak memory, operator counts (shared cell; edit book/_shared/profiling.py, then run make notebooks)
import contextlib
import os
import sys
from collections import Counter

from torch.profiler import ProfilerActivity, profile


@contextlib.contextmanager
def quiet_profile(**kwargs):
    """torch.profiler.profile on the CPU, without the lines its C++ side writes to
    stderr.

    Some builds (Colab's, Binder's) print USDT and warm-up notes when a profile starts
    and stops. They come from C++, so sys.stderr cannot catch them: file descriptor 2
    itself points at /dev/null while the profiler starts and stops."""

    @contextlib.contextmanager
    def silent_fd2():
        sys.stderr.flush()
        saved = os.dup(2)
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)

    kwargs.setdefault("activities", [ProfilerActivity.CPU])
    prof = profile(**kwargs)
    with silent_fd2():
        prof.__enter__()
    try:
        yield prof
    finally:
        with silent_fd2():
            prof.__exit__(None, None, None)


def peak_memory_bytes(fn, *args):
    """Peak bytes held by tensors allocated during one call of fn(*args), above the
    start.

    On a GPU, CUDA's allocator statistics; on the CPU, the profiler's memory events
    (allocations count up, frees count down, in the order they happened). The call is
    made once before, so one-time allocations (caches, lazy init) do not count."""
    fn(*args)
    if device.type == "cuda":
        torch.cuda.synchronize()
        before = torch.cuda.memory_allocated()
        torch.cuda.reset_peak_memory_stats()
        fn(*args)
        torch.cuda.synchronize()
        return torch.cuda.max_memory_allocated() - before
    with quiet_profile(profile_memory=True) as prof:
        fn(*args)
    events = [
        e for e in prof.profiler.kineto_results.events() if e.name() == "[memory]"
    ]
    held = peak = 0
    for event in sorted(events, key=lambda e: e.start_ns()):
        held += event.nbytes()
        peak = max(peak, held)
    return peak


def op_counts(fn, *args):
    """Counter of the aten operators (e.g. "aten::mv") called, at any depth, in
    fn(*args)."""
    with quiet_profile() as prof:
        fn(*args)
    return Counter(e.name for e in prof.events() if e.name.startswith("aten::"))
