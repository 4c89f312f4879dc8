"""PNG plots of a run: each scaling curve, and hidden-test accuracy per strategy."""

import io

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt  # noqa: E402 - after choosing the backend

from codescale.evaluation.curves import Curve  # noqa: E402
from codescale.evaluation.summary import EvalSummary  # noqa: E402


def _png(figure: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return buffer.getvalue()


def curve_png(curve: Curve) -> bytes:
    """A line plot of a curve's series (accuracy in %)."""
    figure, axes = plt.subplots(figsize=(6, 4))
    for series in curve.series:
        axes.plot([p.x for p in series.points], [100 * p.accuracy for p in series.points],
                  marker="o", label=series.name)
    if curve.name == "samples":
        axes.set_xscale("log", base=2)
    xs = [p.x for p in curve.series[0].points] if curve.series else []
    axes.set_xticks(xs, [str(x) for x in xs])
    axes.set_xlabel(curve.x_label)
    axes.set_ylabel("hidden-test accuracy (%)")
    axes.set_ylim(0, 105)
    axes.grid(alpha=0.3)
    axes.legend()
    return _png(figure)


def strategies_png(summary: EvalSummary) -> bytes:
    """Bars of accuracy per strategy, with the oracle as a line."""
    figure, axes = plt.subplots(figsize=(7, 4))
    names = [s.strategy for s in summary.strategies]
    axes.bar(names, [100 * s.accuracy for s in summary.strategies], color="tab:blue")
    axes.axhline(100 * summary.oracle, color="tab:red", linestyle="--", label="oracle (pass@n)")
    axes.set_ylabel("hidden-test accuracy (%)")
    axes.set_ylim(0, 105)
    axes.tick_params(axis="x", rotation=30)
    axes.legend()
    return _png(figure)


def plots(summary: EvalSummary) -> dict[str, bytes]:
    """Every plot of a run, by file name."""
    return {"strategies.png": strategies_png(summary),
            **{f"curve-{curve.name}.png": curve_png(curve) for curve in summary.curves}}
