"""Tests of analysis.sentiment (VADER per quotation, supplement, backdrop rule)."""

from __future__ import annotations

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
