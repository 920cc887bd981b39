"""Kernels that start with torch already imported: a fork server for the Jupyter kernels of `make test`.

`make test` starts about 90 kernels. Each fresh one spends about 4 s of CPU before its first line of the
notebook runs: starting ipykernel, importing torch, numpy and matplotlib, and importing torch._dynamo on the
first call of a torch.func transform. This module does that work once, in a server process, and starts each
kernel as a fork of it:

    server = fork_kernel.start()                 # once per test run (tests/conftest.py)
    fork_kernel.install_kernelspec(data_dir)     # "python3" in that JUPYTER_DATA_DIR now starts forks

The kernelspec's command is this file's `launch` mode. The launcher sends the server its working folder,
its whole environment, its arguments and its standard streams; the server forks; the child becomes the
kernel exactly as `python -m ipykernel_launcher -f <connection file>` would start it (runpy, the same
sys.argv, sys.path[0] the working folder, PYTHONPATH's entries next, a session of its own), and the
launcher stays in between: it forwards signals (an interrupt is SIGINT) and exits with the kernel's exit
status, so Jupyter's kernel manager sees one process that behaves like the kernel. When the launcher dies
(a kernel manager's SIGKILL), the server kills its kernel.

What a forked kernel shares with the server is only what importing those modules did. The server refuses
(and the launcher then execs a normal kernel) when the kernel's environment differs from the server's in
any variable that importing could have read (OMP_*, TORCH*, MPL*, PYTHON* but PYTHONPATH, ...). Python's
`random` is reseeded at fork, and the child reseeds NumPy's legacy global generator and torch's default
generator from the OS, as a fresh process seeds them. What forks do
share is the hash seed of str (PYTHONHASHSEED), which only orders sets of strings. tests/test_fork_kernel.py
compares a forked kernel with a normal one. Each start is logged to fork-kernel.sock.log beside the socket, and
counted in the run log (tools/test_phases.py prints them).
"""

import array
import json
import os
import signal
import socket
import struct
import sys

# Imported once in the server. Left out on purpose: matplotlib.pyplot (importing it picks a backend, which a
# kernel picks itself); matplotlib_inline (its import registers the figure display with the running IPython,
# of which the server has none); ipykernel.kernelapp (its class reads JPY_PARENT_PID when it is defined).
# The server of the nbval runs (tests/test_notebooks.py): `python -m pytest --nbval-lax ...` imports these
# (about 2 s of CPU each time, half of it jsonschema's optional rfc3987_syntax building its grammar).
RUNNER_PRELOAD = ("pytest", "nbval.plugin", "jupyter_client", "nbformat", "jsonschema")
# nbformat, jsonschema and docutils: what myst_nb's glue imports on its first call in the build's kernels
# (1.2 s each); myst_nb itself stays out (the Colab-like kernels must fail to import it).
PRELOAD = ("numpy", "torch", "torch._dynamo", "torch.func", "torch.utils.benchmark", "torch.profiler",
           "matplotlib", "IPython", "ipykernel.ipkernel", "ipykernel.zmqshell", "nbformat", "jsonschema",
           "docutils.nodes")
# The backend ipykernel sets when none is set (ipykernel/kernelapp.py, init_gui_pylab): matplotlib reads
# MPLBACKEND when it is imported, so the server imports it with the value every kernel would set.
INLINE = "module://matplotlib_inline.backend_inline"
# Variables a kernel may have that the server does not: set per kernel, read by none of the PRELOAD imports.
PER_KERNEL = ("JPY_", "JUPYTER_", "NBVAL_", "FORK_KERNEL_", "PWD", "OLDPWD", "PATH", "PYTHONPATH", "_",
              "SHLVL", "PYTEST_", "COLUMNS", "LINES", "TERM")
# Variables that importing the preloaded modules reads: a kernel whose value differs gets a normal start.
IMPORT_TIME = ("OMP_", "MKL_", "OPENBLAS_", "GOTO", "KMP_", "GOMP_", "TORCH", "PYTORCH", "CUDA", "NVIDIA",
               "MPL", "MATPLOTLIB", "PYTHON", "LD_", "NUMPY", "HOME", "XDG_", "LANG", "LC_", "TMPDIR", "IPYTHON",
               "TZ")
# Matching IMPORT_TIME but read only when used, never by an import: torch sets TORCHINDUCTOR_CACHE_DIR
# in a process's environment the first time it needs the cache (torch/_inductor/runtime/cache_dir_utils.py),
# after which every kernel that process starts has it.
READ_WHEN_USED = ("TORCHINDUCTOR_CACHE_DIR", "TRITON_CACHE_DIR")
SOCKET_VARIABLE = "FORK_KERNEL_SOCKET"
HEADER = struct.Struct("!I")


