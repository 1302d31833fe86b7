"""The whole pipeline, corpus to frames, and the writers of its outputs.

Data flows one way: corpus -> quotes -> sentiment -> target stance -> framing.
:func:`run` does it all for one input and :func:`write_outputs` writes the
tables; these writers are the only code that writes the run's output tables
(the corpus reader, the configuration loaders, the figure helper
:func:`analysis.plots.save_figure`, the coding-sheet export and model training
read or write files of their own).

Every input document is accounted for: documents found = documents with
quotations + documents without + documents in the errors table. A document
whose extraction raises is retried alone and, if it fails again, recorded in
the errors table (stage ``"quotes"``) while the run goes on.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from tqdm import tqdm

from analysis import __version__
from analysis.config import file_sha256
from analysis.corpus import ERROR_COLUMNS, load_corpus
from analysis.paths import (
    BOILERPLATE_FILE,
    CODEBOOKS_DIR,
    CONFIG_DIR,
    CUE_VERBS_FILE,
    FRAMES_CODEBOOK_FILE,
    LEXICONS_DIR,
    MODELS_DIR,
    PROJECT_ROOT,
    ROSTER_FILE,
    TARGETS_FILE,
)

#: Stable column order of ``stance.csv`` (outside evaluation relies on it).
STANCE_COLUMNS = [
    "doc_id", "quote_id", "target", "mention", "mention_start", "mention_end",
    "stance", "p_favor", "p_against", "p_neutral", "method", "evidence",
]
#: Stable column order of ``frames.csv``.
FRAME_COLUMNS = ["doc_id", "quote_id", "code", "evidence", "evidence_start", "evidence_end"]
#: Per-document status table written as ``documents.csv``.
DOCUMENT_STATUS_COLUMNS = ["doc_id", "source", "status", "n_quotes"]


@dataclass
class RunResult:
    """Tables produced by :func:`run`.

    Attributes
    ----------
    documents : DataFrame
        The loaded documents (see :mod:`analysis.corpus`).
    quotes : DataFrame
        One row per quotation, the :mod:`analysis.quotes` contract plus
        ``sentiment_*``, ``severity``, ``urgency`` and ``threat_source``.
    stance : DataFrame
        One row per (quotation, target mention), columns :data:`STANCE_COLUMNS`.
    frames : DataFrame
        One row per (quotation, frame code, piece of evidence), :data:`FRAME_COLUMNS`.
    errors : DataFrame
        Every problem, columns of :data:`analysis.corpus.ERROR_COLUMNS`.
    status : DataFrame
        One row per document found: ``quotations``, ``no quotations`` or ``error``.
    manifest : dict
        Version, configuration hashes, counts and timings.
    """

    documents: pd.DataFrame
    quotes: pd.DataFrame
    stance: pd.DataFrame
    frames: pd.DataFrame
    errors: pd.DataFrame
    status: pd.DataFrame
    manifest: dict = field(default_factory=dict)


def extract_all(documents: pd.DataFrame, *, batch_size: int = 200,
                progress: bool = False, **kwargs) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Extract quotations batch by batch, isolating documents that fail.

    Parameters
    ----------
    documents : DataFrame
        Documents table from :func:`analysis.corpus.load_corpus`.
    batch_size : int
        Documents per batch; memory stays flat in corpus size.
    progress : bool
        Show a tqdm progress bar.
    **kwargs
        Passed to :func:`analysis.quotes.extract_quotes`.

    Returns
    -------
    quotes, errors : DataFrame, DataFrame
        The quotations, and one error row per document whose extraction raised.
    """
    from analysis.quotes import extract_quotes

    parts, errors = [], []
    starts = range(0, len(documents), batch_size)
    for start in tqdm(starts, disable=not progress, desc="quotations", unit="batch"):
        batch = documents.iloc[start:start + batch_size]
        try:
            parts.append(extract_quotes(batch, **kwargs))
            continue
        except BaseException as exc:  # noqa: BLE001 - isolate the failing document below
            if not _is_failure(exc):
                raise
        for i in range(len(batch)):
            one = batch.iloc[i:i + 1]
            try:
                parts.append(extract_quotes(one, **kwargs))
            except BaseException as exc:  # noqa: BLE001 - recorded, never lost
                if not _is_failure(exc):
                    raise
                errors.append({
                    "source": one["source"].iloc[0], "doc_id": one["doc_id"].iloc[0],
                    "stage": "quotes", "severity": "error",
                    "reason": f"quotation extraction failed: {type(exc).__name__}: {exc}",
                })
    errors.extend(_quote_mark_warnings(documents))
    parts = [p for p in parts if len(p)]
    if parts:
        quotes = pd.concat(parts, ignore_index=True)
    else:
        quotes = extract_quotes(documents.iloc[0:0], **kwargs)
    return quotes, pd.DataFrame(errors, columns=ERROR_COLUMNS)


