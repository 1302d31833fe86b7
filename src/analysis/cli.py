"""Command-line interface: ``analysis quotes``, ``analysis stance``, ``analysis run``.

Run ``analysis --help`` (or ``python -m analysis --help``) for the commands.
Exit codes: 0 done (problems with single documents are reported and written
to the errors table, never dropped); 2 the input cannot be used at all.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from analysis import __version__

# Same as analysis.stance.METHODS / DEFAULT_METHOD (a test checks): importing that module here
# would load scikit-learn (about 2 s) for every command, --help included.
STANCE_METHODS = ("hybrid", "model", "rules", "neural", "transformer")
DEFAULT_STANCE_METHOD = "hybrid"


def _summary(found: int, with_quotes: int, without: int, errors: int) -> str:
    return (f"documents: {found} found = {with_quotes} with quotations + {without} without "
            f"+ {errors} errors")


def _read_rows(path: Path) -> pd.DataFrame:
    """Read a ``.csv``, ``.jsonl`` or ``.parquet`` table of rows to score."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(path, dtype={"id": str, "text": str, "target": str},
                           keep_default_na=False, na_values=[""])
    if suffix == ".jsonl":
        return pd.read_json(path, lines=True, dtype={"id": str})
    if suffix == ".parquet":
        return pd.read_parquet(path)
    raise ValueError(f"{path}: unknown input kind {suffix!r}; use .csv, .jsonl or .parquet")


def cmd_quotes(args) -> int:
    from analysis.corpus import load_corpus
    from analysis.pipeline import document_status, extract_all, write_table

    corpus = load_corpus(args.input)
    quotes, quote_errors = extract_all(corpus.documents, progress=args.progress)
    errors = pd.concat([corpus.errors, quote_errors], ignore_index=True)
    write_table(quotes, args.output)
    status = document_status(corpus.documents[["doc_id", "source"]], quotes, errors)
    counts = status["status"].value_counts()
    if args.errors:
        write_table(errors, args.errors)
    elif len(errors):
        for row in errors.itertuples():
            print(f"{row.severity}: {row.source}: {row.reason}", file=sys.stderr)
    print(f"{len(quotes)} quotations written to {args.output}", file=sys.stderr)
    print(_summary(len(status), counts.get("quotations", 0), counts.get("no quotations", 0),
                   counts.get("error", 0)), file=sys.stderr)
    return 0


def cmd_stance(args) -> int:
    from analysis.pipeline import write_table
    from analysis.stance import predict_stance_rows

    rows = _read_rows(Path(args.input))
    mode = "collect" if args.keep_going else "raise"
    out = predict_stance_rows(rows, method=args.method, errors=mode)
    if mode == "collect":
        scored, bad = out
        errors_path = args.errors or str(Path(args.output).with_suffix("")) + ".errors.csv"
        if len(bad):
            write_table(bad, errors_path)
            print(f"{len(bad)} rows refused, listed in {errors_path}", file=sys.stderr)
    else:
        scored = out
    write_table(scored, args.output)
    print(f"{len(scored)} rows scored ({args.method}) -> {args.output}", file=sys.stderr)
    return 0


def cmd_run(args) -> int:
    from analysis.pipeline import run, write_outputs

    result = run(args.input, stance_method=args.method, progress=args.progress)
    written = write_outputs(result, args.out)
    docs = result.manifest["documents"]
    print(f"wrote {len(written)} files to {args.out}", file=sys.stderr)
    print(_summary(docs["found"], docs["with_quotations"], docs["without_quotations"],
                   docs["errors"]), file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analysis",
        description="Quotations, speakers, stance and security-threat framing in news.")
    parser.add_argument("--version", action="version", version=f"analysis {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("quotes", help="extract quotations and speakers")
    p.add_argument("input", help="a .txt file, a folder of .txt files, or a "
                   ".jsonl/.csv/.parquet table with doc_id and text")
    p.add_argument("-o", "--output", required=True,
                   help="output table; .jsonl, .csv or .parquet by extension")
    p.add_argument("--errors", help="write the errors table here (default: print them)")
    p.add_argument("--progress", action="store_true", help="show a progress bar")
    p.set_defaults(func=cmd_quotes)

    p = sub.add_parser("stance", help="score stance toward a target in rows of text")
    p.add_argument("input", help="table with text, target and optional target_start, "
                   "target_end, id")
    p.add_argument("-o", "--output", required=True, help="output .csv, .jsonl or .parquet")
    p.add_argument("--method", default=DEFAULT_STANCE_METHOD, choices=STANCE_METHODS,
                   help=f"stance method (default {DEFAULT_STANCE_METHOD}; see analysis.stance)")
    p.add_argument("--keep-going", action="store_true",
                   help="write malformed rows to an errors file instead of stopping")
    p.add_argument("--errors", help="errors file for --keep-going "
                   "(default: OUTPUT stem + .errors.csv)")
    p.set_defaults(func=cmd_stance)

    p = sub.add_parser("run", help="run the whole pipeline and write every table")
    p.add_argument("input", help="as for `analysis quotes`")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--method", default=DEFAULT_STANCE_METHOD, choices=STANCE_METHODS,
                   help=f"stance method (default {DEFAULT_STANCE_METHOD})")
    p.add_argument("--progress", action="store_true", help="show progress bars")
    p.set_defaults(func=cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``analysis`` console script."""
    from analysis.config import ConfigError
    from analysis.corpus import CorpusError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (CorpusError, ConfigError, ValueError, FileNotFoundError, ImportError) as exc:
        # ImportError: an optional extra a chosen method needs (e.g. --method transformer).
        print(f"analysis {args.command}: error: {exc}", file=sys.stderr)
        return 2
