"""Quotation extraction: direct, mixed and reported speech, with speakers.

:func:`extract_quotes` turns a Documents table into a Quotes table (one row per
quotation); :func:`extract_document` does one text. The method is rule-based
(regular expressions and string work, no model), so it is fast (hundreds of
articles a second on one core) and every decision can be traced to a rule:

1. **Quotation marks** are paired paragraph by paragraph: curly (“ ”), straight
   ("), typewriter (``` `` ''``, and ``'' ''``), low (``„``) and angle marks; single
   curly marks (‘ ’) only in a short first paragraph (a headline). Nested marks
   stay inside the outer quotation. A mark that never closes is a stray: it is
   ignored unless it opens the sentence (then the quotation runs to the paragraph
   end), so one stray mark never swallows the rest of the article. An opening
   mark left open at a paragraph end continues in the next paragraph when that
   paragraph opens with a mark (one ``direct`` row per paragraph, one speaker).
2. A quotation is **direct** when it stands as the sentence or is introduced or
   followed by an attribution (``X said, “...”``, ``“...,” X said``,
   ``Chairwoman X: “...”``, ``“...” - Commissioner X``). Other quoted fragments
   make their sentence **mixed** when the sentence carries an attribution
   (``X said the talks were “difficult”``): the row spans the reported clause
   and lists the fragments. Fragments with no attribution (scare quotes) are
   not reported.
3. **Indirect** (reported) speech without marks: ``X said (that) ...``,
   ``..., X said``, ``according to X, ...``, ``..., according to X``, with the
   cue verbs of ``data/config/cue_verbs.yml``. Verbs that are also ordinary
   transitive verbs (``need_clause``: "adding fuel to the list") count only
   before a clause. Passive cues name no source: "it is widely believed (that)
   ..." and "the pact is widely seen as ..." are reported with no speaker (as
   PolNeAR annotates them); a passive followed by a preposition ("was
   criticized by ...", "charged with ...") is not reported.
4. **Speakers** come from :mod:`analysis.speakers`: the mention as written with
   offsets, and the canonical name, role and country. A quotation with no
   attribution of its own takes the speaker of the quotation beside it in the
   same paragraph, of the paragraph it continues, or of a colon introduction
   ending the previous paragraph.

Transcript turns (a paragraph opening ``"WALLACE: ...``) are reported as the
labelled speaker's words (kind ``indirect``, as PolNeAR annotates them).

Limits: no syntax parsing, so a reported clause runs from the cue (or "that") to
the sentence end, cut only at a semicolon, a dash aside, a contrast ("but",
"although", "with"), ", and" (when no quoted fragment is in the sentence), a
closing "in a statement/interview ..." or a coordinated cue; a non-restrictive
"which/who" clause stays in (as PolNeAR annotates it);
attributions whose cue is a noun ("in a statement", "his claim that") or that
span sentences are missed; beliefs are only caught with the verbs listed; a
quoted title or scare quote that opens a sentence can be taken for a direct
quotation. On the PolNeAR development set (US political news) it finds direct
quotations with exact-span F1 about 0.95 and the speaker as written about 96% of
the time, but only about 40% of reported-speech attributions (PolNeAR counts
many non-speech verbs, "agreed to", "wants", "plans", as attributions)
(``benchmarks/bench_quotes.py``).
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis.config import ConfigError, load_yaml
from analysis.paths import CUE_VERBS_FILE
from analysis.speakers import (
    _CAP_STOP,
    _DETERMINERS,
    _LOWER_NOMINAL_HEADS,
    TIME_WORDS,
    DocumentPeople,
    Roster,
    Titles,
    load_titles,
    parse_mention,
    phrase_after,
    subject_before,
)
from analysis.text import dateline_end, paragraph_spans, sentence_spans, trie_regex

__all__ = [
    "QUOTE_COLUMNS",
    "CueLexicon",
    "load_cues",
    "extract_document",
    "extract_quotes",
]

#: Columns of the Quotes table, in order (document metadata columns follow).
QUOTE_COLUMNS = [
    "doc_id", "quote_id", "start", "end", "text", "kind", "fragments", "cue",
    "speaker_mention", "speaker_start", "speaker_end", "speaker", "speaker_role",
    "speaker_country", "paragraph", "speaker_type",
]
_CUE_GROUPS = ("speech", "report", "belief")
_INF = float("inf")

# --------------------------------------------------------------------------- cues


@dataclass(frozen=True)
class CueLexicon:
    """Attribution cues compiled for matching.

    Attributes
    ----------
    forms : dict
        Inflected form (lower case) -> (base form, group).
    address : frozenset
        Forms of verbs whose object is the addressee ("told").
    regex : re.Pattern
        Matches any form as a whole word (lower case, or capitalised at a
        sentence start).
    source : str
        Where the lexicon came from (file path or "<mapping>").
    need_clause : frozenset
        Forms of verbs that are cues only before "that", a colon, a comma or a
        quotation mark, or after the reported words ("adding fuel to the list"
        is not speech).
    need_speaker : frozenset
        Forms of verbs that are cues only when their subject can speak ("drones attacked
        the port" is a physical act).
    propositions : frozenset
        Nouns that name a proposition ("position", "idea", "reports"): before the "that"
        after a cue, the noun phrase they end is part of the reported words
        ("reaffirmed the government's position that ...").
    """

    forms: dict
    address: frozenset
    regex: re.Pattern
    source: str
    need_clause: frozenset = frozenset()
    need_speaker: frozenset = frozenset()
    propositions: frozenset = frozenset()

    @classmethod
    def coerce(cls, cues) -> CueLexicon:
        """A lexicon from None (the default file), a path, a mapping or a lexicon."""
        if isinstance(cues, CueLexicon):
            return cues
        if cues is None:
            return _load_cues_cached(str(CUE_VERBS_FILE), _mtime(CUE_VERBS_FILE))
        if isinstance(cues, dict):
            return _compile_cues(cues, "<mapping>")
        return load_cues(cues)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _inflect(verb: str) -> set[str]:
    if " " in verb:
        head, rest = verb.split(" ", 1)
        return {f"{f} {rest}" for f in _inflect(head)}
    v = verb
    if v.endswith("ee"):
        return {v, v + "s", v + "d", v + "ing"}  # agreeing, not "agreing"
    if v.endswith("e"):
        return {v, v + "s", v + "d", v[:-1] + "ing"}
    if v.endswith("y") and len(v) > 2 and v[-2] not in "aeiou":
        return {v, v[:-1] + "ies", v[:-1] + "ied", v + "ing"}
    if v.endswith(("s", "sh", "ch", "x", "z")):
        return {v, v + "es", v + "ed", v + "ing"}
    forms = {v, v + "s", v + "ed", v + "ing"}
    if _DOUBLING_END_RE.search(v):
        # "slammed", "concurred": the final consonant doubles after one stressed vowel.
        # Stress cannot be told from spelling, so both forms are listed; the other one
        # ("visitted") never occurs in text.
        forms |= {v + v[-1] + "ed", v + v[-1] + "ing"}
    return forms


_DOUBLING_END_RE = re.compile(r"(?:^|[^aeiou])[aeiou][bdfgklmnprtvz]$")


def _compile_cues(data: dict, source: str) -> CueLexicon:
    groups = [g for g in _CUE_GROUPS if g in data]
    if not groups:
        raise ConfigError(f"{source}: no cue verbs: expected at least one of the sections "
                          f"{list(_CUE_GROUPS)}")
    irregular = data.get("irregular") or {}
    if not isinstance(irregular, dict):
        raise ConfigError(f"{source}: 'irregular' must map a base form to a list of forms")
    forms: dict = {}
    for group in groups:
        verbs = data[group] or []
        if not isinstance(verbs, list):
            raise ConfigError(f"{source}: section {group!r} must be a list of verbs, "
                              f"got {type(verbs).__name__}")
        for verb in verbs:
            if not isinstance(verb, str) or not verb.strip():
                raise ConfigError(f"{source}: section {group!r}: {verb!r} is not a verb")
            base = verb.strip().lower()
            vf = irregular.get(base)
            if vf is not None and not isinstance(vf, list):
                raise ConfigError(f"{source}: irregular.{base} must be a list of forms")
            for f in (vf if vf is not None else _inflect(base)):
                forms.setdefault(str(f).lower(), (base, group))
    def all_forms(section: str) -> frozenset:
        forms_of = set()
        for verb in data.get(section) or []:
            base = str(verb).lower()
            forms_of |= set(irregular.get(base) or _inflect(base))
        return frozenset(forms_of)
    propositions = data.get("propositions") or []
    if not isinstance(propositions, list) or not all(
            isinstance(w, str) and w.strip() for w in propositions):
        raise ConfigError(f"{source}: 'propositions' must be a list of nouns")
    phrases = [str(p).lower() for p in data.get("phrases") or []]
    for p in phrases:
        forms.setdefault(p, (p, "phrase"))
    words = set(forms) | {w[0].upper() + w[1:] for w in phrases}
    pattern = r"(?<![\w’'\-])" + trie_regex(sorted(words)) + r"(?![\w’'\-])"
    return CueLexicon(forms=forms, address=all_forms("address"), regex=re.compile(pattern),
                      source=source, need_clause=all_forms("need_clause"),
                      need_speaker=all_forms("need_speaker"),
                      propositions=frozenset(w.strip().lower() for w in propositions))


@lru_cache(maxsize=8)
def _load_cues_cached(path: str, mtime: float) -> CueLexicon:
    return _compile_cues(load_yaml(path), path)


def load_cues(path: str | Path = CUE_VERBS_FILE) -> CueLexicon:
    """Read and compile the cue-verb file (``data/config/cue_verbs.yml``).

    Parameters
    ----------
    path : str or Path
        YAML with sections ``speech``, ``report``, ``belief`` (lists of base
        forms), ``address``, ``need_clause``, ``irregular`` and ``phrases`` (see
        the file header).

    Returns
    -------
    CueLexicon

    Raises
    ------
    ConfigError
        Naming the file and the reason (missing, not YAML, no verb section, a
        section that is not a list).
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: cue verb file not found")
    return _load_cues_cached(str(path), path.stat().st_mtime)


# --------------------------------------------------------------------------- marks

# Every alternative is a literal, so the regex engine skips in C to the next character
# that can open one (a character class among them turns that off and the pattern is
# tried at every position, about twice as slow). The two-character marks come first:
# at a "'" the pair "''" is tried before the single mark, as in ``''|[...']``.
_MARK_RE = re.compile("``|''|" + "|".join("“”„«»\""))
_MARK_SINGLE_RE = re.compile("``|''|" + "|".join("“”„«»\"‘’'"))
_DOUBLE_OPEN = frozenset({"“", "„", "«", "``"})
_DOUBLE_CLOSE = frozenset({"”", "»"})
_AMBIGUOUS = frozenset({'"', "''"})
_OPEN_PREFIX = frozenset("([{—–-/ \t\u00a0")
_ALL_MARKS = "“”„«»\"‘’`'"
_HEADLINE_MAX = 160
# Stray opening marks re-pair the rest of their paragraph. Real paragraphs have a
# handful of strays; the bound keeps a pathological paragraph of thousands of
# stray marks from going quadratic (quotations after the 100th stray opener of one
# paragraph are then missed).
_MAX_RESTARTS = 100


@dataclass
class _Quote:
    open: int       # offset of the opening mark
    start: int      # content start
    end: int        # content end (before the closing mark, or paragraph end)
    close: int      # offset just after the closing mark (== end when unclosed)
    para: int
    closed: bool
    kind: str = ""  # "direct" or "fragment"
    cue: str | None = None
    spk: tuple | None = None  # (start, end, appositive)
    chain: int = -1


def _pair_marks(text: str, ps: int, pe: int, single: bool,
                next_opens: bool = False) -> list[tuple[int, int, int, int]]:
    """Outer quotations of one paragraph as (open, start, end, close); close=-1 if unclosed."""
    out: list[tuple[int, int, int, int]] = []
    regex = _MARK_SINGLE_RE if single else _MARK_RE
    pos = ps
    restarts = 0
    while pos < pe and restarts <= _MAX_RESTARTS:
        restarts += 1
        stack: list[tuple[int, int, str]] = []
        restart = None
        for m in regex.finditer(text, pos, pe):
            mk, i, j = m.group(), m.start(), m.end()
            prev = text[i - 1] if i > ps else " "
            nxt = text[j] if j < pe else " "
            if mk == "'":
                mk = "’" if prev.isalnum() or prev in ".,!?" else "‘"
            if mk == "’":
                if stack and stack[-1][2] == "‘" and not nxt.isalnum():
                    o = stack.pop()
                    if not stack:
                        out.append((o[0], o[1], i, j))
                continue
            if mk == "‘":
                if not prev.isalnum() and not nxt.isspace():
                    if stack or single:
                        stack.append((i, j, mk))
                continue
            if mk in _DOUBLE_OPEN:
                if stack and mk == "“" and not prev.isspace() and (nxt.isspace() or j == pe
                                                                    or nxt in ".,;:!?"):
                    closing = True  # a mistyped closing mark
                else:
                    if mk == "“" and stack and stack[-1][2] == "“":
                        # Curly doubles do not nest (inner quotations take single
                        # marks): an opener still open at the next “ is a stray.
                        stack.pop()
                    stack.append((i, j, mk))
                    continue
            elif mk in _DOUBLE_CLOSE:
                if stack:
                    closing = True
                elif i == ps or (prev in _OPEN_PREFIX and nxt.isalnum()):
                    stack.append((i, j, mk))  # a mistyped opening mark
                    continue
                else:
                    continue  # stray closing mark
            else:  # straight or typewriter: decide by the characters around it
                # '... outreach,' " he said': a closing mark after a space that follows
                # closing punctuation.
                can_close = bool(stack) and (not prev.isspace() or (
                    i - 2 >= ps and text[i - 2] in ",.!?'’" and not nxt.isalnum()))
                can_open = (i == ps or prev in _OPEN_PREFIX) and not nxt.isspace() and j < pe
                if can_close:
                    closing = True
                elif can_open:
                    stack.append((i, j, mk))
                    continue
                else:
                    continue
            if closing:
                # Pop to the innermost double opener: single marks cannot hold a double.
                while stack and stack[-1][2] == "‘":
                    stack.pop()
                if stack:
                    o = stack.pop()
                    if not stack:
                        out.append((o[0], o[1], i, j))
        if stack:
            o = stack[0]
            lead = text[ps:o[0]].rstrip()
            if o[0] == _first_mark(text, ps, pe) or next_opens or lead[-1:] in (".", "!", "?", ":"):
                out.append((o[0], o[1], pe, -1))
                break
            restart = o[1]  # stray opener: pair the rest of the paragraph without it
        if restart is None:
            break
        pos = restart
        out = [q for q in out if q[0] < restart]
    return out


def _first_mark(text: str, ps: int, pe: int) -> int:
    i = ps
    while i < pe and text[i] in " \t([—–-":
        i += 1
    return i


def _opens_with_mark(text: str, ps: int) -> bool:
    return text[ps:ps + 1] in ("“", '"', "„", "«", "‘") or text.startswith(("``", "''"), ps)


def _find_quotes(text: str, paras: list[tuple[int, int]]) -> list[_Quote]:
    quotes: list[_Quote] = []
    chain_id = -1
    open_chain = -1  # chain of the quotation left open at the previous paragraph's end
    for k, (ps, pe) in enumerate(paras):
        single = k == 0 and pe - ps <= _HEADLINE_MAX
        next_opens = k + 1 < len(paras) and _opens_with_mark(text, paras[k + 1][0])
        pairs = _pair_marks(text, ps, pe, single, next_opens)
        carried = open_chain if open_chain >= 0 and _opens_with_mark(text, ps) else -1
        open_chain = -1
        for n, (o, s, e, c) in enumerate(pairs):
            q = _Quote(open=o, start=s, end=e, close=c if c >= 0 else e, para=k, closed=c >= 0)
            if n == 0 and carried >= 0:
                q.chain = carried
            if not q.closed and next_opens:
                if q.chain < 0:
                    chain_id += 1
                    q.chain = chain_id
                open_chain = q.chain
            quotes.append(q)
    return quotes


# --------------------------------------------------------------------------- helpers

# A transcript turn: an upper-case speaker label and a colon opening the paragraph.
_TRANSCRIPT_RE = re.compile(r"[\"“]?([A-Z][A-Z.'’\- ]{1,30}[A-Z.]):[ \t]+")
# A headline that opens with a name and a colon ("Roe: ...", "Obama on Climate Change: ...").
_HEADLINE_SPEAKER_RE = re.compile(r"([A-Z][\w.’'-]*(?:[ \t]+[A-Z][\w.’'-]*){0,3})"
                                  r"(?:[ \t]+on[ \t]+[^:\n]{1,60})?:[ \t]+(?=\S)")
# Labels of news genres, not speakers ("Analysis: ...").
_HEADLINE_LABELS = frozenset("""update analysis opinion editorial exclusive watch breaking factbox
timeline explainer live video photos poll review comment correction clarification note
interview q&a factcheck gallery podcast""".split()) | {"the latest", "fact check",
                                                     "photo gallery", "live updates"}

_WS = " \t\r\n\u00a0\u2009\u202f"
_WORD_RE = re.compile(r"[\w’'\-]+")
_ENDPUNCT = ".,;:!?—–-…"
# The word first, then the look back over it (the character before "that" is no word
# character): a literal start lets the engine jump to each "that" instead of testing
# the look-behind at every position. The matches are those of (?<![\w’'])that(?![\w’']).
_THAT_RE = re.compile(r"that(?<![\w’']that)(?![\w’'])")
#: Reported clauses taken from one sentence (nested attributions: "X said Y told him").
_MAX_PER_SENTENCE = 3

#: A span ending in an initialism ("the U.S.") keeps its last period.
_INITIALISM_END = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,}$")


