"""Tests of analysis.stance (rules, TargetStanceClassifier, row and DataFrame interfaces)."""

from __future__ import annotations

import inspect
import json

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from analysis._lexicon import STANCE_LEXICON_FILE
from analysis.config import ConfigError
from analysis.paths import ANNOTATIONS_DIR, eval_file
from analysis.stance import (
    MODEL_FILE,
    StanceInputError,
    TargetStanceClassifier,
    load_model,
    predict_stance_rows,
    rules_stance,
    score_stance,
)
from analysis.targets import find_mentions

# Generic sentences written for these tests (no evaluation data is copied here).
TOY = [
    ("The minister praised Japan for its steady support.", "Japan", "favor"),
    ("Officials welcomed Canada as a trusted partner.", "Canada", "favor"),
    ("Critics condemned Iran for its illegal and dangerous behaviour.", "Iran", "against"),
    ("Russia launched a brutal attack that killed civilians.", "Russia", "against"),
    ("The talks were held in Oslo on Tuesday.", "Oslo", "neutral"),
    ("Delegates from Peru arrived for the meeting.", "Peru", "neutral"),
    ("Leaders thanked Chile for its generous help.", "Chile", "favor"),
    ("The report blamed Syria for the terrible violence.", "Syria", "against"),
    ("A spokesman for Brazil said the vote is on Monday.", "Brazil", "neutral"),
]


def _toy_frame(n_copies: int = 4) -> tuple[pd.DataFrame, np.ndarray]:
    rows = []
    for text, target, label in TOY * n_copies:
        s = text.index(target)
        rows.append({"text": text, "target_start": s, "target_end": s + len(target),
                     "y": label})
    df = pd.DataFrame(rows)
    return df[["text", "target_start", "target_end"]], df["y"].to_numpy()


def _row(text, target, **kw):
    s = text.index(target)
    return {"text": text, "target": target, "target_start": s, "target_end": s + len(target),
            **kw}


# ----------------------------------------------------------------------------- rules
def test_rules_favor_against_neutral_with_evidence():
    r = rules_stance(*_span("Leaders praised Japan as a reliable and trusted ally.", "Japan"))
    assert r["stance"] == "favor"
    assert "praised" in r["evidence"] and "trusted" in r["evidence"]
    r = rules_stance(*_span("They condemned the illegal and belligerent acts of Iran.", "Iran"))
    assert r["stance"] == "against"
    assert "illegal" in r["evidence"]
    r = rules_stance(*_span("The meeting took place in Oslo.", "Oslo"))
    assert r["stance"] == "neutral" and "no sentiment words" in r["evidence"]
    assert r["p_favor"] + r["p_against"] + r["p_neutral"] == pytest.approx(1.0)


def test_rules_directed_verb_aims_at_object_not_subject():
    text = "Canada criticized Iran for its reckless threats."
    assert rules_stance(*_span(text, "Iran"))["stance"] == "against"
    assert rules_stance(*_span(text, "Canada"))["stance"] == "neutral"


def test_rules_negation_flips():
    assert rules_stance(*_span("Norway is not a reliable partner.", "Norway"))["stance"] == \
        "against"


def test_rules_possessive_attributes():
    text = "curbing North Korea’s illegal and belligerent behavior"
    assert rules_stance(*_span(text, "North Korea"))["stance"] == "against"


@pytest.mark.parametrize("text,target,stance,cue", [
    # Positive tone word ("strengthen") is about us; the relation to the target is against.
    ("We must strengthen our deterrence against Russia now.", "Russia", "against", "against X"),
    # A demand on the target, softened by a positive word ("respect").
    ("We call on China to respect international law.", "China", "against", "call on X to"),
    ("They should try harder to engage Washington in the effort despite the tensions.",
     "Washington", "favor", "engage X"),
    ("The new sanctions on the Kremlin are working well.", "Kremlin", "against",
     "sanctions on X"),
    ("Ministers praised the growing cooperation with Seoul.", "Seoul", "favor",
     "cooperation with X"),
])
def test_rules_relation_cue_overrides_sentence_tone(text, target, stance, cue):
    r = rules_stance(*_span(text, target))
    assert r["stance"] == stance
    assert f"relation {cue} ({stance})" in r["evidence"]


@pytest.mark.parametrize("text,target", [
    ("We must strengthen our deterrence against Russia now.", "Russia"),
    ("We call on China to respect international law.", "China"),
])
def test_hybrid_takes_relation_cue_where_model_reads_tone(text, target):
    # Found in review: the model alone reads the positive words as favour toward the target.
    row = pd.DataFrame([_row(text, target)])
    assert predict_stance_rows(row, method="model")["stance"].iloc[0] == "favor"
    out = predict_stance_rows(row, method="hybrid")
    assert out["stance"].iloc[0] == "against"
    assert out["evidence"].iloc[0].startswith("relation cue overrides model (model: favor")
    assert out["p_against"].iloc[0] > 0.5
    # The default method takes the same cue (here it agrees with the network's own answer).
    out = predict_stance_rows(row)
    assert out["stance"].iloc[0] == "against"
    assert out["evidence"].iloc[0].startswith("relation cue ")


@pytest.mark.parametrize("method", ["hybrid", "cnn"])
@pytest.mark.parametrize("text,target,stance", [
    # Partial quotes put quote marks inside a cue: they are typography, not words.
    ("She said “continued engagement” by the Netherlands was vital.", "Netherlands",
     "favor"),
    ("He warned of “dangerous provocations” from Minsk.", "Minsk", "against"),
    ('Officials condemned "Tehran" for the attack.', "Tehran", "against"),
])
def test_relation_cue_reads_through_quote_marks(method, text, target, stance):
    r = rules_stance(*_span(text, target))
    assert r["stance"] == stance and r["evidence"].split(": ", 1)[1].startswith("relation ")
    out = predict_stance_rows(pd.DataFrame([_row(text, target)]), method=method)
    assert out["stance"].iloc[0] == stance
    assert out["evidence"].iloc[0].startswith("relation cue")


@pytest.mark.parametrize("text,target", [
    # Found in review: cues that read as favour in isolation but not in ordinary news.
    ("Several parties withdrew their support from Beijing after the crackdown.", "Beijing"),
    ("There is a growing lack of trust in Washington among allies.", "Washington"),
    ("China engagement in Africa is a debt trap, he said.", "China"),
    ("Hamas has received weapons and help from Iran for years.", "Iran"),
    ("According to the annual US threat assessment, risks rose.", "US"),
    # A negated cue says nothing ("no" was lost to YAML, see the test above).
    ("There has been no engagement by Russia on the proposal.", "Russia"),
])
def test_no_relation_cue_where_the_words_do_not_govern_the_target(text, target):
    r = rules_stance(*_span(text, target))
    assert "relation" not in r["evidence"]


def test_right_hand_cue_is_ignored_when_negated(tmp_path):
    from analysis._lexicon import stance_lexicon
    from analysis.stance import _Context, _relation

    path = tmp_path / "lex.yml"
    path.write_text("version: 1\nnegators: [\"no\", despite]\nrelations:\n  against: [X menace]\n",
                    encoding="utf-8")
    lex = stance_lexicon(str(path))
    for text, sign in (("They spoke of the Foo menace.", -1), ("There is no Foo menace.", 0),
                       ("This is not a Foo menace at all.", 0),
                       # Found in review: a negator further left belongs to the verb, and
                       # "despite" is no negation of what follows it.
                       ("We will not tolerate Foo menace.", -1),
                       ("Despite Foo menace, talks go on.", -1),
                       ("If not, Foo menace will spread.", -1)):
        s = text.index("Foo")
        assert _relation(_Context(text, s, s + 3, lex), lex)[0] == sign, text


@pytest.mark.parametrize("text", ["She said ‘deeper engagement’ by Canada was vital.",
                                  "She said «deeper engagement» by Canada was vital."])
def test_relation_cue_reads_through_single_quotes_and_guillemets(text):
    r = rules_stance(*_span(text, "Canada"))
    assert r["stance"] == "favor" and "relation engagement by X (favor)" in r["evidence"]


def test_relation_cue_prescreen_looks_past_quote_marks():
    # Found in review: the override's pre-screen looked at three tokens beside the target, so
    # quote marks could hide the cue word from it while the rules would have matched.
    text = "Ministers condemned \" \u201c \u2018Iran\u2019 \u201d \" again."
    out = predict_stance_rows(pd.DataFrame([_row(text, "Iran")]), method="hybrid")
    assert out["evidence"].iloc[0].startswith("relation cue")
    assert out["stance"].iloc[0] == "against"


