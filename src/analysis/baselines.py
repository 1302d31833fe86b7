"""Target-blind reference methods that stance scores are compared against.

Neither looks at the target: they label the whole sentence, so they cannot tell
"we support A against B" apart for A and B. They exist to show what the
target-aware methods of :mod:`analysis.stance` add.

- :func:`vader_stance` maps VADER's sentence compound score to a stance
  (positive -> favor, negative -> against, else neutral; the ±0.05 thresholds
  of :func:`analysis.sentiment.label_compound`), with plain VADER (no supplement, phrases,
  backdrop rule or name masking).
- :func:`tfidf_baseline` is a scikit-learn pipeline: TF-IDF word uni- and
  bigrams and a class-balanced logistic regression, fit on sentence text.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from analysis.sentiment import label_compound, score_text

_SENTIMENT_TO_STANCE = {"positive": "favor", "negative": "against", "neutral": "neutral"}


def vader_stance(texts: Iterable[str]) -> np.ndarray:
    """Stance labels from plain VADER sentence sentiment, one per text."""
    return np.array([
        _SENTIMENT_TO_STANCE[label_compound(
            score_text(t, supplement=False, backdrop=False, names=False,
                       phrases=False)["compound"])]
        for t in texts
    ])


def tfidf_baseline(C: float = 4.0, min_df: int = 2) -> Pipeline:
    """An unfitted TF-IDF + logistic-regression pipeline over sentence text.

    Fit it with ``fit(texts, stances)``; it ignores the target.
    """
    return Pipeline([
        ("tfidf", TfidfVectorizer(ngram_range=(1, 2), min_df=min_df, sublinear_tf=True)),
        ("logreg", LogisticRegression(C=C, class_weight="balanced", max_iter=2000)),
    ])
