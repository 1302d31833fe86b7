"""Tests of analysis.framing: codebook loading, dictionary coding, gold agreement, classifier."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from sklearn.base import clone
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from analysis.framing import (
    CODE_FIELDS,
    FRAME_COLUMNS,
    PER_QUOTE_COLUMNS,
    REQUIRED_CODES,
    CodebookError,
    FrameClassifier,
    code_frames,
    compare_to_gold,
    load_codebook,
    load_gold_frames,
)
from analysis.paths import ANNOTATIONS_DIR, FRAMES_CODEBOOK_FILE, SAMPLE_CORPUS_DIR

SAMPLE_DOC = "japan_australia_2plus2"


def quotes_of(texts, doc_id="d", start=0):
    """A quotes table of independent texts, each at document offset ``start``."""
    return pd.DataFrame({
        "doc_id": doc_id, "quote_id": [f"q{i}" for i in range(len(texts))],
        "start": start, "text": list(texts),
    })


def codes_of(texts):
    frames, per_quote = code_frames(quotes_of(texts))
    by_q = frames.groupby("quote_id")["code"].agg(lambda s: sorted(set(s))).to_dict()
    return [by_q.get(f"q{i}", []) for i in range(len(texts))], per_quote


@pytest.fixture(scope="module")
def sample():
    text = (SAMPLE_CORPUS_DIR / f"{SAMPLE_DOC}.txt").read_text(encoding="utf-8")
    gold = load_gold_frames()
    quotes = gold[["doc_id", "start", "end"]].copy()
    quotes["quote_id"] = [f"{d}:{s}-{e}" for d, s, e in zip(gold.doc_id, gold.start, gold.end, strict=True)]
    quotes["text"] = [text[s:e] for s, e in zip(gold.start, gold.end, strict=True)]
    return text, gold, quotes


# ------------------------------------------------------------------ codebook

def test_codebook_has_required_codes_and_fields():
    book = load_codebook()
    assert set(REQUIRED_CODES) <= set(book.codes)
    raw = book.raw["codes"]
    for cid in book.codes:
        for f in CODE_FIELDS:
            assert raw[cid][f], (cid, f)
        assert book.codes[cid].examples["positive"], cid
    assert book.threat_codes[0] == "threat.military_wmd"
    assert "response.economic_sanctions" in book.response_codes
    assert sorted(book.severity_patterns) == [0, 1, 2, 3]
    assert book.severity_patterns[0] is None
    assert list(book.table().columns) == ["code", "dimension", "label", "definition", "n_cues"]


def test_codebook_cues_name_no_sample_people_or_places():
    # Cues must be general: none may name the sample article's people or places.
    raw = yaml.safe_load(FRAMES_CODEBOOK_FILE.read_text(encoding="utf-8"))
    cues = [c for code in raw["codes"].values() for c in code["cues"] + code.get("exclude_cues", [])]
    cues += [c for lvl in raw["severity"]["levels"].values() for c in lvl["cues"]]
    cues += raw["urgency"]["cues"]
    joined = " ".join(cues).lower()
    for name in ["japan", "australia", "korea", "china", "kishida", "bishop", "inada", "payne",
                 "pence", "abe", "turnbull", "tokyo", "canberra", "washington", "east china"]:
        assert not re.search(rf"\b{name}\b", joined), name


def test_every_positive_example_of_a_code_is_coded_with_it():
    book = load_codebook()
    texts, expected = [], []
    for cid, code in book.codes.items():
        for ex in code.examples["positive"]:
            texts.append(ex)
            expected.append(cid)
    got, _ = codes_of(texts)
    missed = [(e, t) for e, t, g in zip(expected, texts, got, strict=True) if e not in g]
    assert missed == []


def write_book(tmp_path, mutate):
    raw = yaml.safe_load(FRAMES_CODEBOOK_FILE.read_text(encoding="utf-8"))
    mutate(raw)
    path = tmp_path / "book.yml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_missing_required_code_names_file_and_code(tmp_path):
    path = write_book(tmp_path, lambda r: r["codes"].pop("threat.terrorism"))
    with pytest.raises(CodebookError, match=r"book\.yml.*threat\.terrorism"):
        load_codebook(path)


@pytest.mark.parametrize("field", CODE_FIELDS)
def test_missing_field_names_file_code_and_field(tmp_path, field):
    path = write_book(tmp_path, lambda r: r["codes"]["threat.cyber_hybrid"].pop(field))
    with pytest.raises(CodebookError, match=rf"book\.yml.*threat\.cyber_hybrid.*{field}"):
        load_codebook(path)


def test_invalid_regex_and_unknown_yield_are_refused(tmp_path):
    path = write_book(tmp_path, lambda r: r["codes"]["threat.terrorism"]["cues"].append("terr(or"))
    with pytest.raises(CodebookError, match=r"threat\.terrorism.*terr\(or.*not a valid regex"):
        load_codebook(path)
    path = write_book(tmp_path, lambda r: r["codes"]["threat.instability"].update(
        yields_to=["threat.nothing"]))
    with pytest.raises(CodebookError, match=r"threat\.instability.*threat\.nothing"):
        load_codebook(path)


def test_bare_yaml_no_is_refused_not_ignored(tmp_path):
    # Bug found: an unquoted `no` in the negator list is YAML for False, which
    # silently disabled "no" as a negator.
    path = tmp_path / "book.yml"
    text = FRAMES_CODEBOOK_FILE.read_text(encoding="utf-8").replace('"no", "non"', 'no, "non"')
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError, match=r"negators.*False.*boolean"):
        load_codebook(path)


def test_severity_levels_must_be_complete(tmp_path):
    path = write_book(tmp_path, lambda r: r["severity"]["levels"].pop(3))
    with pytest.raises(CodebookError, match=r"severity levels must be exactly \[0, 1, 2, 3\]"):
        load_codebook(path)


# ------------------------------------------------------------------ sample gold

def test_gold_spans_are_the_quotation_gold_spans(sample):
    text, gold, _ = sample
    assert len(gold) == 19
    assert all(text[s:e] == t for s, e, t in zip(gold.start, gold.end, gold.text, strict=True))
    quotes_gold = ANNOTATIONS_DIR / "sample_quotes.jsonl"
    if not quotes_gold.exists():
        pytest.skip(f"{quotes_gold} not found")
    rec = json.loads(quotes_gold.read_text(encoding="utf-8").splitlines()[0])
    assert [(q["start"], q["end"]) for q in rec["quotes"]] == list(zip(gold.start, gold.end, strict=True))


def test_sample_acceptance(sample):
    text, gold, quotes = sample
    frames, per_quote = code_frames(quotes)
    detail, s = compare_to_gold(frames, per_quote, quotes, gold, documents={SAMPLE_DOC: text})
    assert s["quotes_matched"] == 19
    assert s["codes_gold"] == 33
    assert detail["missed"].map(len).sum() == 0, detail[detail["missed"].map(len) > 0]
    assert s["codes_found"] == 33
    assert s["codes_without_evidence"] == 0
    assert s["severity_within_one"] == 1.0
    assert s["codes_extra"] == 0
    assert s["urgency_agree"] == 1.0
    # Pin some values that carry the design decisions.
    by_start = detail.set_index("start")
    assert by_start.at[1939, "pred_codes"] == ["response.alliance_partnership",
                                               "threat.unspecified"]
    assert by_start.at[1939, "severity"] == 3
    assert "response.diplomacy_peaceful" not in by_start.at[693, "pred_codes"]
    assert by_start.at[2045, "severity"] == 0


def test_sample_evidence_offsets_index_the_document(sample):
    text, _, quotes = sample
    frames, _ = code_frames(quotes)
    assert list(frames.columns) == FRAME_COLUMNS
    assert len(frames) > 33
    for r in frames.itertuples():
        assert text[r.evidence_start:r.evidence_end] == r.evidence
    row = frames[frames["evidence"] == "all options (will be on) the table"]
    assert row["code"].tolist() == ["response.deterrence_military"]


def test_predicted_quotes_are_matched_by_half_overlap(sample):
    text, gold, _ = sample
    # A predicted span a little longer than the gold one still matches it.
    g = gold.iloc[[2]]
    start, end = int(g.start.iloc[0]), int(g.end.iloc[0]) + 8
    quotes = pd.DataFrame({"doc_id": [SAMPLE_DOC], "quote_id": ["p"], "start": [start],
                           "end": [end], "text": [text[start:end]]})
    frames, per_quote = code_frames(quotes)
    detail, s = compare_to_gold(frames, per_quote, quotes, g.reset_index(drop=True))
    assert s["quotes_matched"] == 1 and detail["quote_id"].tolist() == ["p"]
    short = quotes.assign(end=start + 20, text=text[start:start + 20])
    _, s = compare_to_gold(frames.iloc[:0], per_quote, short, g.reset_index(drop=True))
    assert s["quotes_matched"] == 0 and s["codes_found"] == 0


# ------------------------------------------------------------------ generic sentences

GENERIC = [
    ("Terrorists attacked the embassy overnight.", ["threat.terrorism"]),
    ("State-backed hackers broke into the ministry's network.", ["threat.cyber_hybrid"]),
    ("Punitive tariffs on our exports amount to economic coercion.",
     ["threat.economic_coercion"]),
    ("We will impose fresh sanctions on the regime's banks.", ["response.economic_sanctions"]),
    ("Both sides must exercise restraint and return to talks.", ["response.diplomacy_peaceful"]),
    ("Any attempt to change the status quo by force is unacceptable.",
     ["response.rules_order_values", "threat.coercion_territorial"]),
    ("We are deeply concerned about the deteriorating security situation.",
     ["threat.instability"]),
    ("Tensions over the missile tests are rising.", ["threat.military_wmd"]),
    ("Our alliance has never been stronger.", ["response.alliance_partnership"]),
    ("We stand with Ukraine.", ["response.alliance_partnership"]),
    ("We stand by our Constitution.", []),
    ("The firm has two limited partnerships.", []),
    ("There is uncertainty whether he can raise money.", []),
    ("He is dangerous and unstable.", []),
    ("Racial tension in the city is high.", []),
    ("We will not hesitate to keep all options open.", ["response.deterrence_military"]),
    ("It is not only a threat to us but to the whole world.", ["threat.unspecified"]),
    # Negated or excluded: nothing to code.
    ("This is not a threat to anyone.", []),
    ("There is no military threat to our borders, the minister said.", []),
    ("The virus is no longer a danger to the public.", []),
    ("We did not discuss sanctions.", []),
    ("The country will restart two nuclear power plants next year.", []),
    ("The defence minister arrived in the capital on Monday.", []),
    ("We want to ensure stability in the region.", []),
    ("The economy grew by two percent last quarter.", []),
]


@pytest.mark.parametrize(("text", "expected"), GENERIC)
def test_generic_sentences(text, expected):
    got, _ = codes_of([text])
    assert got[0] == sorted(expected)


def test_severity_levels_and_zero_without_threat():
    texts = [
        "The missile launches are an existential danger.",          # 3
        "The escalating missile tests worry us.",                   # 2 (escalating beats worry)
        "We are concerned about the missile programme.",            # 1
        "Terrorism remains a threat.",                              # 1 (default)
        "This grave and escalating trade dispute will be settled.",  # no threat code -> 0
        "The threat is not serious.",                               # negated 2 -> default 1
    ]
    _, per_quote = codes_of(texts)
    assert per_quote["severity"].tolist() == [3, 2, 1, 1, 0, 1]


def test_urgency_and_its_negation():
    texts = ["The situation demands urgent action.", "There is no urgency to act.",
             "Cooperation has become extremely important.", "Australia is an important partner."]
    _, per_quote = codes_of(texts)
    assert per_quote["urgency"].tolist() == [True, False, True, False]
    assert per_quote["urgency"].dtype == bool


def test_instability_yields_to_a_named_threat():
    got, _ = codes_of(["Rising tensions and instability in the region.",
                       "Rising tensions over nuclear tests."])
    assert got == [["threat.instability"], ["threat.military_wmd"]]


def test_offsets_survive_curly_marks_and_case_changing_letters():
    # Bug guarded: lower() turns "İ" into two characters, which would shift offsets.
    text = "İİ \u201cWe won\u2019t accept a threat,\u201d but terrorism is a danger."
    frames, _ = code_frames(quotes_of([text], start=100))
    assert frames["code"].tolist() == ["threat.terrorism"]
    s = int(frames["evidence_start"].iloc[0]) - 100
    assert text[s:s + len("terrorism")] == "terrorism" == frames["evidence"].iloc[0]


def test_threat_source_from_stance():
    quotes = quotes_of(["Their missile tests threaten us.", "We stand with our partners."])
    stance = pd.DataFrame({
        "doc_id": "d", "quote_id": ["q0", "q0", "q0", "q1"],
        "target": ["Country B", "Country A", "Country C", "Country B"],
        "mention_start": [20, 5, 9, 3],
        "stance": ["against", "against", "favor", "against"],
    })
    _, per_quote = code_frames(quotes, stance=stance)
    assert list(per_quote.columns) == PER_QUOTE_COLUMNS
    # In mention order; favor ignored; no threat in q1 -> empty.
    assert per_quote["threat_source"].tolist() == ["Country A;Country B", ""]
    _, no_stance = code_frames(quotes)
    assert no_stance["threat_source"].tolist() == ["", ""]


def test_input_errors_and_empty_input():
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['quote_id'\]"):
        code_frames(pd.DataFrame({"doc_id": ["d"], "start": [0], "text": ["x"]}))
    bad = quotes_of(["a threat"]).assign(start=[None])
    with pytest.raises(ValueError, match=r"'start' is missing in row\(s\) \[0\].*q0"):
        code_frames(bad)
    with pytest.raises(ValueError, match=r"stance table lacks column"):
        code_frames(quotes_of(["a threat"]), stance=pd.DataFrame({"quote_id": ["q0"]}))
    frames, per_quote = code_frames(quotes_of([]))
    assert list(frames.columns) == FRAME_COLUMNS and frames.empty
    assert list(per_quote.columns) == PER_QUOTE_COLUMNS and per_quote.empty


def test_codebook_argument_accepts_a_path(tmp_path):
    path = write_book(tmp_path, lambda r: r["codes"]["threat.terrorism"]["cues"].append("bandits"))
    got, _ = code_frames(quotes_of(["Armed bandits roam the border."]), codebook=path)
    assert got["code"].tolist() == ["threat.terrorism"]
    got, _ = code_frames(quotes_of(["Armed bandits roam the border."]))
    assert got.empty


# ------------------------------------------------------------------ classifier

def hand_coded(seed=0):
    """A tiny synthetic hand-coded set: three codes, each with its own vocabulary."""
    rng = np.random.default_rng(seed)
    parts = {
        "threat.terrorism": ["terrorist cells plot attacks", "a bombing by militants",
                             "extremist networks recruit"],
        "response.economic_sanctions": ["tougher sanctions on banks", "an embargo on oil",
                                        "freezing assets of officials"],
        "response.alliance_partnership": ["our allies stand together", "partners work jointly",
                                          "the alliance is strong"],
    }
    filler = ["the minister said on monday", "officials met in the capital", "in a statement"]
    X, y = [], []
    codes = list(parts)
    for _ in range(60):
        chosen = [c for c in codes if rng.random() < 0.4]
        words = [parts[c][rng.integers(3)] for c in chosen] + [filler[rng.integers(3)]]
        X.append(" and ".join(words))
        y.append(chosen)
    return X, y


def test_classifier_fit_predict_lists_and_indicator():
    X, y = hand_coded()
    clf = FrameClassifier()
    assert clf.fit(X, y) is clf
    assert list(clf.classes_) == sorted({c for labels in y for c in labels})
    pred = clf.predict(["militants plot a bombing", "sanctions and an embargo",
                        "the minister said on monday"])
    assert pred == [["threat.terrorism"], ["response.economic_sanctions"], []]
    proba = clf.predict_proba(["militants plot a bombing"])
    assert proba.shape == (1, 3) and np.all((proba >= 0) & (proba <= 1))
    ind = FrameClassifier(output="indicator").fit(X, [";".join(labels) for labels in y])
    out = ind.predict(["militants plot a bombing"])
    assert out.tolist() == [[0, 0, 1]]


def _text_column(frame):
    return frame["text"].tolist()


def test_classifier_in_pipeline_and_cross_val_score():
    X, y = hand_coded()
    frame = pd.DataFrame({"text": X})
    pipe = make_pipeline(FunctionTransformer(_text_column), FrameClassifier(C=2.0))
    scores = cross_val_score(pipe, frame, y, cv=KFold(3, shuffle=True, random_state=0))
    assert scores.shape == (3,) and scores.min() > 0.9
    assert clone(FrameClassifier(C=3.0)).get_params()["C"] == 3.0
    # Indicator y with a named-column DataFrame and a scikit-learn scorer.
    Y = pd.DataFrame([[int(c in labels) for c in ("a", "b", "c")] for labels in
                      [["a"] if "terror" in x else ["b"] if "sanction" in x else ["c"]
                       for x in X]], columns=["a", "b", "c"])
    f1 = cross_val_score(FrameClassifier(output="indicator"), X, Y.to_numpy(),
                         cv=KFold(3, shuffle=True, random_state=0), scoring="f1_micro")
    assert f1.shape == (3,) and np.isfinite(f1).all()


def test_code_frames_with_a_classifier():
    X, y = hand_coded()
    clf = FrameClassifier().fit(X, y)
    texts = ["Militants plot a bombing of the embassy.", "Nothing to report.",
             "Extremist networks recruit online."]
    frames, per_quote = code_frames(quotes_of(texts, start=50), classifier=clf)
    assert frames["code"].tolist() == ["threat.terrorism", "threat.terrorism"]
    # No cue in the first quotation: the evidence is the whole quotation.
    assert frames["evidence"].tolist() == [texts[0], "Extremist"]
    assert frames["evidence_start"].tolist() == [50, 50]
    assert frames["evidence_end"].tolist() == [50 + len(texts[0]), 50 + len("Extremist")]
    assert per_quote["severity"].tolist() == [1, 0, 1]
    odd = FrameClassifier().fit(["alpha beta", "gamma delta"], [["not.a.code"], []])
    with pytest.raises(ValueError, match=r"not\.a\.code.*allowed"):
        code_frames(quotes_of(texts), classifier=odd)


def test_classifier_input_errors():
    with pytest.raises(ValueError, match=r"X has 2 texts but y has 1"):
        FrameClassifier().fit(["a", "b"], [["x"]])
    with pytest.raises(ValueError, match=r"y\[0\] must be a list of codes"):
        FrameClassifier().fit(["a"], [3])
    with pytest.raises(ValueError, match=r"output must be"):
        FrameClassifier(output="matrix").fit(["a"], [["x"]])
    with pytest.raises(ValueError, match=r"no codes at all"):
        FrameClassifier().fit(["a", "b"], [[], []])


def test_gold_loader_refuses_bad_urgency(tmp_path):
    path = Path(tmp_path) / "g.csv"
    path.write_text("doc_id,start,end,codes,severity,urgency\nd,0,5,,0,maybe\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"urgency must be true/false"):
        load_gold_frames(path)


def test_gold_matching_is_one_to_one_and_trims_like_quotation_scoring(sample):
    # Found in review: frames were matched by a private rule (untrimmed, not one-to-one), so one
    # predicted quotation could be credited to two gold rows. It now uses
    # evaluate.match_spans(rule="overlap"), the rule of every other score.
    text, gold, _ = sample
    g = gold.iloc[[2]]
    start, end = int(g.start.iloc[0]), int(g.end.iloc[0])
    quotes = pd.DataFrame({"doc_id": [SAMPLE_DOC], "quote_id": ["p"], "start": [start],
                           "end": [end], "text": [text[start:end]]})
    frames, per_quote = code_frames(quotes)
    # Two gold rows on the same span, with one index label between them (a label-keyed
    # match credited the one quotation twice).
    twice = pd.concat([g, g]).set_axis([5, 5])
    detail, s = compare_to_gold(frames, per_quote, quotes, twice)
    assert s["quotes_matched"] == 1 and detail["quote_id"].tolist() == ["p", ""]


def test_gold_matching_trims_quote_marks_and_punctuation():
    # Quote marks, the full stop and trailing spaces of the gold span are trimmed first.
    doc = '“We will act.”   '
    gold = pd.DataFrame({"doc_id": ["d"], "start": [0], "end": [17], "codes": [[]],
                         "severity": [0], "urgency": [False]})
    quotes = pd.DataFrame({"doc_id": ["d"], "quote_id": ["q"], "start": [1], "end": [8],
                           "text": [doc[1:8]]})
    frames, per_quote = code_frames(quotes)
    # Untrimmed: overlap 7 < 17 / 2. Trimmed: gold "We will act" (1-12), shared 7 >= 11 / 2.
    _, s = compare_to_gold(frames, per_quote, quotes, gold, documents={"d": doc})
    assert s["quotes_matched"] == 1


def test_gold_matching_needs_text_or_documents():
    gold = pd.DataFrame({"doc_id": ["d"], "start": [0], "end": [5], "codes": [[]],
                         "severity": [0], "urgency": [False]})
    quotes = pd.DataFrame({"doc_id": ["d"], "quote_id": ["q"], "start": [0], "end": [5],
                           "text": ["Hello"]})
    frames, per_quote = code_frames(quotes)
    with pytest.raises(ValueError, match="gold has no 'text' column; pass documents="):
        compare_to_gold(frames, per_quote, quotes, gold)
    with pytest.raises(ValueError, match=r"lacks the text of gold document\(s\) \['d'\]"):
        compare_to_gold(frames, per_quote, quotes, gold, documents={"e": "Hello"})


# Found by a review of extending the configuration: an id without its dimension's prefix,
# or "threat.x" with dimension "response", was accepted, and the tables then mixed them.
@pytest.mark.parametrize("cid, dim", [("organised_crime", "threat"),
                                      ("threat.organised_crime", "response")])
def test_code_id_must_start_with_its_dimension(tmp_path, cid, dim):
    def add(raw):
        code = dict(raw["codes"]["threat.terrorism"])
        code["dimension"] = dim
        raw["codes"][cid] = code

    with pytest.raises(CodebookError, match=rf"code '{cid}': the id must start with "
                                            rf"'{dim}\.'"):
        load_codebook(write_book(tmp_path, add))


# Found by a review of extending the configuration: negative examples were never checked,
# and two of the shipped codebook's own failed. "Sanctions relief" is now excluded; a
# domestic "illegal" cannot be told from an international one by cues, so that one stays,
# listed, and any new disagreement fails here.
def test_codebook_examples_are_checked():
    from analysis.framing import check_examples

    out = check_examples()
    assert list(out.columns) == ["code", "example", "expected", "coded"]
    assert out[["code", "example"]].values.tolist() == [
        ["response.rules_order_values", "The police said the protest was illegal."]]
    assert out["expected"].tolist() == [False] and out["coded"].tolist() == [True]


def test_check_examples_reads_another_codebook(tmp_path):
    from analysis.framing import check_examples

    def add(raw):
        raw["codes"]["threat.terrorism"]["examples"]["negative"].append(
            "The terrorist cell was dismantled.")

    out = check_examples(write_book(tmp_path, add))
    assert ["threat.terrorism", "The terrorist cell was dismantled."] in \
        out[["code", "example"]].values.tolist()