@pytest.mark.parametrize("text,target", [
    # Found in review: the words of other targets' names were read as praise ("Great" +3.1,
    # "United" +1.8), as in sentiment before names were masked there.
    ("Tokyo met Great Britain and the United Arab Emirates.", "Tokyo"),
    ("Japan briefed the United Nations Security Council.", "Japan"),
])
def test_rules_do_not_read_other_targets_names_as_praise(text, target):
    r = rules_stance(*_span(text, target))
    assert r["stance"] == "neutral"
    assert not any(w in r["evidence"].lower() for w in ("great", "united", "security"))


def test_hybrid_keeps_the_model_where_the_tone_outweighs_the_cue():
    # Found in review: a cue the rules did not follow (tone extreme, rules neutral) still
    # replaced the model's answer and was reported as an override.
    text = ("We call on China to join us in this wonderful, excellent, great and brilliant "
            "celebration of peace and friendship.")
    row = pd.DataFrame([_row(text, "China")])
    assert rules_stance(*_span(text, "China"))["stance"] == "neutral"
    hyb = predict_stance_rows(row, method="hybrid")
    pd.testing.assert_frame_equal(hyb, predict_stance_rows(row, method="model"))
    assert not hyb["evidence"].iloc[0].startswith("relation cue")


def test_hybrid_equals_model_where_no_cue_fires():
    rows = pd.DataFrame([_row(t, g) for t, g, _ in TOY])
    hyb = predict_stance_rows(rows, method="hybrid")
    mod = predict_stance_rows(rows, method="model")
    cue = hyb["evidence"].str.startswith("relation cue")
    assert cue.tolist() == [i == 2 for i in range(len(TOY))]  # "condemned Iran" only
    # The model said against too: the evidence must not claim an override (found in review).
    assert hyb.loc[2, "evidence"].startswith("relation cue confirms model (model: against")
    assert hyb.loc[2, "stance"] == mod.loc[2, "stance"] == "against"
    pd.testing.assert_frame_equal(hyb[~cue], mod[~cue])


def test_rules_negated_relation_cue_is_ignored_not_flipped():
    # "did not condemn X" is no favour towards X: the cue drops out and the tone decides.
    r = rules_stance(*_span("The minister did not condemn Minsk.", "Minsk"))
    assert "relation" not in r["evidence"] and r["evidence"].startswith("rules score +1.58")
    r = rules_stance(*_span("We will never engage Tehran.", "Tehran"))
    assert r["stance"] == "against" and "relation" not in r["evidence"]


def test_each_relation_cue_counts_once_wherever_it_could_sit(tmp_path):
    # Cues are looked up by the word beside the target, and on the left an article may come
    # between: "the the X" offers the word "the" in both places, yet the cue is one cue.
    from analysis._lexicon import stance_lexicon
    from analysis.stance import _Context, _relation

    path = tmp_path / "lex.yml"
    path.write_text("version: 1\nrelations:\n  against: [the X, X threat]\n  favor: "
                    "[with X]\n", encoding="utf-8")
    lex = stance_lexicon(str(path))
    assert lex["relation_index"] == {("L", "the"): (0,), ("R", "threat"): (1,),
                                     ("L", "with"): (2,)}
    text = "They warned of the the Foo threat."
    s = text.index("Foo")
    assert _relation(_Context(text, s, s + 3, lex), lex) == (
        -1, ["the X (against)", "X threat (against)"])
    text = "They agreed with Foo."
    s = text.index("Foo")
    assert _relation(_Context(text, s, s + 3, lex), lex) == (1, ["with X (favor)"])


def test_relation_screen_passes_every_cue_and_skips_sentences_without_one(tmp_path):
    # The screen lets the override skip tokenising a sentence; it must never hide a cue.
    from analysis._lexicon import stance_lexicon
    from analysis.stance import _Context, _relation

    lex = stance_lexicon()
    screen = lex["relation_screen"]
    for stance, before, after, pattern in lex["relations"]:
        text = "They said " + " ".join([*reversed(before), "Foo", *after]) + "."
        s = text.index("Foo")
        assert _relation(_Context(text, s, s + 3, lex), lex)[0] == (
            1 if stance == "favor" else -1), pattern
        assert screen.search(text.lower().replace("'", "’")), pattern
    assert not screen.search("the minister spoke to reporters in foo on monday.")
    path = tmp_path / "lex.yml"
    path.write_text("version: 1\nvalence: {good: 1}\n", encoding="utf-8")
    assert not stance_lexicon(str(path))["relation_screen"].search("anything at all")


def test_relation_screen_lets_everything_through_when_a_cue_has_no_word(tmp_path):
    # Found in review: a cue of punctuation only ("X :") had no key word, and the screen
    # then hid it (or, with no other cue, matched nothing at all).
    from analysis._lexicon import stance_lexicon

    path = tmp_path / "lex.yml"
    path.write_text("version: 1\nrelations:\n  against: ['X :']\n", encoding="utf-8")
    assert stance_lexicon(str(path))["relation_screen"].search("foo: bar")
    path.write_text("version: 1\nrelations:\n  against: ['X :', 'deter X']\n", encoding="utf-8")
    assert stance_lexicon(str(path))["relation_screen"].search("foo: bar")


def test_shipped_negators_hold_no_and_no_boolean():
    # Bug found in review: an unquoted `no` in stance_lexicon.yml is YAML for False, so "no"
    # was never a negator and the string "false" was one.
    from analysis._lexicon import stance_lexicon

    neg = stance_lexicon(str(STANCE_LEXICON_FILE))["negators"]
    assert "no" in neg and "false" not in neg


@pytest.mark.parametrize("text", ["valence: {no: -1.0}", "valence: {threat: yes}"])
def test_stance_lexicon_refuses_bare_yaml_booleans_in_valences(tmp_path, text):
    # Found in review: `no` as a key became "false", `yes` as a value became 1.0.
    from analysis._lexicon import stance_lexicon

    path = tmp_path / "lex.yml"
    path.write_text("version: 1\n" + text + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"lex.yml: valence.*(False|True).*quote it"):
        stance_lexicon(str(path))


@pytest.mark.parametrize("key,text", [
    ("negators", "negators: [not, no]"),
    ("directed", "directed: [praise, on]"),
    ("clause_breaks.words", "clause_breaks: {words: [but, yes]}"),
])
def test_stance_lexicon_refuses_bare_yaml_booleans(tmp_path, key, text):
    from analysis._lexicon import stance_lexicon

    path = tmp_path / "lex.yml"
    path.write_text("version: 1\n" + text + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"lex.yml: {key} holds (False|True).*quote it"):
        stance_lexicon(str(path))