def _send(conn, message, fds=()):
    data = json.dumps(message).encode()
    ancillary = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] if fds else []
    conn.sendmsg([HEADER.pack(len(data)) + data], ancillary)


def _receive(conn, with_fds=False):
    """One message (and up to 3 file descriptors); None at end of stream."""
    fds = array.array("i")
    head, ancillary, _, _ = conn.recvmsg(HEADER.size, socket.CMSG_LEN(3 * fds.itemsize) if with_fds else 0)
    if not head:
        return None, []
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
    (size,) = HEADER.unpack(head)
    body = b""
    while len(body) < size:
        chunk = conn.recv(size - len(body))
        if not chunk:
            return None, list(fds)
        body += chunk
    return json.loads(body), list(fds)


def differing(server_env, kernel_env):
    """The import-time variables whose values differ between the server and a kernel (sorted)."""
    names = set(server_env) | set(kernel_env)
    names = {n for n in names if n.startswith(IMPORT_TIME) and n not in ("PYTHONPATH", "MPLBACKEND", *READ_WHEN_USED)}
    found = sorted(n for n in names if server_env.get(n) != kernel_env.get(n))
    if kernel_env.get("MPLBACKEND", INLINE) != INLINE:
        found.append("MPLBACKEND")
    return found


# ---------------------------------------------------------------------------------------------------------
# The server


def serve(path, preload=PRELOAD):
    """Import `preload`, listen on the Unix socket `path`, fork a kernel (or the requested module's `python
    -m` run) per request; exit with the parent."""
    # bound first: a launcher that comes while the imports run waits for them
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    base_path = sys.path[1:]  # sys.path[0] is this file's folder; PYTHONPATH is unset for the server
    server_env = dict(os.environ)
    os.environ["MPLBACKEND"] = INLINE
    for name in preload:
        __import__(name)
    del os.environ["MPLBACKEND"]
    if preload == PRELOAD:  # the kernels' server: none of what a kernel must import itself, or not at all
        assert not {"ipykernel.kernelapp", "matplotlib_inline", "myst_nb", "sphinx", "jupytext"} & set(sys.modules)
    parent = os.getppid()
    kernels = {}  # pid -> connection to its launcher
    import select

    while True:
        if os.getppid() != parent:  # the test run is gone: so are its kernels
            for pid in kernels:
                _kill(pid)
            return
        ready, _, _ = select.select([listener, *kernels.values()], [], [], 0.2)
        for conn in ready:
            if conn is listener:
                launcher, _ = listener.accept()
                request, fds = _receive(launcher, with_fds=True)
                if request is None or len(fds) != 3:
                    launcher.close()
                    continue
                reasons = differing(server_env, request["env"])
                _log(path, "refused: " + ", ".join(reasons) if reasons else "forked")
                if reasons:
                    _send(launcher, {"refused": reasons})
                    launcher.close()
                    for fd in fds:
                        os.close(fd)
                    continue
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    listener.close()
                    for other in kernels.values():
                        other.close()
                    launcher.close()
                    _become_kernel(request, fds, base_path)  # never returns
                for fd in fds:
                    os.close(fd)
                _send(launcher, {"pid": pid})
                kernels[pid] = launcher
            else:  # a launcher's stream ended: it died, so its kernel goes too
                pid = next(p for p, c in kernels.items() if c is conn)
                if not conn.recv(1):
                    _kill(pid)
        while kernels:  # reap the kernels that ended; tell their launchers how
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            conn = kernels.pop(pid, None)
            if conn is not None:
                try:
                    _send(conn, {"status": status})
                except OSError:
                    pass
                conn.close()


def _log(path, line):
    with open(path + ".log", "a") as handle:
        handle.write(line + "\n")


def counts(socket_path):
    """{"forked": n, "refused": m} from the server's log."""
    try:
        lines = open(socket_path + ".log").read().splitlines()
    except OSError:
        lines = []
    return {"forked": lines.count("forked"), "refused": sum(line.startswith("refused") for line in lines)}