def _is_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is a document's failure to record: an Exception, or a native library's
    panic (pyo3's PanicException derives from BaseException), but not an interrupt or exit."""
    return not isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit))


def _quote_mark_warnings(documents: pd.DataFrame) -> list[dict]:
    """Warning rows for paragraphs whose quotation marks do not pair up."""
    from analysis.text import paragraph_spans, unbalanced_quote_marks

    rows = []
    for doc_id, text, end, source in zip(documents["doc_id"], documents["text"],
                                         documents["story_end"], documents["source"],
                                         strict=True):
        found = unbalanced_quote_marks(text, int(end))
        spans = paragraph_spans(text, 0, int(end)) if found else []
        for paragraph, reason in found:
            s, e = spans[paragraph]
            rows.append({"source": source, "doc_id": doc_id, "stage": "quotes",
                         "severity": "warning",
                         "reason": f"paragraph {paragraph}: {reason}; quotations there may be "
                                   f"incomplete or missed (paragraph counted from 0 as in the "
                                   f"quotes' paragraph column; characters {s}-{e})"})
    return rows


def document_status(found: pd.DataFrame, quotes: pd.DataFrame,
                    errors: pd.DataFrame) -> pd.DataFrame:
    """One row per document found, saying what became of it.

    Parameters
    ----------
    found : DataFrame
        ``doc_id`` and ``source`` of the loaded documents.
    quotes : DataFrame
        The quotations extracted.
    errors : DataFrame
        The errors table. A loaded document with an error row from a later
        stage (e.g. ``quotes``) has status ``error``; each ``load``-stage error
        row that names a document is one more document that could not be read.

    Returns
    -------
    DataFrame
        ``doc_id, source, status`` (``quotations``, ``no quotations`` or
        ``error``) and ``n_quotes``.
    """
    counts = quotes.groupby("doc_id").size() if len(quotes) else pd.Series(dtype=int)
    is_error = (errors["severity"] == "error") & (errors["doc_id"] != "")
    failed_later = set(errors.loc[is_error & (errors["stage"] != "load"), "doc_id"])
    rows = []
    for doc_id, source in zip(found["doc_id"], found["source"], strict=True):
        n = int(counts.get(doc_id, 0))
        status = ("error" if doc_id in failed_later
                  else "quotations" if n else "no quotations")
        rows.append({"doc_id": doc_id, "source": source, "status": status, "n_quotes": n})
    not_loaded = errors[is_error & (errors["stage"] == "load")]
    for doc_id, source in zip(not_loaded["doc_id"], not_loaded["source"], strict=True):
        rows.append({"doc_id": doc_id, "source": source, "status": "error", "n_quotes": 0})
    return pd.DataFrame(rows, columns=DOCUMENT_STATUS_COLUMNS)


def _library_versions(stance_method: str = "cnn") -> dict:
    """Versions of the libraries whose numerics shape the scores of this run."""
    from importlib.metadata import PackageNotFoundError, version

    names = ["numpy", "pandas", "scikit-learn", "scipy", "vaderSentiment"]
    names += {"neural": ["onnxruntime", "tokenizers"], "cnn": ["tokenizers"],
              "transformer": ["torch", "transformers"]}.get(stance_method, [])
    out = {}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


