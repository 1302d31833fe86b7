"""Speed and memory of analysis.compare on generated data.

Generates 1,000,000 quotations in ~100,000 documents, each quotation with one of 50
speakers (drawn per quotation, the worst case for the document bootstrap: ~9
(group, document) pairs per document) and 11 codes, then times

* group_rates on one code (1M rows) and on all 11 codes (11M rows), 2,000
  document-bootstrap resamples;
* group_rates on a numeric value (severity);
* test_difference (chi-square, 11 codes; permutation on one code);
* distinctive_words on 20,000 generated texts in 50 groups.

Peak memory is the process's maximum resident set size (resource.getrusage),
which includes the generated data; tracemalloc would slow numpy down.

Run: ``python -m benchmarks.bench_compare [--quick]`` (``--quick``: 100,000 rows).
"""

from __future__ import annotations

import argparse
import resource
import time
import warnings

import numpy as np
import pandas as pd

from analysis.compare import distinctive_words, group_rates, test_difference  # noqa: E402
from benchmarks._report import report

N_GROUPS = 50
N_CODES = 11


def peak_rss_gb() -> float:
    # ru_maxrss is in kilobytes on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def make_quotes(n_rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n_docs = max(n_rows // 10, 1)
    doc = np.sort(rng.integers(0, n_docs, size=n_rows))
    speaker = rng.integers(0, N_GROUPS, size=n_rows)
    return pd.DataFrame({
        "doc_id": pd.Categorical.from_codes(doc, [f"doc{i:06d}" for i in range(n_docs)]),
        "quote_id": np.arange(n_rows),
        "speaker": pd.Categorical.from_codes(speaker, [f"speaker {i:02d}" for i in range(N_GROUPS)]),
        "severity": rng.integers(0, 4, size=n_rows).astype(np.float64),
        # rate differs by speaker so that tests have something to find
        "_p": 0.05 + 0.2 * speaker / N_GROUPS,
    })


def make_indicators(quotes: pd.DataFrame, n_codes: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = len(quotes)
    rows = np.repeat(np.arange(n), n_codes)
    out = quotes.iloc[rows][["doc_id", "quote_id", "speaker"]].reset_index(drop=True)
    out["code"] = pd.Categorical.from_codes(np.tile(np.arange(n_codes), n),
                                            [f"code_{j:02d}" for j in range(n_codes)])
    p = quotes["_p"].to_numpy()[rows]
    out["present"] = (rng.random(n * n_codes) < p).astype(np.int8)
    return out


def make_texts(n_texts: int, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    vocab = np.array([f"w{i}" for i in range(5000)])
    zipf = 1.0 / np.arange(1, len(vocab) + 1)
    zipf /= zipf.sum()
    groups = rng.integers(0, N_GROUPS, size=n_texts)
    texts = []
    for g in groups:
        words = rng.choice(vocab, size=30, p=zipf)
        words = words.astype(object)
        words[:2] = f"marker{g}"  # each group has one distinctive word
        texts.append(" ".join(words))
    return pd.DataFrame({"text": texts, "group": [f"group {g}" for g in groups]})


CPU_SECONDS: dict[str, float] = {}


def timed(fn, *args, **kwargs):
    """Run fn; return its result and wall seconds, keeping the CPU seconds aside.

    On a shared machine wall time includes waiting for the CPU; the CPU time
    (all threads of this process) shows how much of it was the work itself.
    """
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    CPU_SECONDS[fn.__name__] = time.process_time() - c0
    return out, time.perf_counter() - t0


def report_cpu(name: str) -> None:
    report("  cpu time of the above (s)", CPU_SECONDS[name])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 rows instead of 1M")
    parser.add_argument("--n-boot", type=int, default=2000)
    args = parser.parse_args(argv)
    n_rows = 100_000 if args.quick else 1_000_000
    limit_s = 15.0 if args.quick else 60.0
    tag = f"{n_rows // 1000}k rows"

    quotes = make_quotes(n_rows)
    one = make_indicators(quotes, 1)
    res, secs = timed(group_rates, one, "speaker", n_boot=args.n_boot)
    assert len(res) == N_GROUPS
    report(f"group_rates 1 code, {tag}, {N_GROUPS} groups, {args.n_boot} boot (s)", secs,
           f"< {limit_s:.0f}", secs < limit_s)
    report_cpu("group_rates")
    res, secs = timed(group_rates, quotes, "speaker", "severity", code_col=None,
                      n_boot=args.n_boot)
    report(f"group_rates severity, {tag} (s)", secs, f"< {limit_s:.0f}", secs < limit_s)
    report_cpu("group_rates")
    del one

    allc = make_indicators(quotes, N_CODES)
    res, secs = timed(group_rates, allc, "speaker", n_boot=args.n_boot)
    assert len(res) == N_GROUPS * N_CODES
    report(f"group_rates {N_CODES} codes, {len(allc) // 1000}k rows, multinomial (s)", secs,
           f"< {limit_s:.0f}", secs < limit_s)
    report_cpu("group_rates")
    width = float((res["ci_high"] - res["ci_low"]).mean())
    report("mean 95% CI width of a rate, multinomial", width, fmt="{:.4f}")
    res_p, secs = timed(group_rates, allc, "speaker", n_boot=args.n_boot, bootstrap="poisson")
    report(f"group_rates {N_CODES} codes, {len(allc) // 1000}k rows, poisson (s)", secs,
           f"< {limit_s:.0f}", secs < limit_s)
    report_cpu("group_rates")
    width_p = float((res_p["ci_high"] - res_p["ci_low"]).mean())
    report("mean 95% CI width of a rate, poisson", width_p, fmt="{:.4f}")

    tests, secs = timed(test_difference, allc, "speaker", method="chi2")
    report(f"test_difference chi2 {N_CODES} codes (s)", secs, "< 10", secs < 10)
    report("codes rejected after holm (of 11, all truly differ)", float(tests["reject"].sum()),
           "== 11", bool(tests["reject"].all()), fmt="{:.0f}")
    one = allc.loc[allc["code"] == "code_00"]
    n_perm = 200
    with warnings.catch_warnings():
        # The generated speakers share documents, so the test shuffles quotations and says
        # so; only its speed is measured here.
        warnings.filterwarnings("ignore", message="test_difference: .* between quotations")
        _, secs = timed(test_difference, one, "speaker", method="permutation", n_perm=n_perm)
    report(f"test_difference permutation 1 code, {n_perm} perms (s)", secs, "< 30", secs < 30)
    del allc, one

    texts = make_texts(2_000 if args.quick else 20_000)
    words, secs = timed(distinctive_words, texts, "group", top=10)
    report(f"distinctive_words {len(texts)} texts, {N_GROUPS} groups (s)", secs, "< 10",
           secs < 10)
    top1 = words.loc[words["rank"] == 1]
    hit = float((top1["word"] == "marker" + top1["group"].str.split().str[1]).mean())
    report("distinctive_words share of groups whose marker ranks 1st", hit, ">= 1.0", hit >= 1.0)

    peak = peak_rss_gb()
    report("peak resident memory (GB)", peak, "< 4", peak < 4.0)


if __name__ == "__main__":
    main()
