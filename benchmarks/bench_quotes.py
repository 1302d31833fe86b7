"""Quotation extraction: accuracy on PolNeAR dev and the sample article, speed, memory.

Run ``python -m benchmarks.bench_quotes [--quick]``. Each figure prints as
``name: value (target: X) [ok|MISS]`` via ``benchmarks/_report.py``.

* PolNeAR dev (84 articles; found through ``analysis.paths.eval_file``; skipped
  with a message when absent): direct exact F1 with a 95 % document-bootstrap
  interval, direct speaker-as-written accuracy, direct+mixed and all-kinds
  overlap F1, recall and precision per kind. Matching rules: module docstring
  of ``analysis.evaluate``.
* Sample article (``data/annotations/sample_quotes.jsonl``): gold quotations
  found (overlap rule, all kinds) and resolved speaker / role / country right.
* Speed on one core: articles/s and characters/s of CPU time (best of 3 runs
  over the dev set, or over copies of the sample article when PolNeAR is
  absent); wall time of a fresh interpreter that imports and extracts the whole
  set (start-up included).
* Memory: tracemalloc peak while extracting N and 4N articles in batches of
  ``BATCH`` (outputs are counted, not kept, as a pipeline writing each batch
  would); the 4N peak should stay near the N peak.

``--quick`` skips the bootstrap, the start-up run and the memory runs (under
~15 s). A MISS is reported, never raised: the exit code is 0 unless the script
itself crashes.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import tracemalloc

import pandas as pd

from analysis import evaluate as ev  # noqa: E402
from analysis.paths import ANNOTATIONS_DIR, EVAL_DIR_ENV, eval_file  # noqa: E402
from benchmarks._report import report

POLNEAR = "polnear_dev.jsonl"
SAMPLE_GOLD = ANNOTATIONS_DIR / "sample_quotes.jsonl"
BATCH = 32
N_BOOT = 1000


def _extractor():
    """``analysis.quotes.extract_quotes``, or None when the module is not there yet."""
    try:
        from analysis.quotes import extract_quotes
    except ModuleNotFoundError as exc:
        if exc.name not in ("analysis.quotes",):
            raise
        return None
    return extract_quotes


def _ok(value, low):
    return value is not None and not pd.isna(value) and value >= low


def bench_polnear(extract, quick: bool):
    path = eval_file(POLNEAR)
    if not path.exists():
        print(f"polnear: skipped, {path} not found (set {EVAL_DIR_ENV} to the folder "
              "holding polnear_dev.jsonl)", flush=True)
        return None
    docs, gold = ev.load_gold(path)
    if extract is None:
        return docs
    pred = extract(docs)
    s = ev.score_quotes(pred, gold, rule="exact", kinds=["direct"]).iloc[0]
    name = "polnear direct exact F1"
    if not quick:
        b = ev.bootstrap_scores(pred, gold, rule="exact", kinds=["direct"], n_boot=N_BOOT,
                                seed=0, doc_ids=docs["doc_id"]).set_index("metric")
        name += f" (95% CI {b.loc['f1', 'ci_low']:.3f}-{b.loc['f1', 'ci_high']:.3f})"
    report(name, s.f1, ">= 0.95", _ok(s.f1, 0.95))
    report("polnear direct exact precision", s.precision)
    report("polnear direct exact recall", s.recall)
    report("polnear direct speaker-as-written accuracy", s.speaker_accuracy, ">= 0.95",
           _ok(s.speaker_accuracy, 0.95))
    dm = ev.score_quotes(pred, gold, rule="overlap", kinds=["direct", "mixed"]).iloc[0]
    report("polnear direct+mixed overlap F1", dm.f1, ">= 0.88", _ok(dm.f1, 0.88))
    al = ev.score_quotes(pred, gold, rule="overlap").iloc[0]
    report("polnear all-kinds overlap F1", al.f1, ">= 0.65", _ok(al.f1, 0.65))
    report("polnear all-kinds overlap speaker-as-written accuracy", al.speaker_accuracy)
    for r in ev.score_by_kind(pred, gold, rule="overlap").itertuples():
        report(f"polnear {r.kind} recall (overlap, per gold kind)", r.recall)
        report(f"polnear {r.kind} precision (overlap, per predicted kind)", r.precision)
    return docs


def bench_sample(extract):
    docs, gold = ev.load_gold(SAMPLE_GOLD)
    if extract is None:
        return docs
    pred = extract(docs)
    # Acceptance scope: speech with a named source (the gold also marks
    # agreements, beliefs and unattributed claims, as PolNeAR does; those are
    # reported as info).
    speech = ev.quotation_rows(gold)
    n = len(speech)
    s = ev.score_quotes(pred, speech, rule="overlap").iloc[0]
    report(f"sample quotations found (speech with a named source, of {n})", s.tp, f"= {n}",
           s.tp == n, fmt="{:.0f}")
    res = ev.score_resolution(pred, speech).set_index("field")
    for field in ("speaker", "role", "country"):
        k = int(res.loc[field, "n_correct"])
        report(f"sample resolved {field} right (of {n})", k, f"= {n}", k == n, fmt="{:.0f}")
    every = ev.score_quotes(pred, gold, rule="overlap").iloc[0]
    report(f"sample attributions found (all {len(gold)} gold rows, overlap)", every.tp,
           fmt="{:.0f}")
    report("sample predicted rows (all kinds)", every.n_pred, fmt="{:.0f}")
    direct_mixed = ev.score_quotes(pred, gold, rule="overlap", kinds=["direct", "mixed"])
    report("sample direct+mixed overlap F1", direct_mixed.iloc[0].f1)
    return docs


def _copies(docs: pd.DataFrame, n: int) -> pd.DataFrame:
    """``n`` articles made by cycling through ``docs`` with fresh doc_ids."""
    idx = [i % len(docs) for i in range(n)]
    out = docs.iloc[idx].reset_index(drop=True)
    out["doc_id"] = [f"{d}#{i}" for i, d in enumerate(out["doc_id"])]
    return out


def bench_speed(extract, docs: pd.DataFrame, label: str):
    chars = int(docs["text"].str.len().sum())
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        extract(docs)
        best = min(best, time.process_time() - t0)
    best = max(best, 1e-9)
    rate = len(docs) / best
    report(f"throughput {label} ({len(docs)} articles, CPU time, best of 3) articles/s", rate,
           ">= 300", rate >= 300, fmt="{:.0f}")
    report(f"throughput {label} chars/s (CPU time)", chars / best, fmt="{:.0f}")


def bench_startup(label: str):
    """Wall time of a fresh interpreter importing the package and extracting ``label``."""
    if label == "polnear":
        load = f"docs, _ = load_gold({str(eval_file(POLNEAR))!r})"
    else:
        load = (f"d, _ = load_gold({str(SAMPLE_GOLD)!r}); "
                "docs = d.iloc[[0] * 84].reset_index(drop=True); "
                "docs['doc_id'] = [f'a{i}' for i in range(84)]")
    code = ("from analysis.evaluate import load_gold; "
            "from analysis.quotes import extract_quotes; "
            f"{load}; extract_quotes(docs)")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    wall = time.perf_counter() - t0
    report(f"wall time with start-up ({label}, fresh interpreter: import + extract) s", wall,
           fmt="{:.2f}")
    report(f"throughput with start-up ({label}, 84 articles, wall clock) articles/s", 84 / wall,
           fmt="{:.0f}")


def _peak(extract, docs: pd.DataFrame, n: int) -> int:
    """tracemalloc peak (bytes) while extracting ``n`` articles in batches of BATCH."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    rows = 0
    for lo in range(0, n, BATCH):
        batch = _copies(docs, min(BATCH, n - lo))
        rows += len(extract(batch))
        del batch
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def bench_memory(extract, docs: pd.DataFrame):
    n = len(docs)
    extract(docs.iloc[:BATCH])  # warm caches (lexicons, compiled patterns) outside the count
    small = _peak(extract, docs, n)
    large = _peak(extract, docs, 4 * n)
    report(f"peak memory {n} articles (tracemalloc) MB", small / 1e6, fmt="{:.1f}")
    report(f"peak memory {4 * n} articles (tracemalloc) MB", large / 1e6, fmt="{:.1f}")
    ratio = large / max(small, 1)
    report(f"peak memory ratio {4 * n} / {n} articles", ratio, "<= 1.5", ratio <= 1.5,
           fmt="{:.2f}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="skip bootstrap, start-up and memory runs")
    args = parser.parse_args(argv)
    extract = _extractor()
    if extract is None:
        print("quotes: skipped, analysis.quotes.extract_quotes not importable yet", flush=True)
    poldocs = bench_polnear(extract, args.quick)
    sample = bench_sample(extract)
    if extract is None:
        return 0
    if poldocs is not None:
        docs, label = poldocs, "polnear"
    else:
        docs, label = _copies(sample, 84), "sample copies"
    bench_speed(extract, docs, label)
    if not args.quick:
        bench_startup(label)
        bench_memory(extract, docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