def _source_revision() -> dict:
    """The git commit of the checkout the package runs from and its files edited since
    (``git status``), or None for both when it is not a git checkout or git is missing: with
    the configuration hashes, this ties a result to the code and data that made it."""
    import subprocess

    def git(*args):
        try:
            out = subprocess.run(["git", "-C", str(PROJECT_ROOT), *args], capture_output=True,
                                 text=True, timeout=10, check=True)
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout

    commit = git("rev-parse", "--verify", "HEAD")
    if not commit:
        return {"git_commit": None, "edited": None}
    status = git("status", "--porcelain", "--untracked-files=no") or ""
    return {"git_commit": commit.strip(),
            "edited": sorted(line[3:] for line in status.splitlines() if line.strip())}


def _config_hashes(stance_method: str = "cnn") -> dict:
    from analysis._lexicon import STANCE_LEXICON_FILE, SUPPLEMENT_FILE

    files = [CUE_VERBS_FILE, ROSTER_FILE, TARGETS_FILE, BOILERPLATE_FILE, FRAMES_CODEBOOK_FILE,
             STANCE_LEXICON_FILE, SUPPLEMENT_FILE]
    # And every other file a researcher may edit in the configuration folders (titles.yml
    # was once left out), so that no edit can change results under an identical manifest.
    files += sorted(p for folder in (CONFIG_DIR, LEXICONS_DIR, CODEBOOKS_DIR)
                    for p in folder.glob("*") if p.suffix in {".yml", ".yaml", ".csv"}
                    and p not in files)
    files += sorted(MODELS_DIR.glob("*.npz")) + sorted(MODELS_DIR.glob("*.json"))
    if stance_method == "neural":
        from analysis.stance_neural import NEURAL_DIR

        files += sorted(p for p in NEURAL_DIR.iterdir() if p.is_file())
    if stance_method == "cnn":
        from analysis.stance_cnn import CNN_DIR

        files += sorted(p for p in CNN_DIR.iterdir() if p.is_file())
    if stance_method == "transformer":
        # Trained locally, so these weights differ between machines: record which were used.
        from analysis.stance_transformer import TRANSFORMER_DIR

        files += sorted(TRANSFORMER_DIR.glob("**/model.safetensors"))
        files += sorted(TRANSFORMER_DIR.glob("**/stance_transformer.json"))
        files += sorted(TRANSFORMER_DIR.glob("**/encoder/*.json"))  # tokenizer, configuration
    return {(p.relative_to(PROJECT_ROOT).as_posix() if p.is_relative_to(PROJECT_ROOT) else str(p)):
            file_sha256(p) for p in files if p.exists()}


