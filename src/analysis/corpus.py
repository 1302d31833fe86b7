"""Loading news articles into a documents table, accounting for every input.

Accepted inputs
---------------
- one ``.txt`` file (doc_id = file stem);
- a folder of ``.txt`` files (doc_id = file stem), with an optional
  ``metadata.csv`` beside them (columns ``doc_id`` plus any of ``title``,
  ``outlet``, ``date``, ``url``, ...);
- a ``.jsonl``, ``.csv`` or ``.parquet`` table with ``doc_id`` and ``text``
  columns; every other column is kept as metadata.

Output
------
:func:`load_corpus` returns a :class:`Corpus` with two tables:

``documents``
    ``doc_id`` (str), ``text`` (str, exactly as given: every character offset
    the package reports indexes into it), ``story_end`` (int: ``text[story_end:]``
    is trailing non-story text such as a subscription footer), ``source`` (the
    file, with ``:line`` for JSONL and CSV rows), then metadata columns.
``errors``
    One row per problem: ``source``, ``doc_id`` (empty for a whole-file
    problem), ``stage`` (``"load"``), ``severity`` (``"error"``: the document is
    not in ``documents``; ``"warning"``: it is, but something is off) and
    ``reason``.

Every input document ends up in exactly one of ``documents`` or an ``error``
row, so ``n_documents + n_document_errors`` equals the documents found.

Limits
------
Text must be UTF-8 (a byte-order mark is dropped) unless ``encoding`` says
otherwise; the loader never guesses an encoding, because a wrong guess changes
the text silently. A list ("utf-8,cp1252") reads each file in the first encoding in which
it is valid; UTF-8 text read in a single-byte encoding gets a warning row, as it is most
likely garbled. Folders are not searched recursively.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.config import load_yaml
from analysis.paths import BOILERPLATE_FILE
from analysis.text import escape_surrogates

DOCUMENT_COLUMNS = ["doc_id", "text", "story_end", "source"]
ERROR_COLUMNS = ["source", "doc_id", "stage", "severity", "reason"]
TABLE_SUFFIXES = {".jsonl", ".csv", ".parquet"}
METADATA_FILE = "metadata.csv"
# Columns the loader or the pipeline writes into the documents and quotes tables;
# an input column of the same name would clash, so it is renamed with this prefix
# and a warning says so. (``story_end`` is accepted as input.)
RESERVED_PREFIX = "input_"
RESERVED_COLUMNS = frozenset({
    "text", "source",
    "quote_id", "start", "end", "kind", "fragments", "cue", "speaker_mention",
    "speaker_start", "speaker_end", "speaker", "speaker_role", "speaker_country", "paragraph",
    "speaker_type",
    "sentiment_compound", "sentiment_pos", "sentiment_neu", "sentiment_neg", "sentiment_label",
    "severity", "urgency", "threat_source",
})


class CorpusError(ValueError):
    """An input cannot be read as a corpus. The message names the file and the reason."""


@dataclass
class Corpus:
    """The result of :func:`load_corpus`.

    Attributes
    ----------
    documents : pandas.DataFrame
        One row per readable document (columns in the module docstring).
    errors : pandas.DataFrame
        One row per problem found (columns in the module docstring).
    n_found : int
        Documents found in the input, readable or not.
    """

    documents: pd.DataFrame
    errors: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ERROR_COLUMNS))
    n_found: int = 0

    @property
    def n_document_errors(self) -> int:
        """Documents that could not be loaded.

        Each input document that fails gets exactly one error row naming it (its
        doc_id, or its line for a row without a usable id); two failed rows with
        the same doc_id are two documents.
        """
        if self.errors.empty:
            return 0
        bad = (self.errors["severity"] == "error") & (self.errors["doc_id"] != "")
        return int(bad.sum())


class _Collector:
    """Gathers error rows, or raises at the first error when ``errors='raise'``."""

    def __init__(self, mode: str):
        if mode not in {"raise", "collect"}:
            raise ValueError(f"errors must be 'raise' or 'collect', got {mode!r}")
        self.mode = mode
        self.rows: list[dict] = []

    def add(self, source, reason, doc_id="", severity="error"):
        if severity == "error" and self.mode == "raise":
            raise CorpusError(f"{source}: {reason}")
        self.rows.append(
            {"source": escape_surrogates(str(source)), "doc_id": escape_surrogates(str(doc_id)),
             "stage": "load", "severity": severity, "reason": escape_surrogates(str(reason))}
        )

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows, columns=ERROR_COLUMNS)


def load_boilerplate(path: str | Path = BOILERPLATE_FILE) -> list[re.Pattern]:
    """Read the trailing non-story patterns from ``data/config/boilerplate.yml``.

    Returns
    -------
    list of re.Pattern
        Compiled, case-insensitive, multi-line patterns.
    """
    data = load_yaml(path)
    patterns = data.get("trailing_paragraph_patterns") or []
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern, re.IGNORECASE | re.MULTILINE))
        except re.error as exc:
            raise CorpusError(f"{path}: bad pattern {pattern!r}: {exc}") from None
    return compiled


def find_story_end(text: str, patterns: Iterable[re.Pattern]) -> int:
    """Offset where trailing non-story text begins (``len(text)`` when there is none).

    Paragraphs (blocks separated by blank lines, or single lines when the text
    has no blank lines) are tested from the end; the trailing run that matches
    any pattern is non-story. Text in the middle of an article is never cut.
    """
    patterns = list(patterns)
    end = len(text.rstrip())
    if not patterns or end == 0:
        return len(text)
    # Paragraph starts, as offsets; single newlines also separate the short
    # footer lines outlets append without blank lines between them.
    starts = [0] + [m.end() for m in re.finditer(r"\n", text[:end])]
    story_end = len(text)
    for start in reversed(starts):
        line = text[start:end]
        if not line.strip():
            end = start
            continue
        if any(p.search(line) for p in patterns):
            story_end = start
            end = start
            continue
        break
    # Trailing whitespace before the footer is not story either.
    if story_end < len(text):
        story_end = len(text[:story_end].rstrip())
    return story_end


# Byte-order marks of the wide encodings, with the encoding and byte order each says (UTF-32
# first: its little-endian mark begins with UTF-16's).
_WIDE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32", "le"), (codecs.BOM_UTF32_BE, "utf-32", "be"),
              (codecs.BOM_UTF16_LE, "utf-16", "le"), (codecs.BOM_UTF16_BE, "utf-16", "be"))


class _UndecodableError(CorpusError):
    """The bytes are not valid in the encoding named (another one of a list may do)."""


def decode_bytes(raw: bytes, source, encoding: str, notes: list | None = None) -> str:
    """Bytes to text, refusing binary and undecodable input with the reason.

    ``encoding`` may be a comma-separated list ("utf-8,cp1252"): each file is read in the
    first encoding in which it is valid, so a corpus that mixes UTF-8 and a legacy encoding
    can be read without garbling either. Put UTF-8 first: a single-byte encoding such as
    Latin-1 accepts any bytes. When ``notes`` is given, a warning is appended to it for text
    that is valid UTF-8 with non-ASCII characters but was read in a single-byte encoding
    (its curly quotes and accents are then most likely garbled: "’" becomes "â€™").

    UTF-16 and UTF-32 text holds NUL bytes, so for those encodings a NUL *character* after
    decoding marks a binary file; for any other encoding a NUL byte does. UTF-16/32 text with
    a byte-order mark read under another encoding is named as such, not called binary. The
    byte order is never guessed: plain "utf-16"/"utf-32" needs a byte-order mark (else name
    "utf-16-le" or "utf-16-be"), and a mark that contradicts the named order is refused.
    """
    if not raw.strip():
        raise CorpusError(f"{source}: empty file")
    if "," in encoding:
        names = [e.strip() for e in encoding.split(",")]
        if not all(names):
            raise CorpusError(f"{source}: empty encoding name in {encoding!r}")
        for name in names:  # a misspelt name is refused even when an earlier one would do
            try:
                codecs.lookup(name)
            except LookupError:
                raise CorpusError(f"{source}: unknown encoding {name!r}") from None
        for name in names:
            try:
                return decode_bytes(raw, source, name, notes)
            except _UndecodableError:
                continue
        raise CorpusError(f"{source}: not valid in any of {', '.join(names)}; re-save the file "
                          "as UTF-8 or name its encoding")
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise CorpusError(f"{source}: unknown encoding {encoding!r}") from None
    if not getattr(info, "_is_text_encoding", True):  # rot13, hex, base64, ...
        raise CorpusError(f"{source}: {encoding!r} is not a text encoding")
    wide = info.name.startswith(("utf-16", "utf-32"))
    mark = next(((bom, codec, order) for bom, codec, order in _WIDE_BOMS
                 if raw.startswith(bom)), None)
    if wide:
        size = info.name[:6]  # "utf-16" or "utf-32"
        if info.name == size and mark is None:
            raise CorpusError(f"{source}: no byte-order mark, so the byte order of {encoding} "
                              f"is unknown; name it ({size}-le or {size}-be)")
        if info.name != size and mark is not None and not info.name.endswith(mark[2]):
            raise CorpusError(f"{source}: its byte-order mark says {size}-{mark[2]}, not "
                              f"{encoding}")
    else:
        if mark is not None:
            bom, codec, _ = mark
            raise CorpusError(f"{source}: {codec.upper()} text (byte-order mark "
                              f"{bom.hex(' ')}), not {encoding}; name its encoding (--encoding "
                              f"{codec} on the command line, encoding='{codec}' in Python)")
        if raw.startswith(codecs.BOM_UTF8) and info.name not in ("utf-8", "utf-8-sig"):
            raise CorpusError(f"{source}: UTF-8 text (byte-order mark ef bb bf), not {encoding}; "
                              "name its encoding (--encoding utf-8 on the command line, "
                              "encoding='utf-8' in Python)")
        nul = raw.find(b"\x00")
        if nul >= 0:
            raise CorpusError(f"{source}: binary file (NUL byte at offset {nul}), not text "
                              "(UTF-16 or UTF-32 text without a byte-order mark looks the "
                              "same: if it is, name its encoding)")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = raw[exc.start:exc.start + 1].hex()
        raise _UndecodableError(
            f"{source}: not valid {encoding} (byte 0x{bad} at offset {exc.start}); "
            "re-save the file as UTF-8 or name its encoding (--encoding on the command "
            "line, encoding= in Python; a list such as utf-8,cp1252 when a corpus mixes "
            "them)"
        ) from None
    if wide and "\x00" in text:
        raise CorpusError(f"{source}: binary file (NUL character at offset "
                          f"{text.index(chr(0))} after decoding as {encoding}), not text")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise CorpusError(f"{source}: empty file (only whitespace or a byte-order mark)")
    if notes is not None and not wide and info.name not in ("utf-8", "utf-8-sig") and \
            not raw.isascii() and _valid_utf8(raw):
        notes.append(f"valid UTF-8 with non-ASCII characters, read as {encoding}: they are "
                     f"most likely garbled ('’' becomes 'â€™'); to read each file as UTF-8 "
                     f"when it is valid UTF-8, name 'utf-8,{encoding}'")
    return text


def _decode_noted(raw: bytes, path: Path, encoding: str, errors: _Collector,
                  doc_id: str = "") -> str:
    """:func:`decode_bytes`, with its notes recorded as warning rows of ``path``."""
    notes: list[str] = []
    text = decode_bytes(raw, path, encoding, notes)
    for note in notes:
        errors.add(path, note, doc_id=doc_id, severity="warning")
    return text


def _valid_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _check_text(text, source) -> str:
    """Validate a text value from a table row."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        raise CorpusError(f"{source}: missing text")
    if not isinstance(text, str):
        raise CorpusError(f"{source}: text is a {type(text).__name__}, not a string")
    if not text.lstrip("\ufeff").strip():
        raise CorpusError(f"{source}: empty text")
    if "\x00" in text:
        raise CorpusError(f"{source}: text holds a NUL character (binary data?)")
    _check_unicode(text, source, "text")
    return text


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _check_unicode(value: str, source, what: str) -> None:
    """Refuse a lone UTF-16 surrogate (half of an emoji cut in two, a JSON escape such as
    "\\ud800", or a file name in another encoding): it is not text, and no output file could
    hold it."""
    bad = _SURROGATE_RE.search(value)
    if bad:
        raise CorpusError(f"{source}: {what} holds an unpaired surrogate (U+{ord(bad.group()):04X} "
                          f"at character {bad.start()}), not valid Unicode; fix the input")


