"""Benchmark of stance (and quotation sentiment) against NewsMTSC dev sets and the sample gold.

Run ``python -m benchmarks.bench_stance`` (full: baselines retrained, bootstrap CIs) or
``--quick`` (shipped models only, no retraining, no bootstrap; about 20 seconds).

Lines printed (``name: value (target: X) [ok|MISS]``):

* macro-F1 of the default method (``cnn``: the convolutional network distilled from
  ``neural``) on ``newsmtsc_rw_dev`` and ``newsmtsc_mt_dev`` (target >= 0.68 each), and on
  any other ``newsmtsc_*.jsonl`` file in the evaluation folder except train (held-out test
  sets the package has never seen), beside ``hybrid`` (the linear model, overridden by the
  rules where a target-relation cue governs the target), the model alone, the rules method,
  a VADER baseline (compound of the whole
  sentence -> label by ±0.05) and a TF-IDF logistic-regression baseline (sentence only,
  trained on NewsMTSC train; full mode only). Full mode adds bootstrap 95% CIs (1,000
  resamples of sentences, so the targets of one sentence stay together; seed 0).
* macro-F1 of the ``neural`` method (the fine-tuned MiniLM shipped as 8-bit ONNX, default
  install; target >= 0.68 with the default install) and its speed on one core.
* when the optional ``transformer`` extra is installed and its model trained
  (``make model-transformer``): its macro-F1 on the same sets (target >= 0.75) and speed
  (full mode only).
* throughput of the default method on one core (target >= 2,000 rows/s), beside ``hybrid``
  and ``neural``: rows per CPU second over the two dev sets' 785 rows, the median of nine
  passes (five with ``--quick``) with their range; ``neural`` once on 300 rows (100 with
  ``--quick``). Caches are emptied before each pass (several targets of one sentence still
  share its tokens, as in use). On a shared machine the same pass varies by a quarter or
  more, hence the median rather than the mean.
* sample article: stance agreement with ``data/annotations/sample_stance.csv`` for each
  method and sentiment agreement with ``sample_sentiment.csv`` (targets: all rows).
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")  # "one core" throughput

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analysis.evaluate import (  # noqa: E402
    codebook_rule_effect,
    load_gold,
    stance_method_scores,
    stance_on_gold_quotes,
)
from analysis.paths import ANNOTATIONS_DIR, eval_file  # noqa: E402
from analysis.sentiment import score_sentiment  # noqa: E402
from analysis.stance import DEFAULT_METHOD, _tokens, predict_stance_rows  # noqa: E402
from analysis.train_stance import load_newsmtsc  # noqa: E402
from benchmarks._report import report  # noqa: E402

DEV_SETS = ("newsmtsc_rw_dev", "newsmtsc_mt_dev")


def eval_sets() -> list[str]:
    """The two dev sets, then any other NewsMTSC file in the evaluation folder but train."""
    folder = eval_file(DEV_SETS[0] + ".jsonl").parent
    extra = sorted(p.stem for p in folder.glob("newsmtsc_*.jsonl")
                   if p.stem not in DEV_SETS and p.stem != "newsmtsc_train")
    return [*DEV_SETS, *extra]


def bench_dev(quick: bool) -> None:
    train = None
    if not quick:
        train_path = eval_file("newsmtsc_train.jsonl")
        if train_path.exists():
            train = load_newsmtsc(train_path)
    for name in eval_sets():
        path = eval_file(f"{name}.jsonl")
        if not path.exists():
            report(f"{name} macro-F1 (default: {DEFAULT_METHOD})", None, ">= 0.68", False)
            print(f"  ({path} absent: set ANALYSIS_EVAL_DIR)")
            continue
        # Targets of one sentence are not independent: the scorer resamples sentences.
        scores, _ = stance_method_scores(load_newsmtsc(path), train=train,
                                         n_boot=0 if quick else 1000, seed=0,
                                         transformer=transformer_ready(quick))
        for r in scores[scores["statistic"] == "macro_f1"].itertuples():
            if r.method == f"{DEFAULT_METHOD} (default)":
                report(f"{name} macro-F1 (default: {DEFAULT_METHOD})", r.estimate, ">= 0.68",
                       r.estimate >= 0.68)
            elif r.method == "neural":
                report(f"{name} macro-F1 (neural, default install)", r.estimate, ">= 0.68",
                       r.estimate >= 0.68)
            elif r.method.startswith("transformer"):
                report(f"{name} macro-F1 ({r.method})", r.estimate, ">= 0.75", r.estimate >= 0.75)
            else:
                report(f"{name} macro-F1 ({r.method})", r.estimate)
            if not quick:
                print(f"  95% CI [{r.ci_low:.3f}, {r.ci_high:.3f}] (n={r.n} rows, "
                      f"{r.n_units} sentences)", flush=True)


def transformer_ready(quick: bool) -> bool:
    """Score the optional transformer? Only when installed and trained, and not in --quick
    (at tens of rows per second it would take most of a quick run)."""
    from analysis.stance_transformer import available

    return not quick and available()


def bench_speed(quick: bool) -> None:
    paths = [eval_file(f"{name}.jsonl") for name in DEV_SETS]
    if all(p.exists() for p in paths):
        rows = pd.concat([load_newsmtsc(p) for p in paths], ignore_index=True)
        rows = rows[["id", "text", "target", "target_start", "target_end"]]
    else:  # written for this benchmark, timing only: two targets in each sentence
        texts = [f"The minister praised Canada but warned that Iran's test number {i} was a "
                 "threat." for i in range(400)]
        rows = pd.DataFrame({"id": [f"r{i}" for i in range(800)],
                             "text": [t for t in texts for _ in range(2)],
                             "target": ["Canada", "Iran"] * 400})
    warm = pd.DataFrame({"text": ["We call on Iran to stop."], "target": ["Iran"]})
    # Odd numbers of passes, so the median is one pass; each takes well under a second.
    passes = 5 if quick else 9
    for method in dict.fromkeys((DEFAULT_METHOD, "cnn", "hybrid")):  # the fast methods
        # Load the model and the lexicons (a relation cue calls the rules) before timing.
        predict_stance_rows(pd.concat([rows.head(50), warm], ignore_index=True).drop(
            columns="id"), method=method)
        cpu, wall = [], []
        for _ in range(passes):
            _tokens.cache_clear()  # a sentence seen in an earlier pass is not free
            t0, c0 = time.perf_counter(), time.process_time()
            predict_stance_rows(rows, method=method)
            cpu.append(len(rows) / (time.process_time() - c0))
            wall.append(len(rows) / (time.perf_counter() - t0))
        # CPU time of this process (BLAS limited to one thread above), so other jobs sharing
        # the machine distort the figure less; the median pass, because on a shared machine
        # the same pass varies by a quarter or more from run to run (range printed beside it).
        rate = float(np.median(cpu))
        spread = f"median of {passes} passes; range {min(cpu):.0f}-{max(cpu):.0f}"
        if method == DEFAULT_METHOD:
            report(f"stance rows/s, default method ({method}), one core (CPU time; {spread})",
                   rate, ">= 2000", rate >= 2000, fmt="{:.0f}")
            report("stance rows/s, default method, wall clock (median pass)",
                   float(np.median(wall)), fmt="{:.0f}")
        else:
            report(f"stance rows/s, {method}, one core (CPU time; {spread})", rate,
                   fmt="{:.0f}")
    part = rows.head(100 if quick else 300)
    report("stance rows/s, neural, one core (CPU time)", _cpu_rate(part, "neural"),
           fmt="{:.0f}")
    if transformer_ready(quick):
        import torch

        torch.set_num_threads(1)
        report("stance rows/s, transformer (optional), one core (CPU time)",
               _cpu_rate(part, "transformer"), fmt="{:.0f}")
    else:
        why = ("skipped by --quick" if quick
               else "not installed or not trained (make model-transformer)")
        print(f"transformer (optional extra): {why} [info]", flush=True)


def _cpu_rate(rows: pd.DataFrame, method: str) -> float:
    """Rows per CPU second of one slow method, after a small warm-up (model loading)."""
    predict_stance_rows(rows.head(10), method=method)
    c0 = time.process_time()
    predict_stance_rows(rows, method=method)
    return len(rows) / (time.process_time() - c0)


def bench_sample(quick: bool) -> None:
    docs, quotes = load_gold(ANNOTATIONS_DIR / "sample_quotes.jsonl")
    gold = pd.read_csv(ANNOTATIONS_DIR / "sample_stance.csv")
    methods = ("hybrid", "model", "rules", "cnn", "neural") + (
        ("transformer",) if transformer_ready(quick) else ())
    for method in methods:
        check = stance_on_gold_quotes(quotes, docs, gold, method=method)
        right = int(check["right"].sum())
        if method == DEFAULT_METHOD:
            report(f"sample stance rows right ({method}, default)", right, f"== {len(gold)}",
                   right == len(gold), fmt="{:.0f}")
        else:
            report(f"sample stance rows right ({method})", right, fmt="{:.0f}")
        for r in check[~check["right"]].itertuples():
            print(f"  miss: {r.mention} @{r.mention_start} gold {r.gold}, got {r.predicted}")
    sgold = pd.read_csv(ANNOTATIONS_DIR / "sample_sentiment.csv")
    for label, kw in (("supplement, phrases, backdrop rule, name masking: default", {}),
                      ("the default without the phrases", {"phrases": False}),
                      ("VADER, no supplement, phrases, backdrop rule or name masking",
                       {"supplement": False, "backdrop": False, "names": False,
                        "phrases": False})):
        out = score_sentiment(sgold, **kw)
        agree = int((out["sentiment_label"] == sgold["label"]).sum())
        if kw:  # the comparisons have no target of their own
            report(f"sample sentiment labels agreeing ({label})", agree, fmt="{:.0f}")
        else:
            report(f"sample sentiment labels agreeing ({label})", agree, f"== {len(sgold)}",
                   agree == len(sgold), fmt="{:.0f}")


def bench_challenge(quick: bool) -> None:
    """The challenge sets (``data/annotations/challenge_*.csv``): rows right per method with
    the codebook rules (occasion, rule broken, view) and without them, and how often the
    rules decide and agree with the gold."""
    for name in ("challenge_stance", "challenge_violations"):
        gold = pd.read_csv(ANNOTATIONS_DIR / f"{name}.csv")
        effect = codebook_rule_effect(gold, n_boot=0 if quick else 1000, seed=0)
        for r in effect[effect["rules"] == "on"].itertuples():
            off = effect[(effect["method"] == r.method) & (effect["rules"] == "off")].iloc[0]
            report(f"{name}: stance rows right of {r.n} ({r.method}; codebook rules decided "
                   f"{r.decided}, {r.decided_agreeing} agreeing; {off['right']} without them)",
                   r.right, fmt="{:.0f}")
            if not quick:
                print(f"  accuracy {r.accuracy:.3f} [{r.ci_low:.3f}, {r.ci_high:.3f}], "
                      f"without the rules {off['accuracy']:.3f} [{off['ci_low']:.3f}, "
                      f"{off['ci_high']:.3f}]", flush=True)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true",
                    help="shipped model only: no baseline training, no bootstrap")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    bench_dev(args.quick)
    bench_speed(args.quick)
    bench_sample(args.quick)
    bench_challenge(args.quick)
    report("bench_stance seconds", time.perf_counter() - t0, fmt="{:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