def _rstrip(text: str, s: int, e: int, chars: str = _WS) -> int:
    while e > s and text[e - 1] in chars:
        if text[e - 1] == "." and _INITIALISM_END.search(text, max(s, e - 12), e):
            break
        e -= 1
    return e


def _lstrip(text: str, s: int, e: int, chars: str = _WS) -> int:
    while s < e and text[s] in chars:
        s += 1
    return s


def _n_words(text: str, s: int, e: int) -> int:
    return len(_WORD_RE.findall(text, s, e)) if e > s else 0


# Up to 9 words from the start of a span, and at least 3 words. Possessive
# quantifiers take each word whole, so the runs counted are those of _WORD_RE; a
# rule that only compares a count with a small number then reads the first few
# words of a long sentence instead of all of them.
_UPTO_9_WORDS_RE = re.compile(r"(?:[^\w’'\-]*+[\w’'\-]++){0,9}")
_3_WORDS_RE = re.compile(r"(?:[^\w’'\-]*+[\w’'\-]++){3}")


def _n_words_upto_9(text: str, s: int, e: int) -> int:
    """``min(_n_words(text, s, e), 9)``."""
    if e <= s:
        return 0
    return _n_words(text, s, _UPTO_9_WORDS_RE.match(text, s, e).end())


def _has_3_words(text: str, s: int, e: int) -> bool:
    """``_n_words(text, s, e) >= 3``."""
    return e > s and _3_WORDS_RE.match(text, s, e) is not None


class _Doc:
    """Per-document state shared by the rules."""

    def __init__(self, text: str, end: int, cues: CueLexicon, roster: Roster, titles: Titles):
        self.text = text
        self.end = end
        self.cues = cues
        self.roster = roster
        self.titles = titles
        # Every cue of the story, found in one pass: the rules ask for the cues of
        # many overlapping ranges, and slicing a sorted list is cheaper than
        # re-running the regex on each.
        self._cues = list(cues.regex.finditer(text, 0, end))
        self._cue_starts = [m.start() for m in self._cues]
        # The matches do not overlap, so their ends are sorted as their starts are: the
        # cues inside a range are one slice, found by two bisections.
        self._cue_ends = [m.end() for m in self._cues]

    def cue_matches(self, s: int, e: int, skip: list[tuple[int, int]]) -> list[re.Match]:
        """Cue matches inside text[s:e] outside the (sorted, disjoint) spans ``skip``."""
        inside = self._cues[bisect.bisect_left(self._cue_starts, s):
                            bisect.bisect_right(self._cue_ends, e)]
        if not skip or not inside:
            return inside
        out = []
        for m in inside:
            start = m.start()
            i = bisect.bisect_right(skip, (start, _INF)) - 1
            if i >= 0 and skip[i][0] <= start < skip[i][1]:
                continue
            out.append(m)
        return out

    def has_cue(self, s: int, e: int) -> bool:
        """Whether a cue lies inside text[s:e]."""
        j = bisect.bisect_left(self._cue_starts, s)
        return j < len(self._cue_ends) and self._cue_ends[j] <= e

    def group(self, cue: str) -> str:
        return self.cues.forms.get(cue.lower(), ("", ""))[1]


def _attribution_after(d: _Doc, s: int, e: int, skip) -> tuple | None:
    """``“...,” X said`` / ``said X`` at the start of text[s:e]: (cue match, speaker)."""
    text = d.text
    s = _lstrip(text, s, e, _WS + ",—–-")
    if s >= e:
        return None
    for m in d.cue_matches(s, min(e, s + 250), skip):
        if m.start() == s:
            spk = phrase_after(text, _lstrip(text, m.end(), e), e, d.titles)
            return (m, spk) if spk else None
        spk = subject_before(text, s, m.start(), d.titles)
        if spk and _n_words(text, s, spk[0]) <= 2 and "," not in text[s:spk[0]]:
            # "the ad’s narrator says", "panel Chairman X said": keep the lead words.
            return m, (s, spk[1], spk[2])
        if spk and text[spk[0]:spk[0] + 1].isupper() and text[s:s + 1].isupper() \
                and _n_words(text, s, spk[0]) <= 8 \
                and text.count(",", s, spk[0]) <= 1 and not _LEAD_STOP_RE.search(text, s, spk[0]):
            # "“...,” French President Jean Roe said", "“...,” Roe’s niece, state Del.
            # Ann Doe, said": a description leads the name; the name is the speaker.
            return m, spk
        if spk and spk[2] is not None and spk[2][0] == s and _n_words(text, s, spk[0]) <= 8:
            # "“...,” the ministry's spokesman, X, said": the lead words are the name's
            # description, set off by commas.
            return m, spk
        if "," in text[s:m.start()]:
            continue  # a cue-like word inside an appositive ("one of the states")
        return None
    return None


# Punctuation that ends a sentence or clause (an abbreviation such as "Del." does not).
_LEAD_STOP_RE = re.compile(r"[!?;:]|\w{4,}\.(?:\s|$)")


def _attribution_before(d: _Doc, s: int, e: int, skip) -> tuple | None:
    """The cue introducing a quotation that starts at ``e``: ``X said, “`` / ``said: “``.

    Returns ``(cue match, speaker or None)`` for the last cue in ``text[s:e]``
    followed by at most five words and no "that" (``said that “...”`` makes the
    quotation part of reported speech), else None.
    """
    text = d.text
    end = _rstrip(text, s, e)
    if end <= s:
        return None
    found = None
    for m in reversed(d.cue_matches(s, end, skip)):
        if _n_words(text, m.end(), end) > 5:
            break
        if _THAT_RE.search(text, m.end(), end):
            return found
        if d.group(m.group()) == "phrase":
            spk = phrase_after(text, _lstrip(text, m.end(), end), end, d.titles)
            return m, spk
        spk = subject_before(text, s, m.start(), d.titles)
        if spk:
            return (found[0] if found else m), spk
        if found is None:
            found = (m, None)
        if text[_rstrip(text, s, m.start()) - 1:m.start()].strip() != ",":
            break  # "..., adding later, “": an earlier cue may name the speaker
    return found


