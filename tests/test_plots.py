"""Tests of analysis.plots: each figure draws what its table holds; saves are deterministic."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # no display in tests

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis import plots  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _rates(n_groups: int = 3, codes=("threat", "alliance")) -> pd.DataFrame:
    rows = []
    for g in range(n_groups):
        for j, code in enumerate(codes):
            est = 0.1 * (g + 1) + 0.01 * j
            rows.append({"speaker": f"speaker {g}", "code": code, "statistic": "rate",
                         "estimate": est, "ci_low": est - 0.05, "ci_high": est + 0.05,
                         "n": 10 * (g + 1)})
    return pd.DataFrame(rows)


def test_code_heatmap_cells_and_labels():
    ax = plots.code_heatmap(data=_rates())
    assert isinstance(ax, matplotlib.axes.Axes)
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 6 and "0.30" in texts
    assert [t.get_text() for t in ax.get_yticklabels()] == ["speaker 0", "speaker 1",
                                                            "speaker 2"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["threat", "alliance"]
    assert ax.get_title() == "rate by speaker and code"


def test_code_heatmap_many_long_groups():
    data = _rates(60)
    data["speaker"] = "A very long speaker name that would crowd the axis " + data["speaker"]
    ax = plots.code_heatmap(data=data, max_groups=20, label_width=25)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 20
    assert all(len(lab) <= 25 for lab in labels) and labels[0].endswith("\u2026")
    assert "largest 20 of 60" in ax.get_title()


def test_code_heatmap_refuses_duplicate_cells():
    data = pd.concat([_rates(), _rates().assign(statistic="other")])
    with pytest.raises(ValueError, match="one statistic"):
        plots.code_heatmap(data=data)


def test_point_intervals_rows_and_n():
    data = _rates().query("code == 'threat'")
    ax = plots.point_intervals(data=data, y="speaker", reference=0.0)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["speaker 0 (n=10)", "speaker 1 (n=20)", "speaker 2 (n=30)"]
    assert len(ax.containers) == 1
    x, _ = ax.lines[0].get_data()
    np.testing.assert_allclose(x, [0.1, 0.2, 0.3])


def test_severity_sentiment_two_panels():
    sev = _rates().query("code == 'threat'").assign(statistic="mean severity")
    sent = sev.assign(statistic="mean sentiment_compound", estimate=-0.2, ci_low=-0.3,
                      ci_high=-0.1)
    axes = plots.severity_sentiment_by_group(pd.concat([sev, sent]))
    assert len(axes) == 2
    assert axes[0].get_xlabel() == "mean severity"
    assert len(axes[0].get_yticklabels()) == 3
    with pytest.raises(ValueError, match="mean urgency"):
        plots.severity_sentiment_by_group(sev, statistics=("mean urgency",))


def test_stance_matrix_net_with_n():
    rows = []
    for speaker, net in (("A", 0.5), ("B", -0.25)):
        for stance, est in (("favor", 0.6), ("net", net)):
            rows.append({"speaker": speaker, "target": "T", "stance": stance, "estimate": est,
                         "n": 8})
    ax = plots.stance_matrix(data=pd.DataFrame(rows))
    assert sorted(t.get_text() for t in ax.texts) == ["+0.50\nn=8", "-0.25\nn=8"]


def test_distinctive_words_plot_bars():
    data = pd.DataFrame({"group": ["a"] * 15 + ["b"], "word": [f"w{i}" for i in range(16)],
                         "z": np.r_[np.arange(15, 0, -1), 1.0]})
    ax = plots.distinctive_words_plot(data, group="a", top=10)
    assert len(ax.patches) == 10
    assert ax.get_yticklabels()[-1].get_text() == "w0"  # the highest on top
    with pytest.raises(ValueError, match="pass group="):
        plots.distinctive_words_plot(data)


def test_save_figure_byte_identical(tmp_path):
    def draw():
        fig, ax = plt.subplots(figsize=(3, 2))
        plots.code_heatmap(data=_rates(), ax=ax)
        return fig

    fig = draw()
    first = plots.save_figure(fig, "heat", directory=tmp_path / "a")
    assert [p.suffix for p in first] == [".png", ".svg"]
    again = plots.save_figure(fig.axes[0], "heat", directory=tmp_path / "b")
    other = plots.save_figure(draw(), "heat", directory=tmp_path / "c")
    for p1, p2, p3 in zip(first, again, other, strict=True):
        assert p1.read_bytes() == p2.read_bytes() == p3.read_bytes()
    assert b"<dc:date>" not in first[1].read_bytes()


def test_save_figure_refuses_bad_name(tmp_path):
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="file stem"):
        plots.save_figure(fig, "../escape", directory=tmp_path)
    with pytest.raises(ValueError, match="allowed"):
        plots.save_figure(fig, "ok", directory=tmp_path, formats=("gif",))


def test_quote_counts_stacks_kinds_and_keeps_unknown_speakers():
    from analysis.plots import quote_counts

    data = pd.DataFrame({
        "speaker": ["A", "A", "B", None],
        "kind": ["direct", "mixed", "direct", "indirect"],
    })
    ax = quote_counts(data, y="speaker", hue="kind")
    assert len(ax.containers) == 3
    widths = {c.get_label(): [bar.get_width() for bar in c] for c in ax.containers}
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "A"  # most quotations on top
    assert sum(sum(w) for w in widths.values()) == 4
    assert "(unknown)" in labels


def test_quote_counts_limits_groups():
    from analysis.plots import quote_counts

    data = pd.DataFrame({"speaker": list("ABCDE") + ["A"], "kind": ["direct"] * 6})
    ax = quote_counts(data, max_groups=2)
    assert len(ax.get_yticklabels()) == 2
    assert "largest 2 of 5" in ax.get_title()


def test_confusion_heatmap_annotates_counts():
    from analysis.evaluate import confusion_table
    from analysis.plots import confusion_heatmap

    table = confusion_table(["favor", "against", "favor"], ["favor", "favor", "favor"])
    ax = confusion_heatmap(table, title="t")
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("0") == 7 and "2" in texts and "1" in texts
    assert ax.get_title() == "t"


def test_quote_counts_keeps_groups_whose_shortened_labels_coincide():
    from analysis.plots import quote_counts

    data = pd.DataFrame({"speaker": ["Ministry of Foreign Affairs of Japan"] * 3
                         + ["Ministry of Foreign Affairs of Australia"] * 2,
                         "kind": ["direct"] * 5})
    ax = quote_counts(data)
    bars = ax.containers[0]
    assert sorted(bar.get_width() for bar in bars) == [2, 3]
    assert len({bar.get_y() for bar in bars}) == 2


# Found by a statistics review: a missing interval (a group with one document) was drawn as
# a zero-length bar with caps, as if certain; an interval not holding the estimate was
# clipped at it; the labels gave quotations but not documents.
def test_point_intervals_draw_intervals_as_given_and_none_when_missing():
    data = pd.DataFrame({"speaker": ["A", "B", "C"], "estimate": [0.5, 0.2, 3.0],
                         "ci_low": [0.6, 0.1, np.nan], "ci_high": [0.9, 0.3, np.nan],
                         "n": [10, 20, 5], "n_docs": [4, 6, 1]})
    ax = plots.point_intervals(data=data, y="speaker", sort=False)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["C (n=5, 1 doc, no interval)", "B (n=20, 6 docs)", "A (n=10, 4 docs)"]
    segments = ax.collections[0].get_segments()
    spans = sorted((round(s[0][0], 3), round(s[1][0], 3)) for s in segments)
    assert spans == [(0.1, 0.3), (0.6, 0.9)]  # C has none; A is drawn from 0.6, not 0.5