def _kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _become_kernel(request, fds, base_path):
    """In the forked child: become `python -m ipykernel_launcher <args>` started in request's folder."""
    try:
        os.setsid()  # as Jupyter starts a kernel: a session of its own
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        # the handlers a Python process starts with
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for number in (signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP):
            signal.signal(number, signal.SIG_DFL)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        extra = [entry for entry in request["env"].get("PYTHONPATH", "").split(os.pathsep) if entry]
        # `python -m` puts "" (the working folder) first, which ipykernel_launcher removes, then
        # PYTHONPATH's entries, then the standard ones
        sys.path[:] = ["", *[os.path.abspath(entry) for entry in extra], *base_path]
        sys.argv = [request["argv"][0], *request["argv"][1:]]
        import importlib
        import runpy

        importlib.invalidate_caches()
        this_file = os.path.abspath(__file__)
        for name in [n for n, m in sys.modules.items() if getattr(m, "__file__", None) == this_file]:
            del sys.modules[name]  # the server's own module (as __main__ and __mp_main__)
        # the generators a fresh process seeds from the OS: NumPy's legacy global one and torch's default
        if "numpy.random" in sys.modules:
            sys.modules["numpy.random"].seed()
        if "torch" in sys.modules:
            sys.modules["torch"].seed()
        runpy.run_module(request.get("module", "ipykernel_launcher"), run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except BaseException:  # noqa: BLE001 (report it on the kernel's stderr, as a crashed kernel would)
        import traceback

        traceback.print_exc()
        code = 1
    try:
        import atexit

        atexit._run_exitfuncs()  # as the interpreter does when a normal process ends
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def start(folder, name="fork-kernel", preload=PRELOAD):
    """Start a server (a child of this process) with its socket in `folder`; return (process, socket path).
    Kernels started from a kernelspec of install_kernelspec use it until this process ends; so does
    `python fork_kernel.py run-module MODULE ARGS...` with FORK_KERNEL_SOCKET set to the socket path."""
    import subprocess

    path = os.path.join(str(folder), f"{name}.sock")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    process = subprocess.Popen([sys.executable, os.path.abspath(__file__), "serve", path, ",".join(preload)],
                               env=env, cwd=str(folder), stdin=subprocess.DEVNULL)
    import time

    deadline = time.time() + 30  # bound before its imports: a launcher that connects then waits for them
    while not os.path.exists(path) and process.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    return process, path


def install_kernelspec(data_dir, socket_path):
    """Write the kernelspec "python3" into data_dir/kernels: this Python, started through the fork server.
    Jupyter finds it first when data_dir is first on JUPYTER_PATH (before the venv's own python3, which
    it prefers to JUPYTER_DATA_DIR's)."""
    folder = os.path.join(str(data_dir), "kernels", "python3")
    os.makedirs(folder, exist_ok=True)
    spec = {
        "argv": [sys.executable, os.path.abspath(__file__), "launch", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "metadata": {"debugger": True},
        "env": {SOCKET_VARIABLE: socket_path},
    }
    with open(os.path.join(folder, "kernel.json"), "w") as handle:
        json.dump(spec, handle, indent=1)


# ---------------------------------------------------------------------------------------------------------
# The launcher (the kernelspec's command)


def launch(args, module="ipykernel_launcher"):
    """Be `python -m module args` (a kernel by default): a fork of the server when it takes the request,
    else exactly that command."""
    path = os.environ.pop(SOCKET_VARIABLE, "")
    argv = [f"-m {module}", *args]
    normal = [sys.executable, "-m", module, *args]
    try:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(path)
        _send(conn, {"cwd": os.getcwd(), "env": dict(os.environ), "argv": argv, "module": module}, fds=(0, 1, 2))
        reply, _ = _receive(conn)
    except OSError:
        reply = None
    if not reply or "pid" not in reply:  # no server, or a kernel it must not fork: start one normally
        if reply and os.environ.get("FORK_KERNEL_VERBOSE"):
            print(f"fork_kernel: normal start ({', '.join(reply['refused'])} differ)", file=sys.stderr)
        os.execv(sys.executable, normal)
    pid = reply["pid"]

    def forward(number, _frame):
        try:
            os.kill(pid, number)
        except ProcessLookupError:
            pass

    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(number, forward)
    while True:
        try:
            reply, _ = _receive(conn)
            break
        except InterruptedError:
            continue
    if reply is None:  # the server is gone
        os._exit(1)
    status = reply["status"]
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)
    os._exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8)


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2], tuple(filter(None, sys.argv[3].split(","))) if len(sys.argv) > 3 else PRELOAD)
    elif sys.argv[1:2] == ["launch"]:
        launch(sys.argv[2:])
    elif sys.argv[1:2] == ["run-module"] and len(sys.argv) > 2:
        launch(sys.argv[3:], module=sys.argv[2])
    else:
        sys.exit(f"usage: {sys.argv[0]} serve SOCKET [MODULES] | launch -f CONNECTION_FILE | run-module MODULE ARGS")
