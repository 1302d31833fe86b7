"""Tests of analysis.sentiment (VADER per quotation, supplement, backdrop rule)."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from analysis._lexicon import load_supplement
from analysis.config import ConfigError
from analysis.paths import ANNOTATIONS_DIR
from analysis.sentiment import SENTIMENT_COLUMNS, label_compound, score_sentiment, score_text


def test_columns_and_copy():
    q = pd.DataFrame({"quote_id": ["a", "b", "c"],
                      "text": ["We are very happy with this great result.",
                               "This is a terrible and dangerous threat.", "The meeting is on Tuesday."]})
    out = score_sentiment(q)
    assert list(out.columns) == ["quote_id", "text", *SENTIMENT_COLUMNS]
    assert "sentiment_label" not in q.columns  # input untouched
    assert out["sentiment_label"].tolist() == ["positive", "negative", "neutral"]
    assert out.loc[2, "sentiment_compound"] == 0.0
    assert out[["sentiment_pos", "sentiment_neu", "sentiment_neg"]].sum(axis=1).round(2).eq(1).all()


@pytest.mark.parametrize(("c", "label"), [(0.05, "positive"), (0.049, "neutral"),
                                          (-0.049, "neutral"), (-0.05, "negative")])
def test_vader_thresholds(c, label):
    assert label_compound(c) == label


def test_empty_and_missing_text_are_neutral():
    out = score_sentiment(pd.DataFrame({"text": ["", None]}))
    assert out["sentiment_label"].tolist() == ["neutral", "neutral"]


def test_missing_column_is_named():
    with pytest.raises(ValueError, match="no 'quote' column"):
        score_sentiment(pd.DataFrame({"text": ["x"]}), text_column="quote")


def test_supplement_adds_security_words_and_switches_off():
    text = "repeated nuclear provocations"
    assert score_text(text, supplement=False)["compound"] == 0.0
    assert score_text(text)["compound"] < -0.3


def test_curly_quotes_do_not_hide_words():
    # VADER strips only ASCII punctuation; a curly-quoted word must still be scored.
    assert score_text("a “great” ally", supplement=False)["compound"] == pytest.approx(
        score_text('a "great" ally', supplement=False)["compound"])
    assert score_text("a “great” ally", supplement=False)["compound"] > 0.5


def test_backdrop_phrase_counts_half():
    text = "amid rising tensions, the two agreed to strengthen cooperation"
    with_rule = score_text(text)["compound"]
    without = score_text(text, backdrop=False)["compound"]
    assert with_rule > without
    assert with_rule > 0.05


def test_bad_supplement_names_line(tmp_path):
    p = tmp_path / "s.csv"
    p.write_text("word,valence\nfoo,nine\n")
    with pytest.raises(ConfigError, match="line 2: valence 'nine'"):
        load_supplement(p)


def test_sample_gold_agreement_with_supplement():
    gold = pd.read_csv(ANNOTATIONS_DIR / "sample_sentiment.csv")
    agree = {}
    for name, kw in (("default", {}), ("no phrases", {"phrases": False}),
                     ("plain", {"supplement": False, "backdrop": False, "names": False,
                                "phrases": False})):
        out = score_sentiment(gold, **kw)
        agree[name] = int((out["sentiment_label"] == gold["label"]).sum())
    # Measured (data/lexicons/README.md): 19/19 with the phrases and the backdrop rule's
    # weighting of the point, 17/19 without the phrases, 10/19 with plain VADER.
    assert agree == {"default": 19, "no phrases": 17, "plain": 10}


def test_backdrop_rule_survives_emoji():
    # Found in review: VADER turns an emoji into words, so the word count no longer matched
    # the raw text and the backdrop rule was silently switched off.
    with_emoji = "Amid terrible deadly attacks, we stand together 🙂."
    as_words = "Amid terrible deadly attacks, we stand together slightly smiling face."
    assert score_text(with_emoji) == score_text(as_words)
    assert score_text(with_emoji)["compound"] != score_text(with_emoji, backdrop=False)["compound"]


@pytest.mark.parametrize("text", [
    # Found on an unseen set: "United" (+1.8 in VADER) made a statement of concern positive.
    "The United States was alarmed by the drills.",
    "Great Britain and the United Nations Security Council were told.",
    "The Rapid Support Forces entered the city.",
])
def test_target_names_are_not_evaluations(text):
    # Names of targets (data/config/targets.yml) carry no sentiment of their own.
    plain = text
    for name in ("United States", "Great Britain", "United Nations Security Council",
                 "Rapid Support Forces"):
        plain = plain.replace(name, "Ruritania")
    assert score_text(text) == score_text(plain)
    # VADER itself scores the words of the names; names=False keeps that behaviour.
    assert score_text(text, names=False) != score_text(plain, names=False)


def test_vader_baseline_stays_plain_vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    from analysis.baselines import vader_stance

    # Only "United" carries sentiment here: masked, the sentence is neutral.
    text = "The United States attended."
    want = SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    assert want > 0.05 and score_text(text)["compound"] == 0.0
    assert score_text(text, supplement=False, backdrop=False, names=False)["compound"] == want
    assert vader_stance([text])[0] == "favor"


@pytest.mark.parametrize(("text", "label"), [
    # Support stated without a sentiment word: VADER knows none of these words.
    ("The government stands firmly behind its neighbour's sovereignty.", "positive"),
    ("Our country stood with the people of the valley.", "positive"),
    ("Ministers stand shoulder to shoulder with the coastal states.", "positive"),
    ("We are with you.", "positive"),
    ("The visit will deepen our bilateral ties.", "positive"),
    ("The accord is meant to bolster defence cooperation.", "positive"),
    # Not support: standing by while something happens, and deepening a bad thing.
    ("We will not stand by while our citizens are arrested.", "negative"),
    ("The move will only deepen the crisis.", "negative"),
    # Negation reaches a phrase like any word.
    ("We do not stand with the junta.", "negative"),
])
def test_phrases_of_support_and_closer_relations(text, label):
    assert label_compound(score_text(text)["compound"]) == label


def test_phrases_switch_off_and_alone():
    text = "The visit will deepen our bilateral ties."
    assert score_text(text, phrases=False)["compound"] == 0.0
    assert score_text(text, supplement=False)["compound"] > 0.05
    assert score_text(text, supplement=False, phrases=False)["compound"] == 0.0


def test_phrase_may_be_split_by_curly_apostrophe():
    assert score_text("We’re with you.") == score_text("We're with you.")
    assert score_text("We're with you.")["compound"] > 0.05


@pytest.mark.parametrize(("content", "message"), [
    ("phrase,valence\nstand with,high\n", r"line 2: valence 'high' is not a number"),
    ("phrase,valence\nstand with,5\n", r"line 2: .*valence in \[-4, 4\]"),
    ("phrase,valence\n,1\n", r"line 2: .*need a phrase"),
    ("phrase,valence\nstand [firmly with,1\n", r"line 2: .*'\[firmly'"),
    ("phrase,valence\nstand (with),1\n", r"line 2: .*'\(with\)'"),
    ("phrase,valence\n[firmly],1\n", r"line 2: .*only optional words"),
    ("word,valence\nstand,1\n", r"missing column\(s\) \['phrase'\]"),
    # Ambiguous rows (found in review): a shifted row, a phrase written twice, a column
    # written twice.
    ("phrase,valence,note\nstand with,1.7,solidarity,EXTRA\n", r"line 2: .*more fields"),
    ("phrase,valence\nstand with,1.7,oops\n", r"line 2: .*more fields"),
    ("phrase,valence\nstand with,1.7\nStand  with,-3\n", r"line 3: .*'stand with' .*line 2"),
    ("phrase,valence,valence\nstand with,1,2\n", r"repeated column"),
])
def test_bad_phrase_file_names_line_and_reason(tmp_path, content, message):
    from analysis._lexicon import load_phrases

    p = tmp_path / "p.csv"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as err:
        load_phrases(p)
    assert str(p) in str(err.value)


def test_phrase_syntax_alternatives_and_optional_words(tmp_path):
    from analysis._lexicon import load_phrases

    p = tmp_path / "p.csv"
    p.write_text("phrase,valence,note\nkeep|keeps [the] door open,1.5,engagement\n",
                 encoding="utf-8")
    (regex, valence, phrase), = load_phrases(p)
    assert valence == 1.5 and phrase == "keep|keeps [the] door open"
    assert regex.search("She keeps the door open") and regex.search("we KEEP door open")
    assert not regex.search("they keep a door open") and not regex.search("keepsake door open")
    assert score_text("They keep the door open.", phrases=p)["compound"] > 0.05


def test_main_point_outweighs_its_backdrop():
    # VADER's own "but" rule halves the words before "but" and adds half to those after;
    # the backdrop rule does the same for an "amid ..." phrase and the rest of the sentence,
    # so support stated beside a grave threat reads as support.
    text = "Amid the gravest threat to the region, we stand with you."
    assert score_text(text)["compound"] > 0.05
    assert score_text(text, backdrop=False)["compound"] < score_text(text)["compound"]
    # Without a backdrop phrase nothing is weighted.
    assert score_text("We stand with you.") == score_text("We stand with you.", backdrop=False)


@pytest.mark.parametrize("text", [
    # Found in review: a phrase touching a single quotation mark was never matched, as
    # the mark read as part of a word.
    "‘We are with you,’ he said.",
    "The aim is to ‘deepen ties’ with the region.",
    "'We stand with you,' she said.",
    # And the hyphenated form.
    "We stand shoulder-to-shoulder with our neighbours.",
])
def test_phrase_beside_single_quote_or_hyphenated(text):
    assert score_text(text)["compound"] > 0.05
    assert score_text(text, phrases=False)["compound"] == 0.0


def test_phrase_inside_a_word_is_not_matched():
    for text in ("long-standing ties", "We understand with regret.", "o'stand with"):
        assert score_text(text) == score_text(text, phrases=False)


def test_standing_behind_an_act_is_not_support():
    # Found in review: "X stands behind the strikes" means X is responsible for them.
    assert score_text("They stand behind the attacks.") == score_text(
        "They stand behind the attacks.", phrases=False)
    assert score_text("We stand firmly behind our ally.")["compound"] > 0.05


def test_phrase_keeps_the_sentiment_of_its_words():
    # Found in review: a phrase's valence replaced that of a sentiment word inside it
    # ("deepen mutual trust" scored lower than "trust" alone); phrases now hold only
    # words without sentiment of their own.
    assert score_text("We will deepen mutual trust.") == score_text(
        "We will deepen mutual trust.", phrases=False)


def test_all_capitals_text_is_not_changed_by_a_token():
    # Found in review: the mixed-case token of a phrase or name in an all-capitals text
    # made VADER see a difference of capitals and boost the other words.
    for lower in ("we stand with them in this terrible war",
                  "the U.S. condemned this terrible war"):
        assert score_text(lower.upper())["compound"] == pytest.approx(
            score_text(lower)["compound"])


def test_vader_baseline_ignores_phrases():
    from analysis.baselines import vader_stance

    # Found in review: the "plain VADER" baseline read the phrase list.
    assert vader_stance(["We stand with them."])[0] == "neutral"


def test_phrase_file_line_numbers_count_blank_lines(tmp_path):
    from analysis._lexicon import load_phrases

    p = tmp_path / "p.csv"
    p.write_text("phrase,valence\n\nstand with,high\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 3: valence 'high'"):
        load_phrases(p)
    q = tmp_path / "s.csv"
    q.write_text("word,valence\n\nfoo,nine\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="line 3: valence 'nine'"):
        load_supplement(q)


def test_lexicon_files_with_bom_bad_encoding_or_no_file(tmp_path):
    from analysis._lexicon import load_phrases

    bom = tmp_path / "bom.csv"
    bom.write_bytes("\ufeffphrase,valence\nstand with,1.7\n".encode())
    assert load_phrases(bom)[0][1] == 1.7
    latin = tmp_path / "latin.csv"
    latin.write_bytes("phrase,valence\nd\xe9fendre,1.7\n".encode("latin-1"))
    with pytest.raises(ConfigError, match=r"latin.csv.*not UTF-8"):
        load_phrases(latin)
    with pytest.raises(ConfigError, match="not a file"):
        load_phrases(tmp_path)
    with pytest.raises(ConfigError, match=r"latin.csv.*not UTF-8"):
        load_supplement(latin)
    with pytest.raises(ConfigError, match="not a file"):
        load_supplement(tmp_path)


def test_edited_lexicon_file_is_read_again(tmp_path):
    p = tmp_path / "p.csv"
    p.write_text("phrase,valence\nkeep the door open,2\n", encoding="utf-8")
    assert score_text("They keep the door open.", phrases=p)["compound"] > 0.05
    p.write_text("phrase,valence\nkeep the door open,-2\n", encoding="utf-8")
    import os

    st = p.stat()
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert score_text("They keep the door open.", phrases=p)["compound"] < -0.05


@pytest.mark.parametrize(("text", "weights"), [
    ("Amid rising tensions, we agreed.", [1.0, 0.5, 0.5, 1.5, 1.5]),
    ("We agreed despite the tensions", [1.5, 1.5, 1.0, 0.5, 0.5]),
    # Found in review: a backdrop ran past the end of its sentence and past a dash.
    ("We are sad amid the war. We are happy now.",
     [1.5, 1.5, 1.5, 1.0, 0.5, 0.5, 1.5, 1.5, 1.5, 1.5]),
    ("Amid the war — we are happy.", [1.0, 0.5, 0.5, 1.5, 1.5, 1.5, 1.5]),
    ("Amid the war--we are happy.", [1.0, 0.5, 0.5, 1.5, 1.5]),
    ("We are happy.", None),
])
def test_backdrop_weights(text, weights):
    from analysis.sentiment import _backdrop_weights

    assert _backdrop_weights(text.split()) == weights


def test_scores_do_not_depend_on_other_threads():
    # Found in review: the words of the text being scored were kept on the shared,
    # cached analyzer, so concurrent calls read each other's words.
    from concurrent.futures import ThreadPoolExecutor

    texts = ["Amid the gravest threat to the region, we stand with you.",
             "We are happy with this result and the terrible war is over."] * 200
    serial = [score_text(t) for t in texts]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so that a shared state shows
    try:
        with ThreadPoolExecutor(8) as pool:
            threaded = list(pool.map(score_text, texts))
    finally:
        sys.setswitchinterval(interval)
    assert threaded == serial
