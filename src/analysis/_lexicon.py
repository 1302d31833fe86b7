"""Shared word lists for sentiment and stance: VADER's lexicon plus the editable supplements.

Private helper of :mod:`analysis.sentiment` and :mod:`analysis.stance`. The files live in
``data/lexicons/`` (see the README there):

* ``vader_security_supplement.csv`` (``word,valence,note``): security vocabulary VADER lacks
  or under-rates, on VADER's -4..+4 scale.
* ``vader_phrases.csv`` (``phrase,valence,note``): phrases of support and of closer
  relations whose words carry no sentiment one by one ("stand with", "deepen ... ties").
* ``stance_lexicon.yml``: negators, clause breaks, directed words, stance-only valences and
  target-relation cues (the words directly governing a target: "sanctions on X", "engage X").
"""

from __future__ import annotations

import csv
import io
import re
from functools import lru_cache
from pathlib import Path

from .config import ConfigError, load_yaml
from .paths import LEXICONS_DIR

SUPPLEMENT_FILE = LEXICONS_DIR / "vader_security_supplement.csv"
STANCE_LEXICON_FILE = LEXICONS_DIR / "stance_lexicon.yml"
PHRASES_FILE = LEXICONS_DIR / "vader_phrases.csv"


def _csv_rows(path: Path, need: tuple[str, ...]):
    """Rows of a UTF-8 lexicon CSV (a byte-order mark is allowed) with their line numbers.

    Refuses, naming the file (and line): a path that is no file, text that is not UTF-8, a
    header missing a needed column or repeating one, and a row with more fields than the
    header (an unquoted comma in a note would otherwise shift it silently).
    """
    if not path.is_file():
        raise ConfigError(f"{path}: lexicon file not found or not a file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start}); "
                          "save it as UTF-8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    fields = reader.fieldnames or []
    repeated = sorted({f for f in fields if fields.count(f) > 1})
    if repeated:
        raise ConfigError(f"{path}: repeated column(s) {repeated} in the header")
    missing = [c for c in need if c not in fields]
    if missing:
        raise ConfigError(f"{path}: missing column(s) {missing}; need {','.join(need)}")
    for row in reader:
        if None in row:
            raise ConfigError(f"{path}, line {reader.line_num}: the row has more fields than "
                              f"the header ({','.join(fields)}); quote a field holding a comma")
        yield reader.line_num, row


def load_supplement(path: str | Path = SUPPLEMENT_FILE) -> dict[str, float]:
    """Read the VADER supplement CSV into ``{word: valence}``.

    Raises
    ------
    ConfigError
        Missing file, text that is not UTF-8, missing or repeated columns, a row with more
        fields than the header, or a valence that is not a number in [-4, 4].
    """
    path = Path(path)
    out: dict[str, float] = {}
    for lineno, row in _csv_rows(path, ("word", "valence")):
        word = (row["word"] or "").strip().lower()
        out[word] = _valence(path, lineno, row, "word", word)
    return out


def _valence(path: Path, lineno: int, row: dict, column: str, entry: str) -> float:
    """The valence of a lexicon row whose ``column`` reads ``entry``; refuses a valence that
    is not a number in [-4, 4] and an empty entry, naming the file and line."""
    try:
        val = float(row["valence"])
    except (TypeError, ValueError):
        raise ConfigError(
            f"{path}, line {lineno}: valence {row['valence']!r} is not a number"
        ) from None
    if not entry or not -4.0 <= val <= 4.0:
        raise ConfigError(
            f"{path}, line {lineno}: need a {column} and a valence in [-4, 4], got "
            f"{row[column]!r}, {val}"
        )
    return val


_PHRASE_WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")


def _phrase_part(path, lineno, token: str) -> tuple[str, bool]:
    """One word slot of a phrase: its regex alternation and whether it is optional."""
    optional = token.startswith("[") and token.endswith("]") and len(token) > 2
    alts = (token[1:-1] if optional else token).replace("’", "'").split("|")
    if not all(_PHRASE_WORD.fullmatch(a) for a in alts):
        raise ConfigError(
            f"{path}, line {lineno}: cannot read {token!r}: a phrase is words separated by "
            "spaces; a word may list alternatives as a|b and is optional in [brackets]")
    return "(?:" + "|".join(re.escape(a.lower()) for a in alts) + ")", optional


def load_phrases(path: str | Path = PHRASES_FILE) -> list[tuple[re.Pattern, float, str]]:
    """Read the phrase lexicon CSV into ``(regex, valence, phrase)`` triples, in file order.

    Syntax of ``phrase``: words separated by spaces; ``a|b`` lists alternative words for
    one place and ``[a|b]`` makes the place optional. Matching is case-insensitive, on
    whole words, with any run of white space between words; curly apostrophes count as
    straight ones.

    Raises
    ------
    ConfigError
        As :func:`load_supplement`, and for a phrase that cannot be read, a phrase of
        optional words only, or a phrase written twice; the message names the line.
    """
    path = Path(path)
    out, seen = [], {}
    for lineno, row in _csv_rows(path, ("phrase", "valence")):
        phrase = " ".join((row["phrase"] or "").split())
        val = _valence(path, lineno, row, "phrase", phrase)
        key = phrase.lower().replace("’", "'")
        if key in seen:
            raise ConfigError(f"{path}, line {lineno}: {phrase!r} repeats the phrase "
                              f"{key!r} of line {seen[key]}; keep one")
        seen[key] = lineno
        parts = [_phrase_part(path, lineno, t) for t in phrase.split()]
        if all(opt for _, opt in parts):
            raise ConfigError(f"{path}, line {lineno}: {phrase!r} has only optional words")
        pattern, first = "", True
        for alt, opt in parts:
            if opt:
                pattern += f"(?:{alt}\\s+)?" if first else f"(?:\\s+{alt})?"
            else:
                pattern += alt if first else f"\\s+{alt}"
                first = False
        # Whole words: no letter or digit beside the match, nor an apostrophe or
        # hyphen that joins one to it ("long-standing", "o'stand"); a quotation mark
        # beside it is fine (‘deepen ties’).
        out.append((re.compile(rf"(?<!\w)(?<!\w['-]){pattern}(?!\w)(?!['-]\w)",
                               re.IGNORECASE), val, phrase))
    return out


@lru_cache(maxsize=4)
def vader_lexicon() -> dict[str, float]:
    """VADER's own lexicon (word -> valence), read once."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return dict(SentimentIntensityAnalyzer().lexicon)


@lru_cache(maxsize=4)
def stance_lexicon(path: str = str(STANCE_LEXICON_FILE)) -> dict:
    """The stance lexicon as plain sets and dicts (read once per path).

    Returns
    -------
    dict
        ``negators`` (set), ``break_punct`` (set), ``break_words`` (set), ``directed`` (set),
        ``position_verbs`` and ``position_nouns`` (sets: how a speaker reports a position its
        own side holds), ``setting_prepositions`` and ``setting_events`` (sets: a target
        named only as the occasion of an event), ``setting_violations`` and
        ``setting_instruments`` (sets: a target named only as the author or owner of a rule
        or right broken), ``view_verbs``, ``view_mutual`` and
        ``view_negating`` (sets: the holder of a view, the relations that make it a party,
        and the modifiers that deny the relation: "no friend"),
        ``valence`` (dict word -> float), ``relations`` (list of ``(stance, before, after,
        pattern)``: ``before`` the lower-cased tokens left of the target, nearest first,
        ``after`` those right of it, ``pattern`` the cue as written), and ``relation_index``
        (dict ``("L", word)`` or ``("R", word)`` -> positions in ``relations``): each cue
        listed under its word nearest the target, on the left if it has one, so that a
        target is checked only against the cues that could match beside it; and
        ``relation_screen``, a regular expression that finds, in a lower-cased sentence, the
        longest word of at least one cue whenever any cue could match in it (a sentence it
        does not match needs no closer look).
    """
    data = load_yaml(path)
    allowed = {"version", "negators", "clause_breaks", "directed", "valence", "relations",
               "positions", "settings", "views"}
    unknown = set(data) - allowed
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
    breaks = data.get("clause_breaks") or {}
    positions = data.get("positions") or {}
    if not isinstance(positions, dict) or set(positions) - {"verbs", "nouns"}:
        raise ConfigError(f"{path}: positions must map 'verbs' and 'nouns' to lists of words")
    settings = data.get("settings") or {}
    setting_keys = {"prepositions", "events", "violations", "instruments"}
    if not isinstance(settings, dict) or set(settings) - setting_keys:
        raise ConfigError(f"{path}: settings must map {', '.join(sorted(setting_keys))} to "
                          "lists of words")
    views = data.get("views") or {}
    if not isinstance(views, dict) or set(views) - {"verbs", "mutual", "negating"}:
        raise ConfigError(f"{path}: views must map 'verbs', 'mutual' and 'negating' to lists "
                          "of words")
    valence = {}
    for word, val in (data.get("valence") or {}).items():
        if isinstance(word, bool) or isinstance(val, bool):
            raise ConfigError(f"{path}: valence {word!r}: {val!r} holds a boolean: YAML reads a "
                              "bare no/yes/on/off as a boolean; quote it")
        if not isinstance(val, (int, float)) or not -4 <= val <= 4:
            raise ConfigError(f"{path}: valence of {word!r} must be a number in [-4, 4], got {val!r}")
        valence[str(word).lower()] = float(val)
    relations = _relations(path, data.get("relations") or {})
    from vaderSentiment.vaderSentiment import NEGATE

    return {
        "negators": _words(path, "negators", data.get("negators")) | set(NEGATE),
        "break_punct": {str(w) for w in (breaks.get("punctuation") or [])},
        "break_words": _words(path, "clause_breaks.words", breaks.get("words")),
        "directed": _words(path, "directed", data.get("directed")),
        "position_verbs": _words(path, "positions.verbs", positions.get("verbs")),
        "position_nouns": _words(path, "positions.nouns", positions.get("nouns")),
        "setting_prepositions": _words(path, "settings.prepositions",
                                       settings.get("prepositions")),
        "setting_events": _words(path, "settings.events", settings.get("events")),
        "setting_violations": _words(path, "settings.violations", settings.get("violations")),
        "setting_instruments": _words(path, "settings.instruments",
                                      settings.get("instruments")),
        "view_verbs": _words(path, "views.verbs", views.get("verbs")),
        "view_mutual": _words(path, "views.mutual", views.get("mutual")),
        "view_negating": _words(path, "views.negating", views.get("negating")),
        "valence": valence,
        "relations": relations,
        "relation_index": _relation_index(relations),
        "relation_screen": _relation_screen(relations),
    }


def _words(path, key: str, values) -> set[str]:
    """Lower-cased words of a list, refusing YAML's bare booleans (``no`` reads as False)."""
    out = set()
    for w in values or []:
        if isinstance(w, bool):
            raise ConfigError(f"{path}: {key} holds {w}: YAML reads a bare no/yes/on/off as a "
                              "boolean; quote it")
        out.add(str(w).lower())
    return out


def _relation_screen(relations) -> re.Pattern:
    # A cue matches only where each of its words is a token, so its longest word is then a
    # substring of the lower-cased sentence (tokens unify the two apostrophes; so does this).
    keys = {max((w for w in (*before, *after) if w[:1].isalpha()), key=len, default="")
            for _, before, after, _ in relations}
    if "" in keys:  # a cue of punctuation only ("X :"): no word to screen by, so no screen
        return re.compile("")
    alts = sorted((re.escape(k).replace("'", "['’]") for k in keys), key=len, reverse=True)
    # Matches nothing when there are no cues (an empty alternation would match everywhere).
    return re.compile("|".join(alts) if alts else r"(?!)")


def _relation_index(relations) -> dict[tuple[str, str], tuple[int, ...]]:
    index: dict[tuple[str, str], list[int]] = {}
    for k, (_, before, after, _) in enumerate(relations):
        key = ("L", before[0]) if before else ("R", after[0])
        index.setdefault(key, []).append(k)
    return {key: tuple(v) for key, v in index.items()}


_CUE_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|[^\w\s]")


def _relations(path, data) -> list[tuple[str, tuple, tuple, str]]:
    """Parse ``relations: {against: [...], favor: [...]}``; each cue holds one ``X``."""
    if not isinstance(data, dict) or set(data) - {"against", "favor"}:
        raise ConfigError(f"{path}: relations must map 'against' and/or 'favor' to lists of "
                          f"cues, got keys {sorted(data) if isinstance(data, dict) else data!r}")
    out = []
    for stance, cues in data.items():
        for cue in cues or []:
            toks = _CUE_TOKEN.findall(str(cue))
            if toks.count("X") != 1 or len(toks) < 2:
                raise ConfigError(f"{path}: relations.{stance} cue {cue!r} must contain the "
                                  "placeholder X exactly once and at least one other word")
            i = toks.index("X")
            before = tuple(t.lower().replace("’", "'") for t in toks[:i][::-1])
            after = tuple(t.lower().replace("’", "'") for t in toks[i + 1:])
            out.append((stance, before, after, " ".join(toks)))
    return out


@lru_cache(maxsize=4)
def stance_valences(path: str = str(STANCE_LEXICON_FILE)) -> dict[str, float]:
    """Word valences used for stance: VADER, then the security supplement, then the stance list.

    Later sources override earlier ones, so a researcher's entry always wins.
    """
    lex = dict(vader_lexicon())
    lex.update(load_supplement())
    lex.update(stance_lexicon(path)["valence"])
    return lex
