"""Security-threat framing of quotations: threat types, called-for responses, severity, urgency.

Two methods share one output format:

Dictionary (default)
    :func:`code_frames` matches the cue patterns of the codebook
    ``data/codebooks/security_frames.yml`` (grounding and schema in
    ``data/codebooks/README.md``) against each quotation's text. Every code it
    assigns carries its evidence: the matched words and their document offsets.
Supervised
    :class:`FrameClassifier`, a scikit-learn multi-label estimator (TF-IDF and one
    logistic regression per code) that researchers train on their own
    hand-coded quotations; pass the fitted estimator to ``code_frames(...,
    classifier=...)`` to use it in place of the cue lists.

Tables
------
Input *quotes* (the :mod:`analysis.quotes` contract; only these columns are used):
``doc_id``, ``quote_id``, ``start`` (document offset of the quotation's text) and
``text`` (the quoted words of a direct quote, the reported clause of a mixed or
indirect one).

Input *stance* (optional, the :mod:`analysis.stance` contract): ``quote_id``,
``target``, ``stance`` and, when present, ``mention_start`` (used for order).

Output *frames*: one row per (quotation, code, piece of evidence) with columns
:data:`FRAME_COLUMNS`: ``doc_id``, ``quote_id``, ``code``, ``evidence`` (the
matched words, exactly as in the document), ``evidence_start``, ``evidence_end``
(document offsets: quotation start plus the offset within the quotation text).

Output *per-quote*: one row per input quotation, columns :data:`PER_QUOTE_COLUMNS`:
``severity`` (int 0-3), ``urgency`` (bool) and ``threat_source`` (targets the
speaker is *against* in a quotation with a threat code, ``';'``-joined in order of
mention; empty when none or when no stance table is given).

Limits
------
* Cues are surface patterns. They miss paraphrase and metaphor, cannot resolve
  what "the North" or "it" refers to (a threat of unnamed kind is coded
  ``threat.unspecified``) and read sarcasm literally.
* Negation is a window of a few words before a cue inside its clause ("not a
  threat", "no longer a danger"); double negation and negation after the cue
  ("a threat? Not at all") are not handled.
* Severity is the highest severity level whose cues appear anywhere in the
  quotation, not necessarily next to the threat words.
* Coding is per quotation; context outside the quotation is ignored by design.
* English only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.utils.validation import check_is_fitted

from .config import ConfigError, load_yaml
from .paths import ANNOTATIONS_DIR, FRAMES_CODEBOOK_FILE

__all__ = [
    "FRAME_COLUMNS",
    "PER_QUOTE_COLUMNS",
    "REQUIRED_CODES",
    "GOLD_FRAMES_FILE",
    "CodebookError",
    "Codebook",
    "FrameClassifier",
    "load_codebook",
    "check_examples",
    "code_frames",
    "load_gold_frames",
    "compare_to_gold",
]

FRAME_COLUMNS = ["doc_id", "quote_id", "code", "evidence", "evidence_start", "evidence_end"]
PER_QUOTE_COLUMNS = ["doc_id", "quote_id", "severity", "urgency", "threat_source"]

#: Codes every codebook must define (more may be added, e.g. ``threat.unspecified``).
REQUIRED_CODES = (
    "threat.military_wmd",
    "threat.coercion_territorial",
    "threat.terrorism",
    "threat.cyber_hybrid",
    "threat.economic_coercion",
    "threat.instability",
    "response.deterrence_military",
    "response.diplomacy_peaceful",
    "response.alliance_partnership",
    "response.rules_order_values",
    "response.economic_sanctions",
)
#: Fields every code (and every severity level, and urgency) must have.
CODE_FIELDS = ("definition", "include", "exclude", "cues", "examples")
DIMENSIONS = ("threat", "response")
SEVERITY_LEVELS = (0, 1, 2, 3)

#: Hand-coded frames of the sample article (see data/annotations/README.md).
GOLD_FRAMES_FILE = ANNOTATIONS_DIR / "sample_frames.csv"

# Curly quotes, apostrophes and dashes become their ASCII forms one character for
# one character, so cues stay simple and offsets into the text do not move.
_NORMALISE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
    "\u00a0": " ",
})
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


class CodebookError(ConfigError):
    """The codebook file is malformed; the message names the file and the code."""


@dataclass(frozen=True)
class Code:
    """One frame code of the codebook (fields as in the YAML file)."""

    id: str
    dimension: str
    label: str
    definition: str
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    cues: tuple[str, ...]
    exclude_cues: tuple[str, ...]
    yields_to: tuple[str, ...]
    examples: dict
    pattern: re.Pattern
    exclude_pattern: re.Pattern | None


@dataclass(frozen=True)
class Codebook:
    """A loaded, validated and compiled codebook (see :func:`load_codebook`).

    Attributes
    ----------
    path : Path
        The file it was read from.
    codes : dict of str to Code
        Frame codes by id, in file order.
    severity_patterns : dict of int to re.Pattern or None
        Compiled cues of severity levels 1-3.
    severity_default : int
        Severity of a quotation with a threat code and no severity cue.
    urgency_pattern : re.Pattern
        Compiled urgency cues.
    negation_window : int
        Words before a cue searched for a negator.
    negator_pattern : re.Pattern
        Matches a negator inside that window (lower-cased).
    pseudo_negations : tuple of str
        Phrases starting with a negator that do not negate ("not only").
    clause_break_pattern : re.Pattern
        Where a clause ends; the negation window never crosses it.
    raw : dict
        The parsed YAML, for display.
    """

    path: Path
    codes: dict
    severity_patterns: dict
    severity_default: int
    urgency_pattern: re.Pattern
    negation_window: int
    negator_pattern: re.Pattern
    pseudo_negations: tuple[str, ...]
    clause_break_pattern: re.Pattern
    raw: dict = field(repr=False)

    @property
    def threat_codes(self) -> list[str]:
        """Ids of the threat codes, in file order."""
        return [c for c, code in self.codes.items() if code.dimension == "threat"]

    @property
    def response_codes(self) -> list[str]:
        """Ids of the response codes, in file order."""
        return [c for c, code in self.codes.items() if code.dimension == "response"]

    def table(self) -> pd.DataFrame:
        """The codes as a table: ``code``, ``dimension``, ``label``, ``definition``, ``n_cues``."""
        return pd.DataFrame(
            [(c.id, c.dimension, c.label, c.definition, len(c.cues)) for c in self.codes.values()],
            columns=["code", "dimension", "label", "definition", "n_cues"],
        )


# ----------------------------------------------------------------- loading

def _cue_regex(cue: str) -> str:
    """A cue as a regex fragment: spaces outside ``[...]`` match any whitespace run."""
    out, depth, escaped = [], 0, False
    for ch in cue:
        if escaped:
            out.append(ch)
            escaped = False
        elif ch == "\\":
            out.append(ch)
            escaped = True
        elif ch == "[":
            depth += 1
            out.append(ch)
        elif ch == "]" and depth:
            depth -= 1
            out.append(ch)
        elif ch == " " and not depth:
            out.append(r"\s+")
        else:
            out.append(ch)
    return "".join(out)


def _compile_cues(cues, where: str, path: Path) -> re.Pattern | None:
    """One case-insensitive pattern for a list of cues, each bounded by word edges."""
    if not cues:
        return None
    parts = []
    for i, cue in enumerate(cues):
        if not isinstance(cue, str) or not cue.strip():
            raise CodebookError(f"{path}: {where}: cue {i} must be a non-empty string, got {cue!r}")
        try:
            re.compile(cue)
        except re.error as exc:
            raise CodebookError(f"{path}: {where}: cue {cue!r} is not a valid regex: {exc}") from None
        parts.append(f"(?:{_cue_regex(cue.strip())})")
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def _require(entry: dict, where: str, path: Path, fields=CODE_FIELDS) -> None:
    if not isinstance(entry, dict):
        raise CodebookError(f"{path}: {where} must be a mapping with fields {list(fields)}")
    missing = [f for f in fields if f not in entry or entry[f] is None]
    if missing:
        raise CodebookError(f"{path}: {where} lacks required field(s) {missing}; "
                            f"every code needs {list(fields)}")
    for f in ("definition",):
        if f in fields and not str(entry[f]).strip():
            raise CodebookError(f"{path}: {where}: '{f}' is empty")
    for f in ("include", "exclude", "cues"):
        if f in fields and not isinstance(entry[f], list):
            raise CodebookError(f"{path}: {where}: '{f}' must be a list, "
                                f"got {type(entry[f]).__name__}")
        bad = [x for x in entry.get(f) or [] if not isinstance(x, str)]
        if bad:
            raise CodebookError(f"{path}: {where}: '{f}' entries must be strings, got {bad} "
                                "(quote them: YAML reads bare no/yes/on/off as booleans)")


def _examples(entry: dict, where: str, path: Path):
    ex = entry["examples"]
    if isinstance(ex, list):
        ex = {"positive": ex, "negative": []}
    if not isinstance(ex, dict) or not ex.get("positive"):
        raise CodebookError(f"{path}: {where}: 'examples' needs at least one positive example "
                            "(a list, or a mapping with 'positive' and 'negative' lists)")
    return ex


_CACHE: dict = {}


def load_codebook(path: str | Path = FRAMES_CODEBOOK_FILE) -> Codebook:
    """Read, validate and compile the framing codebook.

    Parameters
    ----------
    path : str or Path, default ``data/codebooks/security_frames.yml``
        The YAML codebook (schema in ``data/codebooks/README.md``).

    Returns
    -------
    Codebook

    Raises
    ------
    CodebookError
        When a required code is missing, a code lacks ``definition``, ``include``,
        ``exclude``, ``cues`` or ``examples``, a dimension or ``yields_to`` id is
        unknown, a cue is not a valid regex, or the severity/urgency sections are
        incomplete. The message names the file and the code.
    """
    path = Path(path)
    try:
        key = (str(path.resolve()), path.stat().st_mtime_ns)
    except FileNotFoundError:
        raise CodebookError(f"{path}: codebook file not found") from None
    if key in _CACHE:
        return _CACHE[key]
    raw = load_yaml(path)
    codes_raw = raw.get("codes")
    if not isinstance(codes_raw, dict) or not codes_raw:
        raise CodebookError(f"{path}: needs a non-empty 'codes' mapping of code id to fields")
    missing = [c for c in REQUIRED_CODES if c not in codes_raw]
    if missing:
        raise CodebookError(f"{path}: required code(s) missing: {missing}")
    codes = {}
    for cid, entry in codes_raw.items():
        where = f"code {cid!r}"
        _require(entry, where, path)
        dim = entry.get("dimension", str(cid).split(".", 1)[0])
        if dim not in DIMENSIONS:
            raise CodebookError(f"{path}: {where}: dimension {dim!r} not one of {list(DIMENSIONS)}")
        if not str(cid).startswith(f"{dim}."):
            raise CodebookError(f"{path}: {where}: the id must start with '{dim}.' (its "
                                "dimension), as the tables group codes by that prefix")
        if not entry["cues"]:
            raise CodebookError(f"{path}: {where}: 'cues' is empty")
        yields = tuple(entry.get("yields_to") or ())
        unknown = [y for y in yields if y not in codes_raw]
        if unknown:
            raise CodebookError(f"{path}: {where}: yields_to names unknown code(s) {unknown}")
        codes[cid] = Code(
            id=cid, dimension=dim, label=str(entry.get("label", cid)),
            definition=str(entry["definition"]).strip(),
            include=tuple(entry["include"]), exclude=tuple(entry["exclude"]),
            cues=tuple(entry["cues"]), exclude_cues=tuple(entry.get("exclude_cues") or ()),
            yields_to=yields, examples=_examples(entry, where, path),
            pattern=_compile_cues(entry["cues"], where, path),
            exclude_pattern=_compile_cues(entry.get("exclude_cues") or (), where, path),
        )

    sev = raw.get("severity")
    if not isinstance(sev, dict) or not isinstance(sev.get("levels"), dict):
        raise CodebookError(f"{path}: needs a 'severity' section with 'levels' {list(SEVERITY_LEVELS)}")
    levels = {int(k): v for k, v in sev["levels"].items()}
    if sorted(levels) != list(SEVERITY_LEVELS):
        raise CodebookError(f"{path}: severity levels must be exactly {list(SEVERITY_LEVELS)}, "
                            f"got {sorted(levels)}")
    severity_patterns = {}
    for lvl, entry in levels.items():
        _require(entry, f"severity level {lvl}", path)
        if lvl and not entry["cues"]:
            raise CodebookError(f"{path}: severity level {lvl}: 'cues' is empty")
        severity_patterns[lvl] = _compile_cues(entry["cues"], f"severity level {lvl}", path)
    default = int(sev.get("default_with_threat", 1))
    if default not in (1, 2, 3):
        raise CodebookError(f"{path}: severity default_with_threat must be 1, 2 or 3, got {default}")

    urg = raw.get("urgency")
    _require(urg, "urgency", path)
    if not urg["cues"]:
        raise CodebookError(f"{path}: urgency: 'cues' is empty")

    neg = raw.get("negation") or {}
    for key in ("negators", "pseudo"):
        bad = [n for n in neg.get(key, []) if not isinstance(n, str)]
        if bad:
            # A bare `no` in YAML is the boolean false; say so rather than ignore it.
            raise CodebookError(f"{path}: negation.{key}: entries must be quoted strings, got "
                                f"{bad} (YAML reads a bare no/yes/on/off as a boolean)")
    negators = [n.lower() for n in neg.get("negators", ["not", "n't", "no", "never"])]
    plain = sorted((n for n in negators if n != "n't"), key=len, reverse=True)
    neg_alts = [r"\b" + r"\s+".join(map(re.escape, n.split())) + r"\b" for n in plain]
    if "n't" in negators:
        neg_alts.append(r"\w+n't\b")
    book = Codebook(
        path=path, codes=codes, severity_patterns=severity_patterns, severity_default=default,
        urgency_pattern=_compile_cues(urg["cues"], "urgency", path),
        negation_window=int(neg.get("window", 4)),
        negator_pattern=re.compile("|".join(neg_alts)),
        pseudo_negations=tuple(" ".join(str(p).lower().split()) for p in neg.get("pseudo", [])),
        clause_break_pattern=re.compile(neg.get("clause_breaks", r"[.;:!?,()\"]")),
        raw=raw,
    )
    _CACHE.clear()
    _CACHE[key] = book
    return book


def _resolve(codebook) -> Codebook:
    if codebook is None:
        return load_codebook()
    if isinstance(codebook, Codebook):
        return codebook
    if isinstance(codebook, (str, Path)):
        return load_codebook(codebook)
    raise TypeError(f"codebook must be a Codebook, a path or None, got {type(codebook).__name__}")


# ----------------------------------------------------------------- matching

def _negated(book: Codebook, low: str, start: int) -> bool:
    """Whether a negator sits in the few words before ``start``, inside the same clause."""
    before = low[max(0, start - 80):start].lower()
    cut = 0
    for m in book.clause_break_pattern.finditer(before):
        cut = m.end()
    before = before[cut:]
    words = _WORD.findall(before)
    if not words:
        return False
    window = " ".join(words[-book.negation_window:])
    found = False
    for m in book.negator_pattern.finditer(window):
        tail = window[m.start():] + " " + " ".join(_WORD.findall(low[start:start + 40].lower()))
        if not any(tail.startswith(p) for p in book.pseudo_negations):
            found = True
    return found


def _matches(book: Codebook, pattern, exclude, low: str) -> list[tuple[int, int]]:
    """Spans of non-negated, non-excluded cue matches in normalised text."""
    if pattern is None:
        return []
    spans = [(m.start(), m.end()) for m in pattern.finditer(low) if m.end() > m.start()]
    if not spans:
        return spans
    if exclude is not None:
        blocked = [(m.start(), m.end()) for m in exclude.finditer(low)]
        if blocked:
            spans = [s for s in spans if not any(s[0] < b1 and b0 < s[1] for b0, b1 in blocked)]
    return [s for s in spans if not _negated(book, low, s[0])]


def _code_text(book: Codebook, text: str):
    """Codes with their spans, severity and urgency of one quotation text."""
    # No lower(): it can change the length of some strings and shift offsets;
    # the patterns are case-insensitive instead.
    low = text.translate(_NORMALISE)
    found = {}
    for cid, code in book.codes.items():
        spans = _matches(book, code.pattern, code.exclude_pattern, low)
        if spans:
            found[cid] = spans
    for cid in list(found):
        if any(y in found for y in book.codes[cid].yields_to):
            del found[cid]
    return low, found


def check_examples(codebook: Codebook | str | Path | None = None) -> pd.DataFrame:
    """The examples of a codebook that its own cues get wrong.

    Run it after editing a codebook: a positive example its code does not find, or a
    negative example its code finds, says a cue is too narrow or too broad.

    Parameters
    ----------
    codebook : Codebook, path or None
        Default ``data/codebooks/security_frames.yml``.

    Returns
    -------
    DataFrame
        One row per disagreement: ``code``, ``example``, ``expected`` (True for a positive
        example), ``coded`` (whether the code was found); empty when all agree.

    Notes
    -----
    Limits: the shipped codebook has one disagreement it keeps, "The police said the
    protest was illegal." for ``response.rules_order_values``: its cue "illegal" cannot
    tell a domestic matter from a breach of international law.
    """
    book = _resolve(codebook)
    rows = []
    for cid, code in book.codes.items():
        for expected in (True, False):
            for ex in code.examples.get("positive" if expected else "negative", []):
                coded = cid in _code_text(book, ex)[1]
                if coded != expected:
                    rows.append({"code": cid, "example": ex, "expected": expected,
                                 "coded": coded})
    return pd.DataFrame(rows, columns=["code", "example", "expected", "coded"])


def _severity(book: Codebook, low: str, has_threat: bool) -> int:
    if not has_threat:
        return 0
    for lvl in (3, 2, 1):
        if _matches(book, book.severity_patterns[lvl], None, low):
            return lvl
    return book.severity_default


def _check_quotes(quotes: pd.DataFrame) -> None:
    if not isinstance(quotes, pd.DataFrame):
        raise TypeError(f"quotes must be a pandas DataFrame, got {type(quotes).__name__}")
    missing = [c for c in ("doc_id", "quote_id", "start", "text") if c not in quotes.columns]
    if missing:
        raise ValueError(f"quotes table lacks column(s) {missing}; needs doc_id, quote_id, start, "
                         f"text (has {list(quotes.columns)})")
    bad = quotes["start"].isna()
    if bad.any():
        raise ValueError(f"quotes table: 'start' is missing in row(s) "
                         f"{list(quotes.index[bad][:5])} (quote_id "
                         f"{list(quotes.loc[bad, 'quote_id'][:5])}); it must be a document offset")


def _threat_sources(stance: pd.DataFrame | None, threat_quotes: set) -> dict:
    if stance is None or len(stance) == 0 or not threat_quotes:
        return {}
    missing = [c for c in ("quote_id", "target", "stance") if c not in stance.columns]
    if missing:
        raise ValueError(f"stance table lacks column(s) {missing}; needs quote_id, target, stance")
    st = stance[stance["quote_id"].isin(threat_quotes) & (stance["stance"] == "against")]
    if "mention_start" in st.columns:
        st = st.sort_values(["quote_id", "mention_start"], kind="stable")
    out = {}
    for qid, targets in st.groupby("quote_id", sort=False)["target"]:
        out[qid] = ";".join(dict.fromkeys(str(t) for t in targets if pd.notna(t)))
    return out


def code_frames(quotes: pd.DataFrame, stance: pd.DataFrame | None = None,
                codebook: Codebook | str | Path | None = None, *,
                classifier: FrameClassifier | None = None):
    """Code each quotation for threat types, responses, severity and urgency.

    Parameters
    ----------
    quotes : DataFrame
        Quotations; uses ``doc_id``, ``quote_id``, ``start``, ``text`` (module docstring).
    stance : DataFrame, optional
        Target stance rows (``quote_id``, ``target``, ``stance``, optionally
        ``mention_start``); used only for ``threat_source``.
    codebook : Codebook, path or None
        The codebook; None loads ``data/codebooks/security_frames.yml``.
    classifier : FrameClassifier, optional
        A fitted :class:`FrameClassifier`. When given, it decides the codes; the
        evidence of each code is its cue matches when there are any, otherwise the
        whole quotation. Severity and urgency always come from the codebook cues.

    Returns
    -------
    frames : DataFrame
        One row per (quotation, code, evidence), columns :data:`FRAME_COLUMNS`,
        ordered by input row then evidence offset.
    per_quote : DataFrame
        One row per input quotation, columns :data:`PER_QUOTE_COLUMNS`; severity
        is 0 whenever the quotation has no threat code.

    Raises
    ------
    ValueError
        When a required column is missing or a ``start`` is empty.
    """
    _check_quotes(quotes)
    book = _resolve(codebook)
    doc_ids = quotes["doc_id"].astype(str).tolist()
    qids = quotes["quote_id"].astype(str).tolist()
    starts = quotes["start"].astype(int).tolist()
    texts = quotes["text"].fillna("").astype(str).tolist()
    predicted = None
    if classifier is not None:
        check_is_fitted(classifier, "classes_")
        unknown = [c for c in classifier.classes_ if c not in book.codes]
        if unknown:
            raise ValueError(f"classifier predicts code(s) {unknown} that the codebook "
                             f"{book.path} does not define; allowed: {list(book.codes)}")
        predicted = classifier.predict(texts) if texts else []
        if classifier.output == "indicator":
            predicted = [[classifier.classes_[j] for j in np.flatnonzero(row)] for row in predicted]

    rows, severity, urgency, threat_quotes = [], [], [], set()
    threat_ids = set(book.threat_codes)
    for i, text in enumerate(texts):
        low, found = _code_text(book, text)
        codes = list(found) if predicted is None else list(predicted[i])
        base = starts[i]
        quote_rows = []
        for cid in codes:
            spans = found.get(cid) or [(0, len(text))]
            for s, e in spans:
                quote_rows.append((doc_ids[i], qids[i], cid, text[s:e], base + s, base + e))
        quote_rows.sort(key=lambda r: (r[4], r[2]))
        rows.extend(quote_rows)
        has_threat = any(c in threat_ids for c in codes)
        if has_threat:
            threat_quotes.add(qids[i])
        severity.append(_severity(book, low, has_threat))
        urgency.append(bool(_matches(book, book.urgency_pattern, None, low)))

    # Explicit dtypes: with no quotations the columns would otherwise be float64
    # and no longer merge with the quotes table on doc_id / quote_id.
    frames = pd.DataFrame(rows, columns=FRAME_COLUMNS)
    frames = frames.astype({"doc_id": "str", "quote_id": "str", "code": "str",
                            "evidence": "str", "evidence_start": "int64",
                            "evidence_end": "int64"})
    sources = _threat_sources(stance, threat_quotes)
    per_quote = pd.DataFrame({
        "doc_id": pd.Series(doc_ids, dtype="str"), "quote_id": pd.Series(qids, dtype="str"),
        "severity": np.asarray(severity, dtype="int64"),
        "urgency": np.asarray(urgency, dtype=bool),
        "threat_source": pd.Series([sources.get(q, "") for q in qids], dtype="str"),
    }, columns=PER_QUOTE_COLUMNS)
    return frames, per_quote


# ----------------------------------------------------------------- supervised

class FrameClassifier(BaseEstimator):
    """Multi-label frame classifier: TF-IDF features, one logistic regression per code.

    For researchers who hand-code their own quotations and want a model of
    their coding. Follows scikit-learn conventions (works in ``Pipeline``,
    ``clone``, ``GridSearchCV`` and ``cross_val_score``).

    Parameters
    ----------
    C : float, default 4.0
        Inverse regularisation strength of each logistic regression.
    ngram_range : tuple, default (1, 2)
        Word n-grams used as features.
    min_df : int or float, default 1
        Minimum document frequency of a feature.
    max_features : int or None, default 20000
        Vocabulary cap.
    class_weight : dict, 'balanced' or None, default 'balanced'
        Passed to each logistic regression (codes are rare, so balanced by default).
    threshold : float, default 0.5
        Probability above which a code is assigned.
    output : {'lists', 'indicator'}, default 'lists'
        What :meth:`predict` returns: a list of code lists (one per text) or a 0/1
        indicator matrix whose columns follow ``classes_``. With ``'indicator'``
        and an indicator ``y``, scikit-learn's multi-label scorers (e.g.
        ``scoring='f1_micro'``) work.

    Attributes
    ----------
    classes_ : ndarray of str
        The codes seen in training, sorted.
    binarizer_ : MultiLabelBinarizer
    vectorizer_ : TfidfVectorizer
    model_ : OneVsRestClassifier

    Notes
    -----
    ``y`` may be a list of code lists (``[["threat.terrorism"], []]``), a list of
    ``';'``-joined strings, or a 0/1 indicator matrix (columns named by
    ``classes_`` after fitting: pass a DataFrame to name them, else they are
    ``"0"``, ``"1"``, ...). The estimator does not declare itself a classifier
    to scikit-learn, so ``cross_val_score`` uses plain K-fold splits (stratified
    splits do not exist for code lists) and :meth:`score` (micro-averaged F1).
    A code present in every or in no training text is predicted constantly.
    Bag-of-words models ignore negation and word order beyond bigrams and need
    a few dozen coded examples per code to be useful.
    """

    def __init__(self, C=4.0, ngram_range=(1, 2), min_df=1, max_features=20000,
                 class_weight="balanced", threshold=0.5, output="lists"):
        self.C = C
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.class_weight = class_weight
        self.threshold = threshold
        self.output = output

    @staticmethod
    def _texts(X) -> list[str]:
        if isinstance(X, pd.DataFrame):
            if "text" not in X.columns:
                raise ValueError(f"X is a DataFrame without a 'text' column (has {list(X.columns)})")
            X = X["text"]
        if isinstance(X, str):
            raise ValueError("X must be a list of texts, not a single string")
        return ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in X]

    def _indicator(self, y, n: int, fitting: bool):
        if isinstance(y, pd.DataFrame) or (isinstance(y, np.ndarray) and y.ndim == 2):
            Y = np.asarray(y, dtype=int)
            if fitting:
                names = (list(map(str, y.columns)) if isinstance(y, pd.DataFrame)
                         else [str(j) for j in range(Y.shape[1])])
                self.binarizer_ = MultiLabelBinarizer(classes=names).fit([names])
        else:
            lists = []
            for i, labels in enumerate(y):
                if isinstance(labels, str):
                    labels = [c for c in labels.split(";") if c.strip()]
                elif labels is None or (isinstance(labels, float) and np.isnan(labels)):
                    labels = []
                elif not isinstance(labels, (list, tuple, set, np.ndarray)):
                    raise ValueError(f"y[{i}] must be a list of codes or a ';'-joined string, "
                                     f"got {type(labels).__name__}")
                lists.append([str(c).strip() for c in labels])
            if fitting:
                self.binarizer_ = MultiLabelBinarizer().fit(lists)
            Y = self.binarizer_.transform(lists)
        if Y.shape[0] != n:
            raise ValueError(f"X has {n} texts but y has {Y.shape[0]} label rows")
        return Y

    def fit(self, X, y):
        """Learn one logistic regression per code.

        Parameters
        ----------
        X : sequence of str, or DataFrame with a ``text`` column
        y : list of code lists, ';'-joined strings, or indicator matrix

        Returns
        -------
        self
        """
        if self.output not in ("lists", "indicator"):
            raise ValueError(f"output must be 'lists' or 'indicator', got {self.output!r}")
        texts = self._texts(X)
        Y = self._indicator(y, len(texts), fitting=True)
        if Y.shape[1] == 0:
            raise ValueError("y contains no codes at all; nothing to learn")
        self.classes_ = np.asarray(self.binarizer_.classes_, dtype=object)
        self.vectorizer_ = TfidfVectorizer(ngram_range=tuple(self.ngram_range), min_df=self.min_df,
                                           max_features=self.max_features, sublinear_tf=True)
        try:
            features = self.vectorizer_.fit_transform(texts)
        except ValueError as exc:
            raise ValueError(f"no word features in X ({exc}); texts are empty or hold only "
                             "one-letter words or stop words") from None
        base = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=1000)
        import warnings

        with warnings.catch_warnings():
            # A code present in all or none of a small training fold is predicted
            # constantly; that is documented, so its warning is noise.
            warnings.filterwarnings("ignore", message="Label .* is present in all training")
            self.model_ = OneVsRestClassifier(base).fit(features, Y)
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Probability of each code (columns follow ``classes_``), shape (n_texts, n_codes)."""
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(self.vectorizer_.transform(self._texts(X)))

    def predict(self, X):
        """Codes of each text: a list of code lists, or an indicator matrix (see ``output``)."""
        Y = (self.predict_proba(X) >= self.threshold).astype(int)
        if self.output == "indicator":
            return Y
        return [[self.classes_[j] for j in np.flatnonzero(row)] for row in Y]

    def score(self, X, y) -> float:
        """Micro-averaged F1 of the predicted codes against ``y`` (any form ``fit`` accepts)."""
        check_is_fitted(self, "model_")
        texts = self._texts(X)
        Y = self._indicator(y, len(texts), fitting=False) if not (
            isinstance(y, np.ndarray) and y.ndim == 2) else np.asarray(y, dtype=int)
        P = (self.predict_proba(texts) >= self.threshold).astype(int)
        tp = int((P & Y).sum())
        denom = int(P.sum() + Y.sum())
        return 1.0 if denom == 0 else 2 * tp / denom


