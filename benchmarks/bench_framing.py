"""Speed of analysis.framing.code_frames and its agreement with the sample gold.

* Speed: ms per quotation of the dictionary coder on ~20,000 generated
  quotations (fixed seed) built from generic security-news clauses, 1-3
  clauses each (about 60-250 characters), with a generated stance table.
* Sample article: the quotations of the hand-coded gold
  (data/annotations/sample_frames.csv) are rebuilt from their spans in
  data/raw/sample/, coded, and compared: codes found / gold codes, codes
  predicted but not in the gold, frames rows without evidence (empty or not
  equal to the document text at their offsets), severity within one step.
  The same figures on the quotations analysis.quotes extracts are printed as
  [info] lines (they mix extraction and coding errors).

Run: ``python -m benchmarks.bench_framing [--quick]`` (``--quick``: 3,000
quotations, under 10 s).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from analysis.framing import (  # noqa: E402
    code_frames,
    compare_to_gold,
    load_codebook,
    load_gold_frames,
)
from analysis.paths import SAMPLE_CORPUS_DIR  # noqa: E402
from analysis.quotes import with_quote_ids  # noqa: E402
from benchmarks._report import report

# Generic clauses (written for this benchmark; no article text).
CLAUSES = [
    "the regime's repeated missile launches threaten the whole region",
    "we will not accept any unilateral attempt to change the status quo by force",
    "terrorist groups remain a serious danger to our citizens",
    "state-backed hackers attacked the ministry's network last month",
    "punitive tariffs are a form of economic coercion",
    "we call for dialogue and a peaceful resolution of the dispute",
    "our alliance with like-minded partners has never been stronger",
    "we must uphold a rules-based international order and international law",
    "tighter sanctions and economic pressure will continue",
    "we are living in an increasingly uncertain security environment",
    "defence cooperation between our two countries is extremely important",
    "this is not a threat to anyone",
    "the minister arrived on Monday for two days of meetings",
    "the economy grew by two percent in the last quarter",
    "joint military exercises will be held next spring",
    "there is no urgency to revise the agreement",
    "we share values of democracy and human rights",
    "every option remains available to us",
    "the situation on the peninsula is grave and getting worse",
    "farmers are worried about the price of fertiliser",
]
TARGETS = ["Country A", "Country B", "the regime", "Group C"]


def make_quotes(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    k = rng.integers(1, 4, size=n)
    picks = rng.integers(0, len(CLAUSES), size=int(k.sum()))
    texts, pos = [], 0
    for ki in k:
        parts = [CLAUSES[j] for j in picks[pos:pos + ki]]
        pos += ki
        texts.append(". ".join(p[0].upper() + p[1:] for p in parts) + ".")
    doc_ids = [f"doc{i // 10:05d}" for i in range(n)]
    starts = rng.integers(0, 5000, size=n)
    quotes = pd.DataFrame({"doc_id": doc_ids, "start": starts, "text": texts})
    quotes["end"] = quotes["start"] + quotes["text"].str.len()
    quotes = with_quote_ids(quotes)
    rows = rng.random(n) < 0.5
    stance = pd.DataFrame({
        "doc_id": quotes.loc[rows, "doc_id"], "quote_id": quotes.loc[rows, "quote_id"],
        "target": rng.choice(TARGETS, size=int(rows.sum())),
        "mention_start": quotes.loc[rows, "start"],
        "stance": rng.choice(["favor", "against", "neutral"], size=int(rows.sum())),
    })
    return quotes, stance


def sample_quotes(gold: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    texts = {d: (SAMPLE_CORPUS_DIR / f"{d}.txt").read_text(encoding="utf-8")
             for d in gold["doc_id"].unique()}
    quotes = with_quote_ids(gold[["doc_id", "start", "end"]])
    quotes["text"] = [texts[d][s:e] for d, s, e in
                      zip(quotes["doc_id"], quotes["start"], quotes["end"], strict=True)]
    return quotes, texts


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3,000 quotations instead of 20,000")
    args = parser.parse_args(argv)
    n = 3_000 if args.quick else 20_000

    load_codebook()  # loading and compiling is a one-off cost, not per quotation
    quotes, stance = make_quotes(n)
    t = time.perf_counter()
    frames, per_quote = code_frames(quotes, stance=stance)
    elapsed = time.perf_counter() - t
    ms = 1000 * elapsed / n
    report(f"code_frames ms per quotation ({n:,} generated)", ms, "<= 1.0", ms <= 1.0)
    report("frames rows per quotation (generated)", len(frames) / n, fmt="{:.2f}")

    gold = load_gold_frames()
    squotes, texts = sample_quotes(gold)
    sframes, sper = code_frames(squotes)
    _, s = compare_to_gold(sframes, sper, squotes, gold, documents=texts)
    found = s["codes_found"] / s["codes_gold"]
    report("sample: gold codes found (share)", found, "== 1.000", found == 1.0)
    report("sample: gold codes found (count)", s["codes_found"], f"== {s['codes_gold']}",
           s["codes_found"] == s["codes_gold"], fmt="{:d}")
    report("sample: codes without evidence", s["codes_without_evidence"], "== 0",
           s["codes_without_evidence"] == 0, fmt="{:d}")
    report("sample: predicted codes not in gold", s["codes_extra"], fmt="{:d}")
    report("sample: severity within one step", s["severity_within_one"], "== 1.000",
           s["severity_within_one"] == 1.0)
    report("sample: severity exact", s["severity_exact"])
    report("sample: urgency agreement", s["urgency_agree"])
    end_to_end(gold)


def end_to_end(gold: pd.DataFrame) -> None:
    """Same figures on the extractor's quotations (info only: extraction errors count too)."""
    try:
        from analysis.corpus import load_corpus
        from analysis.quotes import extract_quotes
    except ImportError as exc:
        report(f"sample end-to-end: skipped ({exc})", None)
        return
    docs = load_corpus(SAMPLE_CORPUS_DIR).documents
    quotes = extract_quotes(docs)
    frames, per_quote = code_frames(quotes)
    _, s = compare_to_gold(frames, per_quote, quotes, gold,
                           documents=dict(zip(docs["doc_id"], docs["text"], strict=True)))
    report("sample end-to-end: gold quotations matched by extracted ones",
           s["quotes_matched"] / s["quotes_gold"])
    report("sample end-to-end: gold codes found (share)", s["codes_found"] / s["codes_gold"])
    report("sample end-to-end: codes without evidence", s["codes_without_evidence"], fmt="{:d}")
    report("sample end-to-end: severity within one step", s["severity_within_one"])


if __name__ == "__main__":
    main()