def _colon_intro(d: _Doc, s: int, e: int) -> tuple | None:
    """Press-release colon introduction with no verb: ``Chairwoman X: “...”``."""
    end = _rstrip(d.text, s, e)
    if end <= s or d.text[end - 1] != ":":
        return None
    spk = subject_before(d.text, s, end - 1, d.titles, allow_nominal=False)
    if spk and _n_words(d.text, s, spk[0]) <= 3 and \
            d.text[spk[0]:spk[1]].lower() not in ("it", "him", "them", "her"):
        return spk  # (an object pronoun is no speaker: "X put it bluntly:")
    return None


def _sentence_subject(d: _Doc, s: int, e: int) -> tuple | None:
    """The first person-like phrase of a sentence (speaker of a participle cue)."""
    text = d.text
    first = _WORD_RE.search(text, s, e)
    comma = text.find(",", s, e)
    if first and comma > 0 and _n_words(text, s, comma) <= 20 and (
            first.group().lower() in _SUBJ_STOP or first.group().lower() in _SUBJ_SKIP
            or first.group().endswith(("ing", "ed"))):
        s = comma + 1  # skip an opening phrase: "With X worried about Y, Obama ..."
    for m in _WORD_RE.finditer(text, s, e):
        w = m.group()
        if w.lower() in ("he", "she", "they", "we", "i"):
            return m.start(), m.end(), None
        if w[:1].isupper() and w.lower() not in _SUBJ_SKIP and w.lower() not in _SUBJ_STOP:
            spk = phrase_after(text, m.start(), e, d.titles, allow_nominal=False)
            return spk
    return None


def _after_preposition(text: str, ss: int, pos: int, any_word: bool = False) -> bool:
    """Whether the words before ``pos`` are only a preposition opening the sentence at ``ss``
    ("In a Facebook message posted ...": the phrase is the preposition's object); with
    ``any_word``, whether the word just before ``pos`` is a preposition, wherever it is."""
    prev = _PREV_WORD_RE.search(text, max(ss, pos - 30), pos)
    if prev is None or prev.group(1).lower() not in _TRUE_PREPOSITIONS:
        return False
    return any_word or not _WORD_RE.search(text, ss, prev.start(1))


# Prepositions that never open a clause ("After the IAEA reported ..." is a clause).
_TRUE_PREPOSITIONS = frozenset("""in at on by with from through via during under within amid
amidst despite into onto of for to""".split())


_PREV_WORD_RE = re.compile(r"(\w+)\s+$")
_RELATIVE_SUBJ = frozenset({"who", "which", "that"})


def _closing_attribution(d: _Doc, spk, m: re.Match, se: int) -> bool:
    """Whether source ``spk`` and speech cue ``m`` close their sentence as its attribution
    ("..., the minister said on Tuesday."): nothing but an adverb between them, and nothing
    but an adjunct of time or place after the cue."""
    text = d.text
    if d.group(m.group().lower()) != "speech":
        return False
    between = _WORD_RE.findall(text, spk[2][1] if spk[2] and spk[2][1] > spk[1] else spk[1],
                               m.start())
    if len(between) > 1 or any(w.lower() in _AUXILIARIES for w in between):
        return False
    end = _rstrip(text, m.end(), se, _WS + ".")
    comma = text.find(",", m.end(), end)
    if comma >= 0:
        nxt = _WORD_RE.search(text, comma, end)
        if nxt is None or not nxt.group().lower().endswith("ing"):
            return False
        end = comma  # "..., the minister said on Tuesday, calling ...": a participle goes on
    return _adjunct_or_nothing(text, m.end(), end) and _n_words(text, m.end(), end) <= 6


def _which_names_a_source(d: _Doc, ss: int, which: int) -> bool:
    """Whether the phrase before ", which" is a source (a name or a nominal source such as
    "the agency"), not a place or a whole clause ("to the region, which signals ...")."""
    prev = _PREV_WORD_RE.search(d.text, max(ss, which - 30), which)
    if prev is not None and prev.group(1)[:1].isupper():
        return True  # "the Chicago Police Department which reported ..."
    comma = max(d.text.rfind(",", ss, which), d.text.rfind("--", ss, which),
                d.text.rfind("—", ss, which))
    if comma < 0:
        return False
    head = subject_before(d.text, ss, comma, d.titles)
    if head is None:
        return False
    words = d.text[head[0]:head[1]].split()
    if not words:
        return False
    if words[-1][:1].isupper():
        return True  # a name, also after a preposition ("levied by the European Union, which")
    return words[-1].lower().strip(".,") in _SOURCE_NOUNS and \
        not _after_preposition(d.text, ss, head[0], any_word=True)


# Lower-case heads that name a source before ", which said ..." ("the agency, which").
_SOURCE_NOUNS = frozenset("""agency ministry government army military police committee
council commission court office embassy company firm group party union alliance bloc
organisation organization authority authorities report study survey poll statement
department service navy guard coalition campaign administration""".split())
_AS_BEFORE_RE = re.compile(r",\s*as\s+$")
# An article and an adjective only: before a cue word used as a noun ("a formal protest").
_ARTICLE_ADJECTIVE_RE = re.compile(r"(?:a|an|the)\s+(?:formal|strong|sharp|fresh|new|official|"
                                   r"written|diplomatic|verbal|public|joint)")
_MAIN_CLAUSE_GOES_ON_RE = re.compile(r",\s+(?:is|was|are|were|has|have|had|will|would|can|"
                                     r"could|may|might|must|should)\b")
_NOT_SUBJECT_END = TIME_WORDS | {"week", "month", "year", "who", "which", "that"}


# Report cues that may stand before their source at the end of a sentence.
_INVERTED_REPORT = frozenset({"reported"})


def _tense(cue: str) -> str | None:
    """"past" or "present" for a finite cue verb ("said", "says"), None when unsure."""
    low = cue.lower()
    if low.endswith("ed") or low in _PAST_IRREGULAR:
        return "past"
    if low in ("say", "says") or (low.endswith("s") and not low.endswith("ss")
                                  and " " not in low):
        return "present"
    return None


def _clause_tense(text: str, s: int, e: int) -> str | None:
    """Tense of the first verb of the clause text[s:e] that shows one ("he posed ..." past,
    "Kyiv needs ..." present), None when unsure."""
    for n, w in enumerate(_WORD_RE.findall(text, s, e)):
        low = w.lower()
        if low in ("was", "were", "had", "did") or low in _PAST_IRREGULAR or \
                (n and low.endswith("ed") and w.islower()):
            return "past"
        if low in ("is", "are", "has", "have", "does", "do") or \
                (n and low.endswith("s") and not low.endswith("ss") and w.islower()):
            return "present"
        if low in _FINITE or n >= 6:
            return None
    return None


_PAST_IRREGULAR = frozenset("""said told wrote thought felt knew saw found spoke took gave made
held met sought understood meant swore went sent led won lost left began came paid put set hit
cut kept brought bought fought taught ran rose fell drew grew flew threw broke chose stood
struck""".split())


def _coordinated_subject(d: _Doc, s: int, e: int) -> tuple | None:
    """The subject of "<subject> <verb> ... and <cue>", the sentence's first phrase; None
    unless a lower-case verb follows it and no subordinate clause (which could bring a
    subject of its own) comes between it and the cue at ``e``."""
    text = d.text
    first = _WORD_RE.search(text, s, e)
    comma = text.find(",", s, e)
    if first is None:
        return None
    if comma > 0 and _n_words(text, s, comma) <= 8 and (
            first.group().lower() in _OPENERS or first.group().endswith(("ing", "ed"))):
        first = _WORD_RE.search(text, comma + 1, e)  # "On Monday, the minister ..."
        if first is None:
            return None
    # The subject ends before the first verb in the past tense (or an auxiliary) that it
    # is the subject of.
    spk = verb = None
    for n, w in enumerate(_WORD_RE.finditer(text, first.end(), e)):
        if n >= 12:
            return None
        low = w.group().lower()
        if w.group().islower() and (low in _FINITE or low in _PAST_IRREGULAR
                                    or low.endswith("ed")):
            spk = subject_before(text, first.start(), w.start(), d.titles)
            if spk is not None and spk[0] == first.start():
                verb = w
                break
            spk = None
    if verb is None:
        return None
    # A relative clause set off by commas (", which let him go in 2015,") is an aside.
    rest = _OWN_AND_RE.sub("", _ASIDE_RELATIVE_RE.sub(",", d.text[verb.end():e]))
    if any(w.lower() in _SUBORDINATORS for w in _WORD_RE.findall(rest)):
        return None
    # A new clause before the cue ("... and Israel released prisoners and said", "..., and
    # Lavrov left and said", "...; the navy tracked it and said") has its own subject.
    if ";" in rest or _NEW_CLAUSE_RE.search(rest):
        return None
    return spk


_OWN_AND_RE = re.compile(r",?\s*and\s*$")  # the cue's own "and" ("... and said")
_NEW_CLAUSE_RE = re.compile(r",\s*(?:and|but)\s|\s(?:and|but)\s+[A-Z]")


_ASIDE_RELATIVE_RE = re.compile(r",\s*(?:which|who|whom|whose|where)\b[^,]*,")


_NOT_DONE_RE = re.compile(r"(?:short of|without|instead of|rather than|refrained from|"
                          r"avoided|stopped short of)\s+$", re.IGNORECASE)
_TO_ADDRESSEE_RE = re.compile(r"to\s+(?:[A-Z]|(?:the|a|an|its|his|her|their)\s)")
# Conjunctions of time, condition and cause: no reported clause opens with them.
_CIRCUMSTANCE = frozenset("""when if because after before while until unless since although
though""".split())
_SUBORDINATORS = frozenset("""that which who whom whose where when while because after before
as if since although though unless until whether""".split())
_SUBJ_STOP = _CAP_STOP - {"mr", "mrs", "ms", "dr"}
_SUBJ_SKIP = frozenset("""later earlier in on at after before during when while then but and
so also yet the a an as since though although meanwhile still today yesterday last this that
with without worried amid despite among for from of by
""".split())
# Words that open a phrase before the subject ("On Monday, the minister ...").
_OPENERS = _SUBJ_SKIP - {"the", "a", "an", "this", "that", "and", "but", "so", "yet", "also",
                         "still", "worried"}


_DASH_RE = re.compile(r"\s*(?:-{1,2}|–|—|―)\s*")


def _dash_signoff(d: _Doc, s: int, e: int) -> tuple | None:
    """``“...” - Commissioner X`` (the rest of the sentence is the signature)."""
    m = _DASH_RE.match(d.text, s, e)
    if not m:
        return None
    spk = phrase_after(d.text, m.end(), e, d.titles, allow_nominal=False)
    if spk and _n_words(d.text, spk[1], e) == 0:
        return spk
    return None


# Sentence ends the splitter may take for a full stop: honorifics and initials.
_ABBREV_END_RE = re.compile(
    r"(?:(?<![\w.])(?:Mr|Mrs|Ms|Dr|Sen|Sens|Rep|Reps|Gov|Gen|Lt|Col|St|Prof|Rev|Adm|Sgt|Capt|Maj"
    r"|Del|Atty|Supt|Gov)\.|(?<![\w.])[A-Z]\.)$")


def _merge_sentences(d: _Doc, sents, quotes: list[_Quote]) -> list[tuple[int, int]]:
    """Re-join sentences split inside a quotation or between it and its attribution."""
    text = d.text
    opens = [q.open for q in quotes]
    out: list[list[int]] = []
    for s, e in sents:
        if out:
            ps, pe = out[-1]
            i = bisect.bisect_left(opens, pe) - 1  # outer quotations do not overlap
            inside = i >= 0 and quotes[i].close > pe
            lower = text[s:s + 1].islower() or text[s:s + 1] in ",;:—–―-"
            # '“How many?” Clinton said.': the splitter ends the sentence at '?”'.
            attrib = (text[pe - 1] in "”\"'" and text[s] not in _ALL_MARKS
                      and d.has_cue(s, min(e, s + 120)))
            if attrib:
                # Not when the quotation closing the sentence already has its cue before it
                # ('Roe says the plan is “bad.” She says ...'): the next sentence is new.
                j = bisect.bisect_right(opens, pe) - 1
                attrib = not (j >= 0 and ps < quotes[j].open and d.has_cue(ps, quotes[j].open))
            # The pattern is anchored at pe and at most 5 characters long (its
            # lookbehind sees before pos), so only the sentence's tail is searched.
            abbrev = _ABBREV_END_RE.search(text, max(ps, pe - 8), pe) is not None
            if inside or lower or attrib or abbrev:
                out[-1][1] = e
                continue
        out.append([s, e])
    return [(s, e) for s, e in out]


