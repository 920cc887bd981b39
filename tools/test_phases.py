"""Where the minutes of a test run went: the phase table of issue 24 (phase, wall seconds, cores busy).

    python tools/test_phases.py [_build/test-run.json]

Reads the log that every pytest run of this repository writes (tests/conftest.py): the start and end of
each test and of each job of the execution pool (tools/exec_pool.py), and a sample every second of the
CPU seconds used by the test process and all its children (kernels, Chromium, the build, node). `make
test` prints the table at its end.

Phases overlap now (the pool runs notebooks while the tests run), so each row gives the wall time during
which that phase was running (the union of its intervals), its share of the run, and how many cores the
whole run kept busy meanwhile (CPU seconds of the process tree over those seconds; 2.0 is both cores of
this machine). The last rows give the run: wall time, CPU time, the average use of all cores, and the
machine's load average (other work on a shared machine slows a run without showing in its CPU time).
"""

import json
import sys
from bisect import bisect_left
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

JOB_PHASES = {
    "build: execute": "clean build: chapters executed into the cache (pool)",
    "build: render": "clean build: render, jupyter-book build --all (pool)",
    "nbval": "reader notebooks, nbval (pool)",
    "student": "student editions (pool)",
    "wrong methods": "wrong-method and tampering runs, graded (pool)",
    "grading": "grading runs (pool)",
    "pdf": "PDF: print and read back (pool)",
    "fork kernel": "forked kernels compared with a normal one (pool)",
}
TEST_PHASES = {
    "tests/test_browser.py": "browser: page visits, audits, weight, search",
    "tests/test_reader_view.py": "browser: page visits, audits, weight, search",
    "tests/test_pdf.py": "PDF: checks of the printed book",
    "tests/test_jupyterlab.py": "JupyterLab",
    "tests/test_build.py": "checks of the built site's files",
    "tests/test_executed_pages.py": "checks of the built site's files",
    "tests/test_notebooks.py": "tests of the notebook runs (waiting for the pool)",
    "tests/test_student.py": "tests of the notebook runs (waiting for the pool)",
    "tests/test_wrong_methods.py": "tests of the notebook runs (waiting for the pool)",
    "tests/test_grade.py": "tests of the notebook runs (waiting for the pool)",
}
OTHER = "small tests"


def union(intervals):
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def cpu_at(samples, t, column=1):
    """CPU seconds at time t, interpolated between samples: column 1 the process tree's, 3 the machine's."""
    times = [s[0] for s in samples]
    i = bisect_left(times, t)
    if i <= 0:
        return samples[0][column]
    if i >= len(samples):
        return samples[-1][column]
    t0, c0, t1, c1 = samples[i - 1][0], samples[i - 1][column], samples[i][0], samples[i][column]
    return c0 + (c1 - c0) * (t - t0) / (t1 - t0) if t1 > t0 else c1


def phases(log):
    """{phase: (count, [intervals])}, in the order of their first start."""
    found = {}
    for job in log.get("jobs", []):
        if job.get("start") and job.get("end"):
            phase = JOB_PHASES.get(job["kind"], f"{job['kind']} (pool)")
            found.setdefault(phase, []).append((job["start"], job["end"]))
    for test in log.get("tests", []):
        phase = TEST_PHASES.get(test["file"], OTHER)
        found.setdefault(phase, []).append((test["start"], test["end"]))
    first_test = min((t["start"] for t in log.get("tests", [])), default=log["end"])
    found.setdefault("start-up and collection", []).append((log["start"], first_test))
    return dict(sorted(found.items(), key=lambda item: min(s for s, _ in item[1])))


def table(log):
    samples = [s for s in log.get("samples", []) if s[1] is not None]
    cpus = log.get("cpus") or 2
    # cores busy per phase: the whole machine's CPU where the log has it (it sees Chromium's renderers,
    # which leave the test's process tree), else the process tree's
    column = 3 if samples and len(samples[0]) > 3 and samples[0][3] is not None else 1
    rows = [("phase", "runs", "wall s", "share", "cores busy" + (" (machine)" if column == 3 else ""))]
    for phase, intervals in phases(log).items():
        spans = union(intervals)
        wall = sum(end - start for start, end in spans)
        busy = "n/a"
        if len(samples) > 1 and wall > 0:
            cpu = sum(cpu_at(samples, end, column) - cpu_at(samples, start, column) for start, end in spans)
            busy = f"{cpu / wall:.2f}"
        count = len(intervals) if phase != "start-up and collection" else 1
        rows.append((phase, str(count), f"{wall:.0f}", f"{wall / (log['end'] - log['start']):.0%}", busy))
    wall = log["end"] - log["start"]
    lines = [f"{a:<56} {b:>5} {c:>7} {d:>6} {e:>10}" for a, b, c, d, e in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.append("")
    lines.append(f"run: {wall:.0f} s wall ({wall / 60:.1f} min)")
    if log.get("site_ready"):
        lines.append(f"the clean build was ready {log['site_ready'] - log['start']:.0f} s after the start: the first "
                     "test of the site (in the browser row) waited for it until then")
    if len(samples) > 1:
        covered = samples[-1][0] - samples[0][0]
        cpu = samples[-1][1] - samples[0][1]
        loads = [s[2] for s in samples]
        lines.append(f"CPU of the test process and its children: {cpu:.0f} s over the {covered:.0f} s sampled "
                     f"= {cpu / covered:.2f} cores busy on average, {cpu / covered / cpus:.0%} of all {cpus}")
        if len(samples[0]) > 3 and samples[0][3] is not None:
            machine = samples[-1][3] - samples[0][3]
            lines.append(f"CPU of the whole machine (every process, Chromium's renderers too, which leave the "
                         f"test's process tree): {machine:.0f} s = {machine / covered:.2f} cores busy, "
                         f"{machine / covered / cpus:.0%} of all {cpus}")
        mean_load = sum(loads) / len(loads)
        lines.append(f"machine load average (1 min) during the run: mean {mean_load:.1f}, max {max(loads):.1f} "
                     "(the run's own kernels, browser and tests count in it too)")
    jobs = [j for j in log.get("jobs", []) if j.get("end")]
    if jobs:
        lines.append(f"pool: {len(jobs)} notebook runs, {sum(j['end'] - j['start'] for j in jobs):.0f} s of slot "
                     f"time; longest: " + ", ".join(
                         f"{j['kind']} {j['name']} {j['end'] - j['start']:.0f} s"
                         for j in sorted(jobs, key=lambda j: j["start"] - j["end"])[:4]))
        kernels = log.get("kernels")
        if kernels:
            lines.append(f"kernels: {kernels['forked']} started as forks of the fork server "
                         f"(tools/fork_kernel.py), {kernels['refused']} started normally (their environment differs)")
            if kernels.get("runner"):
                lines.append(f"nbval's pytest processes: {kernels['runner']['forked']} forks of the runner server, "
                             f"{kernels['runner']['refused']} started normally")
        elif "kernels" in log:
            lines.append("kernels: every kernel started normally (TEST_FORK_KERNELS=0)")
        failed = [f"{j['kind']} {j['name']}" for j in jobs if j.get("ok") is False]
        if failed:
            lines.append(f"pool jobs that raised: {failed}")
    return "\n".join(lines)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else ROOT / "_build" / "test-run.json"
    try:
        log = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        print(f"cannot read the run log {path}: {error} (run the tests first)", file=sys.stderr)
        return 2
    print(table(log))
    return 0


if __name__ == "__main__":
    sys.exit(main())
