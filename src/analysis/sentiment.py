"""Sentiment of each quotation with VADER, optionally with a security-vocabulary supplement.

Labels follow the VADER authors' convention (Hutto & Gilbert 2014, project README):
``compound >= 0.05`` positive, ``compound <= -0.05`` negative, otherwise neutral.

The supplement (``data/lexicons/vader_security_supplement.csv``, on by default) adds words
VADER lacks or under-rates in security reporting ("aggressor", "coercion",
"partner", "alliance", "stability"). Its effect is measured in ``data/lexicons/README.md``
(on the sample article's hand-labelled quotations, and as a stance proxy on NewsMTSC);
switch it off with ``supplement=False`` for VADER's own lexicon. The phrase list
(``data/lexicons/vader_phrases.csv``, on by default, ``phrases=False`` switches it off) scores
phrases of support and of closer relations whose words carry no sentiment one by one
("stand with", "shoulder to shoulder", "deepen ... ties") as one word each. Curly quotation
marks and apostrophes are always straightened first (VADER as distributed misses “ally,”
and We’re).

Limits
------
* VADER scores words and simple rules (negation, boosters, "but"), tuned on social media:
  it reads tone, not who is praised or blamed (see :mod:`analysis.stance` for that), and
  misses irony, diplomatic understatement and threats stated without sentiment words
  ("every option remains available").
* Names of targets (``data/config/targets.yml``) are scored as unknown words (``names=True``,
  the default): VADER would read "United" in "the United Kingdom" (+1.8), "Security" in
  "Security Council" or "Great" in "Great Britain" as praise. Other names (people, parties,
  ships) are not masked. Aliases match case-sensitively: in an all-capitals quotation only
  acronyms are masked (and "US" may be the pronoun).
* A quotation that mixes a negative backdrop with a positive main point ("amid the threat,
  we are with you") gets the sum of both, with the backdrop's words (after "amid",
  "despite", ... up to the next comma, sentence end or dash) counted half and the other
  words of the quotation 1.5 times by default (``backdrop=True``, as VADER weights the
  words before and after "but"); the label follows the stronger words. A backdrop that is not set off by "amid" or "despite"
  counts in full.
* Phrases are tone, not stance: "accused X of standing with Y" gains the support of
  "standing with" as VADER's "support" would. They are literal word sequences (no parser):
  "deepen the already close ties" is not matched (one optional determiner and one
  optional adjective at most), and literal
  standing ("stood with his arms crossed") or the noun ("his standing with voters") is read
  as support. A phrase's valence replaces those of its words.
* The lexicon files are read once per process and again when they change on disk.
* English only. Scores of quotations of very different length are not strictly comparable.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ._lexicon import PHRASES_FILE, SUPPLEMENT_FILE, load_phrases, load_supplement

__all__ = ["POS_THRESHOLD", "NEG_THRESHOLD", "SENTIMENT_COLUMNS", "label_compound",
           "analyzer", "score_text", "score_sentiment"]

#: The VADER authors' thresholds on the compound score.
POS_THRESHOLD = 0.05
NEG_THRESHOLD = -0.05
SENTIMENT_COLUMNS = ["sentiment_compound", "sentiment_pos", "sentiment_neu", "sentiment_neg",
                     "sentiment_label"]


def label_compound(compound: float) -> str:
    """``'positive'`` when ``compound >= 0.05``, ``'negative'`` when ``<= -0.05``, else neutral."""
    if compound >= POS_THRESHOLD:
        return "positive"
    if compound <= NEG_THRESHOLD:
        return "negative"
    return "neutral"


#: Words opening a backdrop phrase ("amid rising tensions, ...") whose words count half.
BACKDROP_WORDS = frozenset({"amid", "amidst", "despite", "notwithstanding"})
BACKDROP_WEIGHT = 0.5
#: Weight of the other words of a sentence with a backdrop phrase (its point), as VADER
#: weights the words after "but".
POINT_WEIGHT = 1.5
# VADER strips only ASCII punctuation, so a curly-quoted word (“ally,”) or a curly
# apostrophe (We’re) would miss the lexicon.
_QUOTE_MAP = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "„": '"', "«": '"',
                            "»": '"'})


#: What a target name becomes before scoring: one word VADER does not know, so that a
#: name of several words counts as one neutral word.
NAME_TOKEN = "Targetname"


def _in_case_of(token: str, written: str) -> str:
    # VADER boosts words in capitals when some words of a text are in capitals and others
    # not, so a replacement keeps the capitals of what it replaces.
    return token.upper() if written.isupper() else token


def _mask_names(text: str) -> str:
    from .targets import match_text

    spans = match_text(text)
    if not spans:
        return text
    out, last = [], 0
    for *_, start, end in spans:
        out += [text[last:start], _in_case_of(NAME_TOKEN, text[start:end])]
        last = end
    out.append(text[last:])
    return "".join(out)


_CLOSERS = (",", ";", ":", ".", "!", "?")
_DASHES = ("—", "–", "--")


def _backdrop_weights(raw: list[str]) -> list[float] | None:
    """Weight of each white-space token under the backdrop rule; None without a backdrop.

    A backdrop runs from "amid"/"despite"/... to the first token ending in a comma,
    semicolon, colon or sentence end, or holding a dash (a token that is only a dash
    ends it before itself); its words weigh ``BACKDROP_WEIGHT``, the opener 1 and every
    other word ``POINT_WEIGHT``.
    """
    weights, inside, opener = [], False, False
    for token in raw:
        if token.lower().strip("\"'(") in BACKDROP_WORDS:
            inside = opener = True
            weights.append(1.0)
            continue
        if inside and token.strip("—–-"):
            weights.append(BACKDROP_WEIGHT)
            if token.rstrip("\"')").endswith(_CLOSERS) or any(d in token for d in _DASHES):
                inside = False
            continue
        inside = False if not token.strip("—–-") else inside
        weights.append(POINT_WEIGHT)
    return weights if opener else None


#: What the n-th phrase of the phrase lexicon becomes before scoring: one word whose
#: valence is the phrase's (letters only, so that VADER keeps it whole).
def _phrase_token(n: int) -> str:
    letters = ""
    while True:
        n, r = divmod(n, 26)
        letters = chr(ord("a") + r) + letters
        if n == 0:
            return "Vaderphrase" + letters
        n -= 1


def _make_analyzer(backdrop: bool, names: bool = True, phrases=()):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    class _Analyzer(SentimentIntensityAnalyzer):
        """VADER plus phrases and a backdrop rule: words between "amid"/"despite" and the
        next comma, semicolon, colon, sentence end or dash count half and the quotation's
        other words 1.5 times, like the words before and after "but" in VADER's own rule
        (the backdrop of a statement is not its point)."""

        def __init__(self):
            super().__init__()
            # The tokens of the text being scored, per thread: the analyzer is cached and
            # shared, and VADER's _but_check sees only the punctuation-stripped words.
            self._local = threading.local()

        def polarity_scores(self, text):
            # Emoji become their descriptions here, as VADER would do inside, so that the
            # words the backdrop rule counts are the words VADER scores.
            text = text.translate(_QUOTE_MAP)
            if names:
                text = _mask_names(text)
            for regex, token in phrases:
                text = regex.sub(lambda m, token=token: _in_case_of(token, m.group(0)), text)
            text = self._describe_emoji(text)
            self._local.raw = text.split()
            return super().polarity_scores(text)

        def _describe_emoji(self, text):
            if not any(ch in self.emojis for ch in text):
                return text
            out, prev_space = [], True
            for ch in text:
                if ch in self.emojis:
                    out.append(("" if prev_space else " ") + self.emojis[ch])
                    prev_space = False
                else:
                    out.append(ch)
                    prev_space = ch == " "
            return "".join(out).strip()

        def _but_check(self, words_and_emoticons, sentiments):
            sentiments = SentimentIntensityAnalyzer._but_check(words_and_emoticons, sentiments)
            raw = getattr(self._local, "raw", [])
            # The lengths always agree (both split the same text on white space); the check
            # guards against a VADER version that tokenises differently.
            if not backdrop or len(raw) != len(sentiments):
                return sentiments
            weights = _backdrop_weights(raw)
            if weights is None:
                return sentiments
            return [v * w for v, w in zip(sentiments, weights, strict=True)]

    return _Analyzer()


@lru_cache(maxsize=8)
def _analyzer(supplement: tuple[str, int] | None, backdrop: bool, names: bool,
              phrases_file: tuple[str, int] | None = None):
    phrases = load_phrases(phrases_file[0]) if phrases_file is not None else []
    tokens = [(regex, _phrase_token(n)) for n, (regex, _, _) in enumerate(phrases)]
    sia = _make_analyzer(backdrop, names, tokens)
    if supplement is not None:
        sia.lexicon.update(load_supplement(supplement[0]))
    for (_, token), (_, valence, _) in zip(tokens, phrases, strict=True):
        sia.lexicon[token.lower()] = valence
    return sia


def _path_or_none(value, default: Path) -> tuple[str, int] | None:
    # The file's modification time is part of the cache key, so that an edited lexicon
    # is read again (a researcher tuning a list in a notebook need not restart it).
    if value is False or value is None:
        return None
    path = default if value is True else Path(value)
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        mtime = -1  # the loader names the missing file
    return str(path), mtime


def analyzer(supplement: bool | str | Path = True, backdrop: bool = True, names: bool = True,
             phrases: bool | str | Path = True):
    """A VADER analyzer.

    Parameters
    ----------
    supplement : bool or path
        True: add the shipped security supplement; a path: another ``word,valence`` CSV;
        False: VADER's lexicon only.
    backdrop : bool
        Halve words of "amid ..."/"despite ..." phrases (up to the next comma, sentence end
        or dash) and weight the quotation's other words 1.5 times. False gives VADER's own rules (curly quotes
        are still normalised, which only helps VADER).
    names : bool
        Score each target name (``data/config/targets.yml``) as one unknown word. False
        gives VADER's reading of the words in names ("United" +1.8).
    phrases : bool or path
        True: score each phrase of the shipped ``data/lexicons/vader_phrases.csv`` ("stand
        with", "deepen ... ties") as one word with the phrase's valence; a path: another
        ``phrase,valence`` CSV; False: no phrases.
    """
    return _analyzer(_path_or_none(supplement, SUPPLEMENT_FILE), backdrop, names,
                     _path_or_none(phrases, PHRASES_FILE))


def score_text(text: str, supplement: bool | str | Path = True,
               backdrop: bool = True, names: bool = True,
               phrases: bool | str | Path = True) -> dict[str, float]:
    """VADER scores of one string: ``compound``, ``pos``, ``neu``, ``neg`` (parameters as
    :func:`analyzer`)."""
    return analyzer(supplement, backdrop, names, phrases).polarity_scores(text)


def score_sentiment(quotes: pd.DataFrame, supplement: bool | str | Path = True,
                    text_column: str = "text", backdrop: bool = True,
                    names: bool = True, phrases: bool | str | Path = True) -> pd.DataFrame:
    """Add VADER sentiment of each quotation.

    Parameters
    ----------
    quotes : DataFrame
        Quotes contract; only ``text`` (the quotation; for mixed and indirect quotes the
        reported clause) is read.
    supplement : bool or path, default True
        Add the security-vocabulary supplement to VADER's lexicon (True: the shipped file;
        a path: another CSV with ``word,valence``; False: VADER's own lexicon).
    text_column : str
        Column holding the text to score.
    backdrop : bool, default True
        Halve the words of "amid ..."/"despite ..." phrases up to the next comma (the
        backdrop of a statement, not its point) and weight the other words of such a
        quotation 1.5 times; False keeps VADER's rules only.
    names : bool, default True
        Score target names (``data/config/targets.yml``) as one unknown word each, so that
        "the United Kingdom" or "the Security Council" is not read as praise.
    phrases : bool or path, default True
        Score the phrases of ``data/lexicons/vader_phrases.csv`` (support and closer
        relations stated without sentiment words: "stand with", "deepen ... ties") as one
        word each with the phrase's valence (True: the shipped file; a path: another CSV
        with ``phrase,valence``; False: none).

    Returns
    -------
    DataFrame
        A copy of ``quotes`` plus ``sentiment_compound`` (-1..1), ``sentiment_pos``,
        ``sentiment_neu``, ``sentiment_neg`` (proportions, sum to 1) and ``sentiment_label``
        (positive / negative / neutral by the ±0.05 convention). Missing or empty text gives
        compound 0, neu 1 and label neutral.

    Raises
    ------
    ValueError
        When ``text_column`` is absent.
    """
    if text_column not in quotes.columns:
        raise ValueError(f"quotes has no {text_column!r} column (columns: {list(quotes.columns)})")
    sia = analyzer(supplement, backdrop, names, phrases)
    scores = []
    for t in quotes[text_column]:
        if isinstance(t, str) and t.strip():
            scores.append(sia.polarity_scores(t))
        else:
            scores.append({"compound": 0.0, "pos": 0.0, "neu": 1.0, "neg": 0.0})
    out = quotes.copy()
    out["sentiment_compound"] = [s["compound"] for s in scores]
    out["sentiment_pos"] = [s["pos"] for s in scores]
    out["sentiment_neu"] = [s["neu"] for s in scores]
    out["sentiment_neg"] = [s["neg"] for s in scores]
    # Typed as text even with no rows (an empty list would make it float).
    out["sentiment_label"] = pd.Series([label_compound(c) for c in out["sentiment_compound"]],
                                       index=out.index, dtype="str")
    return out
