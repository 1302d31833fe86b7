"""Figures for group comparisons, drawn with seaborn / matplotlib.

Each plotting function takes a tidy table as ``data=`` (usually the output of
:mod:`analysis.compare`) and keyword roles naming its columns, draws on ``ax`` (a
new figure when None) and returns the Axes. None calls ``plt.show()``: notebooks
show figures themselves, scripts save them with :func:`save_figure`.

Readability with many or long group names: labels longer than ``label_width``
characters are shortened with an ellipsis, and at most ``max_groups`` groups are
drawn (those with the most observations, the title says how many were left out).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from analysis.paths import FIGURES_DIR

#: Fixed salt so that SVG element ids are the same on every run.
SVG_HASHSALT = "analysis-figures"
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def _shorten(label, width: int) -> str:
    text = str(label)
    return text if len(text) <= width else text[: max(width - 1, 1)] + "\u2026"


def _require(data: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise KeyError(
            f"{what}: column(s) {missing} not found; available columns: {list(data.columns)}"
        )


def _limit_groups(
    data: pd.DataFrame, y: str, max_groups: int | None, n: str | None
) -> tuple[pd.DataFrame, str]:
    """Keep the ``max_groups`` groups of ``y`` with the largest total ``n``."""
    groups = pd.unique(data[y])
    if max_groups is None or len(groups) <= max_groups:
        return data, ""
    if n is not None and n in data.columns:
        weight = data.groupby(y, sort=False, observed=True)[n].max()
    else:
        weight = data.groupby(y, sort=False, observed=True).size()
    keep = weight.sort_values(ascending=False, kind="stable").index[:max_groups]
    note = f" (largest {max_groups} of {len(groups)} {y})"
    return data.loc[data[y].isin(keep)], note


def _new_ax(ax, width: float, height: float):
    if ax is None:
        _, ax = plt.subplots(figsize=(min(max(width, 4.0), 16.0), min(max(height, 2.5), 20.0)))
    return ax


def _pivot(data: pd.DataFrame, y: str, x: str, value: str, what: str) -> pd.DataFrame:
    dup = data.duplicated([y, x])
    if dup.any():
        first = data.loc[dup, [y, x]].iloc[0].tolist()
        raise ValueError(
            f"{what}: several rows for the same ({y}, {x}) pair, e.g. {first}; filter the "
            "table to one statistic first (e.g. data[data['statistic'] == 'rate'])"
        )
    rows = list(pd.unique(data[y]))
    cols = list(pd.unique(data[x]))
    return data.pivot(index=y, columns=x, values=value).reindex(index=rows, columns=cols)


def code_heatmap(
    data: pd.DataFrame,
    x: str = "code",
    y: str = "speaker",
    value: str = "estimate",
    *,
    ax=None,
    n: str | None = "n",
    annot: bool = True,
    fmt: str = ".2f",
    cmap: str = "rocket_r",
    vmin: float | None = 0.0,
    vmax: float | None = None,
    max_groups: int | None = 40,
    label_width: int = 30,
    title: str | None = None,
):
    """Heatmap of a rate per group (rows) and code (columns).

    Parameters
    ----------
    data : DataFrame
        One row per (``y``, ``x``), e.g. :func:`analysis.compare.group_rates`
        output for code rates.
    x, y, value : str
        Column roles: codes across, groups down, cell colour and annotation.
    ax : matplotlib Axes, optional
        Where to draw; a new figure sized to the table when None.
    n : str or None
        Column used to choose the largest groups when there are more than
        ``max_groups``.
    annot, fmt, cmap, vmin, vmax
        Passed to :func:`seaborn.heatmap`.
    max_groups : int or None
        Most rows drawn.
    label_width : int
        Longest tick label, in characters.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib Axes
    """
    _require(data, [x, y, value], "code_heatmap")
    what = value
    if "statistic" in data.columns and data["statistic"].nunique() == 1:
        what = str(data["statistic"].iloc[0])
    data, note = _limit_groups(data, y, max_groups, n)
    table = _pivot(data, y, x, value, "code_heatmap")
    ax = _new_ax(ax, 2.0 + 0.7 * table.shape[1], 1.5 + 0.35 * table.shape[0])
    sns.heatmap(table.astype(float), ax=ax, annot=annot, fmt=fmt, cmap=cmap, vmin=vmin,
                vmax=vmax, cbar_kws={"label": what}, linewidths=0.5,
                xticklabels=[_shorten(c, label_width) for c in table.columns],
                yticklabels=[_shorten(r, label_width) for r in table.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.tick_params(axis="x", labelrotation=45)
    for label in ax.get_xticklabels():
        label.set_horizontalalignment("right")
    ax.set_title((title or f"{what} by {y} and {x}") + note)
    return ax


def _count_note(n, n_docs, has_interval: bool) -> str:
    """" (n=10, 4 docs)", with "no interval" when there is none to draw."""
    if pd.isna(n):
        return ""
    parts = [f"n={int(n)}"]
    if n_docs is not None and pd.notna(n_docs):
        parts.append(f"{int(n_docs)} doc" + ("" if int(n_docs) == 1 else "s"))
        if not has_interval:
            parts.append("no interval")
    return f" ({', '.join(parts)})"


def point_intervals(
    data: pd.DataFrame,
    x: str = "estimate",
    y: str = "speaker",
    lo: str = "ci_low",
    hi: str = "ci_high",
    *,
    ax=None,
    n: str | None = "n",
    sort: bool = True,
    max_groups: int | None = 40,
    label_width: int = 30,
    reference: float | None = None,
    xlabel: str | None = None,
    title: str | None = None,
    color: str = "C0",
):
    """Point estimates with intervals, one row per group.

    Parameters
    ----------
    data : DataFrame
        One row per group, e.g. :func:`analysis.compare.group_rates` output for
        ``severity`` or ``sentiment_compound``.
    x, y, lo, hi : str
        Estimate, group label, interval ends.
    ax : matplotlib Axes, optional
    n : str or None
        Count column shown as ``(n=...)`` beside each label and used to choose
        the largest groups; with an ``n_docs`` column the documents are shown too,
        and "no interval" where the interval is missing (a group with one document),
        whose point is drawn without a bar.
    sort : bool
        Order groups by estimate (largest on top); else keep the table order.
    max_groups, label_width
        See the module notes.
    reference : float, optional
        Draw a vertical reference line (e.g. 0 for sentiment).
    xlabel, title : str, optional
    color : str
        Matplotlib colour of points and bars.

    Returns
    -------
    matplotlib Axes
        Its y tick labels name the groups (with n); one errorbar container for the
        points and one line collection for the intervals.
    """
    _require(data, [x, y, lo, hi], "point_intervals")
    if data[y].duplicated().any():
        dup = data.loc[data[y].duplicated(), y].iloc[0]
        raise ValueError(
            f"point_intervals: group {dup!r} appears in several rows; filter the table to "
            "one statistic (and one code) first"
        )
    data, note = _limit_groups(data, y, max_groups, n)
    if sort:
        data = data.sort_values(x, ascending=True, kind="stable")
    else:
        data = data.iloc[::-1]
    ax = _new_ax(ax, 6.5, 1.0 + 0.3 * len(data))
    est = data[x].to_numpy(dtype=float)
    low = data[lo].to_numpy(dtype=float)
    high = data[hi].to_numpy(dtype=float)
    pos = np.arange(len(data))
    # Intervals are drawn from their ends as given (a bootstrap interval need not hold the
    # estimate), and a missing one (a group with one document) is not drawn at all.
    has = np.isfinite(low) & np.isfinite(high)
    ax.hlines(pos[has], low[has], high[has], color=color, linewidth=1)
    ax.errorbar(est, pos, fmt="o", color=color, markersize=4)
    labels = [_shorten(v, label_width) for v in data[y]]
    docs = data["n_docs"] if "n_docs" in data.columns else [None] * len(data)
    if n is not None and n in data.columns:
        labels = [lab + _count_note(c, d, h)
                  for lab, c, d, h in zip(labels, data[n], docs, has, strict=True)]
    ax.set_yticks(pos, labels)
    ax.set_ylim(-0.6, len(data) - 0.4)
    if reference is not None:
        ax.axvline(reference, color="0.5", linewidth=0.8, linestyle="--")
    ax.set_xlabel(xlabel or x)
    ax.set_ylabel(y)
    ax.grid(axis="x", linewidth=0.3)
    if title or note:
        ax.set_title((title or "") + note)
    return ax


def severity_sentiment_by_group(
    data: pd.DataFrame,
    y: str = "speaker",
    *,
    statistic_col: str = "statistic",
    statistics: Sequence[str] = ("mean severity", "mean sentiment_compound"),
    axes=None,
    **kwargs,
):
    """Two panels side by side: mean severity and mean sentiment per group.

    Parameters
    ----------
    data : DataFrame
        :func:`analysis.compare.group_rates` outputs for the two values,
        concatenated (told apart by ``statistic_col``).
    y : str
        Group column.
    statistic_col : str
        Column naming the statistic of each row.
    statistics : sequence of str
        The statistics to draw, one panel each.
    axes : sequence of Axes, optional
        One Axes per statistic; a new figure when None.
    **kwargs
        Passed to :func:`point_intervals`.

    Returns
    -------
    numpy.ndarray of matplotlib Axes
    """
    _require(data, [statistic_col, y], "severity_sentiment_by_group")
    found = list(pd.unique(data[statistic_col]))
    missing = [s for s in statistics if s not in found]
    if missing:
        raise ValueError(f"severity_sentiment_by_group: statistic(s) {missing} not in column "
                         f"{statistic_col!r}; found {found}")
    data, note = _limit_groups(data, y, kwargs.pop("max_groups", 40), kwargs.get("n", "n"))
    # Same rows in every panel, alphabetical, so that a group reads across.
    order = sorted(pd.unique(data[y]), key=str)
    if axes is None:
        _, axes = plt.subplots(1, len(statistics), sharey=True, layout="constrained",
                               figsize=(4.0 + 3.5 * len(statistics),
                                        min(1.2 + 0.3 * len(order), 20)))
    axes = np.atleast_1d(np.asarray(axes, dtype=object))
    for i, (ax, stat) in enumerate(zip(axes, statistics, strict=True)):
        part = data.loc[data[statistic_col] == stat].set_index(y).reindex(order)
        part = part.rename_axis(y).reset_index()
        reference = 0.0 if "sentiment" in stat else None
        point_intervals(part, y=y, ax=ax, sort=False, reference=reference, xlabel=stat,
                        max_groups=None, **kwargs)
        if i:
            ax.set_ylabel("")
            ax.tick_params(axis="y", labelleft=False)
    if note:
        axes[0].get_figure().suptitle(note.strip(" ()"))
    return axes


def stance_matrix(
    data: pd.DataFrame,
    x: str = "target",
    y: str = "speaker",
    value: str = "estimate",
    *,
    ax=None,
    n: str | None = "n",
    stance_col: str = "stance",
    annot: bool = True,
    cmap: str = "vlag_r",
    max_groups: int | None = 40,
    label_width: int = 30,
    title: str | None = None,
):
    """Net stance (share favor - share against) per group and target, annotated with n.

    Parameters
    ----------
    data : DataFrame
        :func:`analysis.compare.stance_shares` output (rows with
        ``stance == 'net'`` are used) or any table with one ``value`` per
        (``y``, ``x``) on the -1..1 scale.
    x, y, value : str
        Targets across, groups down, net stance.
    n : str or None
        Count column written under each value.
    stance_col : str
        When present, only rows whose value is ``net`` are drawn.
    annot, cmap, max_groups, label_width, title
        As in :func:`code_heatmap`; the colour scale is fixed to -1..1 around 0.

    Returns
    -------
    matplotlib Axes
    """
    _require(data, [x, y, value], "stance_matrix")
    if stance_col in data.columns:
        data = data.loc[data[stance_col] == "net"]
    data, note = _limit_groups(data, y, max_groups, n)
    table = _pivot(data, y, x, value, "stance_matrix").astype(float)
    labels = None
    if annot:
        counts = (_pivot(data, y, x, n, "stance_matrix") if n is not None and n in data.columns
                  else None)
        labels = np.full(table.shape, "", dtype=object)
        for i in range(table.shape[0]):
            for j in range(table.shape[1]):
                v = table.iat[i, j]
                if np.isnan(v):
                    continue
                labels[i, j] = f"{v:+.2f}"
                if counts is not None:
                    labels[i, j] += f"\nn={int(counts.iat[i, j])}"
    ax = _new_ax(ax, 2.0 + 0.9 * table.shape[1], 1.5 + 0.45 * table.shape[0])
    # The symmetric -1..1 scale centres the diverging map at 0 without seaborn's
    # center=, which warns on current matplotlib.
    sns.heatmap(table, ax=ax, annot=labels if annot else False, fmt="", cmap=cmap, vmin=-1,
                vmax=1, linewidths=0.5,
                cbar_kws={"label": "net stance (favor - against)"},
                xticklabels=[_shorten(c, label_width) for c in table.columns],
                yticklabels=[_shorten(r, label_width) for r in table.index])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title((title or f"Net stance by {y} and {x}") + note)
    return ax


def distinctive_words_plot(
    data: pd.DataFrame,
    group=None,
    *,
    top: int = 10,
    ax=None,
    group_col: str = "group",
    word_col: str = "word",
    score: str = "z",
    color: str = "C0",
    title: str | None = None,
):
    """Horizontal bars of the most distinctive words of one group.

    Parameters
    ----------
    data : DataFrame
        :func:`analysis.compare.distinctive_words` output.
    group : optional
        The group to draw; may be omitted when ``data`` holds one group.
    top : int
        Number of words (highest ``score`` first, drawn top-down).
    ax : matplotlib Axes, optional
    group_col, word_col, score : str
        Column roles.
    color, title
        Bar colour and title.

    Returns
    -------
    matplotlib Axes
        One bar per word; y tick labels are the words.
    """
    _require(data, [group_col, word_col, score], "distinctive_words_plot")
    groups = list(pd.unique(data[group_col]))
    if group is None:
        if len(groups) != 1:
            raise ValueError(f"distinctive_words_plot: pass group=, one of {groups}")
        group = groups[0]
    if group not in groups:
        raise ValueError(f"distinctive_words_plot: group {group!r} not in data; found {groups}")
    part = data.loc[data[group_col] == group].sort_values(score, ascending=False,
                                                          kind="stable").head(top)
    part = part.iloc[::-1]
    ax = _new_ax(ax, 5.5, 1.0 + 0.3 * len(part))
    ax.barh(np.arange(len(part)), part[score].to_numpy(dtype=float), color=color)
    ax.set_yticks(np.arange(len(part)), part[word_col].astype(str).tolist())
    ax.axvline(0, color="0.3", linewidth=0.8)
    ax.set_xlabel(f"{score} (log-odds with informative Dirichlet prior)")
    ax.set_title(title or f"Distinctive words: {group}")
    return ax


def save_figure(
    fig_or_ax,
    name: str,
    *,
    directory: str | Path = FIGURES_DIR,
    formats: Sequence[str] = ("png", "svg"),
    dpi: int = 150,
) -> list[Path]:
    """Write a figure as PNG and SVG, byte-identical from one run to the next.

    Parameters
    ----------
    fig_or_ax : Figure, Axes or array of Axes
        What to save (its whole figure).
    name : str
        File stem, letters, digits, ``_ . -`` only (no folder, no extension).
    directory : str or Path
        Output folder, created when missing. Default ``reports/figures``.
    formats : sequence of {"png", "svg"}
        Formats to write.
    dpi : int
        Resolution of the PNG.

    Returns
    -------
    list of Path
        The files written, in ``formats`` order.

    Notes
    -----
    Determinism: SVG ids are hashed with a fixed salt (``svg.hashsalt``), the SVG
    date and the PNG software stamp are left out, and the resolution is fixed.
    Output stays identical for a given matplotlib version and fonts; another
    version may draw differently.
    """
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ValueError(f"save_figure: name {name!r} must be a file stem of letters, digits, "
                         "'_', '.', '-' (no folder)")
    allowed = ("png", "svg")
    bad = [f for f in formats if f not in allowed]
    if bad:
        raise ValueError(f"save_figure: format(s) {bad} not supported; allowed: {list(allowed)}")
    if isinstance(fig_or_ax, np.ndarray):
        fig_or_ax = fig_or_ax.flat[0]
    fig = fig_or_ax if isinstance(fig_or_ax, mpl.figure.Figure) else fig_or_ax.get_figure()
    if fig is None:
        raise ValueError("save_figure: the Axes belongs to no figure")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    metadata = {"svg": {"Date": None, "Creator": None}, "png": {"Software": None}}
    paths = []
    with mpl.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "path"}):
        for fmt in formats:
            path = directory / f"{name}.{fmt}"
            fig.savefig(path, format=fmt, dpi=dpi, metadata=metadata[fmt], bbox_inches="tight")
            paths.append(path)
    return paths


def quote_counts(
    data: pd.DataFrame,
    y: str = "speaker",
    hue: str = "kind",
    *,
    ax=None,
    max_groups: int | None = 40,
    label_width: int = 30,
    title: str | None = None,
):
    """Number of quotations per group, stacked by ``hue`` (e.g. kind).

    Parameters
    ----------
    data : DataFrame
        One row per quotation (the quotes table). Missing ``y`` values are drawn
        as ``"(unknown)"``, so every quotation is counted.
    y, hue : str
        Group column and the column whose values stack within a bar.
    ax : matplotlib Axes, optional
    max_groups, label_width
        See the module notes.
    title : str, optional

    Returns
    -------
    matplotlib Axes
        One bar container per ``hue`` value; groups ordered by total count.
    """
    _require(data, [y, hue], "quote_counts")
    table = (data.assign(**{y: data[y].fillna("(unknown)"), hue: data[hue].fillna("(unknown)")})
             .groupby([y, hue], observed=True).size().unstack(hue, fill_value=0))
    totals = table.sum(axis=1).sort_values(ascending=True, kind="stable")
    note = ""
    if max_groups is not None and len(totals) > max_groups:
        note = f" (largest {max_groups} of {len(totals)} {y})"
        totals = totals.iloc[-max_groups:]
    table = table.loc[totals.index]
    ax = _new_ax(ax, 7.0, 1.2 + 0.35 * len(table))
    left = np.zeros(len(table))
    # Numeric positions: two long names shortened to the same label stay two bars.
    positions = np.arange(len(table))
    colours = sns.color_palette("colorblind", n_colors=max(table.shape[1], 1))
    for colour, column in zip(colours, table.columns, strict=False):
        ax.barh(positions, table[column].to_numpy(), left=left, color=colour, label=str(column))
        left += table[column].to_numpy()
    ax.set_yticks(positions, [_shorten(v, label_width) for v in table.index])
    ax.set_xlabel("quotations")
    ax.set_ylabel(y)
    ax.legend(title=hue, loc="lower right", frameon=False)
    ax.set_title((title or f"Quotations by {y} and {hue}") + note)
    return ax


def confusion_heatmap(
    data: pd.DataFrame,
    x: str = "predicted",
    y: str = "true",
    value: str = "n",
    *,
    ax=None,
    normalize: bool = True,
    title: str | None = None,
):
    """Confusion matrix as a heatmap: rows gold, columns predicted.

    Parameters
    ----------
    data : DataFrame
        Tidy counts, e.g. :func:`analysis.evaluate.confusion_table` output.
    x, y, value : str
        Predicted label, gold label and count columns.
    ax : matplotlib Axes, optional
    normalize : bool
        Colour by the share of each gold row (annotations show the counts).
    title : str, optional

    Returns
    -------
    matplotlib Axes
    """
    _require(data, [x, y, value], "confusion_heatmap")
    counts = _pivot(data, y, x, value, "confusion_heatmap").fillna(0)
    colour = counts.div(counts.sum(axis=1).replace(0, 1), axis=0) if normalize else counts
    ax = _new_ax(ax, 4.5, 4.0)
    sns.heatmap(colour, annot=counts.astype(int), fmt="d", cmap="Blues", cbar=False,
                vmin=0, vmax=1 if normalize else None, linewidths=0.5, ax=ax)
    ax.set_xlabel(f"{x} label")
    ax.set_ylabel(f"{y} label")
    if title:
        ax.set_title(title)
    return ax
