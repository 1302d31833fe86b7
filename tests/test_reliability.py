"""Tests of analysis.reliability: Krippendorff's textbook example and coding sheets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.reliability import (
    alpha_by_code,
    coding_sheet,
    krippendorff_alpha,
    read_coding_sheet,
)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
# 4 observers, 12 units, nominal values 1-5, None = not coded.
TEXTBOOK = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def _textbook_long() -> pd.DataFrame:
    rows = [(coder, unit, v) for coder, values in TEXTBOOK.items()
            for unit, v in enumerate(values, start=1) if v is not None]
    return pd.DataFrame(rows, columns=["coder", "unit", "value"])


@pytest.mark.parametrize(("level", "expected"), [
    ("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_textbook_example(level, expected):
    assert krippendorff_alpha(_textbook_long(), level=level) == pytest.approx(expected, abs=5e-4)


def test_nominal_labels_need_not_be_numbers():
    data = _textbook_long()
    data["value"] = data["value"].map({1: "a", 2: "b", 3: "c", 4: "d", 5: "e"})
    assert krippendorff_alpha(data) == pytest.approx(0.743, abs=5e-4)


def test_alpha_errors():
    data = _textbook_long()
    with pytest.raises(ValueError, match="allowed"):
        krippendorff_alpha(data, level="binary")
    with pytest.raises(ValueError, match="two coders"):
        krippendorff_alpha(data[data["coder"] == "A"])
    with pytest.raises(ValueError, match="coder 'A' gives more than one value to unit '1'"):
        krippendorff_alpha(pd.concat([data, data.iloc[:1]]))
    with pytest.raises(ValueError, match="numeric"):
        krippendorff_alpha(data.assign(value="x"), level="interval")
    no_variation = data.assign(value=1)
    assert np.isnan(krippendorff_alpha(no_variation))


@pytest.fixture
def quotes() -> pd.DataFrame:
    return pd.DataFrame({
        "doc_id": ["d1"] * 4, "quote_id": [f"d1:{i}-{i + 5}" for i in range(4)],
        "text": ["one", "two, with comma", "three", "four"],
        "speaker": ["S1", None, "S2", "S1"],
    })


def test_coding_sheet_columns_and_roundtrip(quotes, tmp_path):
    path = tmp_path / "sheets" / "coder_a.csv"
    sheet = coding_sheet(quotes, {"threat.x": None, "response.y": None}, path=path)
    assert list(sheet.columns) == ["quote_id", "doc_id", "speaker", "text", "threat.x",
                                   "response.y", "severity", "urgency", "note"]
    assert sheet["speaker"].tolist() == ["S1", "", "S2", "S1"]
    back = read_coding_sheet(path)
    pd.testing.assert_frame_equal(back, sheet.astype(str))
    with pytest.raises(ValueError, match="clash"):
        coding_sheet(quotes, ["severity"])
    with pytest.raises(KeyError, match="text"):
        coding_sheet(quotes.drop(columns="text"), ["a"])


def _filled(quotes, threat, severity, urgency=("0", "0", "1", "")):
    sheet = coding_sheet(quotes, ["threat", "response"])
    sheet["threat"] = threat
    sheet["response"] = ["", "x", "", "yes"]
    sheet["severity"] = severity
    sheet["urgency"] = list(urgency)
    return sheet


def test_alpha_by_code_coders_and_package(quotes):
    a = _filled(quotes, ["1", "", "1", ""], ["2", "0", "3", "0"])
    b = _filled(quotes, ["1", "", "1", ""], ["2", "0", "3", "0"])
    c = _filled(quotes, ["1", "1", "", ""], ["2", "1", "3", "0"])
    package = pd.DataFrame({"quote_id": [quotes["quote_id"][0], quotes["quote_id"][2]],
                            "code": ["threat", "threat"]})
    scores = quotes.assign(severity=[2, 0, 3, 0], urgency=[False, False, True, False])
    res = alpha_by_code({"a": a, "b": b}, package, package_scores=scores)
    by = res.set_index(["variable", "comparison"])
    assert by.loc[("threat", "all coders"), "alpha"] == pytest.approx(1.0)
    assert by.loc[("threat", "a vs package"), "alpha"] == pytest.approx(1.0)
    assert by.loc[("threat", "all coders"), "n_units"] == 4
    assert by.loc[("threat", "all coders"), "share_present"] == pytest.approx(0.5)
    assert by.loc[("severity", "all coders"), "level"] == "ordinal"
    assert by.loc[("urgency", "all coders"), "n_units"] == 3  # blank urgency is missing
    # package has no response codes: coder vs package has no variation only if the
    # coders also never used it; here they did, so alpha is defined and low
    assert by.loc[("response", "a vs package"), "alpha"] < 0.5
    res2 = alpha_by_code({"a": a, "c": c}).set_index(["variable", "comparison"])
    expected = krippendorff_alpha(pd.DataFrame({
        "coder": ["a"] * 4 + ["c"] * 4, "unit": list(range(4)) * 2,
        "value": [1, 0, 1, 0, 1, 1, 0, 0]}))
    assert res2.loc[("threat", "all coders"), "alpha"] == pytest.approx(expected)


def test_alpha_by_code_skipped_rows_and_bad_values(quotes):
    a = _filled(quotes, ["1", "", "1", ""], ["2", "0", "3", "0"])
    b = _filled(quotes, ["1", "", "1", ""], ["2", "0", "3", "0"])
    b.loc[3, ["threat", "response", "severity", "urgency"]] = ""  # not reached
    res = alpha_by_code({"a": a, "b": b}).set_index(["variable", "comparison"])
    assert res.loc[("threat", "all coders"), "n_units"] == 3
    b.loc[0, "threat"] = "maybe"
    with pytest.raises(ValueError, match=r"coder 'b', quote_id 'd1:0-5', column 'threat'"):
        alpha_by_code({"a": a, "b": b})
    with pytest.raises(ValueError, match="two coders"):
        alpha_by_code({"a": a})


def test_sheet_from_codes_agrees_perfectly_with_the_same_codes():
    from analysis.reliability import alpha_by_code, sheet_from_codes

    quotes = pd.DataFrame({"quote_id": ["d:0-5", "d:6-9", "d:10-20"], "doc_id": ["d"] * 3,
                           "text": ["a", "b", "c"]})
    coded = pd.DataFrame({"quote_id": ["d:0-5", "d:6-9", "d:10-20"],
                          "codes": ["x;y", "y", ""], "severity": [2, 1, 0],
                          "urgency": [True, False, False]})
    sheet = sheet_from_codes(quotes, coded, ["x", "y"])
    assert sheet["x"].tolist() == ["1", "0", "0"]
    assert sheet["severity"].tolist() == ["2", "1", "0"]
    frames = pd.DataFrame({"quote_id": ["d:0-5", "d:0-5", "d:6-9"], "code": ["x", "y", "y"]})
    alphas = alpha_by_code({"gold": sheet}, frames, codes=["x", "y"])
    x = alphas[(alphas["variable"] == "x") & alphas["comparison"].str.contains("package")]
    assert x["alpha"].iloc[0] == pytest.approx(1.0)


def test_sheet_from_codes_refuses_unknown_codes():
    from analysis.reliability import sheet_from_codes

    quotes = pd.DataFrame({"quote_id": ["q"], "doc_id": ["d"], "text": ["t"]})
    coded = pd.DataFrame({"quote_id": ["q"], "codes": ["zzz"], "severity": [0],
                          "urgency": [False]})
    with pytest.raises(ValueError, match=r"unknown code\(s\) \['zzz'\]"):
        sheet_from_codes(quotes, coded, ["x"])


def test_sheet_from_codes_reads_text_flags_blanks_and_spaced_codes():
    from analysis.reliability import sheet_from_codes

    quotes = pd.DataFrame({"quote_id": ["a", "b", "c"], "doc_id": ["d"] * 3,
                           "text": ["x", "y", "z"]})
    coded = pd.DataFrame({"quote_id": ["a", "b", "c"], "codes": ["x; y", np.nan, "y"],
                          "severity": ["1", "0", np.nan], "urgency": ["false", "TRUE", np.nan]})
    sheet = sheet_from_codes(quotes, coded, ["x", "y"])
    assert sheet["x"].tolist() == ["1", "0", "0"]
    assert sheet["y"].tolist() == ["1", "0", "1"]
    assert sheet["urgency"].tolist() == ["0", "1", ""]
    assert sheet["severity"].tolist() == ["1", "0", ""]


def test_sheet_from_codes_refuses_duplicate_quote_ids():
    from analysis.reliability import sheet_from_codes

    quotes = pd.DataFrame({"quote_id": ["a"], "doc_id": ["d"], "text": ["x"]})
    coded = pd.DataFrame({"quote_id": ["a", "a"], "codes": ["x", "x"], "severity": [0, 0],
                          "urgency": [False, False]})
    with pytest.raises(ValueError, match="appear more than once"):
        sheet_from_codes(quotes, coded, ["x"])


@pytest.mark.parametrize("gold, second, keys, column, agree, alpha", [
    ("sample_stance.csv", "sample_stance_coder2.csv", ["mention_start", "mention_end"],
     "stance", 24, 1.0),
    ("sample_sentiment.csv", "sample_sentiment_coder2.csv", ["start", "end"], "label", 18,
     0.8986),
])
def test_sample_gold_agreement_with_a_second_coder(gold, second, keys, column, agree, alpha):
    # Pins the agreement reported in data/annotations/README.md: an edit to either coder's
    # file changes it, and the README must then change with it.
    from analysis.paths import ANNOTATIONS_DIR

    a = pd.read_csv(ANNOTATIONS_DIR / gold)
    b = pd.read_csv(ANNOTATIONS_DIR / second)
    both = a.merge(b, on=keys, suffixes=("_1", "_2"), validate="one_to_one")
    assert len(both) == len(a) == len(b)
    assert (both[f"{column}_1"] == both[f"{column}_2"]).sum() == agree
    unit = both[keys[0]]
    long = pd.concat([
        pd.DataFrame({"coder": "first", "unit": unit, "value": both[f"{column}_1"]}),
        pd.DataFrame({"coder": "second", "unit": unit, "value": both[f"{column}_2"]}),
    ])
    assert krippendorff_alpha(long) == pytest.approx(alpha, abs=1e-4)


# --------------------------------------------------------------------------- stance sheets
from analysis.reliability import read_stance_sheet, stance_coding_sheet  # noqa: E402

_DOC = "Roe said that Norway would work with Canada against Iran."


def _stance_inputs():
    quotes = pd.DataFrame({"quote_id": ["q1"], "doc_id": ["d1"], "start": [14],
                           "end": [len(_DOC) - 1], "text": [_DOC[14:-1]],
                           "speaker": ["Jane Roe"]})
    rows = []
    for target in ("Norway", "Canada", "Iran"):
        s = _DOC.index(target)
        rows.append({"doc_id": "d1", "quote_id": "q1", "target": target, "mention": target,
                     "mention_start": s, "mention_end": s + len(target), "stance": "favor",
                     "p_favor": 0.9, "p_against": 0.05, "p_neutral": 0.05,
                     "method": "hybrid", "evidence": "x"})
    return pd.DataFrame(rows), quotes


def test_stance_coding_sheet_is_blind_and_marks_the_mention(tmp_path):
    stance, quotes = _stance_inputs()
    sheet = stance_coding_sheet(stance, quotes, path=tmp_path / "s.csv")
    assert list(sheet.columns) == ["unit_id", "doc_id", "quote_id", "speaker", "target",
                                   "mention", "mention_start", "mention_end", "context",
                                   "stance", "note"]
    # nothing of the prediction reaches the coder
    assert not {"p_favor", "evidence", "method"} & set(sheet.columns)
    assert sheet["stance"].eq("").all()
    assert sheet["context"].tolist()[1] == "Norway would work with ⟦Canada⟧ against Iran"
    assert sheet["unit_id"].tolist() == ["d1:14:20", "d1:37:43", "d1:52:56"]
    back = read_stance_sheet(tmp_path / "s.csv")
    assert back["unit_id"].tolist() == sheet["unit_id"].tolist()


def test_stance_coding_sheet_samples_reproducibly():
    stance, quotes = _stance_inputs()
    a = stance_coding_sheet(stance, quotes, n=2, random_state=1)
    b = stance_coding_sheet(stance, quotes, n=2, random_state=1)
    assert len(a) == 2 and a["unit_id"].tolist() == b["unit_id"].tolist()
    # in text order, whatever the draw
    assert a["mention_start"].is_monotonic_increasing
    with pytest.raises(ValueError, match="n=5 but the stance table has 3"):
        stance_coding_sheet(stance, quotes, n=5)


def test_read_stance_sheet_refuses_unknown_labels_naming_the_row(tmp_path):
    stance, quotes = _stance_inputs()
    sheet = stance_coding_sheet(stance, quotes)
    sheet.loc[0, "stance"] = " Favour "
    sheet.loc[1, "stance"] = "AGAINST"
    p = tmp_path / "s.csv"
    sheet.to_csv(p, index=False)
    with pytest.raises(ValueError, match=r"s.csv: row 2 \(unit d1:14:20\): stance 'Favour'"):
        read_stance_sheet(p)
    sheet.loc[0, "stance"] = "favor"
    sheet.to_csv(p, index=False)
    back = read_stance_sheet(p)
    assert back["stance"].tolist() == ["favor", "against", ""]


def test_review_stance_sheet_sample_is_random_not_the_first_rows():
    stance, quotes = _stance_inputs()
    draws = {tuple(stance_coding_sheet(stance, quotes, n=1, random_state=s)["unit_id"])
             for s in range(10)}
    assert len(draws) > 1
