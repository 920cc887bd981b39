"""How forward and reverse mode work (book/how_modes_work.md): the exercises the grader calls (see tools/grade_specs/__init__.py)."""

from ._flops import MATRIX_FLOPS

MODES_SETUP = """
from functools import partial

from torch.func import jacfwd, jacrev, jvp, vjp
"""

# Exercise 2: the chapter's two halves, compress (R^N -> R^K) and decompress (R^K -> R^M), read their
# matrices from the namespace when they run; the grader's own function sets the matrices drawn at
# grading time, then calls the student's bottleneck_jacobian(x).
BOTTLENECK_SETUP = MODES_SETUP + """

def compress(x):  # R^N -> R^K
    return B2 @ torch.tanh(B1 @ x)


def decompress(s):  # R^K -> R^M
    return E2 @ torch.tanh(E1 @ s)


# matrices of the chapter's sizes until the grader's function sets its own, so that code of the student's
# cell that runs compress or decompress (a test of their own) runs here too
_generator = torch.Generator().manual_seed(0)
_device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
B1, B2, E1, E2 = (torch.randn(*shape, generator=_generator).to(_device) / scale for shape, scale in
                  (((200, 400), 20), ((3, 200), 200**0.5), ((200, 3), 1), ((500, 200), 200**0.5)))


def graded_bottleneck_jacobian(x, matrices):
    globals().update(zip(("B1", "B2", "E1", "E2"), matrices))
    return bottleneck_jacobian(x)
"""

# Exercise 3: the chapter's measurement of what autograd saves for a stack of layers (run only in the
# grading process, for the reference).
SAVED_SETUP = MODES_SETUP + """

def saved_bytes_of_training_stack(depth=10, batch=32, width=100):
    weights = [torch.randn(width, width, requires_grad=True) for _ in range(depth)]
    storages = {w.untyped_storage().data_ptr() for w in weights}
    saved = {}

    def pack(tensor):
        if tensor.untyped_storage().data_ptr() not in storages:
            saved[tensor.untyped_storage().data_ptr()] = tensor.untyped_storage().nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        h = torch.randn(batch, width, requires_grad=True)
        for w in weights:
            h = torch.tanh(h @ w)
    return sum(saved.values())
"""

NO_TORCH = """
def method(*sizes):
    return {"torch operations": 0, "backward passes": 0, "forward-mode duals": 0}
"""

SPECS = {
    # Exercise 1: a prediction, a formula in the sizes: the vectors jacfwd and jacrev push through the
    # tanh of tanh(P x), for P of M x N, at sizes drawn at grading time (never equal), counted in the
    # grading process with the chapter's counter of aten::tanh_backward; no torch operation allowed.
    "ex-modes-count-passes": {
        "function": "predicted_passes",
        "drawn": "sizes",
        "setup": MODES_SETUP,
        "points": """
def points(g, device):
    def size(low, high):
        return int(torch.randint(low, high, (1,), generator=g))

    return [(size(2, 10), size(40, 400)), (size(30, 60), size(2, 20)), (size(5, 20), size(25, 50))]
""",
        "reference": """
from torch.utils._python_dispatch import TorchDispatchMode


def reference(N, M):
    P, x, vectors = torch.randn(M, N), torch.randn(N), [0, 0]

    class CountVectors(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            if func is torch.ops.aten.tanh_backward.default:
                vectors[self.which] += args[0].numel() // args[1].numel()
            return func(*args, **(kwargs or {}))

    for which, transform in enumerate((jacfwd, jacrev)):
        with CountVectors() as counter:
            counter.which = which
            transform(lambda x: torch.tanh(P @ x))(x)
    return tuple(vectors)
""",
        "method": NO_TORCH,
        "provenance": None,
    },
    # Exercise 2: the Jacobian of decompress(compress(x)) with the fewest passes: at the chapter's sizes
    # (N = 400, K = 3, M = 500, float32) and at a smaller bottleneck (K = 2 to 5, float64), matrices and
    # points drawn at grading time. The method on every call: one backward pass pulling K vectors
    # through compress's tanh (jacrev on the narrow-output half; jacrev of decompress or of the whole
    # pulls M), one forward-mode dual (jacfwd on the narrow-input half; none for the chain rule typed
    # in), and the matrix FLOPs within 1.25 times those of the solution (jacfwd of the whole, with a
    # dummy jacrev of compress for the counter, does N jvps through both halves).
    "ex-modes-mixed": {
        "function": "graded_bottleneck_jacobian",
        "setup": BOTTLENECK_SETUP,
        "points": """
def points(g, device):
    found = []
    for n, k, m, dtype in ((400, 3, 500, torch.float32), (int(torch.randint(40, 80, (1,), generator=g)),
                           int(torch.randint(2, 6, (1,), generator=g)), 90, torch.float64),
                           (400, 3, 500, torch.float32)):
        def draw(*shape, scale=1.0):
            return (torch.randn(*shape, generator=g, dtype=dtype) * scale).to(device)

        h = 200 if n == 400 else 30
        matrices = (draw(h, n, scale=n**-0.5), draw(k, h, scale=h**-0.5), draw(h, k),
                    draw(m, h, scale=h**-0.5))
        found.append((draw(n), matrices))
    return found
""",
        "reference": """
def reference(x, matrices):
    globals().update(zip(("B1", "B2", "E1", "E2"), matrices))
    return jacrev(lambda x: decompress(compress(x)))(x)
""",
        "method": MATRIX_FLOPS + """

def method(x, matrices):
    globals().update(zip(("B1", "B2", "E1", "E2"), matrices))
    k = matrices[1].shape[0]
    fewest = matrix_flops(lambda x: jacfwd(decompress)(compress(x)) @ jacrev(compress)(x), x)
    return {"backward passes": 1, "vectors through tanh": k, "forward-mode duals": 1,
            "passes by autograd.functional": 0, "matrix FLOPs": ("<=", 1.25 * fewest)}
""",
        "tolerance": (1e-5, 1e-4),
        "tolerance64": (1e-12, 1e-10),
        "provenance": None,
    },
    # Exercise 3: a prediction, a formula in the sizes: the bytes autograd saves for a stack of `depth`
    # layers tanh(h W), batch by width, float32, measured in the grading process at sizes drawn at
    # grading time; no torch operation allowed.
    "ex-modes-saved-bytes": {
        "function": "predicted_saved_bytes",
        "drawn": "sizes",
        "setup": SAVED_SETUP,
        "points": """
def points(g, device):
    def size(low, high):
        return int(torch.randint(low, high, (1,), generator=g))

    return [(size(2, 14), size(2, 40), size(5, 60)) for _ in range(3)]
""",
        "reference": """
def reference(depth, batch, width):
    return saved_bytes_of_training_stack(depth, batch, width)
""",
        "method": NO_TORCH,
        "provenance": None,
    },
}
