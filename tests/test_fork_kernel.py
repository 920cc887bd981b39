"""The kernels of the test run start as forks of a server that imported torch once (tools/fork_kernel.py).
A forked kernel must be what a fresh kernel is to the notebook: the same working folder, sys.path (the
kernel's PYTHONPATH first, so the build tools stay blocked in a Colab-like run), argv and environment,
inline figures, fresh random generators, interrupts, and a death reported as a death."""

import json
import os
import sys
import tempfile

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from conftest import ROOT, colab_env

sys.path.insert(0, str(ROOT / "tools"))
import fork_kernel  # noqa: E402
from exec_pool import POOL  # noqa: E402

PROBE = [
    "import json, os, sys\n"
    "state = {'cwd': os.getcwd(), 'path': sys.path, 'argv': sys.argv[1:2],\n"
    "         'env': sorted(k for k in os.environ if not k.startswith('JPY_')),\n"
    "         'mpl': os.environ.get('MPLBACKEND'), 'main': type(sys.modules['__main__']).__name__,\n"
    "         'repo': sorted(m for m, mod in list(sys.modules.items())\n"
    "                        if getattr(mod, '__file__', None) and '/work/' in str(mod.__file__)\n"
    "                        and '/.venv/' not in str(mod.__file__))}\n"
    "print(json.dumps(state))",
    "import random, numpy, torch\nprint(random.random(), numpy.random.rand(), torch.rand(1).item())",
    "import matplotlib.pyplot as plt\nplt.plot([0, 1])\nplt.show()",
    "try:\n    import myst_nb\n    print('imported')\nexcept ModuleNotFoundError as error:\n    print(error)",
]


def normal_folder():
    """A JUPYTER_PATH whose python3 is the normal kernel (the venv's own command)."""
    folder = tempfile.mkdtemp(prefix="normal-kernel-")
    os.makedirs(os.path.join(folder, "kernels", "python3"))
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (ipykernel)", "language": "python"}
    with open(os.path.join(folder, "kernels", "python3", "kernel.json"), "w") as handle:
        json.dump(spec, handle)
    return folder


def execute(sources, forked, env=None, timeout=60):
    """Run the cells in a new kernel, forked (the run's kernelspec, found on JUPYTER_PATH) or normal (a
    kernelspec of the venv's usual command); cells that run past `timeout` are interrupted."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    work = tempfile.mkdtemp(prefix="fork-probe-")
    options = {}
    if not forked:
        specs = KernelSpecManager(kernel_dirs=[os.path.join(normal_folder(), "kernels")])
        options["km"] = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=specs)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", allow_errors=True,
                            interrupt_on_timeout=True, resources={"metadata": {"path": work}}, **options)
    client.execute(env=dict(env if env is not None else os.environ))
    return notebook, work


def texts(notebook):
    return ["".join(o.get("text", "") for o in cell.outputs).strip() for cell in notebook.cells]


@pytest.fixture(scope="module")
def server_running(pytestconfig):
    if not getattr(pytestconfig, "_fork_socket", None):
        pytest.skip("TEST_FORK_KERNELS=0: every kernel of this run starts normally")
    return pytestconfig._fork_socket


@pytest.fixture(scope="module")
def probes(server_running):
    env = colab_env()  # the blockers first on PYTHONPATH, as the student runs have them
    return {kind: POOL.run("fork kernel", f"probe {kind}", execute, PROBE, kind != "normal", env, estimate=8.0)
            for kind in ("forked", "forked again", "normal")}


def test_forked_kernel_starts_as_a_fork(server_running, probes):
    """The probes ran in forks (the server's log counts them), not in kernels started normally."""
    log = open(server_running + ".log").read()
    assert fork_kernel.counts(server_running)["forked"] >= 2, log


def test_forked_kernel_sees_the_folder_path_argv_and_environment_of_a_fresh_one(probes):
    (forked, forked_work), (normal, normal_work) = probes["forked"], probes["normal"]
    got, want = json.loads(texts(forked)[0]), json.loads(texts(normal)[0])
    assert got["cwd"] == forked_work and want["cwd"] == normal_work
    assert got["path"] == want["path"], "sys.path differs from a fresh kernel's"
    assert got["argv"] == want["argv"]
    assert got["mpl"] == want["mpl"]
    assert got["main"] == want["main"]
    assert got["env"] == want["env"], f"the kernel's environment differs from a fresh kernel's: {got['env']}"
    assert got["repo"] == want["repo"] == [], "a module of this repository is loaded in the kernel"


def test_forked_kernel_shows_figures_inline(probes):
    cell = probes["forked"][0].cells[2]
    assert any("image/png" in o.get("data", {}) for o in cell.outputs), cell.outputs


def test_forked_kernel_keeps_the_build_tools_blocked(probes):
    assert "(as in Colab)" in texts(probes["forked"][0])[3]


def test_forked_kernels_draw_fresh_random_numbers(probes):
    """Python's, NumPy's and torch's global generators are reseeded in every fork: a fresh process seeds
    each from the OS."""
    first, again = (texts(probes[k][0])[1].split() for k in ("forked", "forked again"))
    for k, name in enumerate(("Python's random", "NumPy's global generator", "torch's default generator")):
        assert first[k] != again[k], f"{name} draws the same number in every fork"


def test_interrupt_reaches_a_forked_kernel(server_running):
    """A cell that runs past its timeout is interrupted (nbclient sends SIGINT to the launcher, which
    forwards it): the next cell still runs in the same kernel."""
    notebook, _ = POOL.run("fork kernel", "interrupt", execute,
                           ["import time\ntime.sleep(30)", "print('after')"], True, None, 4, estimate=8.0)
    errors = [o for o in notebook.cells[0].outputs if o.get("output_type") == "error"]
    assert errors, notebook.cells[0].outputs
    assert texts(notebook)[1] == "after"


def test_a_forked_kernel_that_dies_is_reported_dead(server_running):
    with pytest.raises(DeadKernelError):
        POOL.run("fork kernel", "death", execute, ["import os\nos._exit(3)", "print('never')"], True, None,
                 estimate=8.0)


def test_only_variables_that_imports_read_send_a_kernel_to_a_normal_start():
    """A kernel whose environment differs from the server's in what importing torch or matplotlib reads
    must start normally; one that differs in a per-kernel variable, or in a cache folder torch sets in its
    own process's environment when it first uses the cache (after which every kernel has it), must not."""
    server = {"HOME": "/root", "OMP_NUM_THREADS": "2", "PATH": "/bin"}
    same = dict(server, JPY_PARENT_PID="1", PATH="/venv/bin:/bin", PYTHONPATH="/blockers",
                TORCHINDUCTOR_CACHE_DIR="/tmp/torchinductor_root")
    assert fork_kernel.differing(server, same) == []
    assert fork_kernel.differing(server, dict(same, OMP_NUM_THREADS="1")) == ["OMP_NUM_THREADS"]
    assert fork_kernel.differing(server, dict(same, TORCH_LOGS="+dynamo")) == ["TORCH_LOGS"]
    assert fork_kernel.differing(server, dict(same, MPLBACKEND="agg")) == ["MPLBACKEND"]