def read_csv_text(text: str, source) -> tuple[pd.DataFrame, list[int], list[tuple[int, str]]]:
    """Parse CSV text strictly: every row must have as many fields as the header.

    pandas would take an extra leading field as the index when *every* row has one (an
    unquoted comma inside a field), shifting each value into the wrong column without a word.
    Here such a row is refused with its line number instead.

    Parameters
    ----------
    text : str
        The decoded file (see :func:`decode_bytes`).
    source : str or Path
        Names the file in errors.

    Returns
    -------
    frame : DataFrame
        The good rows, every value a string (empty cells are ``""``).
    lines : list of int
        The line on which each good row starts (the header is line 1).
    bad : list of (int, str)
        Line and reason of each refused row.

    Raises
    ------
    CorpusError
        No header, repeated column names, or text the CSV reader cannot parse (an unclosed
        quotation mark), with the line.
    """
    # The csv module refuses fields over 131,072 characters by default; a long article is not
    # malformed, and the whole text is in memory already.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows, lines, bad = [], [], []
    header = None
    line = 1
    try:
        for record in reader:
            start, line = line, reader.line_num + 1
            if not record or (len(record) == 1 and not record[0].strip()):
                continue  # blank line, as pandas skips them
            if header is None:
                header = [h.strip() for h in record]
                dup = sorted({h for h in header if header.count(h) > 1})
                if dup:
                    raise CorpusError(f"{source}: column name(s) {', '.join(map(repr, dup))} "
                                      "appear more than once in the header")
            elif len(record) != len(header):
                # Name the row by its doc_id too when the field is there (a shift comes after
                # it when the stray comma is in a later field).
                k = header.index("doc_id") if "doc_id" in header else -1
                named = f" (doc_id {record[k].strip()!r})" if 0 <= k < len(record) else ""
                bad.append((start, f"line {start}{named}: {len(record)} fields where the header "
                                   f"has {len(header)} (an unquoted comma or quotation mark?)"))
            else:
                rows.append(record)
                lines.append(start)
    except csv.Error as exc:
        raise CorpusError(f"{source}: malformed CSV near line {reader.line_num}: {exc} "
                          "(an unclosed quotation mark?)") from None
    if header is None:
        raise CorpusError(f"{source}: empty file (no header)")
    return pd.DataFrame(rows, columns=header, dtype=str), lines, bad