# ----------------------------------------------------------------- gold

def load_gold_frames(path: str | Path = GOLD_FRAMES_FILE) -> pd.DataFrame:
    """Read hand-coded frames: one row per quotation.

    Returns
    -------
    DataFrame
        ``doc_id``, ``start``, ``end`` (quotation span, document offsets),
        ``codes`` (list of str), ``severity`` (int), ``urgency`` (bool), ``note``,
        plus any other columns of the file.
    """
    path = Path(path)
    try:
        gold = pd.read_csv(path, dtype={"doc_id": str, "codes": str, "note": str},
                           keep_default_na=False)
    except FileNotFoundError:
        raise ValueError(f"{path}: gold frames file not found") from None
    missing = [c for c in ("doc_id", "start", "end", "codes", "severity", "urgency")
               if c not in gold.columns]
    if missing:
        raise ValueError(f"{path}: lacks column(s) {missing}")
    gold["codes"] = [[c for c in s.split(";") if c] for s in gold["codes"]]
    urg = gold["urgency"].astype(str).str.lower()
    bad = ~urg.isin(["true", "false", "1", "0"])
    if bad.any():
        raise ValueError(f"{path}: urgency must be true/false, bad row(s) {list(gold.index[bad])}")
    gold["urgency"] = urg.isin(["true", "1"])
    gold["severity"] = gold["severity"].astype(int)
    return gold


