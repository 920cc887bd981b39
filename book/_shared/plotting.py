# @title Plotting helpers (shared cell; edit book/_shared/plotting.py, then run make notebooks)
from matplotlib.ticker import FuncFormatter

# The Okabe–Ito palette (safe for colour-blind readers) and one marker per series, so
# print in grey works too.
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]


def label_log_axis_plainly(axis):
    """Label a log axis with plain numbers (0.5, 2, 30) at 1, 2 and 5 times the powers
    of ten."""

    def label(value, _):
        mantissa = value / 10 ** math.floor(math.log10(value))
        # only exact 1, 2 and 5 (not 1.25, which rounds to 1)
        return (
            f"{value:g}"
            if any(math.isclose(mantissa, m, rel_tol=1e-9) for m in (1, 2, 5))
            else ""
        )

    axis.set_major_formatter(FuncFormatter(label))
    axis.set_minor_formatter(FuncFormatter(label))