def test_relation_cue_needs_the_placeholder(tmp_path):
    from analysis._lexicon import stance_lexicon
    from analysis.config import ConfigError

    bad = tmp_path / "lex.yml"
    bad.write_text("version: 1\nrelations:\n  against: [sanctions on]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="placeholder X exactly once"):
        stance_lexicon(str(bad))
    bad.write_text("version: 1\nrelations:\n  hostile: [deter X]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="'against' and/or 'favor'"):
        stance_lexicon(str(bad))


def _span(text, target):
    s = text.index(target)
    return text, s, s + len(target)


# ------------------------------------------------------------------------ classifier
def test_classifier_fits_predicts_and_follows_sklearn_conventions():
    X, y = _toy_frame()
    clf = TargetStanceClassifier(C=5.0, min_df=1)
    assert clf.fit(X, y) is clf
    assert list(clf.classes_) == ["against", "favor", "neutral"]
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert (clf.predict(X) == y).mean() == 1.0
    # Pipeline + cross_val_score with fixed folds.
    pipe = Pipeline([("id", FunctionTransformer()), ("clf", TargetStanceClassifier(min_df=1))])
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.9


def test_classifier_params_only_in_init():
    clf = TargetStanceClassifier(C=0.3, groups="WC")
    assert clf.get_params()["C"] == 0.3 and clf.get_params()["groups"] == "WC"
    assert not hasattr(clf, "coef_")


def test_save_load_roundtrip_without_pickle(tmp_path):
    X, y = _toy_frame()
    clf = TargetStanceClassifier(min_df=1).fit(X, y)
    npz, js = clf.save(tmp_path / "m", meta={"note": "toy"})
    with np.load(npz, allow_pickle=False) as arrays:
        assert set(arrays.files) == {"coef", "intercept", "char_idf"}
    back = TargetStanceClassifier.load(tmp_path / "m")
    np.testing.assert_allclose(back.predict_proba(X), clf.predict_proba(X), atol=1e-5)
    assert back.meta_ == {"note": "toy"}
    assert json.loads(js.read_text())["params"]["min_df"] == 1


def test_character_block_blends_into_one_linear_model_and_roundtrips(tmp_path):
    X, y = _toy_frame()
    word = TargetStanceClassifier(min_df=1).fit(X, y)
    clf = TargetStanceClassifier(min_df=1, char_weight=0.25, char_min_df=1).fit(X, y)
    n_char = len(clf.char_idf_)
    assert n_char > 0 and len(clf.vocabulary_) == len(word.vocabulary_) + n_char
    assert all(k.startswith("ch:") for k in list(clf.vocabulary_)[-n_char:])
    # The word block is the word-only model scaled by 1 - char_weight.
    np.testing.assert_allclose(clf.coef_[:, :-n_char], 0.75 * word.coef_, atol=1e-8)
    assert (clf.predict(X) == y).all()
    clf.save(tmp_path / "m")
    back = TargetStanceClassifier.load(tmp_path / "m")
    assert back.get_params()["char_ngram_range"] == (2, 5)
    np.testing.assert_allclose(back.predict_proba(X), clf.predict_proba(X), atol=1e-5)


def test_loads_files_written_without_character_block(tmp_path):
    X, y = _toy_frame()
    clf = TargetStanceClassifier(min_df=1).fit(X, y)
    npz, js = clf.save(tmp_path / "m")
    with np.load(npz) as a:
        np.savez(npz, coef=a["coef"], intercept=a["intercept"])  # the older two-array format
    payload = json.loads(js.read_text())
    payload["params"] = {k: v for k, v in payload["params"].items() if not k.startswith("char")}
    js.write_text(json.dumps(payload))
    back = TargetStanceClassifier.load(tmp_path / "m")
    assert back.char_weight == 0.0 and len(back.char_idf_) == 0
    np.testing.assert_allclose(back.predict_proba(X), clf.predict_proba(X), atol=1e-5)


def test_evidence_names_top_features():
    X, y = _toy_frame()
    clf = TargetStanceClassifier(min_df=1).fit(X, y)
    ev = clf.explain(X.head(1))[0]
    assert ev.startswith("model -> favor:") and "praised" in ev


def test_shipped_model_is_small_and_loads():
    for suffix in (".npz", ".json"):
        assert MODEL_FILE.with_suffix(suffix).stat().st_size < 2_000_000
    model = load_model()
    assert list(model.classes_) == ["against", "favor", "neutral"]
    out = predict_stance_rows(pd.DataFrame([
        _row("The minister praised Japan as a trusted partner.", "Japan", id="a"),
        _row("Critics condemned North Korea for its illegal and dangerous missile tests.",
             "North Korea", id="b"),
    ]))
    assert out["stance"].tolist() == ["favor", "against"]


# ------------------------------------------------------------------- input errors
@pytest.mark.parametrize(("row", "message"), [
    ({"id": "r1", "text": "", "target": "Japan"}, "row 'r1': empty text"),
    ({"id": "r2", "text": "Japan is here", "target": ""}, "row 'r2': missing target"),
    ({"id": "r3", "text": "Japan is here", "target": "Japan", "target_start": 5,
      "target_end": 40}, "row 'r3': target span 5-40 lies outside the text"),
    ({"id": "r4", "text": "Japan is here", "target": "Japan", "target_start": 1,
      "target_end": 6}, "row 'r4': target 'Japan' does not equal text\\[1:6\\]"),
    ({"id": "r5", "text": "Japan is here", "target": "China"},
     "row 'r5': target 'China' does not occur"),
    ({"id": "r6", "text": "Japan is here", "target": "Japan", "target_start": 0,
      "target_end": float("nan")}, "row 'r6': give both target_start and target_end"),
])
def test_malformed_rows_raise_naming_the_row(row, message):
    with pytest.raises(StanceInputError, match=message):
        predict_stance_rows(pd.DataFrame([row]), method="rules")


def test_spans_read_from_csv_as_floats_or_blank_are_accepted():
    # A CSV with some blank spans gives float columns with NaN: blank means "find it".
    df = pd.DataFrame({"id": [1, 2], "text": ["We praised Japan.", "We praised Japan."],
                       "target": ["Japan", "Japan"], "target_start": [11.0, np.nan],
                       "target_end": [16.0, np.nan]})
    out = predict_stance_rows(df, method="rules")
    assert out["id"].tolist() == ["1", "2"]
    assert out["stance"].tolist() == ["favor", "favor"]


def test_error_names_index_without_id_column():
    df = pd.DataFrame({"text": ["ok Japan", None], "target": ["Japan", "Japan"]}, index=[7, 9])
    with pytest.raises(StanceInputError, match="row index 9: empty text"):
        predict_stance_rows(df, method="rules")


def test_collect_returns_bad_rows_and_keeps_good_ones():
    df = pd.DataFrame([
        _row("The minister praised Japan.", "Japan", id="good"),
        {"id": "bad", "text": "Japan", "target": "Japan", "target_start": 0, "target_end": 9},
    ])
    out, bad = predict_stance_rows(df, errors="collect")
    assert out["id"].tolist() == ["good"]
    assert list(out.columns) == ["id", "stance", "p_favor", "p_against", "p_neutral", "evidence"]
    assert bad["id"].tolist() == ["bad"] and "outside the text" in bad["reason"].iloc[0]


def test_transformer_method_validates_rows_like_the_others():
    # Row checks come before the optional model is loaded, so they hold without the extra.
    bad = pd.DataFrame({"id": ["r1"], "text": [""], "target": ["Japan"]})
    with pytest.raises(StanceInputError, match="row 'r1': empty text"):
        predict_stance_rows(bad, method="transformer")


def test_unknown_method_lists_allowed():
    with pytest.raises(ValueError, match="allowed: hybrid, model, rules, cnn, neural, transformer"):
        predict_stance_rows(pd.DataFrame([_row("Japan", "Japan")]), method="bert")


def test_missing_column_is_named():
    with pytest.raises(StanceInputError, match=r"missing column\(s\) \['target'\]"):
        predict_stance_rows(pd.DataFrame({"text": ["x"]}))


# -------------------------------------------------------------- sample article
def _sample():
    rec = json.loads((ANNOTATIONS_DIR / "sample_quotes.jsonl").read_text().splitlines()[0])
    quotes = pd.DataFrame(rec["quotes"]).assign(doc_id=rec["doc_id"])
    quotes["quote_id"] = [f"{rec['doc_id']}:{s}-{e}" for s, e in
                          zip(quotes.start, quotes.end, strict=True)]
    docs = pd.DataFrame({"doc_id": [rec["doc_id"]], "text": [rec["text"]]})
    return quotes, docs


@pytest.mark.parametrize("method", ["hybrid", "model", "rules", "cnn", "neural"])
def test_sample_article_stance_against_gold(method):
    quotes, docs = _sample()
    mentions = find_mentions(quotes, docs)
    out = score_stance(mentions, quotes, docs, method=method)
    assert list(out.columns) == ["doc_id", "quote_id", "target", "mention", "mention_start",
                                 "mention_end", "stance", "p_favor", "p_against", "p_neutral",
                                 "method", "evidence"]
    gold = pd.read_csv(ANNOTATIONS_DIR / "sample_stance.csv")
    m = gold.merge(out, on=["mention_start", "mention_end"], suffixes=("_gold", ""))
    assert len(m) == len(gold)
    right = int((m.stance == m.stance_gold).sum())
    # Measured (see data/models/MODEL_CARD.md): model 22/24, rules and hybrid 23/24, cnn and
    # neural 21/24. Before 2026-12-02: cnn 19, neural 21. The cues of that day put cnn and
    # neural at 22 and 23; reading the reporting clause ("reaffirming the White House's
    # position", gold neutral, borderline favor) costs them one each. The holder of a reported
    # position (own_targets="not_against", found on blind sets 17-21) gives it back: 22 each.
    # The occasion rule ("during U.N. peacekeeping operations") and the holder of a view
    # ("Australia sees Japan among the most like-minded nations", a party to a mutual
    # relation) give every method but the plain model all 24 (2026-12-02, second session).
    assert right == {"cnn": 24, "hybrid": 24, "model": 22, "rules": 24, "neural": 24}[method]
    assert (m["method"] == method).all()
    wrong = m[m.stance != m.stance_gold]
    if method == "model":
        assert sorted(wrong["mention"]) == ["U.N.", "Washington"]
    # Every method now gets every North Korea mention (the North, provocations by North
    # Korea, the threat emanating from the North, keeping the North in check).
    assert (m[m.target == "North Korea"].stance == "against").all()


def _one_quote(doc, quote_from, quote_to, target, kind, cue="said"):
    s, e = doc.index(quote_from), doc.index(quote_to) + len(quote_to)
    docs = pd.DataFrame({"doc_id": ["d"], "text": [doc]})
    quotes = pd.DataFrame({"doc_id": ["d"], "quote_id": ["d:0"], "start": [s], "end": [e],
                           "text": [doc[s:e]], "kind": [kind], "cue": [cue]})
    m = doc.index(target)
    mentions = pd.DataFrame({"doc_id": ["d"], "quote_id": ["d:0"], "target": [target],
                             "mention": [target], "mention_start": [m],
                             "mention_end": [m + len(target)]})
    return mentions, quotes, docs


@pytest.mark.parametrize("kind,reads_verb", [("mixed", True), ("indirect", True),
                                             ("direct", False)])
def test_reporting_verb_before_a_reported_clause_is_scored(kind, reads_verb):
    # Found on unseen security stories: the reported clause of "X accused Y of ..." starts at
    # Y, so the verb that says what the speaker does to Y was never read.
    doc = "Amid fine weather, Kosovo accused Serbia of massing troops near the border."
    mentions, quotes, docs = _one_quote(doc, "Serbia", "border", "Serbia", kind, "accused")
    out = score_stance(mentions, quotes, docs, method="rules")
    assert ("accused" in out["evidence"].iloc[0]) is reads_verb
    # Not across punctuation: the backdrop before the comma stays out.
    assert "fine" not in out["evidence"].iloc[0]
    assert out["stance"].iloc[0] == ("against" if reads_verb else "neutral")
    # Without the documents only the quotation is read.
    assert "accused" not in score_stance(mentions, quotes, method="rules")["evidence"].iloc[0]


def test_reporting_clause_is_read_in_the_default_method_too():
    doc = "The spokesperson called on Serbia to stop the build-up."
    mentions, quotes, docs = _one_quote(doc, "on Serbia", "build-up", "Serbia", "mixed", "called")
    out = score_stance(mentions, quotes, docs)
    assert out["stance"].iloc[0] == "against"
    assert out["evidence"].iloc[0].startswith("relation cue")
    assert "called on X to" in out["evidence"].iloc[0]


def test_reporting_clause_runs_from_the_cue_and_stops_after_eight_words():
    from analysis.stance import _reporting_start

    doc = "He accused one two three four five six seven of it, and accused Serbia of it."
    q = doc.index("Serbia")
    assert doc[_reporting_start(doc, q, "accused"):q] == "accused "
    doc = "He accused one two three four five six seven eight Serbia of it."
    q = doc.index("Serbia")
    assert _reporting_start(doc, q, "accused") == q  # nine words: too far
    assert _reporting_start(doc, q, "warned") == q  # the cue is not before the quotation
    assert _reporting_start(doc, q, None) == q


@pytest.mark.parametrize("doc,quote_from,quote_to,target,absent", [
    # Found in review: a headline line without a full stop was read as the reporting clause.
    ("Tensions rise as Seoul condemns launch\n\nChina is ready for talks, the ministry said.",
     "China", "talks", "China", "condemns"),
    # Found in review: the speaker's name ("Great" Britain) added tone to the target.
    ("Great Britain said Russia had agreed to the plan.", "Russia", "plan", "Russia", "great"),
    # Found in review: the window ran over "and" into the speaker's other clause.
    ("Britain welcomed the decision and said India would join the talks.", "India", "talks",
     "India", "welcomed"),
])
def test_reporting_clause_is_only_the_cue_phrase(doc, quote_from, quote_to, target, absent):
    mentions, quotes, docs = _one_quote(doc, quote_from, quote_to, target, "indirect")
    with_docs = score_stance(mentions, quotes, docs, method="rules")
    assert absent not in with_docs["evidence"].iloc[0].lower()
    alone = score_stance(mentions, quotes, method="rules")
    assert with_docs["stance"].iloc[0] == alone["stance"].iloc[0]


def test_evidence_names_the_reporting_words_read():
    doc = "Kosovo accused Serbia of massing troops near the border."
    mentions, quotes, docs = _one_quote(doc, "Serbia", "border", "Serbia", "mixed", "accused")
    for method in ("rules", "cnn"):
        ev = score_stance(mentions, quotes, docs, method=method)["evidence"].iloc[0]
        assert ev.endswith(" [read with the reporting words 'accused']")


def test_documents_without_text_are_refused():
    doc = "Kosovo accused Serbia of massing troops near the border."
    mentions, quotes, _ = _one_quote(doc, "Serbia", "border", "Serbia", "mixed", "accused")
    with pytest.raises(StanceInputError, match=r"documents is missing column\(s\) \['text'\]"):
        score_stance(mentions, quotes, pd.DataFrame({"doc_id": ["d"]}))


def test_score_stance_rejects_mention_outside_quote():
    quotes, docs = _sample()
    mentions = find_mentions(quotes, docs).head(1).copy()
    mentions["mention_start"] += 1
    with pytest.raises(StanceInputError, match="is not inside the quotation text"):
        score_stance(mentions, quotes, method="rules")


# ---------------------------------------------------------- retraining reproduces
def test_retraining_reproduces_shipped_coefficients():
    path = eval_file("newsmtsc_train.jsonl")
    if not path.exists():
        pytest.skip(f"{path} absent (set ANALYSIS_EVAL_DIR); cannot check retraining")
    from analysis.train_stance import train

    fresh = train(path)
    shipped = load_model()
    assert fresh.vocabulary_ == shipped.vocabulary_
    np.testing.assert_allclose(fresh.coef_, shipped.coef_, atol=1e-4)
    np.testing.assert_allclose(fresh.intercept_, shipped.intercept_, atol=1e-4)


@pytest.mark.parametrize("method", ["hybrid", "cnn"])
def test_relation_cue_before_a_target_inside_a_hyphenated_word(method):
    # Found in review: the cue pre-filter cut "pro-Russia" at the target and missed the cue.
    text = "The EU imposed sanctions on the pro-Russia militias."
    s = text.index("Russia")
    out = predict_stance_rows(pd.DataFrame({"text": [text], "target": ["Russia"],
                                            "target_start": [s], "target_end": [s + 6]}),
                              method=method)
    assert out["stance"].iloc[0] == "against"
    assert out["evidence"].iloc[0].startswith("relation cue")


def test_extra_mentions_keep_exact_spans_and_stay_on_one_line():
    # Found in review: runs with two spaces were cut short and runs crossed line breaks.
    from analysis.train_stance import extra_mentions

    text = "The  White House met Joe   Biden.\nRobert Mueller\nVladimir Putin spoke."
    df = pd.DataFrame({"text": [text], "target_start": [0], "target_end": [0],
                       "group": ["g"]})
    got = extra_mentions(df)["target"].tolist()
    assert "White House" in got and "Joe   Biden" in got
    assert "Robert Mueller" in got and "Vladimir Putin" in got
    assert all("\n" not in g for g in got)


def test_teacher_probabilities_soften_with_temperature():
    from analysis.train_stance import _soften

    p = np.array([[0.7, 0.2, 0.1], [1.0, 0.0, 0.0]])
    assert _soften(p, 1.0) is p
    soft = _soften(p, 2.0)
    np.testing.assert_allclose(soft.sum(1), 1.0)
    # Square roots of the probabilities, renormalised; a zero stays (almost) zero.
    np.testing.assert_allclose(soft[0], np.sqrt(p[0]) / np.sqrt(p[0]).sum())
    assert soft[1, 0] > 0.999 and soft[0, 0] < p[0, 0]


# ------------------------------------------------------- own targets (self-reference)
def _brazil_and_mexico(doc, last_word):
    """One indirect quotation by Ana Ruiz from "Brazil" to ``last_word``, with mentions of
    Brazil and Mexico."""
    mentions, quotes, docs = _one_quote(doc, "Brazil", last_word, "Brazil", "indirect")
    c = doc.index("Mexico")
    mentions = pd.concat([mentions, pd.DataFrame({
        "doc_id": ["d"], "quote_id": ["d:0"], "target": ["Mexico"], "mention": ["Mexico"],
        "mention_start": [c], "mention_end": [c + len("Mexico")]})], ignore_index=True)
    return mentions, quotes, docs


def _own_case(speaker_country="Brazil", speaker="Ana Ruiz"):
    mentions, quotes, docs = _brazil_and_mexico(
        "Ana Ruiz said Brazil was proud to be a trusted partner and praised Mexico for its "
        "generous help.", "help")
    quotes = quotes.assign(speaker=[speaker], speaker_country=[speaker_country])
    return mentions, quotes, docs


def test_own_targets_default_scores_the_speakers_own_country():
    mentions, quotes, docs = _own_case()
    out = score_stance(mentions, quotes, docs, method="rules")
    assert list(out["stance"]) == ["favor", "favor"]


@pytest.mark.parametrize("country,speaker,own", [
    ("Brazil", "Ana Ruiz", ["Brazil"]),
    ("Mexico; Brazil", "Ana Ruiz and Jo Paz", ["Brazil", "Mexico"]),
    (None, "Brazil", ["Brazil"]),            # the speaker is the target itself ("Brazil said")
    (None, "the Brazil mission", []),      # a target inside a longer speaker name: not guessed
    (None, None, []),
])
def test_own_targets_neutral_sets_the_speakers_own_targets_to_neutral(country, speaker, own):
    mentions, quotes, docs = _own_case(country, speaker)
    base = score_stance(mentions, quotes, docs, method="rules")
    out = score_stance(mentions, quotes, docs, method="rules", own_targets="neutral")
    for (_, b), (_, r) in zip(base.iterrows(), out.iterrows(), strict=True):
        if r.target in own:
            assert r.stance == "neutral"
            assert (r.p_neutral, r.p_favor, r.p_against) == (1.0, 0.0, 0.0)
            # The evidence keeps what the method said, so the convention can be undone.
            assert r.evidence.startswith(f"own target of the speaker ({r.target}): neutral; "
                                         f"rules said favor {b.p_favor:.2f}")
            assert b.evidence in r.evidence
        else:
            assert (r.stance, r.p_favor, r.evidence) == (b.stance, b.p_favor, b.evidence)


# Found on blind sets 17 and 18 (helper-written security stories coded with our codebook):
# not one of 56 mentions of the speaker's own country was "against", but every method
# called a third to a half of them so, reading the tone of a threat-laden sentence ("Tokyo
# lodged a protest over the reckless launch") as stance toward the speaker's own side.
def _hostile_own_case(country="Brazil"):
    mentions, quotes, docs = _brazil_and_mexico(
        "Ana Ruiz said Brazil faced a brutal, reckless and illegal attack and blamed Mexico "
        "for the deadly violence.", "violence")
    return mentions, quotes.assign(speaker=["Ana Ruiz"], speaker_country=[country],
                                   speaker_role=["foreign minister"]), docs


def test_own_targets_not_against_keeps_the_more_probable_of_favor_and_neutral():
    mentions, quotes, docs = _hostile_own_case()
    base = score_stance(mentions, quotes, docs, method="rules", own_targets="score")
    assert list(base["stance"]) == ["against", "against"]
    out = score_stance(mentions, quotes, docs, method="rules", own_targets="not_against")
    own, other = out.iloc[0], out.iloc[1]
    b = base.iloc[0]
    want = "favor" if b.p_favor >= b.p_neutral else "neutral"
    assert own.stance == want
    # The probabilities are the method's, the against share moved to the label kept.
    assert own.p_against == 0.0
    assert own.p_favor + own.p_neutral == pytest.approx(1.0)
    assert own.evidence.startswith(f"own target of the speaker (Brazil): not against; rules "
                                   f"said against {b.p_against:.2f}")
    assert (other.stance, other.p_against, other.evidence) == (
        "against", base.iloc[1].p_against, base.iloc[1].evidence)
    # Another speaker's country is left alone.
    elsewhere = score_stance(*_hostile_own_case("Chile"), method="rules",
                             own_targets="not_against")
    assert list(elsewhere["stance"]) == ["against", "against"]


# Chosen after blind set 20 (eight stories written after the option): not_against gave
# cnn 32 -> 37 of 74, hybrid 38 -> 42 and neural 42 -> 43, and no set lost by it for cnn
# or hybrid; so it became the default, and "score" the choice to ask for.
def test_own_targets_default_is_not_against():
    mentions, quotes, docs = _hostile_own_case()
    default = score_stance(mentions, quotes, docs, method="rules")
    assert default.iloc[0].stance != "against"
    assert default.iloc[0].evidence.startswith("own target of the speaker (Brazil): not against")
    scored = score_stance(mentions, quotes, docs, method="rules", own_targets="score")
    assert scored.iloc[0].stance == "against"
    from analysis import cli, pipeline, stance

    assert stance.DEFAULT_OWN_TARGETS == "not_against"
    assert inspect.signature(pipeline.run).parameters["own_targets"].default == "not_against"
    assert cli.build_parser().parse_args(["run", "x", "--out", "y"]).own_targets == \
        "not_against"


@pytest.mark.parametrize("speaker", ["U.S", "U.S.", "the White House"])
def test_own_targets_speaker_abbreviation_without_its_last_period(speaker):
    # Found in review: the extractor drops a name's final period ("The U.S. said" gives
    # speaker "U.S"), which matched no alias.
    doc = "Officials said the United States would respond with force and praised Mexico."
    mentions, quotes, docs = _one_quote(doc, "the United", "Mexico", "United States",
                                        "indirect")
    quotes = quotes.assign(speaker=[speaker], speaker_country=[None])
    out = score_stance(mentions, quotes, docs, method="rules", own_targets="neutral")
    assert out["evidence"].iloc[0].startswith("own target of the speaker (United States)")


def test_own_targets_reads_the_targets_file_the_mentions_came_from(tmp_path):
    # Noticed in review: a speaker named only in a researcher's own targets file ("the
    # Ministry of Silence") was looked up in the default file, so it was never its own target.
    path = tmp_path / "targets.yml"
    path.write_text("version: 1\ntargets:\n  - name: Silence Ministry\n    type: organisation\n"
                    "    aliases: [the Ministry of Silence, Silence Ministry]\n", encoding="utf-8")
    doc = "Officials said the Ministry of Silence would respond with force and praised Peru."
    mentions, quotes, docs = _one_quote(doc, "the Ministry", "Peru", "Ministry of Silence",
                                        "indirect")
    mentions = mentions.assign(target=["Silence Ministry"])
    quotes = quotes.assign(speaker=["the Ministry of Silence"], speaker_country=[None])
    out = score_stance(mentions, quotes, docs, method="rules", own_targets="neutral",
                       targets=path)
    assert out["evidence"].iloc[0].startswith("own target of the speaker (Silence Ministry)")
    # With the default file the name is no target at all, so nothing is its own.
    out = score_stance(mentions, quotes, docs, method="rules", own_targets="neutral")
    assert not out["evidence"].iloc[0].startswith("own target")


def test_own_targets_neutral_needs_speaker_columns_and_a_known_value():
    mentions, quotes, docs = _own_case()
    with pytest.raises(StanceInputError, match=r"own_targets='neutral'.*speaker_country"):
        score_stance(mentions, quotes.drop(columns="speaker_country"), docs,
                     own_targets="neutral")
    with pytest.raises(ValueError, match=r"own_targets 'ignore' not known; allowed: score, "
                                         r"not_against, neutral"):
        score_stance(mentions, quotes, docs, own_targets="ignore")


@pytest.mark.parametrize("verb", ["urged", "warned", "asked"])
def test_addressee_of_an_infinitive_is_a_scored_target(verb):
    # Found on unseen security stories: "urged Moscow to ..." started the reported clause at
    # "to", so Moscow was never a mention, while "called on Moscow to ..." was one.
    doc = f"OSLO (Wire) - Foreign Minister Ana Ruiz {verb} Moscow to halt the troop build-up."
    docs = pd.DataFrame({"doc_id": ["d"], "text": [doc]})
    from analysis.quotes import extract_quotes

    quotes = extract_quotes(docs)
    assert quotes["text"].tolist() == ["Moscow to halt the troop build-up"]
    out = score_stance(find_mentions(quotes, docs), quotes, docs, method="hybrid")
    assert out["target"].tolist() == ["Russia"]
    if verb == "urged":
        assert out["stance"].iloc[0] == "against"
        assert "urged X to (against)" in out["evidence"].iloc[0]
    else:
        # A request or a warning is no relation cue ("asked Tokyo to host the talks",
        # "warned Kyiv to prepare for a hard winter"): the model decides.
        assert not out["evidence"].iloc[0].startswith("relation cue")


# Found on blind set 20: "cooperation with the United States and Japan" left the second
# partner neutral: a cue reached only the first of two coordinated targets. (Set 20 also
# prompted "coordination with X" and "work(ing) with X" as favor cues; the review of the
# same day found them reporting a third party's collusion as often, so they were dropped.)
@pytest.mark.parametrize("text,target,stance", [
    ("The navy deepened its cooperation with the United States and Japan.", "Japan",
     "favor"),
    ("The navy deepened its cooperation with the United States and Japan.",
     "United States", "favor"),
    ("He said Washington sought cooperation with Australia and Britain on submarines.",
     "Britain", "favor"),
    ("He said Washington sought cooperation with Australia, Britain and Japan on submarines.",
     "Britain", "favor"),
    ("The bloc agreed new sanctions on Russia and Belarus.", "Belarus", "against"),
    # Found by a user review: an article before the last target stopped the cue.
    ("We value our partnership with France and the United States.", "United States",
     "favor"),
    ("The bloc agreed new sanctions on Russia, Iran and the Netherlands.", "Netherlands",
     "against"),
])
def test_relation_cue_reaches_coordinated_targets(text, target, stance):
    r = rules_stance(*_span(text, target))
    assert r["stance"] == stance
    assert "relation " in r["evidence"]


def test_relation_cue_does_not_reach_past_a_non_target():
    # "and" after an ordinary noun: the cue governs the noun, not the target.
    r = rules_stance(*_span("We will work with partners and Russia will watch.", "Russia"))
    assert "relation " not in r["evidence"]


@pytest.mark.parametrize("method", ["hybrid", "cnn"])
def test_coordinated_target_takes_the_cue_in_the_default_and_hybrid_methods(method):
    row = pd.DataFrame([_row("The navy deepened its cooperation with the United States "
                             "and Japan.", "Japan")])
    out = predict_stance_rows(row, method=method)
    assert out["stance"].iloc[0] == "favor"
    assert out["evidence"].iloc[0].startswith("relation cue ")


# Found by the review of 2026-12-02: "work(ing) with X" and "in coordination with X" also
# report a third party's collusion ("Iran is working with Russia to kill Ukrainians") and
# refusals ("We refuse to work with China"), so they are no cues; and a cue carried over a
# coordination crossed into the next clause.
@pytest.mark.parametrize("text,target", [
    ("Iran is working with Russia to kill Ukrainians.", "Russia"),
    ("The Houthis launched the missiles in coordination with Iran.", "Iran"),
])
def test_work_with_is_no_relation_cue(text, target):
    assert "relation " not in rules_stance(*_span(text, target))["evidence"]


@pytest.mark.parametrize("text,target", [
    ("Europe must keep up the pressure on Russia and Ukraine deserves our support.", "Ukraine"),
    ("We condemned Russia and Ukraine thanked us for it.", "Ukraine"),
    ("Our partnership with India and Pakistan's provocations are separate issues.",
     "Pakistan"),
    ("We deepened cooperation with Peru and Chile is watching nervously.", "Chile"),
])
def test_relation_cue_stays_in_its_clause(text, target):
    evidence = rules_stance(*_span(text, target))["evidence"]
    assert "(favor)" not in evidence and "relation condemn" not in evidence
    assert "relation pressure on" not in evidence


# Found on blind set 19 and by the review: opposition lawmakers and leaders do attack their
# own country by name ("Russia is ruled by a murderer"), so not_against holds only for
# speakers in office for their state (ministers, spokespeople, officials, a government).
@pytest.mark.parametrize("role, kept", [
    ("foreign minister", True), ("spokesperson", True), ("government", True),
    ("official", True), ("lawmaker", False), ("leader", False), ("senator", False),
    ("analyst", False), ("former official", False), (None, False),
])
def test_not_against_only_for_speakers_in_office(role, kept):
    mentions, quotes, docs = _hostile_own_case()
    quotes = quotes.assign(speaker_role=[role])
    out = score_stance(mentions, quotes, docs, method="rules", own_targets="not_against")
    assert (out.iloc[0].stance != "against") == kept


# Found on blind sets 17-21 (coded with our codebook, where "a reported position" is
# neutral): a government speaker's own state as the holder of a position ("Riyadh supported
# the UN track", "Paris welcomed the move", "Indonesia's position on ... is well known") was
# coded neutral 12 times and favor once ("the Philippines welcomed support from ASEAN"), but
# the methods read the position verb as favor towards the state that holds it.
def _holder_case(doc, quote_from, quote_to, role="foreign minister", country="Brazil"):
    mentions, quotes, docs = _one_quote(doc, quote_from, quote_to, "Brazil", "indirect")
    return mentions, quotes.assign(speaker=["Ana Ruiz"], speaker_country=[country],
                                   speaker_role=[role]), docs


@pytest.mark.parametrize("doc, quote_from, quote_to", [
    ("Ana Ruiz said Brazil hoped for a generous, wise and lasting peace.", "Brazil", "peace"),
    ("Ana Ruiz said that Brazil strongly supported the excellent peace plan.", "Brazil", "plan"),
    ("Ana Ruiz said Brazil had always backed a fair and peaceful solution.", "Brazil",
     "solution"),
    ("Ana Ruiz said Brazil remained committed to a friendly, lasting peace.", "Brazil",
     "peace"),
    ("Ana Ruiz said Brazil's position on the excellent talks was well known.", "Brazil",
     "known"),
    ("Ana Ruiz said the talks went well, reaffirming Brazil’s stance that peace is good.",
     "the talks", "good"),
])
def test_own_state_holding_a_reported_position_is_neutral(doc, quote_from, quote_to):
    mentions, quotes, docs = _holder_case(doc, quote_from, quote_to)
    scored = score_stance(mentions, quotes, docs, method="rules", own_targets="score")
    assert scored.iloc[0].stance == "favor"
    out = score_stance(mentions, quotes, docs, method="rules")
    row = out.iloc[0]
    assert (row.stance, row.p_favor, row.p_against, row.p_neutral) == ("neutral", 0, 0, 1)
    assert row.evidence.startswith("own target of the speaker (Brazil): holder of a reported "
                                   "position, neutral; rules said favor")
    # Another state's position stays scored: only the speaker's own side is a holder here.
    other = score_stance(*_holder_case(doc, quote_from, quote_to, country="Chile"),
                         method="rules")
    assert other.iloc[0].stance == "favor"
    # Opposition speakers, as for not_against, are scored.
    lawmaker = score_stance(*_holder_case(doc, quote_from, quote_to, role="lawmaker"),
                            method="rules")
    assert lawmaker.iloc[0].stance == "favor"


@pytest.mark.parametrize("doc, quote_from, quote_to", [
    # A party to cooperation, not the holder of a position (the codebook's favor).
    ("Ana Ruiz said Brazil and Chile would hold joint drills with great success.", "Brazil",
     "success"),
    ("Ana Ruiz said Brazil would work with its trusted partners and welcomed their help.",
     "Brazil", "help"),
    # The object of the position verb, not its subject.
    ("Ana Ruiz said Chile welcomed Brazil as a trusted and valued partner.", "Chile",
     "partner"),
    # A possessive that holds no position.
    ("Ana Ruiz said Brazil's generous partners had helped greatly.", "Brazil", "greatly"),
])
def test_own_state_that_holds_no_reported_position_is_scored(doc, quote_from, quote_to):
    mentions, quotes, docs = _holder_case(doc, quote_from, quote_to)
    base = score_stance(mentions, quotes, docs, method="rules", own_targets="score")
    out = score_stance(mentions, quotes, docs, method="rules")
    assert "holder of a reported position" not in out.iloc[0].evidence
    assert out.iloc[0].stance == base.iloc[0].stance


# The codebook codes a target named only as the occasion of an event neutral ("Japan as the
# place of a drill", data/annotations/README.md), but every method read the tone of the
# event's words as a stance towards it: favor for "UN peacekeeping operations" (blind set 23
# codes "United Nations peacekeepers" neutral) and for "the ASEAN summit" in a sentence of
# praise.
SETTINGS = [
    ("The troops trained well and improved their skills during NATO exercises last spring.",
     "NATO"),
    ("The pact will improve support between the two armies during UN peacekeeping "
     "operations and relief work.", "UN"),
    ("Ministers praised the successful and friendly talks at the ASEAN summit in May.",
     "ASEAN"),
    ("Ministers hailed the excellent progress made at next week's ASEAN meeting.", "ASEAN"),
]


@pytest.mark.parametrize("method", ["cnn", "hybrid", "rules", "neural"])
@pytest.mark.parametrize("text,target", SETTINGS)
def test_target_named_only_as_the_occasion_is_neutral(method, text, target):
    out = predict_stance_rows(pd.DataFrame([_row(text, target)]), method=method).iloc[0]
    assert out.stance == "neutral"
    assert (out.p_favor, out.p_against, out.p_neutral) == (0, 0, 1)
    assert out.evidence.startswith(f"setting: the target names the occasion only "
                                   f"({target!r} after ")
    assert f"; {method} said favor" in out.evidence


@pytest.mark.parametrize("text,target,stance", [
    # The event is the target's own act of violence: not a setting.
    ("Civilians died during Hamas attacks on the town.", "Hamas", "against"),
    # Not the modifier of an event noun.
    ("We will cooperate with NATO during the exercises.", "NATO", "favor"),
    ("Ministers praised the friendly welcome at the ASEAN headquarters.", "ASEAN", "favor"),
    # "in" names a place more often than an occasion ("our friends in Canberra").
    ("They praised the excellent work of our friends in NATO exercises.", "NATO", "favor"),
])
def test_occasion_rule_leaves_other_targets_to_the_method(text, target, stance):
    out = predict_stance_rows(pd.DataFrame([_row(text, target)]), method="rules").iloc[0]
    assert out.stance == stance
    assert not out.evidence.startswith("setting")


# The codebook codes a state that is both the holder and a party of a mutual positive
# relation favor ("X sees Y among the most like-minded nations"); the methods read such a
# holder as neutral (cnn, neural) and the holder of a view that the other side is a threat
# as against (rules, hybrid): the view is about the object, not the holder.
@pytest.mark.parametrize("method", ["cnn", "hybrid", "rules", "neural"])
@pytest.mark.parametrize("text,target,stance,word", [
    ("Hanoi sees Manila as a trusted partner in the region.", "Hanoi", "favor", "partner"),
    ("Chile regards Peru as one of its closest friends.", "Chile", "favor", "friends"),
    ("Chile sees Peru among the most like-minded nations in the region.", "Chile", "favor",
     "like-minded"),
    ("They said that Oslo has long considered Sweden a natural ally.", "Oslo", "favor",
     "ally"),
    ("Chile sees Peru as a threat to the region.", "Chile", "neutral", None),
    ("Chile views the talks with Peru as a dangerous and reckless failure.", "Chile",
     "neutral", None),
])
def test_holder_of_a_view_of_another_side(method, text, target, stance, word):
    out = predict_stance_rows(pd.DataFrame([_row(text, target)]), method=method).iloc[0]
    assert out.stance == stance
    assert out[f"p_{stance}"] == 1
    if word:
        assert out.evidence.startswith(f"party to a mutual relation: {target!r} holds the view "
                                       f"({word!r}), favor")
    else:
        assert out.evidence.startswith(f"holder of a view: {target!r}, neutral")


@pytest.mark.parametrize("text,target", [
    # The object of the view, not its holder: scored by the method.
    ("Chile sees Peru as a threat to the region.", "Peru"),
    # A possessive is not the holder.
    ("Peru's partners see Chile as a rival.", "Peru"),
    # A view of oneself is about the holder.
    ("Chile sees itself as a victim of dangerous aggression.", "Chile"),
    # Not the subject of the view verb.
    ("Troops from Chile see action as a threat.", "Chile"),
    # A passive subject is the object of the view (found on NewsMTSC train).
    ("Peru was described by officials as a reliable partner.", "Peru"),
    ("Chile is widely seen as a threat to the region.", "Chile"),
    ("Chile has been considered to be a partner of the region.", "Chile"),
])
def test_view_rule_needs_the_holder_of_a_view_of_another(text, target):
    out = predict_stance_rows(pd.DataFrame([_row(text, target)]), method="rules").iloc[0]
    assert not out.evidence.startswith(("party to a mutual relation", "holder of a view"))


@pytest.mark.parametrize("body, message", [
    ("settings:\n  prepositions: [during]\n  nouns: [summit]\n",
     "settings must map events, instruments, prepositions, violations"),
    ("settings: [during]\n", "settings must map events, instruments"),
    ("views:\n  verbs: [sees]\n  partners: [ally]\n",
     "views must map 'verbs', 'mutual' and 'negating'"),
    ("views:\n  verbs: [sees, no]\n", "views.verbs holds False"),
])
def test_occasion_and_view_lists_are_checked(tmp_path, body, message):
    from analysis._lexicon import stance_lexicon

    path = tmp_path / "lex.yml"
    path.write_text("version: 1\n" + body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        stance_lexicon(str(path))


def test_occasion_and_view_lists_are_read_lower_cased(tmp_path):
    from analysis._lexicon import stance_lexicon

    path = tmp_path / "lex.yml"
    path.write_text("version: 1\nsettings:\n  prepositions: [During]\n  events: [Summit]\n"
                    "views:\n  verbs: [Sees]\n  mutual: [Ally]\n", encoding="utf-8")
    lex = stance_lexicon(str(path))
    assert (lex["setting_prepositions"], lex["setting_events"], lex["view_verbs"],
            lex["view_mutual"]) == ({"during"}, {"summit"}, {"sees"}, {"ally"})
    empty = tmp_path / "empty.yml"
    empty.write_text("version: 1\n", encoding="utf-8")
    assert stance_lexicon(str(empty))["setting_events"] == set()


# Found by a review of the occasion and view rules: each of these fired wrongly.
@pytest.mark.parametrize("text,target", [
    # A negated view is no relation.
    ("China does not see Peru as a partner.", "China"),
    ("Chile has never regarded Peru as a friend.", "Chile"),
    # The relation word must be the complement itself, not a later word of the clause.
    ("Russia described Ukraine as a puppet of its Western allies.", "Russia"),
    ("Iran sees the deal as a betrayal by its partners.", "Iran"),
    ("Moscow sees NATO as a hostile alliance.", "Moscow"),
    ("Beijing sees Manila as no friend of the region.", "Beijing"),
    ("Beijing sees Manila as a false friend.", "Beijing"),
])
def test_view_rule_gives_favor_only_for_a_mutual_relation_as_the_complement(text, target):
    out = predict_stance_rows(pd.DataFrame([_row(text, target)]), method="rules").iloc[0]
    assert not out.evidence.startswith("party to a mutual relation")


@pytest.mark.parametrize("text,target", [
    # "treat" is an act, not a view; a gerund object is no side.
    ("Russia treats Ukrainian prisoners as animals.", "Russia"),
    ("Russia considered launching a new offensive against Ukraine.", "Russia"),
])
def test_view_rule_needs_a_view_verb_and_a_noun_object(text, target):
    out = predict_stance_rows(pd.DataFrame([_row(text, target)]), method="rules").iloc[0]
    assert not out.evidence.startswith(("party to a mutual relation", "holder of a view"))


@pytest.mark.parametrize("text,target", [
    ("Fishermen are angry at Beijing over the talks.", "Beijing"),
    ("Our anger at China during the summit was obvious.", "China"),
    ("They laughed at Russia meeting demands.", "Russia"),
    ("Drones struck at dawn NATO exercises near the border.", "NATO"),
])
def test_occasion_rule_needs_an_occasion(text, target):
    out = predict_stance_rows(pd.DataFrame([_row(text, target)]), method="rules").iloc[0]
    assert not out.evidence.startswith("setting")


def test_occasion_event_noun_in_capitals():
    text = "Ministers praised the friendly talks at the ASEAN Summit in May."
    out = predict_stance_rows(pd.DataFrame([_row(text, "ASEAN")]), method="rules").iloc[0]
    assert out.evidence.startswith("setting: the target names the occasion only ('ASEAN' "
                                   "after 'at', before 'Summit')")


def test_empty_occasion_and_view_lists_turn_the_rules_off(tmp_path, monkeypatch):
    import analysis.stance as stance_module

    text = "Hanoi sees Manila as a trusted partner during ASEAN exercises."
    path = tmp_path / "lex.yml"
    path.write_text("version: 1\nsettings:\n  prepositions: []\n  events: [exercises]\n"
                    "views:\n  verbs: []\n  mutual: [partner]\n", encoding="utf-8")
    for target in ("Hanoi", "ASEAN"):
        row = pd.DataFrame([_row(text, target)])
        assert predict_stance_rows(row, method="rules").iloc[0].evidence.startswith(
            ("party to", "setting"))
        with monkeypatch.context() as mp:
            mp.setattr(stance_module, "STANCE_LEXICON_FILE", path)
            out = predict_stance_rows(row, method="rules").iloc[0]
        assert not out.evidence.startswith(("party to", "setting"))


def test_own_target_evidence_says_when_a_codebook_rule_decided():
    # Found by review: "cnn said favor 1.00" named the rule's answer as the method's.
    doc = "Ana Ruiz said Brazil sees Chile as a trusted partner."
    mentions, quotes, docs = _holder_case(doc, "Brazil", "partner")
    out = score_stance(mentions, quotes, docs, method="cnn", own_targets="neutral").iloc[0]
    assert out.stance == "neutral"
    assert out.evidence.startswith("own target of the speaker (Brazil): neutral; the codebook "
                                   "rule said favor 1.00; party to a mutual relation: 'Brazil' "
                                   "holds the view ('partner'), favor; cnn said ")
    kept = score_stance(mentions, quotes, docs, method="cnn").iloc[0]
    assert (kept.stance, kept.p_favor) == ("favor", 1.0)
    assert kept.evidence.startswith("party to a mutual relation")


# Found on blind sets 17-24: "the launch violated several U.N. Security Council resolutions"
# is coded neutral for the Council (the violation speaks of whoever launched), but cnn read
# the violation as against the Council in 3 of 5 such rows.
@pytest.mark.parametrize("method", ["cnn", "hybrid", "rules", "neural"])
@pytest.mark.parametrize("text,target,cue,instrument", [
    ("Officials agreed that the launch violated several UN Security Council resolutions.",
     "UN Security Council", "violated", "resolutions"),
    ("The missile tests are a clear and dangerous violation of UN Security Council "
     "resolutions.", "UN Security Council", "violation", "resolutions"),
    ("The drones flew deep into NATO airspace in a reckless breach of NATO airspace rules.",
     "NATO", "breach", "rules"),
    ("The attack was a brazen violation of Ukraine's sovereignty and of international law.",
     "Ukraine", "violation", "sovereignty"),
])
def test_author_or_owner_of_a_rule_broken_is_neutral(method, text, target, cue, instrument):
    start = text.rindex(target) if target == "NATO" else text.index(target)
    row = pd.DataFrame([{"text": text, "target": target, "target_start": start,
                         "target_end": start + len(target)}])
    out = predict_stance_rows(row, method=method).iloc[0]
    assert out.stance == "neutral"
    assert out.evidence.startswith(f"setting: the target names whose rule or right is broken "
                                   f"only ({target!r} after {cue!r}, before {instrument!r})")


@pytest.mark.parametrize("text,target", [
    # The violator, not the owner of the rule.
    ("Russia violated the ceasefire again, officials said.", "Russia"),
    ("They condemned the violations by Russia of the truce.", "Russia"),
    # Not an instrument after the target.
    ("The report documented ceasefire violations in Donetsk and beyond.", "Donetsk"),
])
def test_rule_broken_needs_the_target_as_its_author_or_owner(text, target):
    out = predict_stance_rows(pd.DataFrame([_row(text, target)]), method="rules").iloc[0]
    assert not out.evidence.startswith("setting")


def test_rule_broken_may_be_a_word_of_negative_valence():
    # Found on the violations challenge set: "sanctions" has negative valence, which barred
    # the instrument that the rule lists ("in clear breach of EU sanctions").
    text = "The shipments were made in clear breach of EU sanctions, officials said."
    out = predict_stance_rows(pd.DataFrame([_row(text, "EU")]), method="rules").iloc[0]
    assert out.evidence.startswith("setting: the target names whose rule or right is broken "
                                   "only ('EU' after 'breach', before 'sanctions')")


# The challenge sets (data/annotations/README.md), each written blind to the codebook rules
# after they were written: corpus-level figures of the rules method. In the violations set
# both misses evaluate the target in another clause ("the alliance invents incidents", "we
# stand fully behind the agency"), which the surface rule does not read.
@pytest.mark.parametrize("name, n, pinned, misses", [
    ("challenge_stance", 60, (38, 12, 11), ["B20"]),
    ("challenge_violations", 40, (22, 9, 7), ["V05", "V07"]),
])
def test_challenge_set_figures_are_pinned(name, n, pinned, misses):
    from analysis.stance import CODEBOOK_RULE_EVIDENCE

    gold = pd.read_csv(ANNOTATIONS_DIR / f"{name}.csv")
    assert len(gold) == n
    assert all(t[s:e] == g for t, s, e, g in zip(gold.text, gold.target_start,
                                                  gold.target_end, gold.target, strict=True))
    out = predict_stance_rows(gold[["id", "text", "target", "target_start", "target_end"]],
                              method="rules")
    right = out["stance"].to_numpy() == gold["stance"].to_numpy()
    decided = out["evidence"].str.startswith(CODEBOOK_RULE_EVIDENCE).to_numpy()
    assert (int(right.sum()), int(decided.sum()), int(right[decided].sum())) == pinned
    assert gold.loc[decided & ~right, "id"].tolist() == misses


@pytest.mark.parametrize("method", ["cnn", "rules"])
def test_codebook_rules_can_be_turned_off_for_an_ablation(method):
    text = "Officials agreed that the launch violated several UN Security Council resolutions."
    row = pd.DataFrame([_row(text, "UN Security Council")])
    on = predict_stance_rows(row, method=method).iloc[0]
    off = predict_stance_rows(row, method=method, codebook_rules=False).iloc[0]
    assert on.evidence.startswith("setting") and not off.evidence.startswith("setting")
    assert on.evidence.endswith(off.evidence)  # the method's own answer, kept
    doc = "Ana Ruiz said Brazil sees Chile as a trusted partner."
    mentions, quotes, docs = _holder_case(doc, "Brazil", "partner")
    out = score_stance(mentions, quotes, docs, method=method, codebook_rules=False).iloc[0]
    assert "party to a mutual relation" not in out.evidence


# Found by a second review: each of these was wrongly read as the owner of a rule broken.
@pytest.mark.parametrize("text,target", [
    # The violator, named after the instrument ("by ..."): words between the violation and
    # the target may not hold a function word past the first.
    ("It was a violation of the truce by Russia's border guards.", "Russia"),
    # An evaluation before the target belongs to the method.
    ("It was a violation of our great ally Chile's sovereignty.", "Chile"),
    ("Women defied the brutal Taliban rules every day.", "Taliban"),
    # An instrument word as a modifier of another noun.
    ("Russia keeps violating Ukraine's ceasefire proposals.", "Ukraine"),
    ("He defied Hungary's ruling party in parliament.", "Hungary"),
])
def test_rule_broken_needs_a_plain_owner(text, target):
    out = predict_stance_rows(pd.DataFrame([_row(text, target)]), method="rules").iloc[0]
    assert not out.evidence.startswith("setting")


@pytest.mark.parametrize("text,target,cue,instrument", [
    # A possessive with a bare apostrophe.
    ("The frigates violated the Philippines' waters again.", "Philippines", "violated",
     "waters"),
    # The nearest of two violation words.
    ("They defied and violated UN resolutions for years.", "UN", "violated", "resolutions"),
])
def test_rule_broken_forms(text, target, cue, instrument):
    out = predict_stance_rows(pd.DataFrame([_row(text, target)]), method="rules").iloc[0]
    assert out.evidence.startswith(f"setting: the target names whose rule or right is broken "
                                   f"only ({target!r} after {cue!r}, before {instrument!r})")
