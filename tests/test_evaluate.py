"""Tests for analysis.evaluate: trimming, matching, scores, bootstrap, errors, gold files."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis import evaluate as ev
from analysis.paths import ANNOTATIONS_DIR, SAMPLE_CORPUS_DIR

from .conftest import require_eval

DOC = 'Intro. “We will win,” Smith said. Jones said that taxes are too high. She left.'
DOC2 = "Other text: Lee said the plan works and ``it is fine'' today."


def row(sub, doc=DOC, doc_id="d1", nth=0, kind="direct", speaker=None, **extra):
    """A span row for `sub` (its nth occurrence) in `doc`, speaker found by text."""
    start = -1
    for _ in range(nth + 1):
        start = doc.index(sub, start + 1)
    r = {"doc_id": doc_id, "start": start, "end": start + len(sub), "text": sub, "kind": kind}
    if speaker is not None:
        s = doc.index(speaker)
        r.update(speaker_start=s, speaker_end=s + len(speaker), speaker_mention=speaker)
    r.update(extra)
    return r


def frame(rows):
    df = pd.DataFrame(rows)
    for c in ("speaker_start", "speaker_end"):
        if c not in df:
            df[c] = None
        df[c] = df[c].astype("Int64")
    if "speaker" not in df and "speaker_mention" in df:
        df["speaker"] = df["speaker_mention"]
    return df


# --------------------------------------------------------------------------- trimming


@pytest.mark.parametrize("text, expected", [
    ("“We will win,”", "We will win"),
    ('"We will win."', "We will win"),
    ("``it is fine''", "it is fine"),
    ("‘single curly’;", "single curly"),
    ("  spaced: ", "spaced"),
    ("'tis", "tis"),
    ("“”", ""),
    ("..", ""),
    ("no trim", "no trim"),
])
def test_trim_span(text, expected):
    start, end = ev.trim_span(text, 10, 10 + len(text))
    assert text[start - 10:end - 10] == expected
    assert end - start == len(expected)


# --------------------------------------------------------------------------- matching


def test_exact_matches_after_trimming_marks_and_punctuation():
    gold = frame([row("We will win,")])
    pred = frame([row("“We will win,”")])
    m = ev.match_spans(pred, gold, "exact")
    assert len(m) == 1
    assert (m.loc[0, "gold_start"], m.loc[0, "gold_end"]) == (8, 19)


def test_exact_rejects_a_shorter_span_that_overlap_accepts():
    gold = frame([row("taxes are too high", kind="indirect")])
    pred = frame([row("that taxes are too high", kind="indirect")])
    assert ev.match_spans(pred, gold, "exact").empty
    assert len(ev.match_spans(pred, gold, "overlap")) == 1


def test_overlap_threshold_is_half_of_the_longer_trimmed_span():
    doc = "abcdefghij klmnopqrst"
    gold = frame([row("abcdefghij", doc=doc)])          # 10 chars
    half = frame([row("fghij klmn", doc=doc)])          # shares 5 of max(10, 10)
    under = frame([row("ghij klmno", doc=doc)])         # shares 4
    assert len(ev.match_spans(half, gold, "overlap")) == 1
    assert ev.match_spans(under, gold, "overlap").empty


def test_spans_in_other_documents_never_match():
    gold = frame([row("We will win,")])
    pred = frame([row("We will win,", doc_id="d2")])
    assert ev.match_spans(pred, gold, "overlap").empty


def test_matching_is_one_to_one_and_greedy_by_shared_characters():
    doc = "aaaa bbbbbbbbbb cccccc"
    gold = frame([row("aaaa bbbbbbbbbb", doc=doc), row("bbbbbbbbbb cccccc", doc=doc)])
    pred = frame([row("bbbbbbbbbb cccc", doc=doc), row("aaaa bbbbbbbbb", doc=doc)])
    m = ev.match_spans(pred, gold, "overlap")
    assert m[["gold_row", "pred_row"]].values.tolist() == [[0, 1], [1, 0]]
    # one prediction, two equally good gold candidates: the tighter pair wins
    gold = frame([row("bbbbbbbbbb", doc=doc), row("bbbbbbbbbb cc", doc=doc)])
    pred = frame([row("bbbbbbbbbb", doc=doc)])
    m = ev.match_spans(pred, gold, "overlap")
    assert m["gold_row"].tolist() == [0]
    # two identical predictions cannot both match one gold span
    pred = frame([row("bbbbbbbbbb", doc=doc), row("bbbbbbbbbb", doc=doc)])
    assert len(ev.match_spans(pred, frame([row("bbbbbbbbbb", doc=doc)]), "exact")) == 1


def test_match_spans_slices_text_from_documents_when_column_missing():
    docs = pd.DataFrame({"doc_id": ["d1"], "text": [DOC]})
    gold = frame([row("We will win,")]).drop(columns="text")
    pred = frame([row("“We will win,”")]).drop(columns="text")
    assert len(ev.match_spans(pred, gold, "exact", documents=docs)) == 1
    with pytest.raises(ValueError, match="no 'text' column"):
        ev.match_spans(pred, gold, "exact")


def test_unknown_rule_and_kind_are_refused_with_allowed_values():
    g = frame([row("We will win,")])
    with pytest.raises(ValueError, match="allowed: exact, overlap"):
        ev.match_spans(g, g, "fuzzy")
    with pytest.raises(ValueError, match="allowed: direct, mixed, indirect"):
        ev.score_quotes(g, g, kinds=["quote"])


# --------------------------------------------------------------------------- scores


def _case():
    """Gold: 3 quotes; pred: 2 right spans (one wrong speaker) + 1 spurious."""
    gold = frame([
        row("We will win,", speaker="Smith"),
        row("that taxes are too high", kind="indirect", speaker="Jones"),
        row("it is fine", doc=DOC2, doc_id="d2", speaker="Lee"),
    ])
    pred = frame([
        row("We will win,", speaker="Smith"),
        row("that taxes are too high", kind="indirect", speaker="She"),
        row("She left", kind="indirect", speaker="She"),
    ])
    return pred, gold


def test_score_quotes_counts_and_rates():
    pred, gold = _case()
    s = ev.score_quotes(pred, gold, rule="exact").iloc[0]
    assert (s.n_gold, s.n_pred, s.tp, s.fp, s.fn) == (3, 3, 2, 1, 1)
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 3)
    assert s.f1 == pytest.approx(2 / 3)
    assert s.speaker_correct == 1
    assert s.speaker_accuracy == pytest.approx(0.5)
    assert s.n_docs == 2


def test_score_quotes_kinds_filter_both_sides():
    pred, gold = _case()
    s = ev.score_quotes(pred, gold, rule="exact", kinds=["direct"]).iloc[0]
    assert (s.n_gold, s.n_pred, s.tp) == (2, 1, 1)
    assert s.kinds == "direct"
    # a prediction of another kind cannot match a kind-filtered gold span
    relabelled = pred.assign(kind="mixed")
    assert ev.score_quotes(relabelled, gold, rule="exact", kinds="direct").iloc[0].tp == 0


def test_no_predictions_gives_zero_recall_and_undefined_precision():
    _, gold = _case()
    s = ev.score_quotes(gold.iloc[0:0], gold, rule="exact").iloc[0]
    assert s.recall == 0 and s.f1 == 0
    assert np.isnan(s.precision) and np.isnan(s.speaker_accuracy)


@pytest.mark.parametrize("gold_speaker, pred_speaker, correct", [
    ("Smith", "Smith", True),          # same mention
    ("Smith said", "Smith", True),     # overlapping spans are enough
    ("Smith", "Intro", False),         # another mention
    ("Smith", None, False),            # gold has a source, prediction abstains
    (None, None, True),                # no source on either side
    (None, "Smith", False),            # invented source
])
def test_speaker_as_written_rule(gold_speaker, pred_speaker, correct):
    gold = frame([row("We will win,", speaker=gold_speaker)])
    pred = frame([row("We will win,", speaker=pred_speaker)])
    s = ev.score_quotes(pred, gold, rule="exact").iloc[0]
    assert s.speaker_correct == int(correct)


def test_prediction_without_speaker_columns_counts_as_abstaining():
    gold = frame([row("We will win,")])
    pred = pd.DataFrame([row("We will win,")])
    assert ev.score_quotes(pred, gold, rule="exact").iloc[0].speaker_accuracy == 1.0


def test_score_by_kind_recall_per_gold_and_precision_per_predicted_kind():
    pred, gold = _case()
    pred.loc[1, "kind"] = "mixed"  # right span, wrong kind label
    t = ev.score_by_kind(pred, gold, rule="exact").set_index("kind")
    assert t.loc["direct", "recall"] == pytest.approx(0.5)
    assert t.loc["indirect", "recall"] == 1.0
    assert t.loc["indirect", "precision"] == 0.0  # the spurious "She left"
    assert t.loc["mixed", "precision"] == 1.0
    assert t.loc["indirect", "kind_agreement"] == 0.0
    assert np.isnan(t.loc["mixed", "recall"])


# --------------------------------------------------------------------------- bootstrap


def _many_docs(n=30, seed=1):
    rng = np.random.default_rng(seed)
    gold_rows, pred_rows = [], []
    for i in range(n):
        g = row("We will win,", doc_id=f"d{i}", speaker="Smith")
        gold_rows.append(g)
        if rng.random() < 0.7:
            pred_rows.append(g)
        if rng.random() < 0.3:
            pred_rows.append(row("She left", doc_id=f"d{i}", kind="direct"))
    return frame(pred_rows), frame(gold_rows)


def test_bootstrap_is_deterministic_with_a_seed_and_brackets_the_estimate():
    pred, gold = _many_docs()
    a = ev.bootstrap_scores(pred, gold, rule="exact", n_boot=300, seed=3)
    b = ev.bootstrap_scores(pred, gold, rule="exact", n_boot=300, seed=3)
    c = ev.bootstrap_scores(pred, gold, rule="exact", n_boot=300, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a[["ci_low", "ci_high"]].equals(c[["ci_low", "ci_high"]])
    a = a.set_index("metric")
    point = ev.score_quotes(pred, gold, rule="exact").iloc[0]
    assert a.loc["recall", "estimate"] == pytest.approx(point.recall)
    for m in ("precision", "recall", "f1"):
        assert a.loc[m, "ci_low"] <= a.loc[m, "estimate"] <= a.loc[m, "ci_high"]
        assert a.loc[m, "ci_low"] < a.loc[m, "ci_high"]
    assert a.loc["speaker_accuracy", "ci_low"] == 1.0


def test_bootstrap_refuses_bad_ci():
    pred, gold = _many_docs(5)
    with pytest.raises(ValueError, match="ci must be between 0 and 1"):
        ev.bootstrap_scores(pred, gold, ci=95)


# --------------------------------------------------------------------------- errors


def test_error_table_lists_missed_spurious_and_wrong_speaker():
    pred, gold = _case()
    e = ev.error_table(pred, gold, rule="exact")
    got = e[["doc_id", "error", "text", "gold_speaker", "pred_speaker", "kind"]]
    assert got.values.tolist() == [
        ["d1", "wrong_speaker", "that taxes are too high", "Jones", "She", "indirect"],
        ["d1", "spurious", "She left", None, "She", "indirect"],
        ["d2", "missed", "it is fine", "Lee", None, "direct"],
    ]
    assert set(e["error"]) <= set(ev.ERRORS)


def test_error_table_truncates_long_snippets():
    long = "x" * 300
    gold = frame([row(long, doc=long)])
    e = ev.error_table(gold.iloc[0:0], gold, rule="exact")
    assert len(e.loc[0, "text"]) == 100 and e.loc[0, "text"].endswith("…")


# --------------------------------------------------------------------------- resolution


def test_score_resolution_compares_casefolded_values_and_nulls_agree():
    gold = frame([row("We will win,", speaker_canonical="John Smith", speaker_role="mayor",
                      speaker_country="Japan"),
                  row("it is fine", doc=DOC2, doc_id="d2", speaker_canonical=None,
                      speaker_role=None, speaker_country=None)])
    pred = frame([row("“We will win,”", speaker_role="Mayor", speaker_country="Australia"),
                  row("it is fine", doc=DOC2, doc_id="d2", speaker_role=None,
                      speaker_country=None)])
    pred["speaker"] = ["john  smith", None]  # canonical name, as extract_quotes gives it
    r = ev.score_resolution(pred, gold).set_index("field")
    assert r.loc["speaker", "n_correct"] == 2
    assert r.loc["role", "n_correct"] == 2
    assert r.loc["country", "n_correct"] == 1
    assert r.loc["country", "accuracy_of_gold"] == pytest.approx(0.5)
    t = ev.resolution_table(pred.iloc[:1], gold)
    assert t["matched"].tolist() == [True, False]
    assert t.loc[0, "pred_speaker"] == "john  smith"


# --------------------------------------------------------------------------- gold files


def _write(tmp_path, quotes, text=DOC):
    p = tmp_path / "g.jsonl"
    p.write_text(json.dumps({"doc_id": "d1", "source": "test", "text": text, "quotes": quotes,
                             "meta": {"publisher": "X"}}) + "\n", encoding="utf-8")
    return p


def test_load_gold_reads_polnear_format(tmp_path):
    q = {"start": 8, "end": 20, "text": "We will win,", "kind": "direct", "speaker": "Smith",
         "speaker_span": [22, 27], "cue": "said", "part": "1/1"}
    docs, gold = ev.load_gold(_write(tmp_path, [q, {**q, "speaker": None, "speaker_span": None}]))
    assert docs.loc[0, "story_end"] == len(DOC) and docs.loc[0, "outlet"] == "X"
    assert list(gold.columns[:len(ev.GOLD_COLUMNS)]) == ev.GOLD_COLUMNS
    assert gold.loc[0, "speaker_start"] == 22 and pd.isna(gold.loc[1, "speaker_start"])
    assert str(gold["speaker_start"].dtype) == "Int64"
    assert gold.loc[0, "fragments"] == "[]" and gold.loc[0, "part"] == "1/1"


@pytest.mark.parametrize("quote, message", [
    ({"start": 8, "end": 20, "text": "We will lose", "kind": "direct"}, "differs from"),
    ({"start": 8, "end": 20, "kind": "quote"}, "unknown kind 'quote'"),
    ({"start": 8, "end": 999, "kind": "direct"}, "outside the text"),
    ({"end": 20, "kind": "direct"}, "missing required key 'start'"),
])
def test_load_gold_names_the_bad_record(tmp_path, quote, message):
    with pytest.raises(ValueError, match=message) as exc:
        ev.load_gold(_write(tmp_path, [quote]))
    assert "line 1, quote 0" in str(exc.value)


def test_load_gold_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="gold file not found"):
        ev.load_gold(tmp_path / "nope.jsonl")


SAMPLE_GOLD = ANNOTATIONS_DIR / "sample_quotes.jsonl"


def test_sample_gold_matches_the_article():
    article = (SAMPLE_CORPUS_DIR / "japan_australia_2plus2.txt").read_text(encoding="utf-8")
    docs, gold = ev.load_gold(SAMPLE_GOLD)
    assert docs["doc_id"].tolist() == ["japan_australia_2plus2"]
    assert docs.loc[0, "text"] == article
    assert article[docs.loc[0, "story_end"]:].strip().startswith("In a time of both")
    for r in gold.itertuples():
        assert article[r.start:r.end] == r.text
        assert r.end <= docs.loc[0, "story_end"]
        if pd.notna(r.speaker):
            assert article[r.speaker_start:r.speaker_end] == r.speaker
            # whole words only: "it" once matched inside "security"
            assert not article[r.speaker_start - 1].isalnum()
            assert not article[r.speaker_end].isalnum()
        for f in json.loads(r.fragments):
            assert article[f["start"]:f["end"]] == f["text"]
            assert r.start <= f["start"] < f["end"] <= r.end
    assert gold["kind"].value_counts().to_dict() == {"direct": 5, "mixed": 7, "indirect": 7}
    # direct spans sit exactly inside curly marks
    d = gold[gold["kind"] == "direct"]
    assert all(article[s - 1] == "“" and article[e] == "”" for s, e in zip(d.start, d.end, strict=True))
    assert (gold["speaker_canonical"] == "Julie Bishop").sum() == 5


def test_sample_gold_scores_perfectly_against_itself():
    _, gold = ev.load_gold(SAMPLE_GOLD)
    pred = gold.rename(columns={"speaker": "speaker_mention", "speaker_canonical": "speaker"})
    s = ev.score_quotes(pred, gold, rule="exact").iloc[0]
    assert (s.f1, s.speaker_accuracy) == (1.0, 1.0)
    assert ev.score_resolution(pred, gold)["accuracy_of_gold"].tolist() == [1.0, 1.0, 1.0]


def test_polnear_dev_loads_and_self_scores():
    path = require_eval("polnear_dev.jsonl")
    docs, gold = ev.load_gold(path)
    assert len(docs) == 84 and len(gold) == 2487
    assert gold["kind"].value_counts().to_dict() == {"indirect": 1595, "direct": 579,
                                                     "mixed": 313}
    pred = gold.rename(columns={"speaker": "speaker_mention"})
    b = ev.bootstrap_scores(pred.sample(frac=0.9, random_state=0), gold, rule="overlap",
                            n_boot=200, seed=0).set_index("metric")
    assert b.loc["precision", "estimate"] == 1.0
    assert b.loc["recall", "estimate"] == pytest.approx(0.9, abs=0.001)
    assert b.loc["recall", "ci_low"] < 0.9 < b.loc["recall", "ci_high"]


# --- labels (stance, sentiment) ----------------------------------------------------------


def test_score_labels_matches_sklearn_and_brackets_estimate():
    from sklearn.metrics import f1_score

    from analysis.evaluate import score_labels

    true = ["favor", "against", "neutral", "neutral", "against", "favor"] * 5
    pred = ["favor", "neutral", "neutral", "against", "against", "favor"] * 5
    out = score_labels(true, pred, n_boot=200, seed=1).set_index("statistic")
    assert out.loc["macro_f1", "estimate"] == pytest.approx(
        f1_score(true, pred, average="macro"))
    assert out.loc["accuracy", "estimate"] == pytest.approx(20 / 30)
    assert out.loc["macro_f1", "ci_low"] <= out.loc["macro_f1", "estimate"] \
        <= out.loc["macro_f1", "ci_high"]
    again = score_labels(true, pred, n_boot=200, seed=1)
    pd.testing.assert_frame_equal(out.reset_index(), again)


def test_score_labels_refuses_unknown_labels():
    from analysis.evaluate import score_labels

    with pytest.raises(ValueError, match=r"labels \['positive'\] not in the label set"):
        score_labels(["positive"], ["favor"])


def test_confusion_table_lists_every_pair():
    from analysis.evaluate import confusion_table

    table = confusion_table(["favor", "against"], ["favor", "favor"])
    assert len(table) == 9
    assert table.set_index(["true", "predicted"]).loc[("against", "favor"), "n"] == 1


def test_quotation_rows_keeps_named_speech_only():
    from analysis.evaluate import load_gold, quotation_rows
    from analysis.paths import ANNOTATIONS_DIR

    _, gold = load_gold(ANNOTATIONS_DIR / "sample_quotes.jsonl")
    rows = quotation_rows(gold)
    assert len(rows) == 13
    assert (rows["attribution"] == "speech").all()
    assert rows["speaker_canonical"].notna().all()


def test_quotation_report_has_three_settings():
    from analysis.evaluate import quotation_report

    gold = pd.DataFrame({"doc_id": ["d"], "start": [0], "end": [5], "text": ["hello"],
                         "kind": ["direct"], "speaker_start": [10], "speaker_end": [12]})
    pred = gold.copy()
    out = quotation_report(pred, gold, n_boot=10)
    assert out["setting"].unique().tolist() == ["direct", "direct + mixed", "all kinds"]
    f1 = out[out["metric"] == "f1"]["estimate"]
    assert (f1 == 1.0).all()


def test_perfect_labels_have_a_perfect_interval_even_with_a_rare_label():
    from analysis.evaluate import score_labels

    labels = ["favor"] * 14 + ["against"] * 9 + ["neutral"]
    out = score_labels(labels, labels, n_boot=300, seed=0).set_index("statistic")
    assert out.loc["macro_f1", "ci_low"] == 1.0


def test_confusion_table_refuses_missing_predictions():
    from analysis.evaluate import confusion_table

    with pytest.raises(ValueError, match="not in the label set"):
        confusion_table(["favor", "against"], ["favor", None])


def _stance_table(method, labels):
    return pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "quote_id": ["q1", "q1", "q2"],
                         "target": ["China", "Japan", "China"],
                         "mention": ["China", "Tokyo", "Beijing"],
                         "mention_start": [5, 20, 3], "mention_end": [10, 25, 10],
                         "stance": labels, "method": method})


def test_compare_stance_methods_lines_up_mentions_and_flags_disagreement():
    from analysis.evaluate import compare_stance_methods

    a = _stance_table("hybrid", ["against", "favor", "neutral"])
    b = _stance_table("neural", ["against", "neutral", "neutral"]).iloc[::-1]
    out = compare_stance_methods(a, b)
    assert list(out.columns) == ["doc_id", "quote_id", "target", "mention", "mention_start",
                                 "mention_end", "stance_hybrid", "stance_neural", "agree"]
    assert out["mention"].tolist() == ["China", "Tokyo", "Beijing"]
    assert out["agree"].tolist() == [True, False, True]


def test_compare_stance_methods_refuses_what_cannot_be_compared():
    from analysis.evaluate import compare_stance_methods

    a = _stance_table("hybrid", ["against", "favor", "neutral"])
    with pytest.raises(ValueError, match="both tables were scored by 'hybrid'"):
        compare_stance_methods(a, a)
    with pytest.raises(ValueError, match="1 only in hybrid, 0 only in neural"):
        compare_stance_methods(a, _stance_table("neural", ["favor"] * 3).iloc[:2])
    mixed = a.assign(method=["hybrid", "rules", "hybrid"])
    with pytest.raises(ValueError, match="first table mixes methods"):
        compare_stance_methods(mixed, _stance_table("neural", ["favor"] * 3))


def test_compare_stance_methods_names_missing_columns_duplicates_and_handles_empty():
    # Found in review: a missing column was a bare KeyError, duplicate mentions were dropped
    # silently, and empty tables must still give the documented columns.
    from analysis.evaluate import compare_stance_methods

    a = _stance_table("hybrid", ["against", "favor", "neutral"])
    b = _stance_table("neural", ["favor"] * 3)
    with pytest.raises(ValueError, match="second table lacks column\\(s\\) method"):
        compare_stance_methods(a, b.drop(columns="method"))
    with pytest.raises(ValueError, match="first table names 1 mention\\(s\\) twice"):
        compare_stance_methods(pd.concat([a, a.iloc[[0]]]), b)
    out = compare_stance_methods(a.iloc[:0], b.iloc[:0])
    assert len(out) == 0
    assert list(out.columns)[-3:] == ["stance_first", "stance_second", "agree"]


def test_stance_on_gold_quotes_scores_every_gold_mention():
    docs, quotes = ev.load_gold(ANNOTATIONS_DIR / "sample_quotes.jsonl")
    gold = pd.read_csv(ANNOTATIONS_DIR / "sample_stance.csv")
    check = ev.stance_on_gold_quotes(quotes, docs, gold, method="rules")
    assert len(check) == len(gold) and check["predicted"].notna().all()
    # Measured (MODEL_CARD.md): the rules get 24 of 24 since the occasion rule ("U.N." as
    # the setting of peacekeeping operations); they got 23 before.
    assert int(check["right"].sum()) == 24
    with pytest.raises(ValueError, match="method 'nope' not known"):
        ev.stance_on_gold_quotes(quotes, docs, gold, method="nope")


def test_paired_comparison_of_two_label_sets():
    from sklearn.metrics import f1_score

    from analysis.evaluate import compare_labels_paired

    true = ["favor", "favor", "against", "against", "neutral", "neutral"] * 5
    first = list(true)
    second = list(true)
    second[0] = "neutral"  # second wrong where first is right, three times
    second[2] = "neutral"
    second[7] = "neutral"
    first[4] = "favor"  # first wrong where second is right, once
    out = compare_labels_paired(true, first, second, n_boot=300, seed=0).set_index("statistic")
    acc = out.loc["accuracy"]
    assert acc["estimate"] == pytest.approx((29 - 27) / 30)
    assert (acc["first_only"], acc["second_only"], acc["both_right"]) == (3, 1, 26)
    # Exact McNemar: two-sided binomial on the 4 discordant rows, 3 vs 1.
    assert acc["mcnemar_p"] == pytest.approx(0.625)
    f1 = out.loc["macro_f1"]
    assert f1["estimate"] == pytest.approx(f1_score(true, first, average="macro")
                                           - f1_score(true, second, average="macro"))
    assert f1["ci_low"] <= f1["estimate"] <= f1["ci_high"]
    assert np.isnan(f1["mcnemar_p"])
    # Rows of one unit are resampled together, and the draws are reproducible.
    again = compare_labels_paired(true, first, second, units=[i // 3 for i in range(30)],
                                  n_boot=300, seed=0)
    assert again["n_units"].iloc[0] == 10
    pd.testing.assert_frame_equal(again, compare_labels_paired(
        true, first, second, units=[i // 3 for i in range(30)], n_boot=300, seed=0))
    with pytest.raises(ValueError, match="30 gold labels but 30 and 29 predicted"):
        compare_labels_paired(true, first, second[:-1])


def test_paired_differences_against_a_baseline_column():
    from analysis.evaluate import compare_labels_paired, paired_differences

    true = ["favor", "against", "neutral"] * 6
    predictions = pd.DataFrame({
        "id": range(18), "gold": true,
        "base": ["neutral"] * 18,
        "good": true,
        "half": [t if i % 2 else "neutral" for i, t in enumerate(true)],
    })
    out = paired_differences(predictions, "base", n_boot=50, seed=3)
    assert out["method"].unique().tolist() == ["good", "half"]
    assert set(out["baseline"]) == {"base"}
    want = compare_labels_paired(true, predictions["half"], predictions["base"], n_boot=50,
                                 seed=3)
    got = out[out["method"] == "half"].drop(columns=["method", "baseline"])
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want)
    with pytest.raises(ValueError, match="no column 'nope'"):
        paired_differences(predictions, "nope")


def test_paired_bootstrap_draws_the_same_rows_for_both_methods():
    from analysis.evaluate import compare_labels_paired

    true = ["favor", "against", "neutral"] * 20
    first = list(true)
    second = list(true)
    second[0] = "neutral"  # the methods differ on one row of 60
    out = compare_labels_paired(true, first, second, n_boot=500, seed=0).set_index("statistic")
    # Paired, a replicate's accuracy difference is that row's share of the draw: never
    # negative, and small; unpaired draws would spread it over about +-0.15.
    assert 0 <= out.loc["accuracy", "ci_low"] and out.loc["accuracy", "ci_high"] <= 0.06


def test_bootstrap_units_edge_cases():
    from analysis.evaluate import compare_labels_paired, paired_differences, score_labels

    true = ["favor", "against"] * 6
    pred = ["favor"] * 12
    # Missing units are units of their own, not rows that are never drawn.
    out = score_labels(true, pred, units=[None] * 12, n_boot=50).set_index("statistic")
    assert out.loc["accuracy", "n_units"] == 1
    # One unit: no interval rather than a zero-width one that looks certain.
    assert np.isnan(out.loc["accuracy", "ci_low"])
    out = compare_labels_paired(true, pred, true, units=["a"] * 12, n_boot=50)
    assert out["ci_low"].isna().all()
    empty = paired_differences(pd.DataFrame({"gold": true, "only": pred}), "only")
    assert empty.empty and {"method", "baseline", "estimate"} <= set(empty.columns)


# --------------------------------------------------------------------------- stance sheets
def _coded_sheet():
    return pd.DataFrame({"unit_id": ["d1:0:1", "d1:5:6", "d2:0:1", "d2:5:6", "d3:0:1"],
                         "doc_id": ["d1", "d1", "d2", "d2", "d3"],
                         "mention_start": [0, 5, 0, 5, 0], "mention_end": [1, 6, 1, 6, 1],
                         "stance": ["favor", "against", "neutral", "against", ""]})


def _predictions():
    keys = pd.DataFrame({"doc_id": ["d1", "d1", "d2", "d2", "d3"],
                         "mention_start": [0, 5, 0, 5, 0], "mention_end": [1, 6, 1, 6, 1]})
    a = keys.assign(method="hybrid", stance=["favor", "against", "favor", "against", "favor"])
    b = keys.assign(method="neural", stance=["favor", "neutral", "neutral", "against", "favor"])
    return pd.concat([a, b], ignore_index=True)


def test_stance_sheet_table_and_scores():
    from analysis.evaluate import score_stance_sheet, stance_sheet_table

    table = stance_sheet_table(_coded_sheet(), _predictions())
    # the uncoded row is left out
    assert table.columns.tolist() == ["unit_id", "doc_id", "gold", "hybrid", "neural"]
    assert table["gold"].tolist() == ["favor", "against", "neutral", "against"]
    scores = score_stance_sheet(_coded_sheet(), _predictions(), n_boot=200)
    acc = scores[scores.statistic == "accuracy"].set_index("method")["estimate"]
    assert acc.to_dict() == {"hybrid": 0.75, "neural": 0.75}
    assert set(scores["n"]) == {4} and set(scores["n_units"]) == {2}


def test_stance_sheet_table_refuses_a_coded_row_without_prediction():
    from analysis.evaluate import stance_sheet_table

    preds = _predictions()
    preds = preds[~((preds.method == "neural") & (preds.doc_id == "d2")
                    & (preds.mention_start == 5))]
    with pytest.raises(ValueError, match=r"neural has no stance for 1 coded row\(s\): d2:5:6"):
        stance_sheet_table(_coded_sheet(), preds)


def test_review_stance_sheet_edge_cases():
    from analysis.evaluate import score_stance_sheet, stance_sheet_table

    sheet = _coded_sheet()
    # a sheet built in memory: None and NaN mean "not coded", as a blank does
    sheet.loc[3, "stance"] = None
    sheet.loc[2, "stance"] = float("nan")
    table = stance_sheet_table(sheet, _predictions())
    assert table["gold"].tolist() == ["favor", "against"]
    with pytest.raises(ValueError, match="no predictions"):
        score_stance_sheet(_coded_sheet(), _predictions().iloc[0:0])


def test_review_stance_sheet_scores_are_per_method_and_offsets_may_be_text():
    from analysis.evaluate import score_stance_sheet

    preds = _predictions()
    preds.loc[preds.method == "neural", "stance"] = "neutral"  # right on 1 of 4
    sheet = _coded_sheet().astype(str).replace("nan", "")  # as read from a CSV sheet
    scores = score_stance_sheet(sheet, preds, n_boot=0)
    acc = scores[scores.statistic == "accuracy"].set_index("method")["estimate"]
    assert acc.to_dict() == {"hybrid": 0.75, "neural": 0.25}


def test_codebook_rule_effect_on_a_challenge_set():
    gold = pd.read_csv(ANNOTATIONS_DIR / "challenge_violations.csv")
    out = ev.codebook_rule_effect(gold, methods=("rules",), n_boot=50, seed=0)
    assert list(out.columns) == ["method", "rules", "right", "n", "accuracy", "ci_low",
                                 "ci_high", "decided", "decided_agreeing", "gained", "lost",
                                 "mcnemar_p"]
    on = out.set_index("rules").loc["on"]
    off = out.set_index("rules").loc["off"]
    # Pinned as in tests/test_stance.py: the rules method gets 22 of 40 with the codebook
    # rules and 17 without; they decide 9 rows, 7 agreeing.
    assert (on["right"], off["right"], on["n"]) == (22, 17, 40)
    assert (on["decided"], on["decided_agreeing"]) == (9, 7)
    assert (off["decided"], off["decided_agreeing"]) == (0, 0)
    assert on["ci_low"] <= on["accuracy"] <= on["ci_high"]
    # The rules turn 5 rows right and none wrong (their 2 misses were wrong before too): the
    # exact McNemar p is 2 x 0.5 ** 5.
    assert (on["gained"], on["lost"]) == (5, 0)
    assert on["mcnemar_p"] == pytest.approx(2 * 0.5 ** 5)
    assert np.isnan(off["mcnemar_p"])
    with pytest.raises(ValueError, match="missing column"):
        ev.codebook_rule_effect(gold.drop(columns="stance"), methods=("rules",))