# --------------------------------------------------------------------------- core


def extract_document(text: str, doc_id: str = "doc", *, story_end: int | None = None,
                     cues=None, roster=None, titles: Titles | None = None) -> list[dict]:
    """Quotations of one document.

    Parameters
    ----------
    text : str
        The document text; all offsets index into it.
    doc_id : str
        Used to build ``quote_id``.
    story_end : int, optional
        ``text[story_end:]`` is boilerplate and ignored (default: whole text).
    cues : CueLexicon, path or mapping, optional
        Cue verbs (default ``data/config/cue_verbs.yml``).
    roster : Roster, DataFrame or path, optional
        Known speakers (default ``data/config/roster.csv``).
    titles : Titles, optional
        Title/country vocabulary (default ``data/config/titles.yml``).

    Returns
    -------
    list of dict
        One dict per quotation with the keys of :data:`QUOTE_COLUMNS`, in text order.
    """
    if not isinstance(text, str):
        raise TypeError(f"document {doc_id!r}: text must be a string, got {type(text).__name__}")
    end = len(text) if story_end is None or pd.isna(story_end) else max(0, min(int(story_end),
                                                                              len(text)))
    d = _Doc(text, end, CueLexicon.coerce(cues), Roster.coerce(roster),
             titles or load_titles())
    paras = paragraph_spans(text, 0, end)
    quotes = _find_quotes(text, paras)
    by_para: dict[int, list[_Quote]] = {}
    for q in quotes:
        by_para.setdefault(q.para, []).append(q)

    records: list[dict] = []  # attributions: direct rows and reported clauses
    for k, (ps, pe) in enumerate(paras):
        pq = by_para.get(k, [])
        label = _TRANSCRIPT_RE.match(text, ps, pe)
        if label:
            # Transcript turn ('"WALLACE: ...'): the label is the speaker, the turn is
            # reported as the speaker's words (PolNeAR annotates these as indirect).
            for q in pq:
                q.kind = ""
            ce = _rstrip(text, label.end(), pe, _WS + _ALL_MARKS)
            if ce > label.end():
                records.append({"kind": "indirect", "start": label.end(), "end": ce,
                                "fragments": [], "cue": None, "para": k,
                                "spk": (label.start(1), label.end(1), None),
                                "transcript": True})
            continue
        head = _HEADLINE_SPEAKER_RE.match(text, ps, pe) if k == 0 and pe - ps <= _HEADLINE_MAX \
            else None
        if head and head.group(1).lower() in _HEADLINE_LABELS:
            ps = head.end()  # "Analysis: ...", "The Latest: ...": a label, not a speaker
            head = None
        label = parse_mention(head.group(1), d.titles) if head else None
        if label is not None and (label.kind != "person" or label.country is not None
                                  or d.has_cue(head.end(), pe)):
            # "New Delhi: ...", "Ukraine: ...": a place tag, not a speaker; a headline with a
            # cue of its own ("X: Y said ...") is read as any sentence.
            ps, head = head.end(), None
        if head and _has_3_words(text, head.end(), pe) and \
                re.search(r"\b" + re.escape(head.group(1).split()[-1]) + r"\b", text[pe:]):
            # (The name must come back in the story: "Stealth Over Health: ..." is a title.)
            # "Roe: Doe Won't Be at Debate, Trump Was 'Mocking' Clinton Camp.",
            # "Obama on Climate Change: The Trends Are 'Terrifying.'": the headline reports
            # what the name before the colon said.
            ce = _rstrip(text, head.end(), pe, _WS + ".")
            if pq and text[pe - 1:pe] in _ALL_MARKS:
                ce = pe  # keep the closing mark of a quotation that ends the headline
            for q in pq:
                q.kind = "fragment"
            records.append({"kind": "mixed" if pq else "indirect", "start": head.end(),
                            "end": ce,
                            "fragments": [(q.start, _rstrip(text, q.start, q.end)) for q in pq],
                            "cue": ":", "para": k, "spk": (head.start(1), head.end(1), None)})
            continue
        has_cue = d.has_cue(ps, pe)
        if not pq and not has_cue:
            continue
        skip = [(q.start, q.end) for q in pq]
        opens = [q.open for q in pq]
        sents = _merge_sentences(d, sentence_spans(text, ps, pe), pq) if (pq or has_cue) \
            else []
        dateline = dateline_end(text, ps, pe)
        if dateline and sents and sents[0][0] < dateline < sents[0][1]:
            # "OSLO, May 2 — ...": the place and date are neither speaker nor words.
            sents[0] = (dateline, sents[0][1])
        for ss, se in sents:
            sq = pq[bisect.bisect_left(opens, ss):bisect.bisect_left(opens, se)]
            if not sq and not d.has_cue(ss, se):
                continue  # nothing to attribute
            _classify_direct(d, ss, se, sq, skip, headline=k == 0 and pe - ps <= _HEADLINE_MAX)
            _reported(d, ss, se, sq, skip, k, records)
    quotes = [q for q in quotes if not (q.kind == "" and _TRANSCRIPT_RE.match(
        text, *paras[q.para]))]
    _carry_speakers(d, quotes, paras, records)
    for q in quotes:
        if q.kind == "direct":
            records.append({"kind": "direct", "start": q.start, "end": _rstrip(text, q.start, q.end),
                            "fragments": [], "cue": q.cue, "spk": q.spk, "para": q.para})
    records.sort(key=lambda r: (r["start"], r["end"]))
    return _finish(d, doc_id, records)


def _classify_direct(d: _Doc, ss: int, se: int, sq: list[_Quote], skip, headline: bool
                     ) -> None:
    text = d.text
    prev_direct = None
    for n, q in enumerate(sq):
        lo = sq[n - 1].close if n else ss
        hi = sq[n + 1].open if n + 1 < len(sq) else se
        # A sentence end the splitter missed ("him. “Oz has ...") still starts afresh.
        lo = max([lo] + [i + 1 for i in (text.rfind(". ", lo, q.open), text.rfind("? ", lo, q.open),
                                         text.rfind("! ", lo, q.open)) if i >= 0])
        before_s = _lstrip(text, lo, q.open, _WS + ",;—–-(")
        before_end = _rstrip(text, lo, q.open, _WS + "(")
        last = text[before_end - 1] if before_end > before_s else ""
        after = _attribution_after(d, q.close, hi, skip) if q.closed else None
        if after is None and q.closed and n + 1 < len(sq) and sq[n + 1].closed \
                and _n_words(text, sq[n + 1].start, sq[n + 1].end) <= 2 \
                and text[sq[n + 1].start:sq[n + 1].start + 1].isupper():
            # A quoted nickname inside the speaker's name ('Ann "Cia" Roe said').
            after = _attribution_after(d, q.close, sq[n + 2].open if n + 2 < len(sq) else se,
                                       skip)
        after_empty = not q.closed or _lstrip(text, q.close, hi, _WS + _ENDPUNCT + ")") >= hi
        dash = _dash_signoff(d, q.close, hi) if q.closed and not after else None
        ce = _rstrip(text, q.start, q.end)
        content_end = text[ce - 1:ce]
        first = text[_lstrip(text, q.start, q.end, _WS + "…."):][:1]
        upper = first.isupper() or first.isdigit() or first in "[(‘'\""
        intro = None
        colon = None
        if before_s >= q.open:
            if not q.closed and q.chain < 0 and n:
                direct = False
            else:
                direct = (q.chain >= 0 or after_empty or after is not None or dash is not None
                          or content_end in (",", ".", "?", "!", "…", "—"))
        elif q.chain >= 0:
            direct = True
        elif not q.closed:
            direct = False  # a stray opening mark mid-sentence
        elif last == ":":
            direct = True
            intro = _attribution_before(d, lo, q.open, skip)
            colon = None if intro else (_colon_intro(d, lo, q.open)
                                        or _sentence_subject(d, lo, q.open))
        elif last == ",":
            intro = _attribution_before(d, lo, q.open, skip)
            if intro is not None:
                # "It was, the president said, ''a stone ...''": a cue right before the
                # comma introduces the quotation whatever its first letter.
                direct = upper or prev_direct is not None or \
                    _n_words(text, intro[0].end(), before_end) == 0
            else:
                # "As for cost, ''cutting it will take time,'' said Roe": a quotation
                # closed by its attribution after a short opening phrase is direct.
                direct = (prev_direct is not None and prev_direct.close >= lo - 1) or (
                    after is not None and content_end in (",", "?", "!", "—")
                    and (upper or _n_words(text, before_s, before_end) <= 4))
        elif last in "-–—" and q.closed and text[_lstrip(text, q.close, hi):][:1] in "-–—":
            # "Mitt Romney -- ''It is disqualifying ...'' -- and ...": a quotation set
            # off by dashes, spoken by the name before it or the sentence subject.
            direct = upper
            dash_at = _rstrip(text, lo, before_end, _WS + "-–—")
            colon = subject_before(text, lo, dash_at, d.titles, allow_nominal=False) \
                if dash_at > lo else None
            colon = colon or _sentence_subject(d, ss, q.open)
        else:
            intro = _attribution_before(d, lo, q.open, skip)
            direct = intro is not None and upper and (after_empty or content_end in "?!") \
                and _n_words(text, intro[0].end(), before_end) == 0
        if not direct:
            q.kind = "fragment" if q.closed else ""
            continue
        q.kind = "direct"
        prev_direct = q
        if intro is not None:
            m, spk = intro
            q.cue = m.group()
            # The subject of a participle cue ("..., asking her, “...”") is that of the
            # clause after the previous quotation, not the quotation's first word.
            q.spk = spk or _sentence_subject(d, sq[n - 1].close if n else ss, m.start())
        elif colon is not None:
            q.spk = colon
        elif after is not None:
            m, spk = after
            q.cue, q.spk = m.group(), spk
        elif dash is not None:
            q.spk = dash
        elif n and sq[n - 1].kind == "direct" and sq[n - 1].spk and last == ",":
            q.spk, q.cue = sq[n - 1].spk, sq[n - 1].cue


