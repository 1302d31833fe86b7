"""Stance targets (countries, organisations, alliances, people) and their mentions in quotations.

The targets and their aliases live in ``data/config/targets.yml`` (schema in
``data/config/README.md``). A mention is an alias, a metonym ("Tehran", "the Kremlin")
or a context pattern ("the North") found inside a quotation's span.

Limits
------
* Only what the quotation names is found: pronouns ("it", "they"), descriptions ("the
  country") and implied targets are not resolved.
* Adjectives and demonyms ("Iranian", "French forces") are not mentions.
* Aliases match case-sensitively as whole words; metonyms can be wrong in other senses
  ("Georgia" the state or country, "Paris" the person) unless the phrase is listed under
  ``exclude``. Check such targets by hand on a new corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .config import ConfigError, file_sha256, load_yaml
from .paths import TARGETS_FILE
from .text import DAYS_AND_MONTHS, trie_regex

__all__ = ["TARGET_TYPES", "MENTION_COLUMNS", "Target", "load_targets", "find_mentions"]

TARGET_TYPES = ("country", "organisation", "person", "alliance")
MENTION_COLUMNS = ["doc_id", "quote_id", "target", "target_type", "mention", "mention_start",
                   "mention_end"]


@dataclass(frozen=True)
class Target:
    """One target: canonical name, type, aliases, context patterns, excluded phrases."""

    name: str
    type: str
    aliases: tuple[str, ...]
    patterns: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    guarded: tuple[str, ...] = ()


@dataclass
class _Matcher:
    targets: list[Target]
    alias_re: re.Pattern | None
    alias_owner: dict[str, Target]
    patterns: list[tuple[re.Pattern, Target]] = field(default_factory=list)
    exclude_re: re.Pattern | None = None
    guarded: frozenset[str] = frozenset()


def _str_list(value, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where} must be a list of non-empty strings, got {value!r}")
    return tuple(v.strip() for v in value)


def load_targets(path: str | Path = TARGETS_FILE) -> list[Target]:
    """Read and check the targets file.

    Parameters
    ----------
    path : str or Path
        YAML with a top-level ``targets`` list; each entry has ``name``, ``type`` (one of
        country, organisation, person, alliance), ``aliases`` and optional ``patterns``
        (regular expressions with a named group ``m``), ``exclude`` (phrases) and
        ``guarded`` (aliases that do not count before a capitalised word: "Chad" in
        "Chad Roe", "Georgia" in "Georgia Democrats").

    Returns
    -------
    list of Target

    Raises
    ------
    ConfigError
        Missing keys, unknown type, a bad regular expression, an alias claimed by two
        targets, or a guarded alias that is not an alias, naming the file and the entry.
    """
    path = Path(path)
    data = load_yaml(path)
    entries = data.get("targets")
    if not isinstance(entries, list) or not entries:
        raise ConfigError(f"{path}: needs a non-empty 'targets' list")
    out: list[Target] = []
    seen: dict[str, str] = {}
    for i, e in enumerate(entries):
        where = f"{path}: targets[{i}]"
        if not isinstance(e, dict):
            raise ConfigError(f"{where} must be a mapping")
        unknown = set(e) - {"name", "type", "aliases", "patterns", "exclude", "guarded"}
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: name, "
                              "type, aliases, patterns, exclude, guarded")
        name = e.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where}: 'name' missing")
        where = f"{path}: target {name!r}"
        if e.get("type") not in TARGET_TYPES:
            raise ConfigError(f"{where}: type {e.get('type')!r} not allowed; allowed: "
                              f"{', '.join(TARGET_TYPES)}")
        aliases = _str_list(e.get("aliases"), f"{where}: aliases")
        if name not in aliases:
            aliases = (name, *aliases)
        for a in aliases:
            if a in seen and seen[a] != name:
                raise ConfigError(f"{where}: alias {a!r} is also an alias of {seen[a]!r}")
            seen[a] = name
        patterns = _str_list(e.get("patterns"), f"{where}: patterns")
        for p in patterns:
            try:
                rx = re.compile(p)
            except re.error as exc:
                raise ConfigError(f"{where}: bad pattern {p!r}: {exc}") from None
            if "m" not in rx.groupindex:
                raise ConfigError(f"{where}: pattern {p!r} needs a named group (?P<m>...)")
        guarded = _str_list(e.get("guarded"), f"{where}: guarded")
        for g in guarded:
            if g not in aliases:
                raise ConfigError(f"{where}: guarded alias {g!r} is not one of its aliases "
                                  f"{list(aliases)}")
        out.append(Target(name.strip(), e["type"], aliases, patterns,
                          _str_list(e.get("exclude"), f"{where}: exclude"), guarded))
    return out


def _word_alt(phrases) -> str:
    # Whole words only; the prefix tree prefers the longest phrase that ends on a word
    # boundary ("Russian Federation" beats "Russia") and, unlike a plain alternation of a
    # few hundred names, costs one branch per letter.
    return rf"(?<![\w.])(?:{trie_regex(sorted(set(phrases)))})(?!\w)(?!\.\w)"


@lru_cache(maxsize=8)
def _matcher(path: str, digest: str) -> _Matcher:
    targets = load_targets(path)
    owner = {a: t for t in targets for a in t.aliases}
    alias_re = re.compile(_word_alt(owner)) if owner else None
    pats = [(re.compile(p), t) for t in targets for p in t.patterns]
    excl = [x for t in targets for x in t.exclude]
    return _Matcher(targets, alias_re, owner, pats,
                    re.compile(_word_alt(excl)) if excl else None,
                    frozenset(g for t in targets for g in t.guarded))


@lru_cache(maxsize=8)
def _digest(path: str, stamp: tuple[int, int, int, int]) -> str:
    return file_sha256(path)


def _get_matcher(path: str | Path) -> _Matcher:
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    # Hashing the file on every call cost more than the matching. An edit changes the
    # status-change time even when the modification time is put back (cp -p, rsync -t), and
    # a replaced file has a new inode; then the content digest is taken afresh.
    stamp = (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)
    return _matcher(str(path), _digest(str(path), stamp))


#: After a guarded alias: spaces (not a line break) and the next word.
_NEXT_WORD = re.compile(r"[ \t\u00a0\u2009\u202f]+(\w+)")


def _name_follows(text: str, end: int) -> bool:
    """Whether a capitalised word (not an acronym, weekday or month) follows ``end`` on the
    same line: "Chad Roe", "Georgia Republicans", but not "Chad Monday", "Georgia EU"."""
    m = _NEXT_WORD.match(text, end)
    if m is None:
        return False
    w = m.group(1)
    return w[0].isupper() and not w.isupper() and w not in DAYS_AND_MONTHS


def match_text(text: str, path: str | Path = TARGETS_FILE) -> list[tuple[str, str, str, int, int]]:
    """All target mentions in one string: (target, type, mention, start, end), by start.

    Overlaps are resolved in favour of the longer mention; mentions inside an excluded
    phrase ("Chad" in "Lake Chad Basin") are dropped.
    """
    m = _get_matcher(path)
    found: list[tuple[int, int, Target]] = []
    if m.alias_re is not None:
        for x in m.alias_re.finditer(text):
            if m.guarded and x.group(0) in m.guarded and _name_follows(text, x.end()):
                continue  # "Chad Roe", "Georgia Democrats": part of a longer name
            found.append((x.start(), x.end(), m.alias_owner[x.group(0)]))
    for rx, t in m.patterns:
        for x in rx.finditer(text):
            found.append((x.start("m"), x.end("m"), t))
    if m.exclude_re is not None and found:
        blocked = [(x.start(), x.end()) for x in m.exclude_re.finditer(text)]
        found = [f for f in found
                 if not any(bs <= f[0] and f[1] <= be for bs, be in blocked)]
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out = []
    last_end = -1
    for s, e, t in found:
        if s < last_end:
            continue  # overlaps a longer or earlier mention
        out.append((t.name, t.type, text[s:e], s, e))
        last_end = e
    return out


def find_mentions(quotes: pd.DataFrame, documents: pd.DataFrame | None = None,
                  path: str | Path = TARGETS_FILE) -> pd.DataFrame:
    """Target mentions inside each quotation.

    Parameters
    ----------
    quotes : DataFrame
        Quotes contract: ``doc_id``, ``quote_id``, ``start``, ``end`` and ``text`` (the
        quotation span: for mixed and indirect quotes the whole reported clause).
    documents : DataFrame, optional
        Documents contract (``doc_id``, ``text``). When given, each quote's ``text`` is
        checked against ``document text[start:end]`` and filled in when missing.
    path : str or Path
        Targets file.

    Returns
    -------
    DataFrame
        ``doc_id``, ``quote_id``, ``target`` (canonical name), ``target_type``,
        ``mention`` (as written), ``mention_start``, ``mention_end`` (offsets into the
        document text). One row per mention, ordered as the quotes, then by offset.
        Possessives count ("Iran's" gives the mention "Iran").

    Raises
    ------
    ValueError
        Missing columns, or a quote text that does not equal the document span.
    """
    need = {"doc_id", "quote_id", "start", "end"}
    missing = need - set(quotes.columns)
    if missing:
        raise ValueError(f"quotes is missing column(s) {sorted(missing)}; need {sorted(need)}")
    if "text" not in quotes.columns and documents is None:
        raise ValueError("quotes has no 'text' column; pass documents to take it from")
    doc_text = {}
    if documents is not None:
        doc_text = dict(zip(documents["doc_id"], documents["text"], strict=True))
    rows = []
    for idx, q in quotes.iterrows():
        start, end = int(q["start"]), int(q["end"])
        text = q["text"] if "text" in quotes.columns else None
        if q["doc_id"] in doc_text:
            span = doc_text[q["doc_id"]][start:end]
            if text is None or (isinstance(text, float) and pd.isna(text)):
                text = span
            elif text != span:
                raise ValueError(f"quotes row {idx} ({q['quote_id']}): text does not equal "
                                 f"document {q['doc_id']!r} text[{start}:{end}]")
        if not isinstance(text, str):
            raise ValueError(f"quotes row {idx} ({q['quote_id']}): no quotation text")
        for name, ttype, mention, s, e in match_text(text, path):
            rows.append((q["doc_id"], q["quote_id"], name, ttype, mention, start + s, start + e))
    out = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    return out.astype({"mention_start": "int64", "mention_end": "int64"})