def _overlap_match(gold: pd.DataFrame, quotes: pd.DataFrame, documents: dict | None) -> dict:
    """Gold row position -> quote_id by :func:`analysis.evaluate.match_spans` (``overlap``)."""
    from .evaluate import match_spans

    docs = None
    if documents is not None:
        docs = pd.DataFrame({"doc_id": [str(d) for d in documents],
                             "text": list(documents.values())})
    pairs = match_spans(quotes.reset_index(drop=True), gold.reset_index(drop=True),
                        rule="overlap", documents=docs)
    qids = quotes["quote_id"].to_numpy()
    return {int(g): qids[p] for p, g in zip(pairs["pred_row"], pairs["gold_row"], strict=True)}


def compare_to_gold(frames: pd.DataFrame, per_quote: pd.DataFrame, quotes: pd.DataFrame,
                    gold: pd.DataFrame, documents: dict | None = None):
    """Compare coded frames with hand-coded ones, quotation by quotation.

    Parameters
    ----------
    frames, per_quote : DataFrame
        Output of :func:`code_frames`.
    quotes : DataFrame
        The quotations coded (``doc_id``, ``quote_id``, ``start``, ``end``, ``text``).
    gold : DataFrame
        From :func:`load_gold_frames`.
    documents : dict of doc_id to text, optional
        When given, each evidence string is checked against the document text, and spans of
        a table without a ``text`` column are sliced from it. Required when ``gold`` or
        ``quotes`` has no ``text`` column.

    Notes
    -----
    Gold and coded quotations are paired by :func:`analysis.evaluate.match_spans` with
    ``rule="overlap"``, the rule of the quotation scores: span ends trimmed of white space,
    quote marks and ``. , ; :``; shared characters >= half the longer span; one-to-one,
    greedy by overlap.

    Returns
    -------
    detail : DataFrame
        One row per gold quotation: ``start``, ``end``, ``quote_id`` (matched, or
        empty), ``gold_codes``, ``pred_codes``, ``missed``, ``extra`` (lists),
        ``gold_severity``, ``severity``, ``gold_urgency``, ``urgency``.
    summary : dict
        ``codes_gold``, ``codes_found`` (gold codes also predicted),
        ``codes_extra`` (predicted codes not in gold), ``codes_without_evidence``
        (frames rows whose evidence is empty or does not equal the document text
        at its offsets), ``severity_within_one`` (share of gold quotations),
        ``urgency_agree`` (share), ``quotes_matched``, ``quotes_gold``.

    Raises
    ------
    ValueError
        When ``gold`` or ``quotes`` has no ``text`` column and ``documents`` is not given or
        lacks one of their documents.
    """
    match = _overlap_match(gold, quotes, documents)
    codes_by_q = frames.groupby("quote_id")["code"].agg(lambda s: sorted(set(s))).to_dict()
    pq = per_quote.set_index("quote_id")
    rows = []
    for gi, (_, g) in enumerate(gold.iterrows()):
        qid = match.get(gi, "")
        pred = codes_by_q.get(qid, []) if qid else []
        sev = int(pq.at[qid, "severity"]) if qid else 0
        urg = bool(pq.at[qid, "urgency"]) if qid else False
        rows.append({
            "start": g["start"], "end": g["end"], "quote_id": qid,
            "gold_codes": sorted(g["codes"]), "pred_codes": pred,
            "missed": sorted(set(g["codes"]) - set(pred)),
            "extra": sorted(set(pred) - set(g["codes"])),
            "gold_severity": int(g["severity"]), "severity": sev,
            "gold_urgency": bool(g["urgency"]), "urgency": urg,
        })
    detail = pd.DataFrame(rows)
    no_evidence = 0
    for r in frames.itertuples():
        empty = not str(r.evidence).strip()
        text = documents.get(r.doc_id) if documents is not None else None
        wrong = documents is not None and (
            text is None or text[r.evidence_start:r.evidence_end] != r.evidence)
        no_evidence += bool(empty or wrong)
    n_gold = int(sum(len(c) for c in gold["codes"]))
    summary = {
        "codes_gold": n_gold,
        "codes_found": n_gold - int(detail["missed"].map(len).sum()),
        "codes_extra": int(detail["extra"].map(len).sum()),
        "codes_without_evidence": no_evidence,
        "severity_within_one": float(((detail["severity"] - detail["gold_severity"]).abs() <= 1)
                                     .mean()),
        "severity_exact": float((detail["severity"] == detail["gold_severity"]).mean()),
        "urgency_agree": float((detail["urgency"] == detail["gold_urgency"]).mean()),
        "quotes_matched": len(match),
        "quotes_gold": len(gold),
    }
    return detail, summary
