# @title Plotting helpers (shared cell; edit book/_shared/plotting.py, then run make notebooks)
import textwrap

from matplotlib.ticker import FuncFormatter

# Sized for a phone: a figure is shown about 358 CSS px wide there, so text of s pt in
# a figure w inches wide appears at s * 358 / (72 w) px. At 4.8 in, 10 pt is 10.4 px
# (body text is 16 px); print and a desktop get larger text too. Panels go one above
# the other, never side by side. Chapters leave these sizes alone (a test reads every
# figure's smallest text).
plt.rcParams.update(
    {
        "figure.figsize": (4.8, 3.6),
        "font.size": 11,
        "axes.titlesize": 11,
        "axes.labelsize": 11,
        "xtick.labelsize": 10,
        "ytick.labelsize": 10,
        "legend.fontsize": 10,
        "legend.title_fontsize": 10,
        "figure.titlesize": 11,
    }
)

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


def wrapped(text, width=44):
    """A title broken into lines of at most `width` characters (about what a 4.8 in
    figure holds at 11 pt), as few lines as that takes and of about equal length."""
    text = " ".join(text.split())
    lines = max(1, len(textwrap.wrap(text, width)))
    narrowest = next(
        w for w in range(len(text) // lines, width + 1)
        if len(textwrap.wrap(text, w)) == lines
    )
    return textwrap.fill(text, narrowest)


def show_table(header, rows, caption=""):
    """Display rows of values as a table (Markdown), which a phone, Jupyter, Colab and
    the site show as a table: aligned text in a code block would run off a phone's
    screen. Columns whose values are all numbers are aligned right."""

    def text(value):
        return str(value).replace("|", "\\|")

    number = re.compile(r"[-+]?[\d,.]+(?:e[-+]?\d+)?\s*\S{0,3}")
    numeric = [
        all(number.fullmatch(text(row[i])) for row in rows) for i in range(len(header))
    ]
    lines = [
        "| " + " | ".join(text(h) for h in header) + " |",
        "|" + "|".join("---:" if right else ":---" for right in numeric) + "|",
    ]
    lines += ["| " + " | ".join(text(v) for v in row) + " |" for row in rows]
    display(Markdown((caption + "\n\n" if caption else "") + "\n".join(lines)))
