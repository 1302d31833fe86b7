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
    out = score_sentiment(gold)
    plain = score_sentiment(gold, supplement=False, backdrop=False, names=False)
    agree = int((out["sentiment_label"] == gold["label"]).sum())
    # Measured: 17/19 with supplement and backdrop rule, 10/19 with plain VADER (see
    # data/lexicons/README.md); the two misses state support or deepening without
    # sentiment words.
    assert agree >= 17
    assert agree > int((plain["sentiment_label"] == gold["label"]).sum())


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