def run(input_path: str | Path, *, stance_method: str = "cnn", batch_size: int = 200,
        progress: bool = False, encoding: str = "utf-8",
        own_targets: str = "not_against", codebook_rules: bool = True) -> RunResult:
    """Run the whole pipeline on one input.

    Parameters
    ----------
    input_path : str or Path
        Anything :func:`analysis.corpus.load_corpus` accepts.
    stance_method : {"hybrid", "model", "rules", "cnn", "neural", "transformer"}, default "cnn"
        Stance method (see :mod:`analysis.stance`).
    batch_size : int
        Documents per extraction batch.
    progress : bool
        Show progress bars.
    encoding : str, default "utf-8"
        Encoding of the input's text (as :func:`analysis.corpus.load_corpus`; never guessed).
    own_targets : {"not_against", "score", "neutral"}, default "not_against"
        Stance toward the speaker's own country or organisation: scored but never against,
        scored like any target, or neutral by convention (see
        :func:`analysis.stance.score_stance`).
    codebook_rules : bool, default True
        Apply the stance codebook rules (occasion, rule broken, view; see
        :mod:`analysis.stance`); False keeps each method's own answer, for an ablation. The
        manifest records the setting.

    Returns
    -------
    RunResult
    """
    from analysis.framing import FRAMES_CODEBOOK_FILE, code_frames, load_codebook
    from analysis.sentiment import score_sentiment
    from analysis.stance import check_options, score_stance
    from analysis.targets import TARGETS_FILE, find_mentions, load_targets

    # Refuse a bad option or configuration file before the work, not after extraction.
    check_options(stance_method, own_targets)
    load_targets(TARGETS_FILE)
    codebook = load_codebook(FRAMES_CODEBOOK_FILE)
    timings = {}
    t0 = time.perf_counter()
    corpus = load_corpus(input_path, encoding=encoding)
    documents = corpus.documents
    timings["load_s"] = time.perf_counter() - t0

    t = time.perf_counter()
    quotes, quote_errors = extract_all(documents, batch_size=batch_size, progress=progress)
    timings["quotes_s"] = time.perf_counter() - t

    t = time.perf_counter()
    quotes = score_sentiment(quotes)
    timings["sentiment_s"] = time.perf_counter() - t

    t = time.perf_counter()
    mentions = find_mentions(quotes, documents)
    stance = score_stance(mentions, quotes, documents, method=stance_method,
                          own_targets=own_targets, codebook_rules=codebook_rules)
    stance = stance[STANCE_COLUMNS].reset_index(drop=True)
    timings["stance_s"] = time.perf_counter() - t

    t = time.perf_counter()
    frames, per_quote = code_frames(quotes, stance=stance, codebook=codebook)
    frames = frames[FRAME_COLUMNS].reset_index(drop=True)
    quotes = quotes.merge(per_quote, on=["doc_id", "quote_id"], how="left", validate="1:1")
    quotes["severity"] = quotes["severity"].fillna(0).astype(int)
    quotes["urgency"] = quotes["urgency"].fillna(False).astype(bool)
    timings["framing_s"] = time.perf_counter() - t
    timings["total_s"] = time.perf_counter() - t0

    errors = pd.concat([corpus.errors, quote_errors], ignore_index=True)
    status = document_status(documents[["doc_id", "source"]], quotes, errors)
    counts = status["status"].value_counts()
    if len(status) != corpus.n_found:
        # Should not happen; if it does, say so rather than report a wrong total.
        errors = pd.concat([errors, pd.DataFrame([{
            "source": str(input_path), "doc_id": "", "stage": "accounting",
            "severity": "warning",
            "reason": f"{corpus.n_found} documents found but {len(status)} accounted for"}])],
            ignore_index=True)
    manifest = {
        "package": "analysis",
        "version": __version__,
        "python": platform.python_version(),
        "libraries": _library_versions(stance_method),
        "input": str(input_path),
        # The path as given may be relative to a working directory the manifest does not
        # record; this one is not.
        "input_resolved": str(Path(input_path).resolve()),
        "encoding": encoding,
        "stance_method": stance_method,
        "own_targets": own_targets,
        "codebook_rules": bool(codebook_rules),
        "config_sha256": _config_hashes(stance_method),
        "source": _source_revision(),
        "documents": {
            "found": int(corpus.n_found),
            "with_quotations": int(counts.get("quotations", 0)),
            "without_quotations": int(counts.get("no quotations", 0)),
            "errors": int(counts.get("error", 0)),
        },
        "rows": {"quotes": int(len(quotes)), "stance": int(len(stance)),
                 "frames": int(len(frames)), "errors": int(len(errors))},
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
    }
    return RunResult(documents=documents, quotes=quotes, stance=stance, frames=frames,
                     errors=errors, status=status, manifest=manifest)