def _reported(d: _Doc, ss: int, se: int, sq: list[_Quote], skip, k: int, records: list) -> None:
    """Indirect and mixed attributions in one sentence."""
    text = d.text
    direct = [q for q in sq if q.kind == "direct"]
    frags = [q for q in sq if q.kind == "fragment"]
    if direct:
        # A reported clause before the first quotation of the sentence (the splitter
        # missed a sentence end: '... says X, an expert. "We ...').
        head = _rstrip(text, ss, direct[0].open, _WS + _ALL_MARKS)
        if direct[0].spk is None and _n_words(text, ss, head) >= 4:
            frag_head = [x for x in sq if x.kind != "direct" and x.close <= head + 1]
            _reported(d, ss, head, frag_head, skip, k, records)
        # "“...,” Roe said, stressing (that) ...": a participle continues the
        # quoted speaker's attribution.
        q = direct[-1]
        if q.spk is None:
            return
        for m in d.cue_matches(max(q.close, q.spk[1]), se, skip):
            w = m.group()
            who = _WHO_RE.search(text, max(ss, m.start() - 40), m.start())
            if (w.endswith("ing") and text[_rstrip(text, ss, m.start()) - 1] == ",") or who:
                # "..., Roe said, stressing (that) ..." and "..., said Roe, who
                # added that ...": the quoted speaker goes on.
                if _lacks_clause(d, m, se):
                    break
                cs = _content_start(d, m, se)
                ce = _rstrip(text, cs, se, _WS + ".")
                if _n_words(text, cs, ce) >= 3 and not _anonymity(d, m, cs):
                    spk = (who.start(1), who.end(1), None) if who else q.spk
                    _emit(d, records, cs, ce, m.group(), spk, frags, k)
                break
        return
    end = _rstrip(text, ss, se, _WS)
    emitted = 0
    last_end = None
    prev_spk = None
    question = _is_question(text, ss, se)  # "Does X believe ...?": no attribution in it
    for m in d.cue_matches(ss, se, skip):
        cue = m.group()
        low = cue.lower()
        group = d.group(low)
        if last_end is not None and m.start() < last_end:
            continue  # inside the clause already reported
        cs = ce = None
        spk = None
        skip_to = 0
        nested = False
        if group == "phrase":  # according to
            spk = phrase_after(text, _lstrip(text, m.end(), se), se, d.titles)
            if not spk:
                continue
            body = _DOCUMENT_FROM_RE.match(text, spk[0], se)
            if body:
                # "according to a statement from the Foreign Ministry": the ministry speaks.
                spk = phrase_after(text, body.end(), se, d.titles) or spk
            lead = _n_words(text, last_end or ss, m.start())
            if spk[2] is not None and text[spk[2][1]:spk[2][1] + 1] == "," and \
                    _describes(d, text[spk[2][0]:spk[2][1]]):
                comma = spk[2][1]  # "According to X, a spokesman, ..."
            else:
                comma = text.find(",", spk[1], se)
                spk = (spk[0], spk[1], None)
            if lead <= 2 and comma >= 0:
                cs = _lstrip(text, comma + 1, se)
                ce = _content_end(d, cs, se, skip)
            elif text[_rstrip(text, ss, m.start()) - 1] in ",—–(" and \
                    not _split_clause_after(text, spk[1], end):
                # "..., according to the X of Y (Z).": the source's description may run
                # on; the reported clause is everything before the cue.
                cs, ce = last_end or ss, _rstrip(text, ss, m.start(), _WS + ",—–(")
            else:
                continue
        else:
            voice = _passive_voice(d, ss, m)
            spk = subject_before(text, ss, m.start(), d.titles)
            if spk is not None and _ARTICLE_ADJECTIVE_RE.fullmatch(text, spk[0], spk[1]):
                continue  # "lodged a formal protest": the cue word is a noun here
            if spk is not None and low in d.cues.need_speaker and _no_one(d, spk):
                continue  # "drones attacked the port": a physical attack, not words
            if spk is not None and group == "report" and _after_preposition(text, ss, spk[0]):
                # "In a Facebook message posted Friday, Cruz said": the object of a
                # preposition, with a participle, is no subject.
                continue
            anchor = spk[0] if spk else m.start()
            if spk and spk[2] and spk[2][0] < anchor:
                # "..., and its foreign minister, X, said": the source opens with the
                # description before the name.
                anchor = spk[2][0]
            pre = text[_rstrip(text, ss, anchor, _WS + _ALL_MARKS) - 1:][:1] \
                if anchor > ss else ""
            before_word = text[_rstrip(text, ss, anchor) - 4:anchor].strip().lower()
            after_comma = text[_lstrip(text, m.end(), se):][:1] == ","
            tail_words = _n_words_upto_9(text, m.end(), end)  # compared with 0, 6 and 8
            tail = text.find(",", m.end(), end)
            adjunct_end = m.end()
            clause_end = end  # where the attribution's own words could end
            nxt = _WORD_RE.search(text, tail, end) if tail >= 0 else None
            if nxt and _n_words(text, m.end(), tail) <= 6:
                if nxt.group().endswith("ing") and nxt.group().lower() in d.cues.forms and \
                        _adjunct_or_nothing(text, m.end(), tail):
                    # "..., X said (on Friday), warning that ...": a participle cue opens an
                    # attribution of its own; the clause is not split around this one.
                    tail_words = _n_words(text, m.end(), tail)
                    adjunct_end = clause_end = tail
                    after_comma = False
                elif _TIME_LEAD_RE.match(text, nxt.start()):
                    # "..., X said (on Friday), days after ...": a trailing time clause, not
                    # the second half of a clause split around the attribution.
                    tail_words = _n_words(text, m.end(), tail)
                    adjunct_end = tail
                    after_comma = False
                elif tail_words > 6 and (nxt.group().lower() in _TRAILING_SUBORD
                                         or nxt.group().endswith("ing")):
                    # "..., X said Friday, as they ...": a trailing subordinate clause.
                    tail_words = _n_words(text, m.end(), tail)
                    adjunct_end = tail
            passive = _AS_PASSIVE_RE.search(text, max(ss, m.start() - 20), m.start())
            if voice is not None:
                # "It is widely believed (that) ...", "The pact is widely seen as ...":
                # no source is named (PolNeAR keeps such attributions with an empty
                # source), and the grammatical subject is not one.
                spk = None
                at = voice[1]
                if tail_words == 0 and text[_rstrip(text, ss, at) - 1:at].strip() == ",":
                    cs, ce = last_end or ss, _rstrip(text, ss, at, _WS + ",")  # "..., it is said."
                else:
                    cs = _content_start(d, m, se)
                    ce = _content_end(d, cs, se, skip)
                    first = _WORD_RE.match(text, cs)
                    if first is None or first.group().lower() in _PREPOSITIONS | _CIRCUMSTANCE:
                        # "was criticized by ...", "charged with ...", "will be discussed
                        # when ...": not speech
                        continue
            elif spk is None and passive and (m.end() < se and text[m.end():m.end() + 4].strip()
                                            in ("by", "in")):
                # "..., as was stated in the leaders' joint statement": the source follows.
                agent = _lstrip(text, m.end(), se)
                agent = _lstrip(text, agent + 2, se)
                spk = phrase_after(text, agent, se, d.titles)
                if spk is None:
                    continue
                cs = _lstrip(text, last_end or ss, se, _WS + ",”’\"")
                ce = _rstrip(text, cs, passive.start(), _WS + ",")
            elif spk is None and prev_spk is not None and before_word.endswith("and") and \
                    emitted and _tense(records[-1]["cue"]) and _tense(cue) and \
                    _tense(records[-1]["cue"]) != _tense(cue) and \
                    _clause_tense(text, records[-1]["start"], records[-1]["end"]) == _tense(cue) \
                    and not _THAT_RE.match(text, records[-1]["start"]):
                # "Police say he posed a threat and refused to ...": a predicate in another
                # tense than the cue's continues the reported clause, not the speaker's words.
                ce = _content_end(d, _lstrip(text, m.end(), se), se, skip)
                records[-1]["end"] = max(records[-1]["end"], ce)
                last_end = max(last_end or 0, ce)
                continue
            elif spk is None and prev_spk is not None and (
                    before_word.endswith(("and", "but")) or low.endswith("ing")):
                spk = prev_spk  # "X said ... and added that ...": the same speaker
                cs = _content_start(d, m, se)
                ce = _content_end(d, cs, se, skip)
            elif spk is None and before_word.endswith("and") and prev_spk is None and \
                    group == "speech":
                # "Cruz visited the border and said ...": the subject of the first predicate.
                spk = _coordinated_subject(d, ss, m.start())
                if spk is not None:
                    cs = _content_start(d, m, se)
                    ce = _content_end(d, cs, se, skip)
            elif spk is None and low.endswith("ing"):
                # "..., saying that ...": the participle's speaker is the sentence subject.
                spk = _sentence_subject(d, ss, m.start())
                if spk is not None:
                    cs = _content_start(d, m, se)
                    ce = _content_end(d, cs, se, skip)
            elif spk is None:
                if pre == "," and (group == "speech" or low in _INVERTED_REPORT):
                    # "..., said X.", "..., reported Reuters." (not "..., shows X ...")
                    spk = phrase_after(text, _lstrip(text, m.end(), se), se, d.titles)
                    if spk and _finite_next(text, spk[2][1] if spk[2] else spk[1], se):
                        spk = None  # "..., said its observers had ...": a clause follows
                    if spk and _n_words(text, spk[2][1] if spk[2] else spk[1], end) <= 6:
                        cs, ce = ss, _rstrip(text, ss, m.start(), _WS + ",")
                if cs is None:
                    continue
            elif spk is not None and text[spk[0]:spk[1]].lower() in _RELATIVE_SUBJ:
                # "the EU, which contended that A, is ...": a relative clause reports its own
                # words, up to the comma that closes it; a "which" after a whole clause
                # ("..., which signals that") or with a plain object ("which claims Taiwan as
                # its own") reports nothing.
                if text[spk[0]:spk[1]].lower() == "which" and not _which_names_a_source(
                        d, ss, spk[0]):
                    continue
                cs = _content_start(d, m, se)
                ce = _content_end(d, cs, se, skip)
                if text[_rstrip(text, ss, spk[0]) - 1:spk[0]].strip() in (",", "-", "—"):
                    comma = text.find(",", cs, ce)
                    if comma > cs:
                        ce = _rstrip(text, cs, comma, _WS + ",")
                if not (_THAT_RE.match(text, cs) or _starts_clause(text, cs, ce)
                        or _clause_tense(text, cs, ce) is not None
                        or text.startswith("to ", cs) or low in d.cues.address
                        or any(cs <= q.open < ce for q in frags)):
                    continue  # a plain object ("which claims Taiwan as its own"): no words
            elif spk is not None and tail_words == 0 and \
                    (as_m := _AS_BEFORE_RE.search(text, max(ss, anchor - 12), anchor)):
                # "..., as police have said.": the clause before "as" is what they said.
                cs, ce = last_end or ss, _rstrip(text, ss, as_m.start(), _WS + ",")
                if _n_words(text, cs, ce) < 3:
                    continue
            elif pre in (",", "—", "–") and after_comma:
                # "The museum, Mr. Obama said, would make ...": the reported clause is
                # split around the attribution; report both parts (PolNeAR does too).
                comma = text.find(",", m.end(), se)
                head_s, head_e = last_end or ss, _rstrip(text, ss, spk[0], _WS + ",—–")
                cs = _lstrip(text, comma + 1, se)
                ce = _content_end(d, cs, se, skip)
                if head_e > head_s and _n_words(text, cs, ce) >= 3 and \
                        not _opening_adjunct(text, head_s, head_e):
                    _emit(d, records, head_s, head_e, cue, spk, frags, k)
            elif pre in (",", "—", "–") and tail_words <= 8 and \
                    not _THAT_RE.search(text, m.end(), clause_end) and \
                    not _starts_clause(text, m.end(), clause_end) and \
                    not _opening_adjunct(text, last_end or ss, spk[0]):
                first_word = min(spk[0], spk[2][0]) if spk[2] else spk[0]
                cs, ce = last_end or ss, _rstrip(text, ss, first_word, _WS + ",—–")  # "..., X said."
                if emitted and all(r["start"] >= ss and r["end"] <= ce
                                   for r in records[-emitted:]) and \
                        _closing_attribution(d, spk, m, se):
                    # "Biden told Xi that ..., the White House said", "Poland has asked
                    # Washington to ..., the minister said": the clause with a cue of its own
                    # is what the closing source reports, whole; the inner attribution stays
                    # (nested, as PolNeAR annotates it).
                    nested, cs = True, ss
                if last_end is not None:
                    # "... that A, but B, the source added": B starts after the conjunction.
                    cs = _lstrip(text, cs, ce, _WS + ",;—–")
                    conj = _WORD_RE.match(text, cs)
                    if conj and conj.group().lower() in ("and", "but", "while", "yet"):
                        cs = _lstrip(text, conj.end(), ce)
                if _n_words(text, cs, ce) < 4:
                    continue
                skip_to = adjunct_end  # "said in a June report, and": no cue in the adjunct
            else:
                if group != "speech" and text[spk[0]:spk[1]].lower() in ("i", "you", "we"):
                    continue
                cs = _content_start(d, m, se)
                ce = _content_end(d, cs, se, skip)
                nxt = _WORD_RE.search(text, ce, se) if text[ce:ce + 1] == "," else None
                if nxt and nxt.group().endswith("ing") and d.has_cue(nxt.start(), nxt.end()) \
                        and _opening_adjunct(text, cs, ce):
                    # "said in a statement read on television, calling ...": no words of
                    # its own; the participle after it reports them.
                    prev_spk = spk
                    continue
        if group != "phrase" and question:
            continue  # "Does X believe ...?": a question, not X's belief
        if cs is not None and cs >= m.end() and d.cues.forms.get(low, ("",))[0] == "want" \
                and not _TO_OR_THAT_RE.match(text, cs):
            continue  # "wants a war": an object, not a reported wish ("wants to ...")
        if cs is not None and cs >= m.end() and _anonymity(d, m, cs):
            # The source goes on: "declined to be named, saying ...".
            prev_spk = spk or prev_spk
            continue
        if cs is not None and cs >= m.end() and _cue_after_short_run(d, cs, ce):
            continue  # "a statement posted online, said ...": the participle is no cue
        if low.endswith("ing") and _NOT_DONE_RE.search(text, max(ss, m.start() - 20), m.start()):
            continue  # "stopped short of calling X Y", "without saying that": not said
        if cs is not None and cs >= m.end() and _TO_ADDRESSEE_RE.match(text, cs):
            # "protested to Russia", "complained to the ambassador": an addressee, then a
            # "that" clause or nothing; a participle after it keeps the source ("protested to
            # Washington, saying ...").
            that = _THAT_RE.search(text, cs, ce)
            if that is None or "," in text[cs:that.start()] or \
                    any(d.cue_matches(cs, that.start(), ())):
                prev_spk = spk or prev_spk
                continue
            cs = that.start()
        if cs is not None and cs >= m.end():
            first = _WORD_RE.match(text, cs)
            if first is not None and first.group().lower() in _NOT_SAID_PREP:
                # "was first reported by X", "learned from the experience", "called
                # into the show": a prepositional phrase is not what was said, but
                # "called for X" / "called on X" report X.
                if group == "phrase" or d.cues.forms.get(low, ("",))[0] != "call" \
                        or first.group().lower() not in ("for", "on"):
                    continue
                cs = _lstrip(text, first.end(), se)
        if cs is None or not _has_3_words(text, cs, ce):
            continue
        if cs >= m.end() and _lacks_clause(d, m, se):
            continue
        if last_end is not None and cs < last_end and not (nested and cs == ss):
            continue
        _emit(d, records, cs, ce, cue, spk, frags, k)
        emitted += 1
        last_end = max(ce, m.end(), skip_to)
        prev_spk = spk
        if emitted >= _MAX_PER_SENTENCE:
            return