def jsonl_records(text: str) -> Iterable[tuple[int, dict | None, str | None]]:
    """``(line, record, None)`` for each JSON object line of ``text``, ``(line, None,
    reason)`` for each line that is not one; blank lines are skipped."""
    # Split on newlines only: str.splitlines would also split on U+2028 and
    # other separators that are valid inside a JSON string.
    for lineno, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield lineno, None, f"not valid JSON: {exc.msg} at column {exc.colno}"
            continue
        if not isinstance(row, dict):
            yield lineno, None, f"line is a JSON {type(row).__name__}, not an object"
            continue
        yield lineno, row, None


def _valid_story_end(value, length: int) -> int | None:
    """A given story_end as an int in [0, length], or None when it is not one."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not number.is_integer() or not 0 <= number <= length:
        return None
    return int(number)


def _stringify_mixed(records: list[dict], errors: _Collector) -> None:
    """Make each metadata column hold one type, so tables write to Parquet.

    A column whose values mix types (numbers and strings, or lists) is turned
    into text (lists and dicts as JSON), with a warning naming the column.
    """
    columns = {k for r in records for k in r} - set(DOCUMENT_COLUMNS)
    for column in sorted(columns):
        values = [r[column] for r in records if column in r and r[column] is not None
                  and not (isinstance(r[column], float) and pd.isna(r[column]))]
        kinds = {float if type(v) is int else type(v) for v in values}
        huge = any(type(v) is int and not -2**63 <= v < 2**63 for v in values)
        if len(kinds) <= 1 and not kinds & {list, dict} and not huge:
            continue
        for r in records:
            v = r.get(column)
            if isinstance(v, list | dict):
                r[column] = json.dumps(v, ensure_ascii=False)
            elif v is not None and not (isinstance(v, float) and pd.isna(v)):
                r[column] = str(v)
        why = ("an integer too large for 64 bits" if huge and len(kinds) <= 1 else
               f"values of several types ({', '.join(sorted(k.__name__ for k in kinds))})")
        errors.add(f"column {column!r}", f"{why}; kept as text", severity="warning")


def _warn_identical(records: list[dict], errors: _Collector) -> None:
    """Warn of each document whose text equals an earlier one's (a copy, a symbolic link,
    one wire story saved under two names): both are kept, since syndicated copies may be
    meant, but counted twice they weigh twice in every comparison."""
    first: dict[str, str] = {}
    for record in records:
        text = record["text"]
        if not text.strip():
            continue  # empty documents are refused or reported on their own
        earlier = first.setdefault(text, record["doc_id"])
        if earlier != record["doc_id"]:
            errors.add(record["source"], f"same text as doc_id {earlier!r}; both are kept "
                       "and counted, remove one if it is a copy", doc_id=record["doc_id"],
                       severity="warning")


def _valid_doc_id(doc_id) -> str:
    if doc_id is None or (isinstance(doc_id, float) and pd.isna(doc_id)):
        raise CorpusError("missing doc_id")
    if isinstance(doc_id, bool | dict | list):
        raise CorpusError(f"doc_id must be a string or a number, got {type(doc_id).__name__} "
                          f"{doc_id!r}")
    doc_id = str(doc_id).strip()
    if not doc_id:
        raise CorpusError("empty doc_id")
    if any(ch in doc_id for ch in "\n\r\t"):
        raise CorpusError(f"doc_id {doc_id!r} holds a line break or tab")
    _check_unicode(doc_id, f"doc_id {doc_id!r}", "the doc_id")
    return doc_id


_YEAR_RE = re.compile(r"(?<!\d)\d{4}(?!\d)")
_SLASH_DATE_RE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.]\d{2,4}")


def _read_metadata(path: Path, errors: _Collector, encoding: str = "utf-8") -> pd.DataFrame:
    """Read ``metadata.csv`` (in the documents' encoding); problems become warnings,
    documents still load."""
    try:
        text = _decode_noted(_read_file(path), path, encoding, errors)
        meta, _, bad = read_csv_text(text, path)
    except CorpusError as exc:
        errors.add(path, f"metadata not read, documents kept without it: {exc}",
                   severity="warning")
        return pd.DataFrame(columns=["doc_id"])
    for _, reason in bad:
        errors.add(path, f"metadata row not read: {reason}", severity="warning")
    if "doc_id" not in meta.columns:
        errors.add(path, "metadata has no 'doc_id' column (columns: "
                   f"{', '.join(meta.columns)}); documents kept without it", severity="warning")
        return pd.DataFrame(columns=["doc_id"])
    meta["doc_id"] = meta["doc_id"].str.strip()
    dup = meta["doc_id"].duplicated(keep="first")
    for doc_id in meta.loc[dup, "doc_id"]:
        errors.add(path, f"duplicate metadata row for doc_id {doc_id!r}; the first is used",
                   doc_id=doc_id, severity="warning")
    meta = meta.loc[~dup]
    if "date" in meta.columns:
        for doc_id, value in zip(meta["doc_id"], meta["date"], strict=True):
            if not value:
                continue
            if pd.isna(pd.to_datetime(value, errors="coerce", format="mixed")):
                errors.add(path, f"unparsable date {value!r} for doc_id {doc_id!r}; kept as text",
                           doc_id=doc_id, severity="warning")
            elif not _YEAR_RE.search(value):
                errors.add(path, f"date {value!r} for doc_id {doc_id!r} has no year; kept as "
                           "text, compare by date with care", doc_id=doc_id, severity="warning")
            elif (m := _SLASH_DATE_RE.fullmatch(value.strip())) and m.group(1) != m.group(2) \
                    and int(m.group(1)) <= 12 and int(m.group(2)) <= 12:
                errors.add(path, f"date {value!r} for doc_id {doc_id!r}: day and month cannot be "
                           "told apart; write it as YYYY-MM-DD", doc_id=doc_id,
                           severity="warning")
    return meta


def _read_file(path: Path) -> bytes:
    """The bytes of a regular file; anything else (a broken link, a folder, a pipe, a file
    without read permission) is a CorpusError naming the path and the reason."""
    try:
        if not path.is_file():
            what = "a broken link" if path.is_symlink() and not path.exists() else \
                "not a regular file (a folder, pipe or device)"
            raise CorpusError(f"{path}: cannot be read: {what}")
        return path.read_bytes()
    except OSError as exc:
        raise CorpusError(f"{path}: cannot be read: {exc.strerror or exc}") from None


def _load_folder(folder: Path, errors: _Collector, encoding: str) -> tuple[list[dict], int]:
    records, found = [], 0
    meta_path = folder / METADATA_FILE
    for path in sorted(folder.iterdir()):
        if path.name == METADATA_FILE:
            continue
        if path.name.startswith("."):
            if path.suffix.lower() == ".txt":
                errors.add(path, "hidden file (name starts with '.'); ignored", severity="warning")
            continue
        if path.is_dir():
            errors.add(path, "subfolder not searched; pass it as its own input",
                       severity="warning")
            continue
        if path.suffix.lower() != ".txt":
            errors.add(path, "not a .txt file; ignored", severity="warning")
            continue
        found += 1
        try:
            _check_unicode(path.stem, path.name.encode("utf-8", "backslashreplace").decode(),
                           "the file name")
            text = _decode_noted(_read_file(path), path, encoding, errors, path.stem)
        except CorpusError as exc:
            errors.add(path, str(exc).removeprefix(f"{path}: "), doc_id=path.stem)
            continue
        duplicate = next((r for r in records if r["doc_id"] == path.stem), None)
        if duplicate is not None:
            errors.add(path, f"duplicate doc_id {path.stem!r} (first: {duplicate['source']})",
                       doc_id=path.stem)
            continue
        records.append({"doc_id": path.stem, "text": text, "source": str(path)})
    if found == 0:
        errors.add(folder, "no .txt files in folder")
    if meta_path.exists() or meta_path.is_symlink():
        meta = _read_metadata(meta_path, errors, encoding)
        known = {r["doc_id"] for r in records}
        by_id = meta.set_index("doc_id").to_dict(orient="index") if len(meta) else {}
        for doc_id in sorted(set(by_id) - known):
            errors.add(meta_path, f"metadata row for doc_id {doc_id!r} has no readable .txt file",
                       doc_id=doc_id, severity="warning")
        for record in records:
            if by_id and record["doc_id"] not in by_id:
                errors.add(record["source"], f"no metadata row for doc_id {record['doc_id']!r} "
                           f"in {METADATA_FILE}; kept without metadata", doc_id=record["doc_id"],
                           severity="warning")
            record.update(_without_reserved(by_id.get(record["doc_id"], {}), meta_path, errors))
    return records, found


def _without_reserved(meta: dict, source, errors: _Collector) -> dict:
    """Rename metadata keys that clash with the loader's own columns."""
    out = {}
    for key, value in meta.items():
        if key in RESERVED_COLUMNS:
            errors.add(source, f"input column {key!r} is reserved; kept as "
                       f"{RESERVED_PREFIX + key!r}", severity="warning")
            key = RESERVED_PREFIX + key
        out[key] = value
    return out


def _table_rows(path: Path, errors: _Collector, encoding: str) -> Iterable[tuple[str, dict]]:
    """Yield (source, row) for each row of a JSONL, CSV or Parquet table.

    A JSONL line that is not a JSON object is recorded as an error and yielded
    with ``row=None``, so that it still counts as a document found.
    """
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        records, columns = read_parquet_records(path)
        _require_columns(columns, path)
        if not records:
            raise CorpusError(f"{path}: the table has columns but no rows")
        for i, row in enumerate(records):
            yield f"{path}:row{i}", row
        return
    text = _decode_noted(path.read_bytes(), path, encoding, errors)
    if suffix == ".csv":
        frame, lines, bad = read_csv_text(text, path)
        _require_columns(frame.columns, path)
        rows = [(line, row) for line, row in zip(lines, frame.to_dict(orient="records"),
                                                  strict=True)]
        for line, reason in bad:
            errors.add(f"{path}:{line}", reason, doc_id=f"(line {line})")
            rows.append((line, None))
        if not rows:
            raise CorpusError(f"{path}: the table has a header but no rows")
        for line, row in sorted(rows, key=lambda r: r[0]):
            yield f"{path}:{line}", row
        return
    seen_columns, bad_lines, keys = False, False, set()
    for lineno, row, reason in jsonl_records(text):
        source = f"{path}:{lineno}"
        if reason:
            errors.add(source, reason, doc_id=f"(line {lineno})")
            bad_lines = True
            yield source, None
            continue
        seen_columns = seen_columns or {"doc_id", "text"} <= set(row)
        keys.update(map(str, row))
        yield source, row
    if not seen_columns and not bad_lines:
        raise CorpusError(f"{path}: no line has both 'doc_id' and 'text' (keys found: "
                          f"{', '.join(sorted(keys)) or 'none'})")


def read_parquet_records(path: Path) -> tuple[list[dict], list[str]]:
    """Rows of a Parquet file as plain Python values, and its column names.

    Read row by row with pyarrow rather than through a DataFrame, which would turn a column
    of whole numbers with a gap into floats (id 7 becoming "7.0", and long ids colliding)."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises several unrelated types
        raise CorpusError(f"{path}: not a readable Parquet file: {exc}") from None
    return table.to_pylist(), list(table.column_names)


def _require_columns(columns, path):
    missing = [c for c in ("doc_id", "text") if c not in columns]
    if missing:
        hint = ""
        for sep, name in ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")):
            if any(sep in str(c) and "doc_id" in str(c).split(sep) for c in columns):
                # Excel writes "CSV" with semicolons in many locales.
                hint = (f" (the header looks separated by {name}; save the file with commas "
                        "between columns)")
                break
        raise CorpusError(
            f"{path}: missing column(s) {', '.join(missing)}; found: "
            f"{', '.join(map(str, columns))}{hint}"
        )


def _load_table(path: Path, errors: _Collector, encoding: str) -> tuple[list[dict], int]:
    records, found, first_seen = [], 0, {}
    for source, row in _table_rows(path, errors, encoding):
        found += 1
        if row is None:
            continue
        try:
            doc_id = _valid_doc_id(row.get("doc_id"))
        except CorpusError as exc:
            errors.add(source, str(exc), doc_id=f"({source.rsplit(':', 1)[-1]})")
            continue
        if doc_id in first_seen:
            errors.add(source, f"duplicate doc_id {doc_id!r} (first at {first_seen[doc_id]})",
                       doc_id=doc_id)
            continue
        try:
            text = _check_text(row.get("text"), source)
        except CorpusError as exc:
            errors.add(source, str(exc).removeprefix(f"{source}: "), doc_id=doc_id)
            continue
        # Only a loaded row claims its doc_id: a later valid row with the id of
        # a row that failed is loaded, not refused as a duplicate.
        first_seen[doc_id] = source
        meta = {k: v for k, v in row.items() if k not in ("doc_id", "text")}
        record = {"doc_id": doc_id, "text": text, "source": source}
        record.update(_without_reserved(meta, source, errors))
        records.append(record)
    return records, found


def load_corpus(
    path: str | Path,
    *,
    errors: str = "collect",
    encoding: str = "utf-8",
    boilerplate: str | Path | None | bool = True,
) -> Corpus:
    """Load articles from a file or folder into a documents table.

    Parameters
    ----------
    path : str or Path
        A ``.txt`` file, a folder of ``.txt`` files (optionally with
        ``metadata.csv``), or a ``.jsonl``/``.csv``/``.parquet`` table with
        ``doc_id`` and ``text`` columns.
    errors : {"collect", "raise"}
        ``"collect"`` records each bad document in ``Corpus.errors`` and goes
        on; ``"raise"`` raises :class:`CorpusError` at the first one.
    encoding : str
        Encoding of text files; never guessed. A comma-separated list ("utf-8,cp1252") is
        tried in order for each file (see :func:`decode_bytes`).
    boilerplate : True, False, None or path
        Trailing non-story patterns: True reads ``data/config/boilerplate.yml``,
        a path reads that file, False or None keeps all text as story.

    Returns
    -------
    Corpus

    Raises
    ------
    CorpusError
        When ``path`` does not exist or is of an unknown kind, when a table
        lacks ``doc_id`` or ``text``, and (with ``errors="raise"``) at the first
        bad document. The message names the file and the reason.
    """
    path = Path(path)
    collector = _Collector(errors)
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder")
    if path.is_dir():
        records, found = _load_folder(path, collector, encoding)
    elif path.suffix.lower() == ".txt":
        found = 1
        try:
            text = _decode_noted(path.read_bytes(), path, encoding, collector, path.stem)
            records = [{"doc_id": path.stem, "text": text, "source": str(path)}]
        except CorpusError as exc:
            collector.add(path, str(exc).removeprefix(f"{path}: "), doc_id=path.stem)
            records = []
    elif path.suffix.lower() in TABLE_SUFFIXES:
        records, found = _load_table(path, collector, encoding)
    else:
        raise CorpusError(
            f"{path}: unknown input kind {path.suffix or '(no suffix)'!r}; expected a folder, "
            f".txt, {', '.join(sorted(TABLE_SUFFIXES))}"
        )

    if boilerplate is True:
        patterns = load_boilerplate()
    elif boilerplate:
        patterns = load_boilerplate(boilerplate)
    else:
        patterns = []
    for record in records:
        given = record.pop("story_end", None)
        if given is not None and not (isinstance(given, float) and pd.isna(given)) \
                and given != "":
            end = _valid_story_end(given, len(record["text"]))
            if end is not None:
                record["story_end"] = end
                continue
            collector.add(record["source"], f"story_end {given!r} is not a whole number from 0 "
                          f"to the text length {len(record['text'])}; found from patterns "
                          "instead", doc_id=record["doc_id"], severity="warning")
        record["story_end"] = find_story_end(record["text"], patterns)
    _warn_identical(records, collector)
    _stringify_mixed(records, collector)

    documents = pd.DataFrame.from_records(records)
    if documents.empty:
        documents = pd.DataFrame(columns=DOCUMENT_COLUMNS)
    meta_cols = [c for c in documents.columns if c not in DOCUMENT_COLUMNS]
    documents = documents[DOCUMENT_COLUMNS + meta_cols].reset_index(drop=True)
    for column in meta_cols:
        values = [r[column] for r in records if r.get(column) is not None]
        if values and all(type(v) is int for v in values) and \
                documents[column].dtype.kind == "f":
            # Whole numbers with a gap: pandas made floats ("3.0"); keep them whole.
            documents[column] = documents[column].astype("Int64")
    documents["doc_id"] = documents["doc_id"].astype(str)
    documents["story_end"] = documents["story_end"].astype(int)
    return Corpus(documents=documents, errors=collector.frame(), n_found=found)