def _text_columns_as_strings(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns typed as strings even when every value is missing.

    Parquet would store an all-missing object column (no quotation had a speaker role; a run
    without mentions) as type null, and such a file cannot then be read together with a run
    where the column holds text."""
    cast = {c: "str" for c in frame.columns if frame[c].dtype == object
            and all(isinstance(v, str) for v in frame[c].dropna())}
    return frame.astype(cast) if cast else frame


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as ``.csv``, ``.jsonl`` or ``.parquet``, chosen by extension.

    Raises
    ------
    ValueError
        For any other extension; the message lists the allowed ones.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    elif suffix == ".jsonl":
        frame.to_json(path, orient="records", lines=True, force_ascii=False)
    elif suffix == ".parquet":
        _text_columns_as_strings(frame).to_parquet(path, index=False)
    else:
        raise ValueError(f"{path}: unknown output kind {suffix!r}; use .csv, .jsonl or .parquet")
    return path


_RUN_TABLES = ("quotes", "stance", "frames")
#: The files :func:`write_outputs` writes into its folder.
OUTPUT_FILES = (*(f"{name}{suffix}" for name in _RUN_TABLES for suffix in (".csv", ".parquet")),
                "documents.csv", "errors.csv", "manifest.json")


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one file (also through links, when both exist)."""
    a, b = Path(a), Path(b)
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def refuse_input_as_output(input_path: str | Path, outputs, instead: str = "another") -> None:
    """Refuse an output path that is the input itself (it would be overwritten).

    Raises
    ------
    ValueError
        Naming the path; ``instead`` says what to choose ("another output folder").
    """
    for out in outputs:
        if out and same_file(out, input_path):
            raise ValueError(f"{out}: this output path is the input; choose {instead}")


def check_output_folder(input_path: str | Path, out_dir: str | Path) -> None:
    """Refuse an output folder where a file :func:`write_outputs` writes is the input.

    Raises
    ------
    ValueError
        Naming the file.
    """
    refuse_input_as_output(input_path, [Path(out_dir) / name for name in OUTPUT_FILES],
                           "another output folder")


def write_outputs(result: RunResult, out_dir: str | Path) -> list[Path]:
    """Write every table of a run and its manifest into ``out_dir``.

    Files: ``quotes``, ``stance``, ``frames`` (each ``.csv`` and ``.parquet``),
    ``documents.csv`` (what became of each document), ``errors.csv`` and
    ``manifest.json`` (:data:`OUTPUT_FILES`). An earlier run's files are overwritten, never
    mixed in.

    Raises
    ------
    ValueError
        When one of these files would be the run's input (``manifest["input"]``).
    """
    out = Path(out_dir)
    check_output_folder(result.manifest.get("input", ""), out)
    out.mkdir(parents=True, exist_ok=True)
    # Write everything into a scratch folder first and move the files into
    # place only when all were written, so a failure never leaves a mix of
    # this run's and an earlier run's tables.
    with tempfile.TemporaryDirectory(dir=out, prefix=".partial-") as scratch:
        scratch = Path(scratch)
        staged = []
        for name in _RUN_TABLES:
            frame = getattr(result, name)
            for suffix in (".csv", ".parquet"):
                staged.append(write_table(frame, scratch / f"{name}{suffix}"))
        staged.append(write_table(result.status, scratch / "documents.csv"))
        staged.append(write_table(result.errors, scratch / "errors.csv"))
        manifest = scratch / "manifest.json"
        manifest.write_text(json.dumps(result.manifest, indent=2, sort_keys=True) + "\n",
                            encoding="utf-8")
        staged.append(manifest)
        written = []
        for path in staged:
            os.replace(path, out / path.name)
            written.append(out / path.name)
    return written


def read_outputs(out_dir: str | Path) -> dict[str, pd.DataFrame]:
    """Read the tables a run wrote (``quotes``, ``stance``, ``frames``, ``errors``, ``documents``)."""
    out = Path(out_dir)
    tables = {name: pd.read_parquet(out / f"{name}.parquet")
              for name in ("quotes", "stance", "frames")}
    tables["errors"] = pd.read_csv(out / "errors.csv", dtype={"doc_id": str},
                                   keep_default_na=False)
    tables["documents"] = pd.read_csv(out / "documents.csv", dtype={"doc_id": str})
    return tables