_ANONYMITY_RE = re.compile(r"(?:not )?to be (?:named|identified|quoted)\b")


# A document and the body it comes from ("a statement from", "a readout issued by").
_DOCUMENT_FROM_RE = re.compile(
    r"(?:an?|the)\s+(?:\w+\s+)?(?:statement|report|communiqu[eé]|release|readout|letter|"
    r"memo|transcript|notice)\s+(?:(?:issued|released|published|posted)\s+)?(?:from|by)\s+",
    re.IGNORECASE)


def _no_one(d: _Doc, spk) -> bool:
    """Whether a subject is a thing or a group with no office ("Russian drones", "the
    militants", "Russia's military intelligence"), which attacks physically, unlike a person,
    a pronoun, an organisation, an office holder ("the president") or a source word ("the
    paper", ``_LOWER_NOMINAL_HEADS``)."""
    phrase = d.text[spk[0]:spk[1]]
    sp = parse_mention(phrase, d.titles)
    head = phrase.split()[-1].lower() if phrase.split() else ""
    return sp.kind == "nominal" and not sp.role and head not in _LOWER_NOMINAL_HEADS


def _anonymity(d: _Doc, m: re.Match, cs: int) -> bool:
    """Whether cue ``m`` with words from ``cs`` declines or asks not to be named ("declining
    to be identified", "who asked not to be named"): anonymity, not something the source
    declined to say or asked for."""
    base = d.cues.forms.get(m.group().lower(), ("",))[0]
    found = _ANONYMITY_RE.match(d.text, cs)
    # "asked to be named to the committee" is a request; only "asked not to be" is anonymity.
    return found is not None and (base == "decline" or (base == "ask" and
                                                        found.group().startswith("not ")))

# A passive auxiliary ending right before the cue ("is widely believed", "has been
# reported", "it's said"), and the expletive "it" (with a modal) before it.
_BE_AUX_RE = re.compile(
    r"(?<![\w’'])(?:is|was|are|were|be|been|being|[’']s)\s+"
    r"(?:(?:\w+ly|also|now|still|long|not|never|often|once|already|generally)\s+)*$",
    re.IGNORECASE)
_EXPLETIVE_RE = re.compile(
    r"(?<![\w’'])(it)(?:\s+(?:has|had|have|will|would|may|might|could|should|must|can)"
    r"(?:\s+not)?)?\s*$", re.IGNORECASE)
_PASSIVE_AGENT_RE = re.compile(r"(?<![\w’'])as\s*$|(?<![\w’'])(?:and|but|or)\s*$", re.IGNORECASE)
_PREPOSITIONS = frozenset("""by with for from in of on at about over after during before into
against among between through under since until without within upon toward towards despite amid
amidst""".split())
# Prepositions that, right after a cue, show it is not used as a verb of saying.
_NOT_SAID_PREP = frozenset({"by", "into", "during"})
# Participles read as adjectives: the subject holds the attitude ("Roe is worried that").
_ADJECTIVAL = frozenset({"worried", "opposed", "concerned"})


def _passive_voice(d: _Doc, ss: int, m: re.Match) -> tuple[str, int] | None:
    """Whether cue ``m`` is a passive participle: ("it", offset of "it") for the
    expletive ("it is believed that ..."), ("subject", offset) when a passive
    subject precedes it ("the pact is widely seen as ..."), else None.

    "as was stated in ..." and a coordinated "... and was asked" are left to the
    other rules (their source follows or is the earlier subject).
    """
    low = m.group().lower()
    base, group = d.cues.forms.get(low, ("", ""))
    if group == "phrase" or low == base or low.endswith("ing") or low in _ADJECTIVAL \
            or low in (base + "s", base + "es", base[:-1] + "ies"):
        return None
    text = d.text
    lo = max(ss, m.start() - 60)
    aux = _BE_AUX_RE.search(text, lo, m.start())
    if aux is None:
        return None
    if aux.group().startswith(("’", "'")):
        it = _EXPLETIVE_RE.search(text, lo, aux.start() + 0)
        return ("it", it.start(1)) if it else None
    it = _EXPLETIVE_RE.search(text, lo, aux.start())
    if it is not None:
        return "it", it.start(1)
    if _PASSIVE_AGENT_RE.search(text, lo, aux.start()) or _rstrip(text, ss, aux.start()) <= ss:
        return None
    return "subject", aux.start()


_WHO_RE = re.compile(r",\s*(who)\s+(?:(?:also|later|then|has|had|\w+ly)\s+)?$")
# "\bas" written as "as" then a look back (no word character before it), for a literal start.
_AS_PASSIVE_RE = re.compile(r"as(?<!\was)\s+(?:(?:was|were|is|are|has been|had been)\s+)?$")
_PLURAL = frozenset({"they", "the two", "both", "the pair", "the two men", "the two women"})
# A time clause after a comma ("days after ...", "just two days before ...", "shortly after").
_TIME_LEAD_RE = re.compile(
    r"(?:(?:just|only|barely|nearly|almost|about|some|less\s+than|more\s+than)\s+)?"
    r"(?:(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|a\s+few|few|several|"
    r"\d+)\s+)?(?:minutes?|hours?|days?|weeks?|months?|years?)\s+(?:after|before|since)\b"
    r"|shortly\s+(?:after|before)\b", re.IGNORECASE)
_TRAILING_SUBORD = frozenset(
    "as since because while when after before although though even but which who and".split())
# Where a reported clause usually stops: a semicolon, a dash aside, a contrasting
# clause. A non-restrictive "which/who" clause stays in: annotators (PolNeAR) keep
# it as part of what was reported.
_AND_CUT_RE = re.compile(r",\s+and\s")
# ;|,[”"’']*\s+(?:but|even as|although|though|with)\b|\s[—–]\s|\s--\s, with the first
# character of every alternative taken first (then told apart by looking back at it): a
# leading character class lets the engine skip to the next candidate character.
_CLAUSE_END_RE = re.compile(
    r"[;,\s](?:(?<=;)|(?<=,)[”\"’']*\s+(?:but|even as|although|though|with)\b"
    r"|(?<=\s)[—–]\s|(?<=\s)--\s)")


def _content_end(d: _Doc, cs: int, se: int, skip) -> int:
    """End of a reported clause: the sentence end, or before a coordinated cue
    ("... and added that ...", "..., arguing that ...") that starts the next one."""
    text = d.text
    cut = _CLAUSE_END_RE.search(text, cs, se)
    # Keep the clause whole when a quoted fragment follows the cut: the quotation
    # belongs to the attribution ("..., although “nothing is ruled out.”").
    if cut and _n_words(text, cs, cut.start()) >= 3 and (
            d.cue_matches(cut.end(), se, skip)
            or not any(q_s - 1 <= se and q_e > cut.start() for q_s, q_e in skip)):
        se = cut.start()
    elif not any(q_s < se and q_e > cs for q_s, q_e in skip):
        # ", and ..." opens a second clause that annotators leave out of the report;
        # with a quoted fragment in the sentence the quotation usually spans it.
        cut = _AND_CUT_RE.search(text, cs, se)
        if cut and _n_words(text, cs, cut.start()) >= 3:
            se = cut.start()
    for m in d.cue_matches(cs, se, skip):
        if _lacks_clause(d, m, se):
            continue
        lead = text[max(cs, m.start() - 8):m.start()].rstrip(_WS + _ALL_MARKS)
        if lead.endswith((" and", ",")) and (m.group().endswith("ing") or lead.endswith("and")):
            e = _rstrip(text, cs, m.start(), _WS + ",")
            if e > cs and e - cs < m.start() - cs and text[e - 3:e].lower() == "and":
                e = _rstrip(text, cs, e - 3, _WS + ",")
            if _n_words(text, cs, e) >= 3:
                return e
        # "... and Democrats accused ...": a new subject and cue after "and"/"but".
        spk = subject_before(text, cs, m.start(), d.titles)
        if spk:
            e = _rstrip(text, cs, min(spk[0], spk[2][0]) if spk[2] else spk[0])
            if text[e - 1:e] == "," and _n_words(text, cs, e) >= 3 and \
                    _closing_attribution(d, spk, m, se):
                # "... to station bombs there, the minister said on Tuesday.": the clause
                # ends where its own attribution begins.
                return _rstrip(text, cs, e - 1)
            conj = text[max(cs, e - 4):e].lower()
            if conj.endswith((" and", " but")) and _n_words(text, cs, e - 4) >= 3:
                return _rstrip(text, cs, e - 4, _WS + ",")
            if conj.endswith(" as") and text[max(cs, e - 4):e - 3] == "," and \
                    _n_words(text, cs, e - 4) >= 3:
                # "..., as Oman said (that) ...": another source's own attribution.
                return _rstrip(text, cs, e - 4, _WS + ",")
    adj = _TRAILING_ADJUNCT_RE.search(text, cs, se)
    if adj and _n_words(text, cs, adj.start()) >= 4 and _n_words(text, adj.end(), se) <= 6 \
            and "," not in text[adj.end():se]:
        se = adj.start()
    return _rstrip(text, cs, se, _WS + ".")


