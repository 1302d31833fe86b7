"""Scoring quotation extraction against hand-annotated gold.

Gold comes in the PolNeAR-style JSON-lines format (one article a line:
``{"doc_id", "source", "text", "quotes": [...], "meta"}``), read by
:func:`load_gold`. Predictions are a Quotes DataFrame as produced by
``analysis.quotes.extract_quotes``.

Matching rule (the one every score here uses)
---------------------------------------------
1. Both spans are *trimmed*: whitespace, quotation marks (straight ``"`` and
   ``'``, curly ``“ ” ‘ ’``, low/angle marks ``„ ‚ « » ‹ ›``, typewriter pairs
   ``` `` ``` and ``''``, which are runs of the one-character marks) and the
   punctuation ``. , ; :`` are removed repeatedly from both ends of each span.
   Trimming uses the span's own ``text`` column, so offsets stay document offsets.
2. Spans are compared only within the same ``doc_id``.
3. ``rule="exact"``: a pair is a candidate when the trimmed spans have the same
   start and end.
   ``rule="overlap"``: a pair is a candidate when the characters the two trimmed
   spans share number at least half the length of the longer trimmed span
   (``shared >= 0.5 * max(len_pred, len_gold)``, and ``shared > 0``).
4. Matching is one-to-one and greedy: candidates are taken in decreasing order of
   shared characters; ties go to the tighter pair (smaller union of the two
   trimmed spans), then by gold start, gold end, prediction start, prediction
   end and row order, so results are deterministic. A pair is kept when neither
   side is already matched. (Greedy is not an optimal assignment; with the
   half-of-the-longer threshold a span can rarely have more than two candidates,
   so the difference is negligible in practice.)

Speaker-as-written accuracy (on matched pairs)
----------------------------------------------
A matched pair's speaker is correct when

* the gold quote has a speaker span and the prediction's ``speaker_start`` /
  ``speaker_end`` share at least one character with it (a pronoun such as "he"
  counts when the span is the gold pronoun: speakers are judged *as written*,
  not as resolved), or
* the gold quote has no speaker span (the text names no source) and the
  prediction gives no speaker span either. A prediction that names a speaker
  where the annotator found none is wrong: the extractor must abstain.

Resolution accuracy (canonical name, role, country) is scored separately by
:func:`score_resolution`, for gold that carries those fields (our own sample
gold, not PolNeAR).

Limits: the rule judges spans, not attribution structure; a quote split in two
by the gold (PolNeAR "parts") but predicted whole can match at most one part.
Spans shorter than their trimmed marks (e.g. a lone quote mark) trim to empty and
never match.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

KINDS = ("direct", "mixed", "indirect")
RULES = ("exact", "overlap")
ERRORS = ("missed", "spurious", "wrong_speaker")

#: Characters removed from both ends of a span before comparing.
TRIM_CHARS = " \t\r\n\u00a0\u2009\u202f" + "\"'`\u201c\u201d\u2018\u2019\u201e\u201a\u00ab\u00bb\u2039\u203a" + ".,;:"

GOLD_COLUMNS = [
    "doc_id", "start", "end", "text", "kind", "speaker", "speaker_start", "speaker_end",
    "cue", "fragments", "speaker_canonical", "speaker_role", "speaker_country",
]
DOCUMENT_COLUMNS = ["doc_id", "text", "story_end", "source"]

_SNIPPET = 100


# --------------------------------------------------------------------------- loading


def load_gold(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read gold quotations in the PolNeAR-style JSON-lines format.

    Parameters
    ----------
    path : str or Path
        A ``.jsonl`` file, one article a line, each
        ``{"doc_id", "source", "text", "quotes": [...], "meta": {...}}``. Each quote
        has ``start``, ``end`` (character offsets into ``text``), ``text``
        (``== article[start:end]``), ``kind`` (one of ``direct``, ``mixed``,
        ``indirect``), ``speaker`` (as written, or null), ``speaker_span``
        (``[start, end]`` or null) and ``cue``; optionally ``fragments`` (list of
        ``{"start", "end", "text"}``), ``speaker_canonical``, ``speaker_role``,
        ``speaker_country`` and any other keys (kept as extra columns).
        ``meta.story_end`` (int), when given, marks where the story text ends.

    Returns
    -------
    documents : DataFrame
        Columns ``doc_id``, ``text``, ``story_end`` (``meta.story_end`` or the
        text length), ``source`` (the record's ``source`` field, else the path),
        then ``title``, ``outlet``, ``date`` from ``meta`` where present
        (``outlet`` falls back to ``meta.publisher``).
    gold : DataFrame
        One row per gold quote record, columns :data:`GOLD_COLUMNS`
        (``speaker_start``/``speaker_end`` nullable ``Int64``; ``fragments`` a JSON
        string, ``"[]"`` when none; resolution fields None when absent), then any
        extra keys of the records (e.g. PolNeAR's ``attr_id``, ``part``).

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    ValueError
        When a line is not JSON, lacks a required key, has an unknown ``kind``,
        a duplicate ``doc_id``, or a quote whose ``text`` differs from the article
        slice; the message names the file, line and quote.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: gold file not found")
    docs: list[dict] = []
    rows: list[dict] = []
    seen: set[str] = set()
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"{path}, line {lineno}"
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{where}: not valid JSON ({exc.msg})") from None
            for key in ("doc_id", "text", "quotes"):
                if key not in rec:
                    raise ValueError(f"{where}: missing required key {key!r}")
            doc_id, text = str(rec["doc_id"]), rec["text"]
            if doc_id in seen:
                raise ValueError(f"{where}: duplicate doc_id {doc_id!r}")
            seen.add(doc_id)
            meta = rec.get("meta") or {}
            doc = {
                "doc_id": doc_id,
                "text": text,
                "story_end": int(meta.get("story_end", len(text))),
                "source": str(rec.get("source") or path),
            }
            for key, fallback in (("title", None), ("outlet", "publisher"), ("date", None)):
                value = meta.get(key, meta.get(fallback) if fallback else None)
                if value is not None:
                    doc[key] = value
            docs.append(doc)
            for i, q in enumerate(rec["quotes"]):
                rows.append(_gold_row(q, doc_id, text, f"{where}, quote {i}"))
    documents = pd.DataFrame(docs)
    if documents.empty:
        documents = pd.DataFrame(columns=DOCUMENT_COLUMNS)
    documents["story_end"] = documents["story_end"].astype("int64")
    gold = pd.DataFrame(rows)
    if gold.empty:
        gold = pd.DataFrame(columns=GOLD_COLUMNS)
    extra = [c for c in gold.columns if c not in GOLD_COLUMNS]
    gold = gold[GOLD_COLUMNS + extra]
    gold["start"] = gold["start"].astype("int64")
    gold["end"] = gold["end"].astype("int64")
    gold["speaker_start"] = gold["speaker_start"].astype("Int64")
    gold["speaker_end"] = gold["speaker_end"].astype("Int64")
    return documents, gold.reset_index(drop=True)


def _gold_row(q: dict, doc_id: str, text: str, where: str) -> dict:
    for key in ("start", "end", "kind"):
        if key not in q:
            raise ValueError(f"{where}: missing required key {key!r}")
    start, end = int(q["start"]), int(q["end"])
    if not 0 <= start <= end <= len(text):
        raise ValueError(f"{where}: offsets [{start}, {end}) outside the text (length {len(text)})")
    if q.get("text") is not None and text[start:end] != q["text"]:
        raise ValueError(
            f"{where}: quote text {q['text'][:60]!r} differs from the article slice "
            f"{text[start:end][:60]!r}"
        )
    if q["kind"] not in KINDS:
        raise ValueError(f"{where}: unknown kind {q['kind']!r}; allowed: {', '.join(KINDS)}")
    span = q.get("speaker_span")
    if span is not None and (len(span) != 2 or not 0 <= span[0] <= span[1] <= len(text)):
        raise ValueError(f"{where}: speaker_span {span!r} is not [start, end] inside the text")
    fragments = q.get("fragments") or []
    for f in fragments:
        if text[f["start"]:f["end"]] != f.get("text", text[f["start"]:f["end"]]):
            raise ValueError(f"{where}: fragment {f!r} differs from the article slice")
    row = {
        "doc_id": doc_id,
        "start": start,
        "end": end,
        "text": text[start:end],
        "kind": q["kind"],
        "speaker": q.get("speaker"),
        "speaker_start": None if span is None else int(span[0]),
        "speaker_end": None if span is None else int(span[1]),
        "cue": q.get("cue"),
        "fragments": json.dumps(fragments, ensure_ascii=False),
        "speaker_canonical": q.get("speaker_canonical"),
        "speaker_role": q.get("speaker_role"),
        "speaker_country": q.get("speaker_country"),
    }
    for key, value in q.items():
        if key not in row and key != "speaker_span":
            row[key] = value
    return row


# --------------------------------------------------------------------------- matching


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Offsets of a span after trimming :data:`TRIM_CHARS` from both ends.

    Parameters
    ----------
    text : str
        The span's text (``document[start:end]``).
    start, end : int
        Its document offsets.

    Returns
    -------
    (int, int)
        Trimmed document offsets; ``start == end`` when nothing remains.
    """
    left = len(text) - len(text.lstrip(TRIM_CHARS))
    if left == len(text):
        return start + left, start + left
    right = len(text) - len(text.rstrip(TRIM_CHARS))
    return start + left, end - right


