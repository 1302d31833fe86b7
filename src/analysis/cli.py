"""Command-line interface: ``analysis quotes``, ``analysis stance``, ``analysis run``.

Run ``analysis --help`` (or ``python -m analysis --help``) for the commands.
Exit codes: 0 done (problems with single documents are reported and written
to the errors table, never dropped); 2 the input cannot be used at all. ``analysis stance``
also exits 2 on a malformed row, naming it, unless ``--keep-going`` lists such rows in an
errors file and scores the rest (2 all the same when no row could be scored). An output path
that is the input is refused (2).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import pandas as pd

from analysis import __version__

# Same as analysis.stance.METHODS / DEFAULT_METHOD / OWN_TARGETS (a test checks): importing
# that module here would load scikit-learn (about 2 s) for every command, --help included.
STANCE_METHODS = ("hybrid", "model", "rules", "cnn", "neural", "transformer")
DEFAULT_STANCE_METHOD = "cnn"
OWN_TARGETS = ("score", "not_against", "neutral")
DEFAULT_OWN_TARGETS = "not_against"


_NO_CODEBOOK_RULES_HELP = ("keep each stance method's own answer: do not apply the codebook "
                           "rules (a target named only as an occasion or as whose rule is "
                           "broken is neutral; the holder of a view is neutral, or favor for a "
                           "mutual relation), for an ablation; no effect with --method model, "
                           "which never applies them")

def _summary(found: int, with_quotes: int, without: int, errors: int) -> str:
    return (f"documents: {found} found = {with_quotes} with quotations + {without} without "
            f"+ {errors} errors")


def _read_rows(path: Path, encoding: str = "utf-8") -> tuple[pd.DataFrame, list[dict]]:
    """Read a ``.csv``, ``.jsonl`` or ``.parquet`` table of rows to score.

    Returns the rows and the lines that could not be read as rows (``id``, ``row``,
    ``reason``, as :func:`analysis.stance.predict_stance_rows` reports bad rows), so that no
    line is lost without a word. File-level problems raise
    :class:`analysis.corpus.CorpusError` naming the file."""
    from analysis.corpus import (
        CorpusError,
        decode_bytes,
        jsonl_records,
        read_csv_text,
        read_parquet_records,
    )

    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl", ".parquet"):
        raise CorpusError(f"{path}: unknown input kind {suffix!r}; use .csv, .jsonl or .parquet")
    if path.is_dir():
        raise CorpusError(f"{path}: a folder, not a table file")
    if not path.exists():
        raise CorpusError(f"{path}: no such file")
    bad: list[dict] = []
    records: list[dict] | None = None
    positions: list[int] | None = None
    if suffix == ".parquet":
        records, columns = read_parquet_records(path)
        frame = pd.DataFrame.from_records(records, columns=columns)
    elif suffix == ".csv":
        frame, lines, refused = read_csv_text(decode_bytes(path.read_bytes(), path, encoding),
                                              path)
        # Every CSV value is a string: an empty cell is a missing value.
        frame = frame.replace("", None)
        bad = [{"id": f"(line {line})", "row": f"line {line}", "reason": reason}
               for line, reason in refused]
        order = sorted([*lines, *(line for line, _ in refused)])
        positions = [order.index(line) for line in lines]
    else:
        records, positions = [], []
        for n, (line, record, reason) in enumerate(jsonl_records(
                decode_bytes(path.read_bytes(), path, encoding))):
            if record is not None and _has_surrogate(record):
                # A JSON escape such as "\ud800" (half of a character): not text; no table
                # could hold it.
                reason = "a value holds an unpaired surrogate (half of a character)"
            if reason:
                bad.append({"id": f"(line {line})", "row": f"line {line}",
                            "reason": f"line {line}: {reason}"})
            else:
                records.append(record)
                positions.append(n)
        frame = pd.DataFrame.from_records(records)
    if frame.empty and not bad:
        raise CorpusError(f"{path}: no rows to score")
    if "id" in frame.columns:
        # From the records, not the frame: a column of whole numbers with a gap became floats
        # there ("7.0"; long ids collided).
        ids = frame["id"] if records is None else [r.get("id") for r in records]
        frame["id"] = [v if v is None or isinstance(v, str) or pd.isna(v) else str(v)
                       for v in ids]
    if positions is not None and bad:
        # A row's position in the file, refused lines counted, names a row without an id.
        frame.attrs["positions"] = positions
    return frame, bad


def _has_surrogate(record: dict) -> bool:
    """Whether a key or string value holds a lone surrogate (cannot be written as UTF-8)."""
    from analysis.text import escape_surrogates

    return any(isinstance(v, str) and escape_surrogates(v) != v
               for v in (*record.keys(), *record.values()))


def cmd_quotes(args) -> int:
    from analysis.corpus import load_corpus
    from analysis.pipeline import (
        document_status,
        extract_all,
        refuse_input_as_output,
        same_file,
        write_table,
    )

    refuse_input_as_output(args.input, (args.output, args.errors))
    if args.errors and same_file(args.errors, args.output):
        raise ValueError(f"{args.output}: the errors file and the output are the same file; "
                         "the quotations would be lost")

    corpus = load_corpus(args.input, encoding=args.encoding)
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
    # As for `run`: documents whose extraction failed do not count as used.
    used = counts.get("quotations", 0) + counts.get("no quotations", 0)
    return _nothing_usable(used, errors if args.errors else errors.iloc[:0])


def cmd_stance(args) -> int:
    from analysis.pipeline import refuse_input_as_output, same_file, write_table
    from analysis.stance import StanceInputError, predict_stance_rows

    path = Path(args.input)
    errors_path = None
    if args.keep_going:
        errors_path = args.errors or str(Path(args.output).with_suffix("")) + ".errors.csv"
    refuse_input_as_output(path, (args.output, errors_path))
    if errors_path and same_file(errors_path, args.output):
        raise StanceInputError(f"{args.output}: the errors file and the output are the same "
                               "file; the refused rows would be lost")
    rows, unreadable = _read_rows(path, args.encoding)
    if unreadable and not args.keep_going:
        first = unreadable[0]
        more = f" (and {len(unreadable) - 1} more)" if len(unreadable) > 1 else ""
        raise StanceInputError(f"{path}: {first['reason']}{more}")
    if rows.empty:  # every line unreadable (--keep-going): score nothing, list them
        rows = pd.DataFrame(columns=["text", "target"])
    try:
        scored, bad = predict_stance_rows(rows, method=args.method, errors="collect",
                                          codebook_rules=args.codebook_rules)
    except StanceInputError as exc:  # the table as a whole (columns) is wrong
        raise StanceInputError(f"{path}: {exc}") from None
    bad = pd.concat([pd.DataFrame(unreadable, columns=["id", "row", "reason"]), bad],
                    ignore_index=True)
    if args.keep_going:
        # Written even when empty, so an errors file left by an earlier run cannot mislead.
        write_table(bad, errors_path)
        if len(bad):
            print(f"{len(bad)} rows refused, listed in {errors_path}", file=sys.stderr)
        if scored.empty:
            print(f"analysis stance: error: {path}: no row could be scored (reasons in "
                  f"{errors_path})", file=sys.stderr)
            return 2
    elif len(bad):
        first = bad.iloc[0]
        more = f" (and {len(bad) - 1} more bad rows)" if len(bad) > 1 else ""
        raise StanceInputError(f"{path}: {first['row']}: {first['reason']}{more}")
    write_table(scored, args.output)
    print(f"{len(scored)} rows scored ({args.method}) -> {args.output}", file=sys.stderr)
    return 0


def cmd_run(args) -> int:
    from analysis.pipeline import check_output_folder, run, write_outputs

    # Before the work, so that an output path that is the input or cannot be a folder stops
    # the run at once.
    check_output_folder(args.input, args.out)
    # abspath, not Path.absolute: "new/../existing" must not count "existing" as made.
    out = Path(os.path.abspath(args.out))
    made = [p for p in (out, *out.parents) if not p.exists()]
    out.mkdir(parents=True, exist_ok=True)
    try:
        result = run(args.input, stance_method=args.method, progress=args.progress,
                     encoding=args.encoding, own_targets=args.own_targets,
                     codebook_rules=args.codebook_rules)
        written = write_outputs(result, args.out)
    except BaseException:
        # An empty folder left behind looks like a run that found nothing: remove the
        # folders this run made, innermost first, while they are still empty.
        for p in made:
            try:
                p.rmdir()
            except OSError:
                break
        raise
    docs = result.manifest["documents"]
    print(f"wrote {len(written)} files to {args.out}", file=sys.stderr)
    print(_summary(docs["found"], docs["with_quotations"], docs["without_quotations"],
                   docs["errors"]), file=sys.stderr)
    return _nothing_usable(docs["with_quotations"] + docs["without_quotations"], result.errors)


def _nothing_usable(n_loaded: int, errors: pd.DataFrame) -> int:
    """Exit code 2, with the reasons, when not one document could be used; else 0."""
    if n_loaded:
        return 0
    print("error: no document in the input could be used", file=sys.stderr)
    for row in errors.itertuples():
        print(f"{row.severity}: {row.source}: {row.reason}", file=sys.stderr)
    return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analysis",
        description="Quotations, speakers, stance and security-threat framing in news.",
        epilog="Exit codes: 0 done (problems with single documents go to the errors table); "
        "2 the input cannot be used at all, an output path is the input, or (for `stance` "
        "without --keep-going) a row is malformed.")
    parser.add_argument("--version", action="version", version=f"analysis {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("quotes", help="extract quotations and speakers")
    p.add_argument("input", help="a .txt file, a folder of .txt files, or a "
                   ".jsonl/.csv/.parquet table with doc_id and text")
    p.add_argument("-o", "--output", required=True,
                   help="output table; .jsonl, .csv or .parquet by extension")
    p.add_argument("--errors", help="write the errors table here (default: print them)")
    p.add_argument("--progress", action="store_true", help="show a progress bar")
    p.add_argument("--encoding", default="utf-8",
                   help="text encoding of the input (default utf-8; never guessed); a list "
                        "such as utf-8,cp1252 reads each file in the first that fits")
    p.set_defaults(func=cmd_quotes)

    p = sub.add_parser(
        "stance", help="score stance toward a target in rows of text",
        description="Score stance toward a target in rows of text. Each row's whole text is "
        "scored as given; `analysis run` scores only the sentence around each mention, so "
        "the two can differ on a multi-sentence text.")
    p.add_argument("input", help="table (.csv, .jsonl, .parquet) with text, target and "
                   "optional target_start, target_end, id; without a span the target's first "
                   "occurrence in the text is scored")
    p.add_argument("-o", "--output", required=True, help="output .csv, .jsonl or .parquet")
    p.add_argument("--method", default=DEFAULT_STANCE_METHOD, choices=STANCE_METHODS,
                   help=f"stance method (default {DEFAULT_STANCE_METHOD}; see analysis.stance)")
    p.add_argument("--no-codebook-rules", dest="codebook_rules", action="store_false",
                   help=_NO_CODEBOOK_RULES_HELP)
    p.add_argument("--keep-going", action="store_true",
                   help="write malformed rows to an errors file instead of stopping")
    p.add_argument("--errors", help="errors file for --keep-going "
                   "(default: OUTPUT stem + .errors.csv)")
    p.add_argument("--encoding", default="utf-8",
                   help="text encoding of the input (default utf-8; never guessed); a list "
                        "such as utf-8,cp1252 reads each file in the first that fits")
    p.set_defaults(func=cmd_stance)

    p = sub.add_parser("run", help="run the whole pipeline and write every table")
    p.add_argument("input", help="as for `analysis quotes`")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--method", default=DEFAULT_STANCE_METHOD, choices=STANCE_METHODS,
                   help=f"stance method (default {DEFAULT_STANCE_METHOD})")
    p.add_argument("--own-targets", default=DEFAULT_OWN_TARGETS, choices=OWN_TARGETS,
                   help="stance toward the speaker's own country or organisation: score it "
                   "but never 'against' ('not_against', the default: the more probable of "
                   "favor and neutral), 'score' it like any target (for corpora of "
                   "opposition critics), or make it 'neutral' (a speaker's account of their "
                   "own side is no stance toward it)")
    p.add_argument("--no-codebook-rules", dest="codebook_rules", action="store_false",
                   help=_NO_CODEBOOK_RULES_HELP)
    p.add_argument("--progress", action="store_true", help="show progress bars")
    p.add_argument("--encoding", default="utf-8",
                   help="text encoding of the input (default utf-8; never guessed); a list "
                        "such as utf-8,cp1252 reads each file in the first that fits")
    p.set_defaults(func=cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``analysis`` console script."""
    from analysis.config import ConfigError
    from analysis.corpus import CorpusError

    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (CorpusError, ConfigError, ValueError, OSError, ImportError) as exc:
        # ImportError: an optional extra a chosen method needs (e.g. --method transformer).
        # OSError: an input or output path that cannot be read or written.
        print(f"analysis {args.command}: error: {exc}", file=sys.stderr)
        return 2