# Where the speech was made, closing the reported clause ("... during a campaign stop
# in Ohio", "... in a statement on Thursday"): annotators leave it out.
_TRAILING_ADJUNCT_RE = re.compile(
    r"\s(?:in\s+(?:a|an|his|her|their|its)\s+(?:\w+\s+)?(?:statement|interview|speech"
    r"|tweet|tweets|news conference|press conference|press release|letter|op-ed)\b)")


_AUXILIARIES = frozenset("""is are was were be been being am will would shall should can could
may might must has have had do does did""".split())


def _describes(d: _Doc, phrase: str) -> bool:
    """Whether a comma-enclosed phrase after a source describes it ("a spokesman", "the
    agency's director") rather than being the reported clause ("about 20 marines are
    stationed ..."): it names a role or country, or opens with "a"/"an"."""
    words = phrase.lower().split()
    if any(w in _AUXILIARIES for w in words):
        return False  # a clause ("a deal is likely", "Spain's economy will grow")
    sp = parse_mention(phrase, d.titles)
    return bool(sp.role) or (words[:1] in (["a"], ["an"]) and len(words) <= 8)


_QUESTION_AUX = frozenset("""does do did is are was were will would can could should has have
""".split())
def _is_question(text: str, ss: int, se: int) -> bool:
    """Whether the sentence is a yes/no question: it opens with an auxiliary (after a
    "Q:" label) and ends with a question mark."""
    if text[_rstrip(text, ss, se, _WS + _ALL_MARKS) - 1:][:1] != "?":
        return False
    words = _WORD_RE.findall(text, ss, min(se, ss + 40))
    if words[:1] == ["Q"]:
        words = words[1:]
    return bool(words) and words[0].lower() in _QUESTION_AUX


_TO_OR_THAT_RE = re.compile(r"(?:to|that)\b", re.IGNORECASE)

_SHORT_RUN_COMMA_RE = re.compile(r"(?:[\w’'-]+\s+)?[\w’'-]+,\s+([\w’'-]+)")


def _cue_after_short_run(d: _Doc, cs: int, ce: int) -> bool:
    """Whether the content opens with one or two words, a comma and a finite cue verb
    ("online, said the talks ..."): the cue before it was a participle inside a phrase
    interrupting another source and its cue ("The ministry, in a statement posted online,
    said ..."). A participle after the comma continues the clause instead ("the law
    passed, adding ...")."""
    m = _SHORT_RUN_COMMA_RE.match(d.text, cs, ce)
    if m is None:
        return False
    w = m.group(1).lower()
    return w in d.cues.forms and not w.endswith("ing")


def _lacks_clause(d: _Doc, m: re.Match, se: int) -> bool:
    """A ``need_clause`` cue ("add") followed by a plain object, not a reported clause."""
    if m.group().lower() not in d.cues.need_clause:
        return False
    text = d.text
    i = _lstrip(text, m.end(), se)
    if i >= se or text[i] in ":,;—–-" or text[i] in _ALL_MARKS:
        return False
    # A that-less clause shows itself by a subject pronoun or a finite verb within a
    # few words, before any "to" ("adding he would ..." vs "adding fuel to the list").
    for n, w in enumerate(_WORD_RE.finditer(text, i, se)):
        low = w.group().lower()
        if low == "that" or (n == 0 and low in _CLAUSE_SUBJECTS and not (
                low == "it" and _OBJECT_IT_NEXT_RE.match(text, w.end()))) or \
                (n and low in _FINITE):
            return False
        if low == "to" or n >= 5:
            break
    return True


_CLAUSE_SUBJECTS = frozenset("he she they we i there it".split())
# "added it to the list", "recognised it as ...": "it" is an object, not a subject.
_OBJECT_IT_NEXT_RE = re.compile(r"\s+(?:to|as|into|on|off|in|for|from|with|by|at|up|down|out)\b")


def _starts_clause(text: str, s: int, e: int) -> bool:
    """Whether text[s:e] (after a cue) opens a that-less clause: a subject pronoun
    first or a finite verb among the first words ("says he is ...", "said the levy
    was ..."), rather than an adjunct ("said on Tuesday", "said in a statement")."""
    for n, w in enumerate(_WORD_RE.finditer(text, s, e)):
        low = w.group().lower()
        if (n == 0 and low in _CLAUSE_SUBJECTS) or (n and low in _FINITE):
            return True
        if n >= 5:
            break
    return False


def _opening_adjunct(text: str, s: int, e: int) -> bool:
    """Whether text[s:e] (before "X said") is an opening phrase, not a clause: one
    comma-free chunk led by a preposition or a participle with no finite verb ("At a
    rally in Ohio, Roe said ...", "Speaking on Sunday, Roe said ...", "Asked about it, Roe
    said ...")."""
    words = [w.lower() for w in _WORD_RE.findall(text, s, e)]
    if not words or len(words) > 12 or "," in text[s:e].rstrip(_WS + ","):
        return False
    if words[0] not in _PREPOSITIONS and not words[0].endswith("ing") and \
            words[0] not in _QUESTION_OPENERS:
        return False
    return not any(w in _FINITE for w in words)


# "Asked to describe it, he declined.": the question put to the source, not its words.
_QUESTION_OPENERS = frozenset({"asked", "pressed", "questioned", "quizzed", "challenged"})


_ADJUNCT_FIRST = _PREPOSITIONS | TIME_WORDS


def _adjunct_or_nothing(text: str, s: int, e: int) -> bool:
    """Whether text[s:e] (between a cue and a comma) holds no object: nothing, or a phrase of
    time or place ("on Thursday", "Friday", "in a statement"), as opposed to "attacked Roe"."""
    first = _WORD_RE.search(text, s, e)
    return first is None or first.group().lower() in _ADJUNCT_FIRST


def _split_clause_after(text: str, s: int, e: int) -> bool:
    """Whether the words after an "according to" source continue the sentence's
    own clause (", would fail"): then the attribution sits mid-sentence."""
    comma = text.find(",", s, e)
    if comma < 0:
        return False
    w = _WORD_RE.search(text, comma, e)
    return w is not None and w.group().lower() in _FINITE
_FINITE = frozenset("""is was are were has have had will would can could may might must should
shall did does do""".split())


def _finite_next(text: str, pos: int, se: int) -> bool:
    """Whether the word after ``pos`` (before ``se``) is a finite auxiliary ("had", "was"):
    the phrase before it is the subject of a clause, not a speaker after the reported words."""
    w = _WORD_RE.match(text, _lstrip(text, pos, se))
    return w is not None and w.end() <= se and w.group().lower() in _FINITE


def _clause_before_that(d: _Doc, s: int, e: int) -> bool:
    """Whether text[s:e], between a cue and a "that", is a clause of its own, so that the
    "that" is not the cue's: a subject pronoun first, a finite verb (unless an adjunct
    opens the words: "told X on Thursday how surprised he is that ..."), or a second cue
    after "and"/"but" ("welcomed X but regretted that ...")."""
    text = d.text
    first = _WORD_RE.match(text, s)
    if first is None:
        return False
    if first.group().lower() in ("who", "whom"):
        return False  # "told reporters who accompanied him that ...": part of the addressee
    if first.group().lower() in _CLAUSE_SUBJECTS:
        return True
    if first.group().lower() not in _ADJUNCT_FIRST | _CIRCUMSTANCE | {"as"}:
        if _starts_clause(text, s, e):
            return True
        words = [(w.group().lower(), w.start()) for w in _WORD_RE.finditer(text, s, e)]
        # A verb in the past tense ("said the request risked feeding a spiral that ...",
        # "said the vote showed that ..."), not an adjective after a determiner ("the
        # embattled minister"), nor a cue after a time phrase or a relative pronoun ("a
        # report released last year found that", "X, who suggested that": its own "that").
        if any((w in _PAST_IRREGULAR or w.endswith("ed")) and words[n - 1][0] not in _DETERMINERS
               and not (d.has_cue(at, at + len(w)) and words[n - 1][0] in _NOT_SUBJECT_END)
               for n, (w, at) in enumerate(words) if n):
            return True
    return any(text[max(s, m.start() - 5):m.start()].rstrip().lower().endswith(
        (" and", " but")) for m in d.cue_matches(s, e, ()))


def _that_clause_at(text: str, pos: int, se: int) -> bool:
    """Whether a "that" at ``pos`` opens a clause ("warned that ..."; no addressee), rather
    than being a demonstrative with its noun before the clause's own "that" ("told that
    reporter that ...": the addressee)."""
    that = _THAT_RE.match(text, pos)
    if not that:
        return False
    second = _THAT_RE.search(text, that.end(), min(se, that.end() + 30))
    return not (second and _n_words(text, that.end(), second.start()) <= 2)


def _content_start(d: _Doc, m: re.Match, se: int) -> int:
    """Where the reported clause after a cue starts: after an addressee and at "that"
    ("told reporters that ..."), but at the addressee of an infinitive ("urged Moscow to ...")."""
    text = d.text
    pos = _lstrip(text, m.end(), se)
    if m.group().lower() in d.cues.address and not _that_clause_at(text, pos, se):
        inf = _OBJECT_THEN_TO_RE.match(text, pos, se)
        if inf and inf.group(1).strip().lower() not in _OBJECT_PRONOUNS:
            # "urged all parties to show ...": at the addressee, who is the subject of the
            # infinitive (as "called on X to" and "accused X of" report X).
            return pos
        obj = phrase_after(text, pos, se, d.titles)
        if obj:
            pos = _lstrip(text, obj[1], se)
            when = _TIME_AFTER_OBJECT_RE.match(text, pos, se)
            if when and not _THAT_RE.match(text, when.end()) and \
                    not _POSSESSIVE_NEXT_RE.match(text, when.end()) and \
                    text[when.end() - 1:when.end()].isspace():
                return when.end()  # "told X this weekend he would ...": after the time phrase
        far = _THAT_RE.search(text, pos, min(se, pos + 120)) if not obj else None
        if far and "," not in text[pos:far.start()] and \
                not _MARK_RE.search(text, pos, far.start()) and \
                not _clause_before_that(d, pos, far.start()) and \
                not any(d.cue_matches(pos, far.start(), ())):
            # "told one of his young protégés on a regular basis that ...": a long addressee.
            return far.start()
    t = _THAT_RE.search(text, pos, min(se, pos + 60))
    # A "that" behind an opening quotation mark belongs to the quoted words ("Roe
    # represents the “system that ...”"), not to the cue.
    # Nor a "that" after a clause of its own ("said officials have video that shows ...",
    # "said the test could change that"): a relative pronoun or a demonstrative; nor the
    # "that" of another cue ("says the deal works and warned that ...").
    if t and _n_words(text, pos, t.start()) <= 6 and "," not in text[pos:t.start()] \
            and not _MARK_RE.search(text, pos, t.start()) \
            and not _clause_before_that(d, pos, t.start()):
        before = [w.lower() for w in text[pos:t.start()].split()]
        if before and before[-1] in d.cues.propositions \
                and m.group().lower() not in d.cues.address \
                and _PREPOSITIONS.isdisjoint(before) and "as" not in before:
            # The noun phrase is what was said ("reaffirmed the government's position that
            # ..."), unless a preposition puts the noun in a phrase of its own ("said in a
            # statement on the position that", "dismissed as nonsense claims that").
            return pos
        return t.start()
    when = _TIME_THEN_TO_RE.match(text, pos, se)
    if when:
        return when.end()  # "vowed on Tuesday to ...": the clause starts at "to"
    return _lstrip(text, pos, se, _WS + ",:")


# An addressee of one to five words, then its infinitive ("urged neighbouring states to");
# not across a conjunction or a question word ("tell them how to vote").
# Nor across "that", a subject pronoun or a finite verb: "told X that Y was going to win" and
# "told X it needs to stop" report a clause of their own, whose infinitive is not X's.
_OBJECT_THEN_TO_RE = re.compile(
    r"((?:(?!(?:and|or|but|how|what|where|whether|when|why|which|who|never|not|that|this|"
    r"he|she|they|we|i|is|was|are|were|has|have|had|will|would|can|could|may|might|must|"
    r"should|shall|did|does|do|wants|needs|plans|hopes|intends|expects|seeks|tries|seems|"
    r"appears)\s)"
    r"[\w’'.-]+\s+){1,5}?)((?:never|not)\s+)?to\s", re.IGNORECASE)