def _spans(df: pd.DataFrame, name: str, documents: pd.DataFrame | None) -> pd.DataFrame:
    """doc_id, row position and trimmed offsets of a prediction or gold table."""
    missing = [c for c in ("doc_id", "start", "end") if c not in df.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {missing}; needs doc_id, start, end and text")
    starts = df["start"].to_numpy(dtype="int64")
    ends = df["end"].to_numpy(dtype="int64")
    if "text" in df.columns:
        texts = df["text"].astype(str).tolist()
    elif documents is not None:
        by_id = dict(zip(documents["doc_id"].astype(str), documents["text"], strict=True))
        absent = sorted(set(df["doc_id"].astype(str)) - set(by_id))
        if absent:
            raise ValueError(f"documents= lacks the text of {name} document(s) {absent[:5]}")
        texts = [by_id[d][s:e] for d, s, e in zip(df["doc_id"].astype(str), starts, ends, strict=True)]
    else:
        raise ValueError(f"{name} has no 'text' column; pass documents= to slice spans from")
    trimmed = [trim_span(t, s, e) for t, s, e in zip(texts, starts, ends, strict=True)]
    ts = np.fromiter((t[0] for t in trimmed), dtype="int64", count=len(trimmed))
    te = np.fromiter((t[1] for t in trimmed), dtype="int64", count=len(trimmed))
    return pd.DataFrame({
        "doc_id": df["doc_id"].astype(str).to_numpy(),
        "row": np.arange(len(df)),
        "tstart": ts,
        "tend": te,
    })


def match_spans(
    pred: pd.DataFrame,
    gold: pd.DataFrame,
    rule: str = "exact",
    *,
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One-to-one matches between predicted and gold spans, per document.

    See the module docstring for the exact rule (trimming, ``exact`` /
    ``overlap`` criterion, greedy one-to-one assignment).

    Parameters
    ----------
    pred, gold : DataFrame
        Need ``doc_id``, ``start``, ``end`` and ``text`` (``text`` may be absent
        when ``documents`` is given).
    rule : {"exact", "overlap"}
        The match criterion.
    documents : DataFrame, optional
        ``doc_id``, ``text``; only used to slice spans when ``text`` is missing.

    Returns
    -------
    DataFrame
        One row per matched pair: ``doc_id``, ``pred_row``, ``gold_row``
        (positional indices into ``pred`` and ``gold``), ``pred_start``,
        ``pred_end``, ``gold_start``, ``gold_end`` (trimmed offsets) and
        ``shared`` (characters in common), sorted by ``gold_row``.
    """
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; allowed: {', '.join(RULES)}")
    p = _spans(pred, "pred", documents)
    g = _spans(gold, "gold", documents)
    cols = ["doc_id", "pred_row", "gold_row", "pred_start", "pred_end", "gold_start",
            "gold_end", "shared"]
    p = p[p["tend"] > p["tstart"]]
    g = g[g["tend"] > g["tstart"]]
    if p.empty or g.empty:
        return pd.DataFrame({c: pd.Series(dtype="object" if c == "doc_id" else "int64")
                             for c in cols})
    pairs = g.merge(p, on="doc_id", suffixes=("_g", "_p"))
    gs, ge = pairs["tstart_g"].to_numpy(), pairs["tend_g"].to_numpy()
    ps, pe = pairs["tstart_p"].to_numpy(), pairs["tend_p"].to_numpy()
    shared = np.minimum(ge, pe) - np.maximum(gs, ps)
    if rule == "exact":
        keep = (gs == ps) & (ge == pe)
    else:
        longer = np.maximum(ge - gs, pe - ps)
        keep = (shared > 0) & (2 * shared >= longer)
    cand = pd.DataFrame({
        "doc_id": pairs["doc_id"].to_numpy()[keep],
        "pred_row": pairs["row_p"].to_numpy()[keep],
        "gold_row": pairs["row_g"].to_numpy()[keep],
        "pred_start": ps[keep], "pred_end": pe[keep],
        "gold_start": gs[keep], "gold_end": ge[keep],
        "shared": shared[keep],
        "union": (np.maximum(ge, pe) - np.minimum(gs, ps))[keep],
    })
    cand = cand.sort_values(
        ["shared", "union", "gold_start", "gold_end", "pred_start", "pred_end", "gold_row",
         "pred_row"],
        ascending=[False, True, True, True, True, True, True, True], kind="mergesort",
    )
    used_p: set[int] = set()
    used_g: set[int] = set()
    chosen = []
    for i, pr, gr in zip(range(len(cand)), cand["pred_row"].to_numpy(),
                         cand["gold_row"].to_numpy(), strict=True):
        if pr in used_p or gr in used_g:
            continue
        used_p.add(pr)
        used_g.add(gr)
        chosen.append(i)
    out = cand.iloc[chosen].sort_values("gold_row", kind="mergesort").reset_index(drop=True)
    return out[cols].astype({c: "int64" for c in cols if c != "doc_id"})


# --------------------------------------------------------------------------- scoring


def _check_kinds(kinds: Iterable[str] | None) -> list[str] | None:
    if kinds is None:
        return None
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise ValueError(f"unknown kind(s) {bad}; allowed: {', '.join(KINDS)}")
    return kinds


def _filter(df: pd.DataFrame, kinds: list[str] | None, name: str) -> pd.DataFrame:
    if kinds is None:
        return df.reset_index(drop=True)
    if "kind" not in df.columns:
        raise ValueError(f"{name} has no 'kind' column, needed to filter by kinds={kinds}")
    return df[df["kind"].isin(kinds)].reset_index(drop=True)


def _speaker_ok(pred: pd.DataFrame, gold: pd.DataFrame, m: pd.DataFrame) -> np.ndarray:
    """Speaker-as-written correctness for each matched pair (module docstring rule)."""
    def span(df, rows):
        if "speaker_start" not in df.columns or "speaker_end" not in df.columns:
            n = len(rows)
            return np.full(n, -1, dtype="int64"), np.full(n, -1, dtype="int64")
        s = pd.array(df["speaker_start"].to_numpy(dtype=object)[rows], dtype="Int64")
        e = pd.array(df["speaker_end"].to_numpy(dtype=object)[rows], dtype="Int64")
        return s.fillna(-1).to_numpy("int64"), e.fillna(-1).to_numpy("int64")

    gs, ge = span(gold, m["gold_row"].to_numpy())
    ps, pe = span(pred, m["pred_row"].to_numpy())
    g_has = gs >= 0
    p_has = ps >= 0
    overlap = (np.minimum(ge, pe) - np.maximum(gs, ps)) > 0
    return np.where(g_has, p_has & overlap, ~p_has)


def _per_doc(pred, gold, rule, kinds, doc_ids, documents=None):
    """Per-document counts: n_gold, n_pred, tp, n_spk_ok (matched pairs with right speaker)."""
    kinds = _check_kinds(kinds)
    p = _filter(pred, kinds, "pred")
    g = _filter(gold, kinds, "gold")
    m = match_spans(p, g, rule, documents=documents)
    ok = _speaker_ok(p, g, m)
    if doc_ids is None:
        doc_ids = pd.Index(pd.concat([g["doc_id"], p["doc_id"]]).astype(str).unique())
    else:
        doc_ids = pd.Index(pd.Series(list(doc_ids), dtype=str).unique())
    counts = pd.DataFrame(index=doc_ids)
    counts["n_gold"] = g["doc_id"].astype(str).value_counts()
    counts["n_pred"] = p["doc_id"].astype(str).value_counts()
    counts["tp"] = m["doc_id"].value_counts()
    counts["speaker_correct"] = pd.Series(ok, index=m["doc_id"].to_numpy()).groupby(level=0).sum()
    return counts.fillna(0).astype("int64"), p, g, m, ok


def _metrics(n_gold, n_pred, tp, spk):
    """Precision, recall, F1, speaker accuracy from count arrays (NaN when undefined)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        n_gold = np.asarray(n_gold, dtype=float)
        n_pred = np.asarray(n_pred, dtype=float)
        tp = np.asarray(tp, dtype=float)
        precision = np.where(n_pred > 0, tp / n_pred, np.nan)
        recall = np.where(n_gold > 0, tp / n_gold, np.nan)
        f1 = np.where(n_gold + n_pred > 0, 2 * tp / (n_gold + n_pred), np.nan)
        speaker = np.where(tp > 0, np.asarray(spk, dtype=float) / tp, np.nan)
    return precision, recall, f1, speaker


def _kinds_label(kinds) -> str:
    kinds = _check_kinds(kinds)
    return "all" if kinds is None else "+".join(kinds)


def score_quotes(
    pred: pd.DataFrame,
    gold: pd.DataFrame,
    *,
    rule: str = "exact",
    kinds: Sequence[str] | str | None = None,
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Precision, recall, F1 and speaker-as-written accuracy of predicted quotes.

    Parameters
    ----------
    pred : DataFrame
        Quotes DataFrame: ``doc_id``, ``start``, ``end``, ``text``, ``kind``
        (needed when ``kinds`` is given), ``speaker_start``, ``speaker_end``
        (nullable; absent means no speaker predicted).
    gold : DataFrame
        Gold table from :func:`load_gold`.
    rule : {"exact", "overlap"}
        Span match criterion (module docstring).
    kinds : list of {"direct", "mixed", "indirect"}, optional
        Keep only these kinds on *both* sides before matching, e.g.
        ``["direct"]``. A prediction of another kind cannot match.
    documents : DataFrame, optional
        Used only to slice span text when a table lacks ``text``.

    Returns
    -------
    DataFrame
        One row: ``rule``, ``kinds`` ("all" or e.g. "direct+mixed"), ``n_docs``,
        ``n_gold``, ``n_pred``, ``tp``, ``fp``, ``fn``, ``precision``,
        ``recall``, ``f1`` (NaN when undefined), ``speaker_correct`` (matched pairs
        whose speaker is right), ``speaker_accuracy`` (= speaker_correct / tp).
    """
    counts, *_ = _per_doc(pred, gold, rule, kinds, None, documents)
    tot = counts.sum()
    precision, recall, f1, spk = _metrics(tot["n_gold"], tot["n_pred"], tot["tp"],
                                          tot["speaker_correct"])
    return pd.DataFrame([{
        "rule": rule, "kinds": _kinds_label(kinds), "n_docs": len(counts),
        "n_gold": int(tot["n_gold"]), "n_pred": int(tot["n_pred"]), "tp": int(tot["tp"]),
        "fp": int(tot["n_pred"] - tot["tp"]), "fn": int(tot["n_gold"] - tot["tp"]),
        "precision": float(precision), "recall": float(recall), "f1": float(f1),
        "speaker_correct": int(tot["speaker_correct"]), "speaker_accuracy": float(spk),
    }])


def score_by_kind(
    pred: pd.DataFrame,
    gold: pd.DataFrame,
    *,
    rule: str = "overlap",
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Recall per gold kind and precision per predicted kind.

    Matching runs once on all kinds together, so a prediction labelled
    ``indirect`` that matches a gold ``mixed`` span counts for mixed recall and for
    indirect precision: this measures finding spans, not labelling their kind
    (the ``kind_agreement`` column gives how often matched kinds agree).

    Parameters
    ----------
    pred, gold : DataFrame
        As in :func:`score_quotes`; both need ``kind``.
    rule : {"exact", "overlap"}

    Returns
    -------
    DataFrame
        One row per kind in :data:`KINDS`: ``kind``, ``rule``, ``n_gold``,
        ``gold_matched``, ``recall`` (gold_matched / n_gold), ``n_pred``,
        ``pred_matched``, ``precision`` (pred_matched / n_pred),
        ``kind_agreement`` (share of matched gold of this kind whose prediction
        has the same kind). NaN where the denominator is 0.
    """
    for name, df in (("pred", pred), ("gold", gold)):
        if "kind" not in df.columns:
            raise ValueError(f"{name} has no 'kind' column, needed for the per-kind breakdown")
    p = pred.reset_index(drop=True)
    g = gold.reset_index(drop=True)
    m = match_spans(p, g, rule, documents=documents)
    g_kind = g["kind"].to_numpy()
    p_kind = p["kind"].to_numpy()
    mg = g_kind[m["gold_row"].to_numpy()]
    mp = p_kind[m["pred_row"].to_numpy()]
    rows = []
    for k in KINDS:
        n_gold = int((g_kind == k).sum())
        n_pred = int((p_kind == k).sum())
        gm = int((mg == k).sum())
        pm = int((mp == k).sum())
        agree = int(((mg == k) & (mp == k)).sum())
        rows.append({
            "kind": k, "rule": rule,
            "n_gold": n_gold, "gold_matched": gm,
            "recall": gm / n_gold if n_gold else np.nan,
            "n_pred": n_pred, "pred_matched": pm,
            "precision": pm / n_pred if n_pred else np.nan,
            "kind_agreement": agree / gm if gm else np.nan,
        })
    return pd.DataFrame(rows)


def bootstrap_scores(
    pred: pd.DataFrame,
    gold: pd.DataFrame,
    *,
    rule: str = "exact",
    kinds: Sequence[str] | str | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
    doc_ids: Iterable[str] | None = None,
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Percentile bootstrap confidence intervals, resampling documents.

    Matching is done once; each replicate draws documents with replacement and
    sums their per-document counts, so quotes of one article stay together
    (they are not independent).

    Parameters
    ----------
    pred, gold, rule, kinds, documents
        As in :func:`score_quotes`.
    n_boot : int, default 1000
        Number of bootstrap replicates.
    seed : int, default 0
        Seed of :func:`numpy.random.default_rng`; same seed, same intervals.
    ci : float, default 0.95
        Coverage of the percentile interval.
    doc_ids : iterable of str, optional
        The documents to resample (include articles with no quotes on either
        side here). Default: every doc_id in ``pred`` or ``gold``.

    Returns
    -------
    DataFrame
        One row per metric (``precision``, ``recall``, ``f1``,
        ``speaker_accuracy``): ``metric``, ``estimate`` (on all documents),
        ``ci_low``, ``ci_high``, ``rule``, ``kinds``, ``n_docs``, ``n_boot``,
        ``ci``. Replicates where a metric is undefined are left out of its
        interval.
    """
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, got {ci}")
    if n_boot < 1:
        raise ValueError(f"n_boot must be >= 1, got {n_boot}")
    counts, *_ = _per_doc(pred, gold, rule, kinds, doc_ids, documents)
    arr = counts[["n_gold", "n_pred", "tp", "speaker_correct"]].to_numpy()
    est = _metrics(*arr.sum(axis=0))
    n = len(arr)
    rng = np.random.default_rng(seed)
    if n:
        idx = rng.integers(0, n, size=(n_boot, n))
        # bincount-weights would save memory, but n_boot x n_docs ints is small here
        sums = arr[idx].sum(axis=1)
        boot = _metrics(sums[:, 0], sums[:, 1], sums[:, 2], sums[:, 3])
    else:
        boot = [np.full(n_boot, np.nan)] * 4
    alpha = (1 - ci) / 2
    rows = []
    for name, e, b in zip(("precision", "recall", "f1", "speaker_accuracy"), est, boot,
                          strict=True):
        b = b[~np.isnan(b)]
        lo, hi = (np.quantile(b, [alpha, 1 - alpha]) if len(b) else (np.nan, np.nan))
        rows.append({"metric": name, "estimate": float(e), "ci_low": float(lo),
                     "ci_high": float(hi), "rule": rule, "kinds": _kinds_label(kinds),
                     "n_docs": n, "n_boot": n_boot, "ci": ci})
    return pd.DataFrame(rows)


def error_table(
    pred: pd.DataFrame,
    gold: pd.DataFrame,
    *,
    rule: str = "overlap",
    kinds: Sequence[str] | str | None = None,
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Every error, one row each, for reading through by hand.

    Parameters
    ----------
    pred, gold, rule, kinds, documents
        As in :func:`score_quotes`.

    Returns
    -------
    DataFrame
        Columns ``doc_id``, ``error`` (``missed``: gold quote with no match;
        ``spurious``: prediction with no match; ``wrong_speaker``: matched, but
        the speaker rule fails), ``start``, ``end`` (the gold span, or the
        prediction's for ``spurious``), ``text`` (first 100 characters of that
        span), ``gold_speaker`` (as written), ``pred_speaker``
        (``speaker_mention``), ``kind`` (gold kind; predicted kind for
        ``spurious``), ``pred_kind``. Sorted by doc_id, start, error.
    """
    _, p, g, m, ok = _per_doc(pred, gold, rule, kinds, None, documents)

    def col(df, name, rows):
        if name not in df.columns:
            return [None] * len(rows)
        return [None if pd.isna(v) else v for v in df[name].to_numpy(dtype=object)[rows]]

    def snippet(df, rows):
        if "text" in df.columns:
            texts = df["text"].astype(str).to_numpy()[rows]
        else:
            by_id = dict(zip(documents["doc_id"], documents["text"], strict=True))
            texts = [by_id[d][s:e] for d, s, e in zip(
                df["doc_id"].to_numpy()[rows], df["start"].to_numpy()[rows],
                df["end"].to_numpy()[rows], strict=True)]
        return [t if len(t) <= _SNIPPET else t[:_SNIPPET - 1] + "\u2026" for t in texts]

    frames = []
    missed = np.setdiff1d(np.arange(len(g)), m["gold_row"].to_numpy())
    wrong = m.loc[~ok]
    spurious = np.setdiff1d(np.arange(len(p)), m["pred_row"].to_numpy())
    for error, g_rows, p_rows, base, base_rows in (
        ("missed", missed, None, g, missed),
        ("wrong_speaker", wrong["gold_row"].to_numpy(), wrong["pred_row"].to_numpy(), g,
         wrong["gold_row"].to_numpy()),
        ("spurious", None, spurious, p, spurious),
    ):
        n = len(base_rows)
        frames.append(pd.DataFrame({
            "doc_id": base["doc_id"].astype(str).to_numpy()[base_rows],
            "error": [error] * n,
            "start": base["start"].to_numpy(dtype="int64")[base_rows],
            "end": base["end"].to_numpy(dtype="int64")[base_rows],
            "text": snippet(base, base_rows),
            "gold_speaker": col(g, "speaker", g_rows) if g_rows is not None else [None] * n,
            "pred_speaker": (col(p, "speaker_mention", p_rows) if p_rows is not None
                             else [None] * n),
            "kind": col(base, "kind", base_rows),
            "pred_kind": col(p, "kind", p_rows) if p_rows is not None else [None] * n,
        }))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["doc_id", "start", "error"], kind="mergesort").reset_index(drop=True)


def _norm(values) -> np.ndarray:
    """Casefolded, space-collapsed strings; None for missing."""
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            out.append(None)
        else:
            s = " ".join(str(v).split()).casefold()
            out.append(s or None)
    return np.array(out, dtype=object)


def score_resolution(
    pred: pd.DataFrame,
    gold: pd.DataFrame,
    *,
    rule: str = "overlap",
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Whether resolved speaker, role and country agree with gold, on matched quotes.

    Quotes are matched with :func:`match_spans` (all kinds). Values are compared
    after casefolding and collapsing whitespace; two missing values agree (e.g. a
    source with no country). No aliasing is done: "U.K." and "United Kingdom"
    differ, so predictions must use the canonical forms of the roster.

    Parameters
    ----------
    pred : DataFrame
        Quotes DataFrame with ``speaker`` (canonical), ``speaker_role``,
        ``speaker_country``.
    gold : DataFrame
        Gold with ``speaker_canonical``, ``speaker_role``, ``speaker_country``
        (our sample gold; PolNeAR has none).
    rule : {"exact", "overlap"}

    Returns
    -------
    DataFrame
        One row per field (``speaker``, ``role``, ``country``): ``field``,
        ``n_gold``, ``n_matched``, ``n_correct``, ``accuracy`` (n_correct /
        n_matched), ``accuracy_of_gold`` (n_correct / n_gold: unmatched gold
        counts as wrong).
    """
    fields = (("speaker", "speaker", "speaker_canonical"),
              ("role", "speaker_role", "speaker_role"),
              ("country", "speaker_country", "speaker_country"))
    for field, pcol, gcol in fields:
        if pcol not in pred.columns:
            raise ValueError(f"pred lacks column {pcol!r} needed to score {field} resolution")
        if gcol not in gold.columns:
            raise ValueError(f"gold lacks column {gcol!r} needed to score {field} resolution")
    p = pred.reset_index(drop=True)
    g = gold.reset_index(drop=True)
    m = match_spans(p, g, rule, documents=documents)
    pr, gr = m["pred_row"].to_numpy(), m["gold_row"].to_numpy()
    rows = []
    for field, pcol, gcol in fields:
        pv = _norm(p[pcol].to_numpy(dtype=object)[pr])
        gv = _norm(g[gcol].to_numpy(dtype=object)[gr])
        correct = int(sum(a == b for a, b in zip(pv, gv, strict=True)))
        rows.append({
            "field": field, "n_gold": len(g), "n_matched": len(m), "n_correct": correct,
            "accuracy": correct / len(m) if len(m) else np.nan,
            "accuracy_of_gold": correct / len(g) if len(g) else np.nan,
        })
    return pd.DataFrame(rows)


def resolution_table(
    pred: pd.DataFrame,
    gold: pd.DataFrame,
    *,
    rule: str = "overlap",
    documents: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Side-by-side gold and predicted resolution for every gold quote.

    Returns
    -------
    DataFrame
        One row per gold quote: ``doc_id``, ``start``, ``end``, ``kind``,
        ``gold_speaker``, ``pred_speaker``, ``gold_role``, ``pred_role``,
        ``gold_country``, ``pred_country`` (pred columns None when unmatched),
        ``matched`` (bool).
    """
    p = pred.reset_index(drop=True)
    g = gold.reset_index(drop=True)
    m = match_spans(p, g, rule, documents=documents)
    pos = dict(zip(m["gold_row"], m["pred_row"], strict=True))
    out = g[["doc_id", "start", "end", "kind"]].copy()
    for name, pcol, gcol in (("speaker", "speaker", "speaker_canonical"),
                             ("role", "speaker_role", "speaker_role"),
                             ("country", "speaker_country", "speaker_country")):
        out[f"gold_{name}"] = g[gcol].to_numpy(dtype=object) if gcol in g else None
        pv = p[pcol].to_numpy(dtype=object) if pcol in p else np.full(len(p), None)
        out[f"pred_{name}"] = [pv[pos[i]] if i in pos else None for i in range(len(g))]
    out["matched"] = [i in pos for i in range(len(g))]
    return out


def quotation_rows(gold: pd.DataFrame) -> pd.DataFrame:
    """The gold rows that count as quotations in this package's scheme.

    Our own gold (``data/annotations/sample_quotes.jsonl``) marks every
    attribution, as PolNeAR does, with an ``attribution`` field: ``speech``,
    ``agreement`` or ``belief``. A quotation is speech (or writing) with a named
    source: ``attribution == "speech"`` and a resolved ``speaker_canonical``.
    Gold without an ``attribution`` column (PolNeAR) is returned unchanged.
    """
    if "attribution" not in gold.columns:
        return gold
    keep = gold["attribution"].eq("speech") & gold["speaker_canonical"].notna()
    return gold.loc[keep].reset_index(drop=True)


# ---------------------------------------------------------------------------
# Labels: stance and sentiment
# ---------------------------------------------------------------------------

STANCE_LABELS = ("favor", "against", "neutral")


def _macro_f1(true: np.ndarray, pred: np.ndarray, n_labels: int) -> float:
    # Average over the labels present in gold or predictions (scikit-learn's
    # convention): a label absent from a bootstrap replicate is not a zero.
    f1s = []
    for k in np.union1d(true, pred):
        tp = np.sum((pred == k) & (true == k))
        fp = np.sum((pred == k) & (true != k))
        fn = np.sum((pred != k) & (true == k))
        f1s.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(f1s))


def score_labels(y_true: Sequence[str], y_pred: Sequence[str], *,
                 labels: Sequence[str] = STANCE_LABELS, units: Sequence | None = None,
                 n_boot: int = 1000, ci: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Macro-F1 and accuracy of predicted labels, with bootstrap intervals.

    Parameters
    ----------
    y_true, y_pred : sequence of str
        Gold and predicted labels, aligned.
    labels : sequence of str
        The allowed labels. Macro-F1 averages the F1 of the labels that occur
        in gold or predictions (as scikit-learn does), in the full data and in
        each bootstrap replicate.
    units : sequence, optional
        Resampling unit per row (e.g. the sentence or article id): rows of one
        unit are drawn together, since several targets of one sentence are not
        independent. Default: each row is its own unit.
    n_boot : int
        Bootstrap resamples; 0 gives estimates without intervals.
    ci : float
        Coverage of the percentile interval.
    seed : int

    Returns
    -------
    DataFrame
        ``statistic`` (``macro_f1``, ``accuracy``), ``estimate``, ``ci_low``,
        ``ci_high``, ``n`` (rows), ``n_units``.
    """
    labels = list(labels)
    index = {label: i for i, label in enumerate(labels)}
    unknown = sorted(set(y_true) - set(index)) + sorted(set(y_pred) - set(index))
    if unknown:
        raise ValueError(f"labels {unknown} not in the label set {labels}")
    true = np.array([index[v] for v in y_true])
    pred = np.array([index[v] for v in y_pred])
    if len(true) != len(pred):
        raise ValueError(f"y_true has {len(true)} labels, y_pred {len(pred)}")
    n_units, draws = _unit_draws(len(true), units, n_boot, seed)
    stats = {"macro_f1": lambda t, p: _macro_f1(t, p, len(labels)),
             "accuracy": lambda t, p: float(np.mean(t == p)) if len(t) else np.nan}
    rows = []
    alpha = (1 - ci) / 2
    for name, fn in stats.items():
        estimate = fn(true, pred)
        boots = np.array([fn(true[d], pred[d]) for d in draws])
        low, high = (np.quantile(boots, [alpha, 1 - alpha]) if len(boots) else (np.nan, np.nan))
        rows.append({"statistic": name, "estimate": estimate, "ci_low": float(low),
                     "ci_high": float(high), "n": len(true), "n_units": n_units})
    return pd.DataFrame(rows)


def _unit_draws(n: int, units: Sequence | None, n_boot: int,
                seed: int) -> tuple[int, list[np.ndarray]]:
    """Number of resampling units and ``n_boot`` bootstrap draws of row indices, each unit's
    rows drawn together (default: each row its own unit; a missing unit is one unit). With
    fewer than two units there is nothing to resample: no draws, so no interval."""
    units = np.arange(n) if units is None else \
        pd.factorize(pd.Series(units, dtype=object), use_na_sentinel=False)[0]
    if len(units) != n:
        raise ValueError(f"{n} rows but {len(units)} units")
    n_units = int(units.max()) + 1 if len(units) else 0
    rng = np.random.default_rng(seed)
    members = [np.flatnonzero(units == u) for u in range(n_units)]
    draws = [np.concatenate([members[u] for u in rng.integers(0, n_units, n_units)])
             for _ in range(n_boot)] if n_units >= 2 else []
    return n_units, draws


def compare_labels_paired(y_true: Sequence[str], first: Sequence[str], second: Sequence[str], *,
                          labels: Sequence[str] = STANCE_LABELS, units: Sequence | None = None,
                          n_boot: int = 1000, ci: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Two methods' labels for the same rows, compared pairwise: is ``first`` better?

    The difference (first minus second) of macro-F1 and of accuracy, with a percentile
    interval from a *paired* bootstrap (each replicate draws the same rows for both methods,
    so what they share cancels out, and the interval is narrower than two separate ones
    would suggest). For accuracy also the discordant rows and the exact McNemar test (a
    two-sided binomial test on the rows exactly one method gets right).

    Parameters
    ----------
    y_true, first, second : sequence of str
        Gold labels and the two methods' labels, aligned.
    labels, units, n_boot, ci, seed
        As in :func:`score_labels`; rows of one unit (e.g. a sentence) are drawn together.

    Returns
    -------
    DataFrame
        ``statistic`` (``macro_f1``, ``accuracy``), ``estimate`` (first minus second),
        ``ci_low``, ``ci_high``, ``first_only``, ``second_only``, ``both_right`` (rows only
        the first, only the second, or both get right), ``mcnemar_p`` (accuracy only; NaN for
        macro-F1), ``n``, ``n_units``.

    Notes
    -----
    The McNemar test treats rows as independent; when several rows share a sentence, prefer
    the interval, which resamples ``units``. With few rows (a hand-labelled sample of a few
    dozen) only large differences can be told from chance: a method right on 4 rows the
    other misses, and wrong on none it gets, gives p = 0.125.
    """
    from scipy.stats import binomtest

    labels = list(labels)
    index = {label: i for i, label in enumerate(labels)}
    for name, values in (("gold", y_true), ("first", first), ("second", second)):
        unknown = sorted(set(values) - set(index))
        if unknown:
            raise ValueError(f"{name} labels {unknown} not in the label set {labels}")
    true, a, b = (np.array([index[v] for v in values]) for values in (y_true, first, second))
    if not len(true) == len(a) == len(b):
        raise ValueError(f"{len(true)} gold labels but {len(a)} and {len(b)} predicted")
    n_units, draws = _unit_draws(len(true), units, n_boot, seed)
    ra, rb = a == true, b == true
    counts = {"first_only": int((ra & ~rb).sum()), "second_only": int((~ra & rb).sum()),
              "both_right": int((ra & rb).sum())}
    discordant = counts["first_only"] + counts["second_only"]
    mcnemar = binomtest(counts["first_only"], discordant).pvalue if discordant else 1.0
    stats = {"macro_f1": lambda d: _macro_f1(true[d], a[d], len(labels))
             - _macro_f1(true[d], b[d], len(labels)),
             "accuracy": lambda d: float(np.mean(ra[d]) - np.mean(rb[d])) if len(d) else np.nan}
    alpha = (1 - ci) / 2
    everything = np.arange(len(true))
    rows = []
    for name, fn in stats.items():
        boots = np.array([fn(d) for d in draws])
        low, high = (np.quantile(boots, [alpha, 1 - alpha]) if len(boots) else (np.nan, np.nan))
        rows.append({"statistic": name, "estimate": fn(everything), "ci_low": float(low),
                     "ci_high": float(high), **counts,
                     "mcnemar_p": float(mcnemar) if name == "accuracy" else np.nan,
                     "n": len(true), "n_units": n_units})
    return pd.DataFrame(rows)


def paired_differences(predictions: pd.DataFrame, baseline: str, *, gold: str = "gold",
                       units: Sequence | None = None, n_boot: int = 1000, ci: float = 0.95,
                       seed: int = 0) -> pd.DataFrame:
    """Every method of a predictions table compared pairwise with one of them.

    Parameters
    ----------
    predictions : DataFrame
        ``gold`` and one column of labels per method, as the ``predictions`` of
        :func:`stance_method_scores`; an ``id`` column is ignored.
    baseline : str
        The column the others are compared with (e.g. ``"cnn (default)"``).
    gold, units, n_boot, ci, seed
        As in :func:`compare_labels_paired`.

    Returns
    -------
    DataFrame
        :func:`compare_labels_paired` for each other method (its labels first, the
        baseline's second: a positive estimate favours the method), with ``method`` and
        ``baseline`` columns in front.
    """
    for column in (gold, baseline):
        if column not in predictions.columns:
            raise ValueError(f"predictions have no column {column!r}; columns: "
                             f"{', '.join(map(str, predictions.columns))}")
    methods = [c for c in predictions.columns if c not in (gold, baseline, "id")]
    if not methods:
        return pd.DataFrame(columns=["method", "baseline", "statistic", "estimate", "ci_low",
                                     "ci_high", "first_only", "second_only", "both_right",
                                     "mcnemar_p", "n", "n_units"])
    parts = [compare_labels_paired(predictions[gold], predictions[m], predictions[baseline],
                                   units=units, n_boot=n_boot, ci=ci, seed=seed)
             .assign(method=m, baseline=baseline) for m in methods]
    out = pd.concat(parts, ignore_index=True)
    return out[["method", "baseline", *[c for c in out.columns
                                        if c not in ("method", "baseline")]]]


def confusion_table(y_true: Sequence[str], y_pred: Sequence[str], *,
                    labels: Sequence[str] = STANCE_LABELS) -> pd.DataFrame:
    """Confusion counts as a tidy table: ``true``, ``predicted``, ``n`` (every pair listed).

    Raises
    ------
    ValueError
        When a label is missing or not in ``labels`` (no row is dropped silently).
    """
    frame = pd.DataFrame({"true": list(y_true), "predicted": list(y_pred)})
    bad = sorted({str(v) for v in pd.concat([frame["true"], frame["predicted"]])
                  if not isinstance(v, str) or v not in labels})
    if bad:
        raise ValueError(f"labels {bad} not in the label set {list(labels)}")
    counts = frame.value_counts().rename("n")
    grid = pd.MultiIndex.from_product([labels, labels], names=["true", "predicted"])
    return counts.reindex(grid, fill_value=0).reset_index()


#: The three headline settings: (name, matching rule, kinds scored).
HEADLINE_SETTINGS = (
    ("direct", "exact", ("direct",)),
    ("direct + mixed", "overlap", ("direct", "mixed")),
    ("all kinds", "overlap", None),
)


def quotation_report(pred: pd.DataFrame, gold: pd.DataFrame, *, n_boot: int = 1000,
                     seed: int = 0, doc_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """The headline scores with document-bootstrap intervals, one tidy table.

    Scores :data:`HEADLINE_SETTINGS` (direct quotations with exact matching;
    direct + mixed and all kinds with overlap matching) with
    :func:`bootstrap_scores`.

    Returns
    -------
    DataFrame
        ``setting``, ``rule``, ``metric`` (precision, recall, f1,
        speaker_accuracy), ``estimate``, ``ci_low``, ``ci_high``, ``n_docs``.
    """
    parts = []
    for name, rule, kinds in HEADLINE_SETTINGS:
        part = bootstrap_scores(pred, gold, rule=rule, kinds=kinds, n_boot=n_boot, seed=seed,
                                doc_ids=doc_ids)
        part.insert(0, "setting", name)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    return out[["setting", "rule", "metric", "estimate", "ci_low", "ci_high", "n_docs"]]


def compare_stance_gold(pred: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Gold stance rows beside the predicted stance of the same target mention.

    Rows are matched on ``doc_id``, ``mention_start`` and ``mention_end`` (target
    mentions are unique by offset, whatever the quotation boundaries), so a
    mention the pipeline did not score shows up with an empty prediction.

    Parameters
    ----------
    pred : DataFrame
        Stance table (``doc_id, mention_start, mention_end, stance, evidence``...).
    gold : DataFrame
        ``data/annotations/sample_stance.csv`` (``doc_id, target, mention,
        mention_start, mention_end, stance``).

    Returns
    -------
    DataFrame
        ``doc_id, target, mention, mention_start, mention_end, gold, predicted,
        right, evidence``, in gold order.
    """
    keys = ["doc_id", "mention_start", "mention_end"]
    cols = [c for c in keys + ["stance", "evidence"] if c in pred.columns]
    merged = gold.merge(pred[cols].drop_duplicates(keys), on=keys, how="left",
                        suffixes=("_gold", ""))
    out = merged[["doc_id", "target", "mention", "mention_start", "mention_end"]].copy()
    out["gold"] = merged["stance_gold"]
    out["predicted"] = merged["stance"]
    out["right"] = out["gold"] == out["predicted"]
    out["evidence"] = merged.get("evidence")
    return out


def stance_on_gold_quotes(quotes: pd.DataFrame, documents: pd.DataFrame, gold: pd.DataFrame,
                          method: str = "cnn") -> pd.DataFrame:
    """Stance scored on the gold quotation spans, beside the gold stance.

    Component accuracy, apart from extraction: target mentions are found in the gold
    quotations (as :func:`analysis.targets.find_mentions` finds them in extracted ones) and
    scored with ``method``, so a wrong quotation boundary cannot cost a mention.

    Parameters
    ----------
    quotes, documents : DataFrame
        As returned by :func:`load_gold`.
    gold : DataFrame
        Gold stance rows (``data/annotations/sample_stance.csv``).
    method : str, default "cnn"
        Any method of :func:`analysis.stance.score_stance`.

    Returns
    -------
    DataFrame
        As :func:`compare_stance_gold`.
    """
    # Imported here: this module scores tables and otherwise needs none of the pipeline.
    from .quotes import with_quote_ids
    from .stance import check_options, score_stance
    from .targets import find_mentions

    check_options(method)
    quotes = with_quote_ids(quotes)
    mentions = find_mentions(quotes, documents)
    return compare_stance_gold(score_stance(mentions, quotes, documents, method=method), gold)


def codebook_rule_effect(gold: pd.DataFrame, methods: Sequence[str] = ("cnn", "hybrid",
                                                                        "rules", "neural"),
                         *, n_boot: int = 1000, ci: float = 0.95, seed: int = 0
                         ) -> pd.DataFrame:
    """Accuracy of stance methods on hand-labelled rows with the codebook rules on and off.

    An ablation of the occasion, rule-broken and view rules of :mod:`analysis.stance`
    (``codebook_rules`` of :func:`analysis.stance.predict_stance_rows`), for instance on the
    challenge sets ``data/annotations/challenge_*.csv``.

    Parameters
    ----------
    gold : DataFrame
        ``text``, ``target`` and the gold ``stance`` per row; ``target_start``,
        ``target_end`` and ``id`` optional (as in
        :func:`analysis.stance.predict_stance_rows`).
    methods : sequence of str
        Stance methods to score.
    n_boot, ci, seed
        Row bootstrap of the accuracy (rows are single sentences, so each is its own unit).

    Returns
    -------
    DataFrame
        One row per method and setting: ``method``, ``rules`` (``"on"``/``"off"``),
        ``right``, ``n``, ``accuracy``, ``ci_low``, ``ci_high``, ``decided`` (rows a codebook
        rule decided) and ``decided_agreeing`` (of those, rows agreeing with the gold); on
        the ``"on"`` rows also the paired comparison with ``"off"``
        (:func:`compare_labels_paired`): ``gained`` (rows right only with the rules),
        ``lost`` (right only without them) and ``mcnemar_p`` (NaN on the ``"off"`` rows).

    Raises
    ------
    ValueError
        A required column is missing (named).
    """
    from .stance import CODEBOOK_RULE_EVIDENCE, predict_stance_rows

    missing = {"text", "target", "stance"} - set(gold.columns)
    if missing:
        raise ValueError(f"gold is missing column(s) {sorted(missing)}")
    rows = gold[[c for c in ("id", "text", "target", "target_start", "target_end")
                 if c in gold.columns]]
    truth = gold["stance"].to_numpy()
    out = []
    for method in methods:
        labels, rows_of = {}, {}
        for on in (True, False):
            pred = predict_stance_rows(rows, method=method, codebook_rules=on)
            labels[on] = pred["stance"].tolist()
            right = pred["stance"].to_numpy() == truth
            decided = pred["evidence"].str.startswith(CODEBOOK_RULE_EVIDENCE).to_numpy()
            acc = score_labels(truth, pred["stance"], n_boot=n_boot, ci=ci, seed=seed)
            acc = acc.set_index("statistic").loc["accuracy"]
            rows_of[on] = {"method": method, "rules": "on" if on else "off",
                           "right": int(right.sum()), "n": len(truth),
                           "accuracy": acc["estimate"], "ci_low": acc["ci_low"],
                           "ci_high": acc["ci_high"], "decided": int(decided.sum()),
                           "decided_agreeing": int(right[decided].sum()),
                           "gained": np.nan, "lost": np.nan, "mcnemar_p": np.nan}
        paired = compare_labels_paired(truth, labels[True], labels[False], n_boot=0)
        paired = paired.set_index("statistic").loc["accuracy"]
        rows_of[True].update(gained=int(paired["first_only"]), lost=int(paired["second_only"]),
                             mcnemar_p=float(paired["mcnemar_p"]))
        out += [rows_of[True], rows_of[False]]
    return pd.DataFrame(out)


def compare_stance_methods(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """The same target mentions as scored by two stance methods, side by side.

    A sensitivity check for a corpus without gold: where two methods disagree is where a
    hand-labelled sample is most informative. Rows are matched on ``doc_id``,
    ``mention_start`` and ``mention_end``, as in :func:`compare_stance_gold`.

    Parameters
    ----------
    first, second : DataFrame
        Stance tables (``analysis.stance.score_stance`` or ``pipeline.run(...).stance``) with
        one ``method`` each; they must name the same mentions.

    Returns
    -------
    DataFrame
        ``doc_id, quote_id, target, mention, mention_start, mention_end``, then
        ``stance_<method>`` for each table and ``agree`` (bool), in the order of ``first``.

        Two empty tables give an empty result whose columns are ``stance_first`` and
        ``stance_second`` (no method to name them by).

    Raises
    ------
    ValueError
        When a column is missing, a table mixes methods or names one mention twice, both use
        the same method, or the mentions differ.
    """
    keys = ["doc_id", "mention_start", "mention_end"]
    cols = ["doc_id", "quote_id", "target", "mention", "mention_start", "mention_end"]
    need = [*cols, "stance", "method"]
    names = []
    for label, table in (("first", first), ("second", second)):
        missing = [c for c in need if c not in table.columns]
        if missing:
            raise ValueError(f"{label} table lacks column(s) {', '.join(missing)}")
        methods = table["method"].unique()
        if len(methods) > 1:
            raise ValueError(f"{label} table mixes methods {sorted(methods)}; pass one each")
        dup = int(table.duplicated(keys).sum())
        if dup:
            raise ValueError(f"{label} table names {dup} mention(s) twice (same doc_id, "
                             "mention_start, mention_end); a stance table has one row each")
        names.append(str(methods[0]) if len(methods) else label)
    if names[0] == names[1]:
        raise ValueError(f"both tables were scored by {names[0]!r}; nothing to compare")
    # Keys are unique in each table (checked above), so sets count the unmatched rows.
    ka, kb = (set(t[keys].itertuples(index=False, name=None)) for t in (first, second))
    if ka != kb:
        raise ValueError(f"the tables name different mentions: {len(ka - kb)} only in "
                         f"{names[0]}, {len(kb - ka)} only in {names[1]}; score the same "
                         "quotations with both")
    out = first[cols + ["stance"]].rename(columns={"stance": f"stance_{names[0]}"}).merge(
        second[keys + ["stance"]].rename(columns={"stance": f"stance_{names[1]}"}), on=keys)
    out["agree"] = out[f"stance_{names[0]}"] == out[f"stance_{names[1]}"]
    return out.reset_index(drop=True)


def compare_sentiment_gold(quotes: pd.DataFrame, gold: pd.DataFrame) -> pd.DataFrame:
    """Gold sentiment labels beside the label of the overlapping predicted quotation.

    Quotations are matched with :func:`match_spans` (overlap rule); a gold
    quotation with no match has an empty prediction and counts as wrong.

    Parameters
    ----------
    quotes : DataFrame
        Quotes with ``doc_id, start, end, text, sentiment_label,
        sentiment_compound``.
    gold : DataFrame
        ``data/annotations/sample_sentiment.csv`` (``doc_id, start, end, text,
        label``).

    Returns
    -------
    DataFrame
        ``doc_id, start, end, gold, predicted, compound, right, text``.
    """
    gold = gold.reset_index(drop=True)
    quotes = quotes.reset_index(drop=True)
    pairs = match_spans(quotes, gold, rule="overlap")
    pred_for = dict(zip(pairs["gold_row"], pairs["pred_row"], strict=True))
    rows = []
    for i, g in gold.iterrows():
        j = pred_for.get(i)
        label = quotes.loc[j, "sentiment_label"] if j is not None else None
        compound = quotes.loc[j, "sentiment_compound"] if j is not None else np.nan
        rows.append({"doc_id": g["doc_id"], "start": g["start"], "end": g["end"],
                     "gold": g["label"], "predicted": label, "compound": compound,
                     "right": label == g["label"], "text": g["text"]})
    return pd.DataFrame(rows)


def stance_method_scores(dev: pd.DataFrame, *, train: pd.DataFrame | None = None,
                         n_boot: int = 1000, seed: int = 0, transformer: bool = True,
                         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Score the stance methods and the target-blind baselines on one gold set.

    Parameters
    ----------
    dev : DataFrame
        Gold rows: ``id, text, target, target_start, target_end, stance`` (e.g.
        :func:`analysis.train_stance.load_newsmtsc`).
    train : DataFrame, optional
        Training rows (``text``, ``stance``) for the TF-IDF baseline; without
        it that baseline is left out.
    n_boot, seed
        As in :func:`score_labels`; rows of one sentence are resampled together.
    transformer : bool, default True
        Also score the optional transformer method when its extra is installed and its
        model trained; False leaves it out (it runs at tens of rows per second).

    Returns
    -------
    scores : DataFrame
        :func:`score_labels` output with a ``method`` column: each method's name, the default
        one marked (``"hybrid"``, ``"model"``, ``"rules"``, ``"cnn (default)"``,
        ``"neural"``), ``"VADER sentence baseline"``, ``"TF-IDF LR baseline"`` (with
        ``train``) and ``"transformer (optional)"`` (when scored).
    predictions : DataFrame
        ``id``, ``gold`` and one column of predicted labels per method.
    """
    from analysis.baselines import tfidf_baseline, vader_stance
    from analysis.stance import DEFAULT_METHOD, predict_stance_rows

    rows = dev[["id", "text", "target", "target_start", "target_end"]]
    methods = {
        name + (" (default)" if name == DEFAULT_METHOD else ""):
        predict_stance_rows(rows, method=name)["stance"].to_numpy()
        for name in ("hybrid", "model", "rules", "cnn", "neural")
    }
    methods["VADER sentence baseline"] = vader_stance(dev["text"])
    if train is not None:
        tfidf = tfidf_baseline().fit(train["text"], train["stance"])
        methods["TF-IDF LR baseline"] = tfidf.predict(dev["text"])
    from analysis.stance_transformer import available

    if transformer and available():  # optional extra, installed and trained
        methods["transformer (optional)"] = predict_stance_rows(
            rows, method="transformer")["stance"].to_numpy()
    scores = pd.concat(
        [score_labels(dev["stance"], pred, units=dev["text"], n_boot=n_boot, seed=seed)
         .assign(method=method) for method, pred in methods.items()],
        ignore_index=True)
    predictions = pd.DataFrame({"id": dev["id"].to_numpy(), "gold": dev["stance"].to_numpy(),
                                **methods})
    return scores, predictions


def stance_sheet_table(sheet: pd.DataFrame, predictions: pd.DataFrame) -> pd.DataFrame:
    """A hand-coded stance sheet beside each method's stance of the same mentions.

    Parameters
    ----------
    sheet : DataFrame
        A filled sheet from :func:`analysis.reliability.read_stance_sheet`; rows left blank
        (not coded) are dropped.
    predictions : DataFrame
        One or more stance tables (``doc_id, mention_start, mention_end, stance``) with a
        ``method`` column, as ``analysis run --method ...`` writes them; concatenate the
        tables of the methods to compare.

    Returns
    -------
    DataFrame
        ``unit_id, doc_id, gold`` and one column of labels per method: the input of
        :func:`score_labels` and :func:`paired_differences`.

    Raises
    ------
    ValueError
        A missing column, or a coded mention that a method did not score (the ids of the
        first few are given), since leaving it out would flatter that method.
    """
    keys = ["doc_id", "mention_start", "mention_end"]
    for name, df, cols in (("sheet", sheet, ["unit_id", *keys, "stance"]),
                           ("predictions", predictions, [*keys, "stance", "method"])):
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise ValueError(f"{name} lacks column(s) {missing}; columns: {list(df.columns)}")
    # Blank, None and NaN all mean "not coded".
    labels = sheet["stance"].where(sheet["stance"].notna(), "").astype(str).str.strip()
    coded = sheet[labels != ""]
    out = coded[["unit_id", "doc_id"]].reset_index(drop=True)
    out["gold"] = labels[labels != ""].str.lower().to_numpy()
    for method, part in predictions.groupby("method", sort=False):
        got = _merge_on_keys(coded, part, keys)
        lost = got["stance"].isna()
        if lost.any():
            ids = got.loc[lost, "unit_id"].tolist()
            raise ValueError(f"{method} has no stance for {len(ids)} coded row(s): "
                             f"{', '.join(ids[:5])}{' ...' if len(ids) > 5 else ''}")
        out[method] = got["stance"].to_numpy()
    return out


def _merge_on_keys(coded: pd.DataFrame, part: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    # Offsets may arrive as text (a sheet read as strings) or as numbers.
    left = coded[["unit_id", *keys]].astype({"doc_id": str, "mention_start": int,
                                             "mention_end": int})
    right = part.drop_duplicates(keys)[[*keys, "stance"]].astype(
        {"doc_id": str, "mention_start": int, "mention_end": int})
    return left.merge(right, on=keys, how="left")


def score_stance_sheet(sheet: pd.DataFrame, predictions: pd.DataFrame, *, n_boot: int = 1000,
                       ci: float = 0.95, seed: int = 0) -> pd.DataFrame:
    """Macro-F1 and accuracy of each stance method against a hand-coded sample.

    Intervals resample whole documents (mentions of one article are not independent).
    Compare two methods on the same rows with :func:`paired_differences` on
    :func:`stance_sheet_table` (``units=table["doc_id"]``).

    Parameters
    ----------
    sheet, predictions
        As in :func:`stance_sheet_table`.
    n_boot, ci, seed
        As in :func:`score_labels`.

    Returns
    -------
    DataFrame
        ``method`` then the columns of :func:`score_labels`, one row per method and
        statistic.
    """
    table = stance_sheet_table(sheet, predictions)
    methods = [c for c in table.columns if c not in ("unit_id", "doc_id", "gold")]
    if not methods:
        raise ValueError("no predictions to score: the predictions table has no rows")
    parts = [score_labels(table["gold"], table[m], units=table["doc_id"], n_boot=n_boot,
                          ci=ci, seed=seed).assign(method=m) for m in methods]
    out = pd.concat(parts, ignore_index=True)
    return out[["method", *[c for c in out.columns if c != "method"]]]
