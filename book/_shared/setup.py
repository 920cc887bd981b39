# @title Setup: imports, device, one thread, the torch check, glue (shared cell; edit book/_shared/setup.py, then run make notebooks)
import math
import re

import IPython.display
import matplotlib.pyplot as plt
import torch
import torch.utils.benchmark as benchmark
from IPython.display import Markdown, display
from matplotlib_inline.backend_inline import set_matplotlib_formats

# Figures as SVG: sharp at any zoom on a phone and in print, and smaller than a PNG once
# the web server compresses them. Text stays text (searchable, in the PDF too). No date
# and fixed ids: the same figure, the same file.
set_matplotlib_formats("svg", metadata={"Date": None})
plt.rcParams["svg.fonttype"] = "none"
plt.rcParams["svg.hashsalt"] = "jacobians-hessians-torch-func"

# the oldest torch these notebooks are tested with (README, make test-torch)
MIN_TORCH = (2, 6)
TORCH_VERSION = tuple(int(part) for part in re.findall(r"\d+", torch.__version__)[:2])
if TORCH_VERSION < MIN_TORCH:
    print(
        f"This notebook needs torch {MIN_TORCH[0]}.{MIN_TORCH[1]} or newer, and this "
        f"runtime has torch {torch.__version__}: some cells will fail. Upgrade with "
        "`pip install --upgrade torch`, "
        "then restart the runtime."
    )

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
torch.manual_seed(0)
# One thread for all the work, not only inside the timers: on a small shared machine a
# second thread made tiny operations slower and noisier. Every time in this book is a
# one-thread time.
NUM_THREADS = 1
torch.set_num_threads(NUM_THREADS)

# glue(name, value) records a measured value for the prose. In the book build, myst_nb
# writes it into the page; elsewhere (Colab, Binder, Jupyter) the paragraphs that state
# measurements are shown by show_prose.
GLUED = {}
try:
    from myst_nb import glue as myst_glue
except ImportError:
    myst_glue = None


def glue(name, value, display=True):
    GLUED[name] = value
    if myst_glue is not None:
        myst_glue(name, value, display=display)
    elif (
        display
    ):  # a word prints as a word, a Markdown table as a table, a figure as a figure
        print(value) if isinstance(
            value, (str, int, float)
        ) else IPython.display.display(value)


def show_prose(text):
    """Show a paragraph of the book with this run's values in its {name} or
    {name:format} slots."""

    def fill(match):
        value = GLUED[match.group(1)]
        if isinstance(value, Markdown):
            return value.data
        return format(value, match.group(2) or "")

    names = "|".join(map(re.escape, sorted(GLUED, key=len, reverse=True))) or "(?!)"
    display(Markdown(re.sub(r"\{(" + names + r")(?::([^{}]*))?\}", fill, text)))


print(f"torch {torch.__version__} on {device}, {NUM_THREADS} thread")