_OBJECT_PRONOUNS = frozenset({"her", "him", "them", "us", "me", "you", "it"})

_POSSESSIVE_NEXT_RE = re.compile(r"(?:morning|afternoon|evening|night)?['’]s\b")
# A time phrase between an addressee and the reported clause ("told X this weekend he ...").
def _time_phrase(units: str, tail: str) -> re.Pattern:
    """A time phrase ("on Tuesday", "late Monday night", "last week") ending in ``tail``."""
    return re.compile(r"(?:(?:on|late|early|earlier|last|this|next)\s+)?(?:"
                      + "|".join(sorted(TIME_WORDS)) + "|" + units
                      + r")(?:\s+(?:morning|afternoon|evening|night))?" + tail, re.IGNORECASE)


_TIME_AFTER_OBJECT_RE = _time_phrase(r"week|weekend|month|year", r",?\s+(?=\w)")
# A time phrase between a cue and its infinitive ("on Tuesday", "late Monday", "last week").
_TIME_THEN_TO_RE = _time_phrase(r"week|month|year", r"\s+(?=to\s)")


def _emit(d: _Doc, records: list, cs: int, ce: int, cue: str, spk, frags, k: int) -> None:
    inside = [q for q in frags if cs <= q.open and q.close <= ce + 2]
    records.append({
        "kind": "mixed" if inside else "indirect", "start": cs, "end": ce,
        "fragments": [(q.start, _rstrip(d.text, q.start, q.end)) for q in inside],
        "cue": cue, "spk": spk, "para": k,
    })


def _carry_speakers(d: _Doc, quotes: list[_Quote], paras, records: list[dict]) -> None:
    """Give speakerless direct quotations the speaker next to them."""
    direct = [q for q in quotes if q.kind == "direct"]
    chains: dict[int, tuple] = {}
    for q in direct:
        if q.chain >= 0 and q.spk and q.chain not in chains:
            chains[q.chain] = (q.spk, q.cue)
    for i, q in enumerate(direct):
        if q.spk:
            continue
        if q.chain in chains:
            q.spk, q.cue = chains[q.chain]
            continue
        # The nearest attribution before it in the paragraph (a quotation or a
        # reported clause), else the first quotation after it.
        same = [x for x in direct if x.para == q.para and x.spk and x is not q]
        before = [(x.close, x.spk, x.cue) for x in same if x.open < q.open]
        before += [(r["end"], r["spk"], r["cue"]) for r in records
                   if r["para"] == q.para and r["spk"] and r["end"] <= q.open]
        if before:
            _, q.spk, q.cue = max(before, key=lambda b: b[0])
            continue
        if same:
            q.spk, q.cue = same[0].spk, same[0].cue
            continue
        # "X continued:" closing the previous paragraph introduces this one.
        if q.para > 0:
            ps, pe = paras[q.para - 1]
            if d.text[pe - 1:pe] == ":":
                intro = _attribution_before(d, ps, pe, [])
                if intro and intro[1]:
                    m, spk = intro
                    q.spk, q.cue = spk, (m.group() if m else None)
                    continue
                # The sentence that ends with the colon introduces the quotation; failing
                # that ("Her message was blunt:"), the paragraph's subject.
                sents = sentence_spans(d.text, ps, pe)
                ls = sents[-1][0] if sents else ps
                spk = _colon_intro(d, ls, pe) or _sentence_subject(d, ls, pe) or (
                    (_colon_intro(d, ps, pe) or _sentence_subject(d, ps, pe)) if ls > ps
                    else None)
                if spk:
                    q.spk = spk
                    continue
            # A quotation paragraph right after one with a speaker continues it, unless
            # it has an attribution of its own that was not understood.
            prev = [x for x in direct[:i] if x.para == q.para - 1]
            own = [(x.start, x.end) for x in quotes if x.para == q.para]
            if q.open != paras[q.para][0] or d.cue_matches(*paras[q.para], own):
                continue
            if prev and prev[-1].spk:
                q.spk, q.cue = prev[-1].spk, prev[-1].cue
                continue
            # A quoted paragraph after a transcript turn ('"SMITH: ...') continues the turn.
            turn = [r for r in records if r.get("transcript") and r["para"] == q.para - 1]
            if turn:
                q.spk = turn[0]["spk"]


# json.dumps(..., ensure_ascii=False) builds this same encoder on every call.
_JSON = json.JSONEncoder(ensure_ascii=False)


def _finish(d: _Doc, doc_id: str, records: list[dict]) -> list[dict]:
    text = d.text
    people = None
    plural = None
    rows = []
    seen = set()
    for r in records:
        s, e = r["start"], r["end"]
        if e <= s or (s, e) in seen:
            continue
        seen.add((s, e))
        spk = r["spk"]
        mention = sstart = send = speaker = role = country = None
        if spk:
            sstart, send = spk[0], spk[1]
            mention = text[sstart:send]
            appos = text[spk[2][0]:spk[2][1]] if spk[2] else None
            if people is None:
                people = DocumentPeople(text, d.end, d.roster, d.titles,
                                        [(q["start"], q["end"]) for q in records
                                         if q["kind"] == "direct"])
            speaker, role, country = people.resolve(mention, sstart, appos)
            if speaker and speaker.count("; ") == 1:
                plural = (speaker, role, country, r["para"])
            elif mention.lower() in _PLURAL and plural and r["para"] - plural[3] <= 3:
                # "They also praised ...": the pair named last ("Roe and Doe agreed").
                speaker, role, country = plural[:3]
        rows.append({
            "doc_id": doc_id, "quote_id": quote_id(doc_id, s, e), "start": s, "end": e,
            "text": text[s:e], "kind": r["kind"],
            "fragments": _JSON.encode([{"start": a, "end": b, "text": text[a:b]}
                                       for a, b in r["fragments"]])
            if r["fragments"] else "[]",
            "cue": r["cue"], "speaker_mention": mention, "speaker_start": sstart,
            "speaker_end": send, "speaker": speaker, "speaker_role": role,
            "speaker_country": country, "paragraph": r["para"],
            "speaker_type": None if speaker is None else _speaker_type(people, d, mention,
                                                                        speaker),
        })
    return rows


def _speaker_type(people: DocumentPeople, d: _Doc, mention: str, speaker: str) -> str:
    """What a resolved ``speaker`` is: ``"person"`` (a named person of the document or the
    roster), ``"state"`` (a country), ``"organisation"``, ``"group"`` (several sources,
    "A; B"), or ``"description"`` (an unresolved description, such as "minister" for "the
    minister said" when no one person of the story holds the office; such rows are pooled
    across documents under the same words and are no one person)."""
    if "; " in speaker:
        return "group"
    if speaker in d.titles.states:
        return "state"
    sp = parse_mention(mention, d.titles)
    if speaker in people.person_names() or sp.kind == "person" or \
            d.roster.lookup(speaker) is not None:
        return "person"
    if sp.kind == "org":
        return "organisation"
    return "description"


# --------------------------------------------------------------------------- tables


def _empty(meta_cols: list[str]) -> pd.DataFrame:
    df = pd.DataFrame({c: pd.Series(dtype="object") for c in QUOTE_COLUMNS + meta_cols})
    return _types(df)


def _types(df: pd.DataFrame) -> pd.DataFrame:
    for c in ("start", "end", "paragraph"):
        df[c] = df[c].astype("int64")
    for c in ("speaker_start", "speaker_end"):
        df[c] = df[c].astype("Int64")
    return df


def quote_id(doc_id: str, start: int, end: int) -> str:
    """The stable id of a quotation: ``"{doc_id}:{start}-{end}"``."""
    return f"{doc_id}:{start}-{end}"


def with_quote_ids(spans: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table of spans (``doc_id``, ``start``, ``end``) with ``quote_id`` added.

    Used to treat gold spans as quotations, e.g. to score later stages on them.
    """
    out = spans.copy()
    out["quote_id"] = [quote_id(d, s, e) for d, s, e in
                       zip(out["doc_id"], out["start"], out["end"], strict=True)]
    return out


def extract_quotes(documents: pd.DataFrame, *, cues=None, roster=None, titles=None,
                   batch_size: int = 500) -> pd.DataFrame:
    """Quotations and their speakers in every document.

    Parameters
    ----------
    documents : DataFrame
        Documents table: ``doc_id`` (str), ``text`` (str), optional
        ``story_end`` (int; text after it is ignored; missing or NA means the
        whole text), ``source`` and any metadata columns.
    cues : CueLexicon, path or mapping, optional
        Cue verbs; default ``data/config/cue_verbs.yml``.
    roster : Roster, DataFrame or path, optional
        Known speakers; default ``data/config/roster.csv``.
    titles : Titles or path, optional
        Roles, countries and other speaker vocabulary; default
        ``data/config/titles.yml``.
    batch_size : int
        Documents per batch; rows are built batch by batch so memory stays flat
        in corpus size.

    Returns
    -------
    DataFrame
        One row per quotation, columns :data:`QUOTE_COLUMNS`:

        - ``doc_id``, ``quote_id`` (``f"{doc_id}:{start}-{end}"``),
        - ``start``, ``end``: offsets into the document text (direct quotes: the
          words inside the marks; mixed/indirect: the reported clause), ``text``,
        - ``kind``: ``direct``, ``mixed`` or ``indirect``,
        - ``fragments``: JSON list of ``{"start", "end", "text"}`` quoted
          fragments inside a mixed quotation (``"[]"`` otherwise),
        - ``cue``: the attribution cue as written (None when the speaker was
          carried over or introduced by a colon/dash),
        - ``speaker_mention``, ``speaker_start``, ``speaker_end`` (nullable
          Int64): the speaker as written; None when no speaker was found,
        - ``speaker``, ``speaker_role``, ``speaker_country``: resolved canonical
          speaker (roster first, then titles in the text); None when unknown,
        - ``paragraph``: 0-based paragraph index,
        - ``speaker_type``: ``person``, ``state``, ``organisation``, ``group`` (several
          sources) or ``description`` (an unresolved description such as "the minister",
          pooled across documents under its words; filter it out before comparing
          speakers); None when there is no speaker,

        then every column of ``documents`` except ``text`` and ``story_end``.

    Raises
    ------
    ValueError
        When ``documents`` lacks ``doc_id`` or ``text``.
    Exception
        An error inside one document propagates unchanged, so a caller can retry
        document by document and record the one that fails.
    """
    missing = [c for c in ("doc_id", "text") if c not in documents.columns]
    if missing:
        raise ValueError(f"documents lacks column(s) {missing}; required: doc_id, text "
                         f"(got {list(documents.columns)})")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    lex = CueLexicon.coerce(cues)
    ros = Roster.coerce(roster)
    titles = titles if isinstance(titles, Titles) else (
        load_titles(titles) if titles is not None else load_titles())
    meta_cols = [c for c in documents.columns if c not in ("text", "story_end", "doc_id")]
    has_end = "story_end" in documents.columns
    parts = []
    for b in range(0, len(documents), batch_size):
        batch = documents.iloc[b:b + batch_size]
        rows = []
        for rec in batch.to_dict("records"):
            found = extract_document(rec["text"], str(rec["doc_id"]),
                                     story_end=rec["story_end"] if has_end else None,
                                     cues=lex, roster=ros, titles=titles)
            for r in found:
                for c in meta_cols:
                    r[c] = rec[c]
            rows.extend(found)
        if rows:
            parts.append(pd.DataFrame(rows, columns=QUOTE_COLUMNS + meta_cols))
    if not parts:
        return _empty(meta_cols)
    out = _types(pd.concat(parts, ignore_index=True))
    for c in meta_cols:
        if str(documents[c].dtype) == "Int64":
            out[c] = out[c].astype("Int64")  # whole numbers with a gap stay whole
    return out
