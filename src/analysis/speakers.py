"""Speaker attribution: who is quoted, as written and resolved.

Two jobs, both rule-based and driven by data files researchers edit:

* **Finding the speaker mention** next to an attribution cue: the noun phrase
  before the cue (``Roe said``, ``the Foreign Ministry said``,
  ``X, the foreign minister, said``) or after it (``said Mr. Burman``).
  :func:`subject_before` and :func:`phrase_after` return its offsets.
* **Resolving the mention** to a canonical speaker with a role and a country
  (:class:`DocumentPeople`): titles and country adjectives written with a name
  (``U.S. Secretary of State Jane Roe``; vocabulary in ``data/config/titles.yml``),
  surnames linked to the one full name introduced in the document
  (``Roe`` -> ``Jane Roe``; particles as in ``von der Lahn``, ``al-Qadiri``), a
  title in a description beside a name remembered for that person (``Jane Roe,
  the ministry's spokeswoman,``), a definite office description linked to the
  one person of the document holding that office (``Norway's foreign minister``
  -> ``Jane Roe``, who then takes the country), pronouns to a gender-compatible
  person ("he" opening a sentence to the subject of the sentence before, else to
  the most recent name; "who" to the person just named; "it" to the government of
  the first country named in its sentence), coordinated speakers ("Roe and Doe
  agreed") to both names joined by "; ", a capital or country ("Beijing said") to
  that country's government, and the roster (``data/config/roster.csv``), whose
  role, country and gender win over the text.

Limits
------
The rules see capitalisation and a fixed vocabulary, not syntax. A capitalised
phrase that is neither a title, a country nor an organisation head word is read
as a name; a country is not guessed from the story's topic: a minister named without a
country adjective or description has none, except in a story whose wire dateline is its
own country's capital and whose lede is about that country alone ("OSLO — Norway's cabinet
..."), where people (not analysts or envoys, nor anyone of an international body) and
ministries take that country, as wire copy identifies every foreigner (an unlabelled
foreign minister there gets the wrong country); a
surname shared by two people in one document stays unresolved (it is returned as
written); pronouns are resolved by gender, sentence subjects and recency, not
syntax: the subject is taken to be the first name of the sentence after any
opening phrase, which a heading run into the sentence or a name inside a
subordinate clause can defeat.
"""

from __future__ import annotations

import bisect
import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import itemgetter
from pathlib import Path

import pandas as pd

from analysis.config import ConfigError, load_yaml
from analysis.paths import CONFIG_DIR, ROSTER_FILE
from analysis.text import (
    DAYS_AND_MONTHS,
    dateline,
    dateline_end,
    paragraph_spans,
    sentence_spans,
)

__all__ = [
    "TITLES_FILE",
    "ROSTER_COLUMNS",
    "Titles",
    "Roster",
    "DocumentPeople",
    "Speaker",
    "load_titles",
    "load_roster",
    "parse_mention",
    "subject_before",
    "phrase_after",
    "PRONOUNS",
]

#: Role titles, honorifics, country adjectives, party labels, organisation words.
TITLES_FILE = CONFIG_DIR / "titles.yml"
#: Columns of the roster file, in order.
ROSTER_COLUMNS = ["name", "aliases", "role", "country", "gender"]
_GENDERS = ("f", "m", "")

#: Personal pronouns that can be a speaker, with the gender they imply.
PRONOUNS = {"he": "m", "she": "f", "they": None, "it": None, "we": None, "i": None,
            "you": None, "who": None, "which": None}

# Capitalised words that start sentences or clauses and are never part of a name.
_CAP_STOP = frozenset("""
a an the this that these those there then than thus in on at by for from to into onto of
off over under after before during while when where why what who whom whose which how if
as but and or nor so yet also still though although because since until unless once
however meanwhile moreover furthermore instead indeed even only just both either neither
each every all some many most several few other another such no not more less asked
he she it they we i you his her its their our my your him them us me
mr mrs ms dr said says according despite amid among between about against without within
""".split()) | (_CAP_TIME := frozenset("""
earlier later today yesterday tomorrow last next
jan feb mar apr jun jul aug sep sept oct nov dec
""".split()) | {w.lower() for w in DAYS_AND_MONTHS})
# Prepositions that open a sentence before a name ("Inside Iran, ..."); not in _CAP_STOP,
# because names of organisations start with them ("Beyond Meat", "Via Rail").
_INITIAL_PREPS = frozenset("""inside outside across through throughout around along beyond near
behind toward towards upon via""".split())
#: Words of time and date (a phrase of them after a cue is an adjunct, not an object).
#: "late", "tonight" and "overnight" are not in ``_CAP_STOP``: capitalised they start
#: names ("Late Show host X").
TIME_WORDS = _CAP_TIME | {"late", "tonight", "overnight"}

_HONORIFIC_STOP = frozenset({"mr", "mrs", "ms", "dr"})
# Honorifics start a name ("Mr. Roe"), so a name phrase may run back over them.
# (Precomputed: a set difference inside the token loops cost more than the loops.)
_CAP_STOP_NAME = _CAP_STOP - _HONORIFIC_STOP
_CONNECTORS = frozenset({"of", "for", "the", "de", "del", "da", "van", "von", "bin", "al", "la",
                          "le", "du", "dos", "der"})
_INNER_CONNECTORS = _CONNECTORS - {"the"}
#: Surname particles, which may come two in a row ("von der", "van den", "de la").
_PARTICLES = _INNER_CONNECTORS - {"of", "for"} | {"den", "di"}
#: First words of capitalised phrases that name operations, exercises, agreements, events
#: and regions, never people ("Operation X", "Exercise X"; two words only for a region,
#: "South Caucasus", since "South African Minister X" opens with a country).
_THING_FIRST_WORDS = frozenset("""operation operations exercise exercises drill drills summit
treaty pact accord agreement plan programme program campaign declaration conference forum
initiative doctrine strategy mission project resolution convention charter code""".split()) | (
    _COMPASS_WORDS := frozenset("""north south east west northern southern eastern western
central""".split()))
# Roles named by their field ("an Iran analyst", "a China expert").
_FIELD_ROLE_RE = re.compile(r"(?<=\s)(?:analyst|expert|specialist|watcher|scholar|researcher|"
                            r"hand|observer|correspondent)s?\b")
_SPEECH_AFTER_RE = re.compile(r",?\s+(?:said|says|told|added|asked|wrote|warned)\b")
_SPEECH_BEFORE_RE = re.compile(r"\b(?:said|says|added|asked|wrote|warned)\s+$")
_SENT_TO_BEFORE_RE = re.compile(r"\b(?:[Aa]mbassador|[Ee]nvoy)s?\s+(?:to|at)\s+(?:the\s+)?$")
# A member of a list of sources: a capitalised name, with "the" ("the Netherlands").
_LIST_MEMBER_RE = re.compile(r"(?:the )?[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}")
# "the foreign ministers of " and the members of a list before its last "X and Y".
_ROLES_OF_LIST_RE = re.compile(r"(?:[Tt]he\s+)?(?:[a-z]+\s+){0,2}[a-z]+s\s+of\s+"
                               r"(?:(?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3},\s+)+$")
_ROLES_OF_RE = re.compile(r"(?:[Tt]he\s+)?(?P<role>(?:[a-z]+\s+){0,2}[a-z]+)s\s+of\s+"
                          r"(?P<members>.+)")


def _roles_of_states(mention: str, titles) -> tuple[str, list[str]] | None:
    """The office and countries of "the foreign ministers of X, Y and Z" when the plural is
    a role and every member a country, else None."""
    m = _ROLES_OF_RE.fullmatch(mention.strip())
    if m is None:
        return None
    role = titles.roles.get(tuple(m.group("role").split()))
    members = re.split(r",\s+(?:and\s+)?|\s+and\s+", m.group("members"))
    states = [titles.countries.get(tuple(re.sub(r"^the\s+", "", x.strip(), flags=re.I)
                                         .lower().split())) for x in members]
    if role is None or len(states) < 2 or None in states:
        return None
    return role, states


# "his German counterpart, X" / "her counterpart X", just before a name.
_COUNTERPART_RE = re.compile(r"\b(?:[Hh]is|[Hh]er|[Tt]heir|[Ii]ts)\s+((?:[A-Z][\w’'-]*\s+){0,2})"
                             r"counterpart,?\s+$")
_OPENING_MARKS = frozenset("“\"‘'«")
# "The (Polish) (defence) minister <verb>": a definite description opening a sentence, before
# its lower-case verb.
_DESCRIBED_SUBJECT_RE = re.compile(
    r"\s*(The\s+(?:[A-Z][\w’'-]*\s+)?(?:[a-z]+\s+){0,2}[a-z]+)\s+(?=[a-z])")
_BARE_OFFICES = frozenset({"minister", "secretary", "spokesperson", "ambassador", "envoy",
                           "general", "commander", "adviser", "director"})
# Nouns that follow the name of a plan, an exercise or a place ("the Blue Kite contingency
# plan", "the Iron Harbor exercise"); a person's name is followed by verbs instead.
_LOWER_NEXT_RE = re.compile(
    r" (?:contingency|plan|plans|exercise|exercises|drill|drills|war ?games|operation|"
    r"operations|talks|summit|initiative|programme|program|project|doctrine|strategy|"
    r"campaign|framework|agreement|accord|process|format|deal|corridor|region|strait|"
    r"sea|islands|peninsula|border|line|declaration|treaty|pact|mission|system)\b")
#: "Minister for National Security", "Ministry of Foreign Affairs": the capitalised words
#: after are a portfolio, not a person.
_PORTFOLIO_BEFORE_RE = re.compile(r"\b(?:Minister|Ministry|Secretary|Department|Office|"
                                  r"Council|Commissioner)\s+(?:of|for)\s+(?:the\s+)?$")
#: Words that introduce the name of a thing ("code-named X", "a paper titled X").
_NAMED_THING_RE = re.compile(r"\b(?:code-?named|codenamed|titled|entitled|dubbed)\s+$",
                             re.IGNORECASE)
#: Words no personal name holds (verbs and prepositions of headlines and titles of works),
#: which end a capitalised run; short words that are also surnames ("An", "Do", "To", "On")
#: are left out.
_NOT_IN_NAMES = frozenset("""is are was were be been goes gonna with without into from
against it its and or""".split())


def _particle_pair(toks, i: int, step: int) -> bool:
    """Whether tokens ``i`` and ``i + step`` are two surname particles followed (in the
    direction of ``step``) by a capitalised word: "von der Lahn" read either way."""
    k = i + 2 * step
    return (0 <= k < len(toks) and toks[i][2].lower() in _PARTICLES
            and toks[i + step][2].lower() in _PARTICLES and _is_cap(toks[k][2]))


def _drop_particles(words: list[str]) -> list[str]:
    """The name words without leading surname particles ("da Silva" or, opening a sentence,
    "Von der Lahn" at a later mention is the surname "Silva" or "Lahn"). A capitalised
    particle alone is kept: it is a given name as often ("Al", "Van")."""
    k = 0
    while k < len(words) - 1 and words[k].lower() in _PARTICLES and (
            words[k].islower() or words[k + 1].lower() in _PARTICLES):
        k += 1
    return words[k:]
_DETERMINERS = frozenset({"the", "a", "an", "another", "one", "some", "many", "most", "several",
                          "other", "both", "two", "three", "four", "his", "her", "their", "its",
                          "our", "these", "those", "this", "that", "each", "any", "few",
                          "my", "your"})
_SKIP_BEFORE_CUE = frozenset({
    "has", "have", "had", "also", "later", "then", "previously", "reportedly", "would",
    "will", "did", "does", "do", "once", "repeatedly", "recently", "further", "again",
    "separately", "all", "both", "first", "last", "initially", "subsequently", "now",
    "since", "already", "was", "is", "were", "are", "may", "might", "could", "can", "should",
    "long", "often", "never", "even", "not", "still", "ultimately", "nonetheless",
    "nevertheless", "however", "meanwhile", "instead", "thus", "therefore",
})
# Lower-case words that cannot end (head) a speaker noun phrase.
_NOT_HEAD = frozenset("""
that which who whom what it's is was were are be been being has have had do does did
to of in on at by for from with as and or but not no so than then there here this these
those also just only very more most much such when while if because though although
after before since until into about over under between through during again all any
each every both either neither some one ones other others same own new well even still
reportedly previously later first last never always often already yet really however
amid among against despite toward towards via per within without across around upon like
near behind beyond above below unlike including
""".split())
_LOWER_NOMINAL_HEADS = frozenset("""
source sources official officials spokesman spokeswoman spokesperson aide aides adviser
advisers advisor advisors analyst analysts expert experts critic critics observer
observers people report reports poll polls survey surveys study studies statement
document documents data memo letter filing complaint lawsuit investigation review
researchers scholars economists diplomats lawmakers legislators senators officers
leaders voters residents witnesses ministry department government administration
campaign committee agency police prosecutors investigators authorities reporters
journalists media newspaper paper story article website analysis estimate estimates
figures numbers records emails email tweet post video interview percent
family families relatives lawyer lawyers attorney attorneys narrator narrators announcer
moderator moderators commentator commentators columnist columnists correspondent
correspondents
""".split())

# \u0080-\u00bf: control characters and symbols that mojibake leaves inside names
# ("FranÃ\u0083Â§ois"); they must not split a name into pieces.
_TOKEN_RE = re.compile(r"[\w’'\-.&\u0080-\u009f\u00a1-\u00bf]+|[^\w\s]")
_SPACE = " \t\u00a0\u2009\u202f"


# --------------------------------------------------------------------------- data files


@dataclass(frozen=True)
class Titles:
    """Vocabulary from ``titles.yml`` (see the file's header for each section).

    Attributes
    ----------
    roles : dict
        Lower-case token tuple as written -> normalised role.
    honorifics, gendered : dict
        Lower-case word -> implied gender ("f", "m" or "").
    countries : dict
        Lower-case token tuple as written -> canonical country name.
    parties, org_heads, descriptors, place_firsts, portfolios : frozenset
        Lower-case words (``portfolios``: portfolio words inside a role phrase).
    qualifiers : dict
        Lower-case word written before a role -> prefix of the normalised role ("deputy"
        makes "foreign minister" "deputy foreign minister").
    max_len : int
        Longest entry in ``roles``/``countries``, in tokens.
    states : frozenset
        The canonical country names (the values of ``countries``).
    """

    roles: dict
    honorifics: dict
    gendered: dict
    countries: dict
    parties: frozenset
    org_heads: frozenset
    descriptors: frozenset
    max_len: int
    first_words: frozenset = frozenset()
    qualifiers: dict = field(default_factory=dict)
    place_firsts: frozenset = frozenset()
    portfolios: frozenset = frozenset()
    states: frozenset = frozenset()


def _words(value: str) -> tuple[str, ...]:
    return tuple(value.lower().split())


@lru_cache(maxsize=8)
def _load_titles_cached(path: str, mtime: float) -> Titles:
    data = load_yaml(path)
    need = ("roles", "honorifics", "countries", "parties", "org_heads")
    missing = [k for k in need if k not in data]
    if missing:
        raise ConfigError(f"{path}: missing section(s) {missing}; required: {list(need)}")
    roles: dict = {}
    for role, variants in data["roles"].items():
        if not isinstance(variants, list):
            raise ConfigError(f"{path}: roles.{role} must be a list of ways it is written")
        for v in [role, *variants]:
            roles[_words(str(v))] = str(role).lower()
    not_by_name = data.get("countries_not_by_name") or []
    if not isinstance(not_by_name, list) or not set(map(str, not_by_name)) <= set(
            map(str, data["countries"])):
        raise ConfigError(f"{path}: countries_not_by_name must be a list of countries of the "
                          f"'countries' section, got {not_by_name!r}")
    not_by_possessive = data.get("countries_not_by_possessive") or []
    if not isinstance(not_by_possessive, list) or not set(map(str, not_by_possessive)) <= set(
            map(str, not_by_name)):
        raise ConfigError(f"{path}: countries_not_by_possessive must be a list of countries of "
                          f"'countries_not_by_name', got {not_by_possessive!r}")
    countries: dict = {}
    for country, variants in data["countries"].items():
        if not isinstance(variants, list):
            raise ConfigError(f"{path}: countries.{country} must be a list of adjectives/names")
        for v in [country, *variants]:
            bare_name = v == country and country in not_by_name
            if not bare_name:
                countries[_words(str(v))] = str(country)
            elif country in not_by_possessive:
                continue  # "Georgia's Gov. X" is a US state's
            # "Hungary's foreign minister": every spelling also as a possessor ("Kenya's
            # Defence Minister" too, though "Kenya Roe" is a person).
            for mark in ("'s", "’s"):
                w = _words(str(v) + mark)
                countries.setdefault(w, str(country))

    def gender_map(section: str) -> dict:
        out = {}
        for k, g in (data.get(section) or {}).items():
            g = "" if g is None else str(g)
            if g not in _GENDERS:
                raise ConfigError(f"{path}: {section}.{k}: gender {g!r} not one of f, m, ''")
            out[str(k).lower()] = g
        return out

    max_len = max(len(k) for k in [*roles, *countries])
    return Titles(
        roles=roles,
        honorifics=gender_map("honorifics"),
        gendered=gender_map("gendered"),
        countries=countries,
        parties=frozenset(str(p).lower() for p in data["parties"]),
        org_heads=frozenset(str(p).lower() for p in data["org_heads"]),
        descriptors=frozenset(str(p).lower() for p in data.get("lowercase_descriptors") or []),
        max_len=max_len,
        first_words=frozenset(k[0] for k in [*roles, *countries] if k),
        qualifiers={str(k).lower(): str(v).lower()
                    for k, v in (data.get("role_qualifiers") or {}).items()},
        place_firsts=frozenset(str(p).lower() for p in data.get("place_first_words") or []),
        portfolios=frozenset(str(p).lower() for p in data.get("portfolio_words") or []),
        states=frozenset(countries.values()),
    )


def load_titles(path: str | Path = TITLES_FILE) -> Titles:
    """Read the title/country vocabulary (``data/config/titles.yml``).

    Raises
    ------
    ConfigError
        When the file is missing, not YAML, lacks a section, or a gender is not
        one of ``f``, ``m``, ``""``.
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: configuration file not found")
    return _load_titles_cached(str(path), path.stat().st_mtime)


def load_roster(path: str | Path = ROSTER_FILE) -> pd.DataFrame:
    """Read the roster of known speakers (``data/config/roster.csv``).

    Parameters
    ----------
    path : str or Path
        A UTF-8 CSV with header ``name,aliases,role,country,gender``.

    Returns
    -------
    DataFrame
        Columns ``name`` (canonical), ``aliases`` (other spellings, ``"; "``
        separated, may be empty), ``role`` (lower case, e.g. "foreign minister"),
        ``country`` (canonical, e.g. "Canada"; may be empty), ``gender``
        ("f", "m" or empty). Empty cells are empty strings.

    Raises
    ------
    ConfigError
        When the file is missing, lacks a column, has a row without a name, a
        duplicate name, or a gender other than f/m/empty (the row is named).
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            header = reader.fieldnames or []
    except FileNotFoundError:
        raise ConfigError(f"{path}: roster file not found") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 ({exc.reason})") from None
    except csv.Error as exc:
        raise ConfigError(f"{path}: not valid CSV: {exc}") from None
    missing = [c for c in ROSTER_COLUMNS if c not in header]
    if rows and missing:
        raise ConfigError(f"{path}: missing column(s) {missing}; required: {ROSTER_COLUMNS}")
    seen = set()
    clean = []
    states = None
    for i, row in enumerate(rows, start=2):
        # csv.DictReader gives missing fields None and extra ones a list under None.
        fields = sum(1 for k, v in row.items() if k is not None and v is not None) + \
            len(row.get(None) or [])
        if fields != len(header):
            who = (row.get("name") or "").strip()
            raise ConfigError(f"{path}: line {i}{f' ({who})' if who and fields > 1 else ''}: "
                              f"{fields} fields where the header has {len(header)} (a missing "
                              "or extra comma? the separator is a comma)")
        rec = {c: (row.get(c) or "").strip() for c in ROSTER_COLUMNS}
        if not rec["name"]:
            raise ConfigError(f"{path}: line {i}: empty name")
        if rec["country"]:
            if states is None:
                states = load_titles().states
            if rec["country"] not in states:
                raise ConfigError(f"{path}: line {i} ({rec['name']}): country "
                                  f"{rec['country']!r} is not a country of {TITLES_FILE} "
                                  "(canonical names, as in targets.yml)")
        if rec["name"].lower() in seen:
            raise ConfigError(f"{path}: line {i}: duplicate name {rec['name']!r}")
        seen.add(rec["name"].lower())
        rec["gender"] = rec["gender"].lower()
        if rec["gender"] not in _GENDERS:
            raise ConfigError(f"{path}: line {i} ({rec['name']}): gender {rec['gender']!r} "
                              "not one of 'f', 'm' or empty")
        rec["role"] = rec["role"].lower()
        clean.append(rec)
    return pd.DataFrame(clean, columns=ROSTER_COLUMNS)


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Comparison key of a person's name: lower case, initials and periods dropped.

    ``"Donald J. Trump"`` and ``"Donald Trump"`` share the key ``"donald trump"``.
    """
    toks = [t.strip(".").lower() for t in name.replace("’", "'").split()]
    toks = [t for t in toks if len(t) > 1 and t not in ("jr", "sr", "ii", "iii")]
    return " ".join(toks)


@dataclass
class Roster:
    """Lookup of roster rows by name, alias and (unique) surname.

    Parameters
    ----------
    table : DataFrame
        From :func:`load_roster`.
    """

    table: pd.DataFrame
    by_key: dict = field(init=False, default_factory=dict)
    by_surname: dict = field(init=False, default_factory=dict)

    def __post_init__(self):
        surnames: dict = {}
        for rec in self.table.to_dict("records"):
            names = [rec["name"], *[a for a in str(rec["aliases"]).split(";") if a.strip()]]
            for n in names:
                key = name_key(n)
                if key:
                    other = self.by_key.setdefault(key, rec)
                    if other["name"] != rec["name"]:
                        raise ConfigError(f"roster: {n.strip()!r} names both {other['name']!r} "
                                          f"and {rec['name']!r}; give each alias to one person")
                    surnames.setdefault(key.split()[-1], []).append(rec["name"])
        recs = {r["name"]: r for r in self.table.to_dict("records")}
        self.by_surname = {s: recs[v[0]] for s, v in surnames.items() if len(set(v)) == 1}

    @classmethod
    def coerce(cls, roster) -> Roster:
        """A :class:`Roster` from None (the default file), a path, a DataFrame or a Roster."""
        if isinstance(roster, Roster):
            return roster
        if roster is None:
            return _default_roster(str(ROSTER_FILE), _mtime(ROSTER_FILE))
        if isinstance(roster, pd.DataFrame):
            missing = [c for c in ROSTER_COLUMNS if c not in roster.columns]
            if missing:
                raise ConfigError(f"roster DataFrame lacks column(s) {missing}; "
                                  f"required: {ROSTER_COLUMNS}")
            return cls(roster.fillna("").astype(str))
        return cls(load_roster(roster))

    def lookup(self, name: str) -> dict | None:
        """The roster row for a full name or alias (initials ignored), else None."""
        return self.by_key.get(name_key(name))


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


@lru_cache(maxsize=4)
def _default_roster(path: str, mtime: float) -> Roster:
    return Roster(load_roster(path))


# --------------------------------------------------------------------------- mentions


@dataclass
class Speaker:
    """A parsed speaker mention.

    Attributes
    ----------
    kind : {"person", "org", "pronoun", "nominal"}
    name : str
        The name part (persons), the organisation (orgs) or the phrase as written.
    role, country, gender : str or None
        From titles and adjectives written in the mention; None when absent.
    """

    kind: str
    name: str
    role: str | None = None
    country: str | None = None
    gender: str | None = None


def _match_vocab(low: list[str], i: int, vocab: dict, max_len: int, first=None):
    if first is not None and low[i] not in first:
        return None, 0
    for n in range(min(max_len, len(low) - i), 0, -1):
        hit = vocab.get(tuple(low[i:i + n]))
        if hit is not None:
            return hit, n
    return None, 0


def _strip_possessive(tok: str) -> str:
    for suf in ("’s", "'s", "’", "'"):
        if tok.endswith(suf) and len(tok) > len(suf):
            return tok[: -len(suf)]
    return tok


_PARSE_CACHE: dict = {}


def parse_mention(mention: str, titles: Titles | None = None) -> Speaker:
    """Split a speaker mention into name, role, country and gender.

    Parameters
    ----------
    mention : str
        The speaker phrase as written, e.g. ``"U.S. Secretary of State Jane Roe"``,
        ``"the Foreign Ministry"``, ``"she"``, ``"a source"``.
    titles : Titles, optional
        Vocabulary; the default file when None.

    Returns
    -------
    Speaker
        ``kind`` "pronoun" for a personal pronoun; "org" when the last word is an
        organisation head (``titles.yml: org_heads``) or the phrase is a country;
        "person" when a capitalised name remains after titles, party labels,
        honorifics and country adjectives are removed; otherwise "nominal"
        (``a source``, ``officials``). Role is the last title written; country
        the first country adjective.
    """
    hit = _parse_shared(mention, titles or load_titles())
    return Speaker(hit.kind, hit.name, hit.role, hit.country, hit.gender)


def _parse_shared(mention: str, t: Titles) -> Speaker:
    # The cached Speaker itself: for callers in this module that only read it
    # (parse_mention hands out copies so that no caller can alter the cache).
    key = (id(t), mention)
    hit = _PARSE_CACHE.get(key)
    if hit is None:
        if len(_PARSE_CACHE) > 50_000:
            _PARSE_CACHE.clear()
        hit = _PARSE_CACHE[key] = _parse_mention(mention, t)
    return hit


def _sent_to_name(mention: str, t: Titles) -> Speaker | None:
    """"U.S. Ambassador to NATO Tom Roe", "Envoy to the United Nations Jo Lee": the person
    after the place or body an ambassador or envoy is sent to, with the title and country
    written before it (not the place's); None when the mention is not of that form."""
    m = _SENT_TO_NAME_RE.match(mention)
    if m is None:
        return None
    words = m.group("rest").split()
    for k in (2, 3):
        if len(words) <= k:
            break
        dest = [w.lower() for w in words[:-k]]
        known = t.countries.get(tuple(dest)) or (len(words[:-k]) == 1 and words[0].isupper()
                                                 and words[0].isalpha()) or \
            dest[-1] in t.org_heads or _INTERNATIONAL_RE.fullmatch(" ".join(words[:-k]))
        if known:
            sp = _parse_words(f"{m.group('pre')} {' '.join(words[-k:])}", t)
            if sp.kind == "person":
                return sp
    return None


def _parse_mention(mention: str, t: Titles) -> Speaker:
    sent = _sent_to_name(mention, t)
    if sent is not None:
        return sent
    # "a spokesperson for the embassy", "a spokeswoman for President X", "officials at the
    # ministry": the role-holder (written in lower case) speaks for what follows.
    m = _ROLE_HOLDER_RE.search(mention)
    if m:
        owned = _OWNED_RE.search(mention, m.end()) if m.group(2).lower() == "of" else None
        if owned and _parse_words(owned.group(1), t).role:
            # "the chairman of the committee's spokesman": the possessor's noun is no role
            # of the speaker; the role after the possessive is (after "for" and "to" the
            # possessive is inside the object: "a spokesman for Ohio's governor").
            return _parse_words(mention, t)
        low = mention.lower().split()
        head = len(mention[:m.end(1)].split()) - 1
        if _match_vocab(low, head, t.roles, t.max_len)[1] > 1 or \
                m.group(1).lower() in _ROLELESS_HEADS:
            # "the chief of staff", "the minister of the economy": the head noun opens a
            # role of its own of more words (titles.yml), or names none itself ("head").
            sp = _parse_words(mention, t)
            if sp.role:
                return sp
            n = _match_vocab(low, head, t.roles, t.max_len)[1]
            rest = re.match(r"\s*(?:\S+\s+){" + str(head + n - 1) + r"}\S+", mention)
            after = _ROLE_PREP_RE.match(mention, rest.end()) if rest and n > 1 else None
            if after:
                # "the assistant secretary of state for East Asian affairs": the whole
                # role, then what its holder speaks for.
                got = _role_holder(mention, rest.end(), after.end(), t)
                if got is not None:
                    return got
        # "diplomats in X": X is where they are, not whom they speak for.
        # "the envoy to Sudan", "the special envoy for Yemen": where an envoy or ambassador
        # is sent is not their country (an adviser to X's president is X's).
        located = m.group(2).lower() == "in" or (
            m.group(2).lower() in ("to", "for")
            and m.group(1).lower().rstrip("s") in _SENT_ROLES)
        return _role_holder(mention, m.end(1), m.end(), t, located) or _parse_words(mention, t)
    sp = _parse_words(mention, t)
    at = _IN_PLACE_RE.search(mention)
    if at and sp.country is None and sp.kind in ("org", "nominal") and \
            at.group(1).lower() not in _ABROAD_HEADS:
        low = at.group(2).lower().split()
        c, n = _match_vocab(low, 0, t.countries, t.max_len)
        if c and n == len(low):
            # "The Foreign Ministry in Beijing": a body at home in its capital; its name
            # is the body's ("the foreign ministry in Jakarta" is the "foreign ministry").
            body = _parse_words(mention[:at.end(1)], t)
            name = body.name if body.kind in ("org", "nominal") and \
                at.group(1).lower() in t.org_heads else sp.name
            sp = Speaker(sp.kind, name, role=sp.role, country=c, gender=sp.gender)
    if sp.kind == "org" and sp.role is None:
        # "director of the X institute", "a professor at Y": read as an organisation with
        # no role; the role is the words before the preposition.
        m = _OF_ORG_RE.search(mention)
        if m:
            return _role_holder(mention, m.start(), m.end(), t) or sp
    return sp


# A government body in a speaker phrase, and the capital it speaks from when that opens the
# sentence: "In Ankara, defence ministry spokesman X said", "In Oslo, a government
# spokesman said".
_GOVERNMENT_RE = re.compile(r"(?i)\b(?:ministry|government)\b")
_STATE_BODY_RE = re.compile(r"(?i)\b(?:ministry|government|state department|defen[cs]e "
                            r"department|foreign office|cabinet office|pentagon|kremlin)\b")
# International bodies, whose people belong to no home country, and a description that
# places a person at an institution somewhere ("an analyst at the X Institute in Y").
_INTERNATIONAL_RE = re.compile(
    r"\b(?:NATO|U\.?N\.?|United Nations|EU|E\.U\.|European (?:Union|Commission|Council)|"
    r"IAEA|OSCE|ASEAN|African Union|World Bank|IMF|Red Cross|Interpol|WHO|ICC|ICJ|UNHCR|"
    r"UNICEF|WFP|OPEC|G7|G20|Amnesty|Human Rights Watch|secretary-general|"
    r"Secretary-General)\b")
# Roles whose holders a story names without a country whatever their nationality.
_UNAFFILIATED_ROLES = frozenset({"analyst", "expert", "researcher", "scholar", "professor",
                                 "fellow", "economist", "historian", "envoy", "mediator",
                                 "ambassador", "diplomat"})
_FOREIGN_RE = re.compile(r"\b(?:Western|European|Arab|Asian|African|Latin American|foreign|"
                         r"international|visiting)\b")
# Between two coordinated countries ("India and the Netherlands", "Pakistani, Indian").
_BETWEEN_COORDINATED_RE = re.compile(r"(?:[’']s)?\s*(?:,|and|or|, and|, or)\s+(?:the\s+)?")
# Before a country's mention: a venue ("talks in <the Omani capital>", "arrived at ...").
_VENUE_BEFORE_RE = re.compile(r"\b(?:in|at|to|into|near|from|visiting|visit)\s+(?:the\s+)?$",
                              re.IGNORECASE)
_AFFILIATION_RE = re.compile(r"\b(?:at|of|with)\s+(?:the\s+)?[A-Z][\w-]*.*\bin\s+[A-Z]")
# Capitalised words that may precede it ("the Foreign Ministry", "External Affairs Ministry"),
# and the words that may follow it (a spokesperson, an official, "of Foreign Affairs").
_STATE_BODY_WORDS = frozenset("""the a an foreign defence defense interior external affairs home
finance trade energy justice health economy""".split())
_STATE_BODY_NEXT = frozenset("""spokesman spokeswoman spokesperson official officials of
said""".split())
_IN_CAPITAL_RE = re.compile(r"\s*In ([A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,2}), "
                            r"(?:[a-z][\w-]* ){0,4}$")
# A possessive inside a phrase and the words after it ("... committee's spokesman").
_OWNED_RE = re.compile(r"\w(?:['’]s|s['’])\s+(.+)$")
_OF_ORG_RE = re.compile(r"\s(?:for|of|at|from)\s")
# Role nouns of people sent to a country or body ("the envoy to Sudan").
_SENT_ROLES = frozenset({"envoy", "ambassador"})
_SENT_TO_NAME_RE = re.compile(
    r"(?P<pre>.*\b(?:[Aa]mbassador|[Ee]nvoy|[Rr]epresentative))\s+(?:to|at)\s+(?:the\s+)?"
    r"(?P<rest>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){2,5})$")
# "<body> in <place>" at the end of a mention; bodies that sit abroad take no country from it.
_IN_PLACE_RE = re.compile(r"(\w+)\s+in\s+([A-Z][\w.’'\- ]*)$")
_ABROAD_HEADS = frozenset({"embassy", "embassies", "consulate", "mission", "delegation",
                           "office", "bureau", "correspondent"})


def _role_holder(mention: str, head_end: int, org_start: int, t: Titles,
                 located: bool = False) -> Speaker | None:
    """The holder of the role written in ``mention[:head_end]``, speaking for what follows
    ``org_start`` (whose country they take if their own words name none, unless
    ``located``: what follows is only where they are); None when the head names no role."""
    words = mention[:head_end].split()
    if not words:  # " of Ruritania" (a description with no head before the preposition)
        return None
    head = _parse_words(mention[:head_end], t)
    roleless = words[-1].lower() in _ROLELESS_HEADS
    if not ((head.role or roleless) and head.kind == "nominal"):
        return None
    org_country = None if located else _parse_words(mention[org_start:], t).country
    if located and _STATE_BODY_RE.search(mention, 0, head_end):
        # "a foreign ministry spokesperson in Ottawa", "a State Department official in
        # Washington": a state body speaking from its capital is that state's ("a diplomat
        # in Ottawa" is only there).
        low = mention[org_start:].strip().strip(",").lower().split()
        c, n = _match_vocab(low, 0, t.countries, t.max_len)
        org_country = c if c and n == len(low) else None
    at = None if located or org_country else _IN_PLACE_RE.search(mention, org_start)
    if at and at.group(1).lower() not in _ABROAD_HEADS:
        # "a researcher at the Centre for Strategic Studies in Jakarta": the body's home.
        low = at.group(2).lower().split()
        c, n = _match_vocab(low, 0, t.countries, t.max_len)
        org_country = c if c and n == len(low) else None
    return Speaker("nominal", mention.strip().strip(","), role=head.role,
                   country=head.country or org_country, gender=head.gender)


def _parse_words(mention: str, t: Titles) -> Speaker:
    raw = mention.strip().strip(",")
    toks = raw.split()
    if not toks:
        return Speaker("nominal", raw)
    if len(toks) == 1 and toks[0].lower() in PRONOUNS:
        return Speaker("pronoun", toks[0], gender=PRONOUNS[toks[0].lower()])
    toks[-1] = _strip_possessive(toks[-1]).rstrip(".") if not _is_initial(toks[-1]) else toks[-1]
    low = [x.lower().rstrip(",") for x in toks]
    role = country = gender = qualifier = None
    name_toks: list[str] = []
    i = 0
    while i < len(toks):
        w = low[i]
        c, n = _match_vocab(low, i, t.countries, t.max_len, t.first_words)
        r, m = _match_vocab(low, i, t.roles, t.max_len, t.first_words)
        if m and m >= n and not (name_toks and toks[i][0].isupper() and m == 1
                                 and i == len(toks) - 1):
            # "deputy foreign minister" is not the foreign minister.
            role = f"{qualifier} {r}" if qualifier else r
            qualifier = None
            gender = t.gendered.get(" ".join(low[i:i + m]), gender) or gender
            name_toks = []  # a title after a name-like word: "Stein spokeswoman X"
            i += m
            continue
        if w in t.qualifiers and i + 1 < len(toks):
            # Kept until the role it qualifies; a country may come between ("former U.S.
            # Secretary of State").
            qualifier = t.qualifiers[w]
            i += 1
            continue
        if n and not name_toks and not (
                len(toks) - (i + n) == 1 and toks[i][0].isupper() and toks[-1][0].isupper()
                and c.lower() != " ".join(low[i:i + n]) and not low[i + n - 1].endswith("s")
                and not _match_vocab(low, i + n, t.roles, t.max_len)[1]):
            # A country adjective before a lone capitalised word is a first name ("Dutch
            # Ruppers", "French Hill"), not a nationality ("Dutch Foreign Minister X"); a
            # country's own name is not ("Iraq War").
            country = country or c
            i += n
            continue
        if w in t.honorifics:
            gender = t.honorifics[w] or gender
            i += 1
            continue
        if name_toks and (w in ("of", "for") or (w == "the" and name_toks[-1].lower() in (
                "of", "for"))):
            name_toks.append(toks[i])
            i += 1
            continue
        if w in t.descriptors and toks[i].islower():
            k = i
            while k < len(toks) and toks[k].islower():
                k += 1
            if not name_toks and k == len(toks) and k - i <= 3 and low[-1] in t.org_heads:
                # "Iran's foreign ministry", "the Iranian foreign ministry": a body named by
                # lower-case words keeps them, its country goes to the country (else every
                # country's foreign ministry was one speaker, "ministry"; and one ministry
                # written two ways would be two).
                return Speaker("org", " ".join(toks[i:]), country=country)
            if name_toks and low[k - 1] in t.org_heads and low[k - 1] not in t.descriptors:
                # "the UN refugee agency": lower-case words between a name and a body's head
                # are the body's name (a run ending in a role starts a new description).
                name_toks.extend(toks[i:k])
                i = k
                continue
        if not name_toks and toks[i].islower() and i and low[i - 1] in _DETERMINERS \
                and w.replace("-", "").isalpha() and i + 1 < len(toks) \
                and all(_is_cap(x) or x.lower() in _CONNECTORS for x in toks[i + 1:]):
            # "the conservative-leaning Tax Foundation", "the nonpartisan Congressional Budget
            # Office": a modifier before the name, not part of it.
            i += 1
            continue
        if w in t.parties or w in _DETERMINERS or (w in t.descriptors and toks[i].islower()):
            name_toks = [] if toks[i].islower() else name_toks
            i += 1
            continue
        if w in t.gendered:
            gender = t.gendered[w]
        name_toks.append(toks[i].rstrip(","))
        i += 1
    name = " ".join(name_toks)
    if not name_toks:
        if country and not role:
            return Speaker("org", raw, country=country)
        return Speaker("nominal", raw, role=role, country=country, gender=gender)
    of = next((n for n, x in enumerate(name_toks) if x.lower() in ("of", "for")), None)
    if of and name_toks[of - 1].lower().strip(".") not in t.org_heads and (
            gender is not None or of >= 2):
        # "Mr. Morgan of the Sierra Club": the person, not the organisation; "Foreign
        # Minister X of Iran": a country after "of" a titled person is the person's own
        # (not after "for": "coordinator for Sudan" names a portfolio).
        rest = [x.lower() for x in name_toks[of + 1:]]
        rest = rest[1:] if rest[:1] == ["the"] else rest
        if country is None and (role or gender) and name_toks[of].lower() == "of" and rest:
            c, n = _match_vocab(rest, 0, t.countries, t.max_len)
            # The country's own name only: "Mr. X of Athens" is a hometown (even Athens, Ga.).
            country = c if c and n == len(rest) and " ".join(rest) == c.lower() else None
        name_toks = name_toks[:of]
        name = " ".join(name_toks)
    last = name_toks[-1].lower().strip(".")
    if last in t.org_heads or (len(name_toks) > 1 and name_toks[0].lower() in t.place_firsts) or (
            of is not None and len(name_toks) > of):
        return Speaker("org", name, role=None, country=country)
    if not all(_is_cap(x) or x.lower() in _CONNECTORS for x in name_toks) or (
            len(name_toks) == 1 and gender is None and name.lower() in _COMMON_SOURCES):
        # "Experts said", "Critics say": a common noun capitalised to open the sentence.
        return Speaker("nominal", raw, role=role, country=country, gender=gender)
    return Speaker("person", name, role=role, country=country, gender=gender)


def _join_sources(got) -> tuple[str | None, str | None, str | None]:
    """(speaker, role, country) of joint sources from each one's: names joined by "; ", and
    roles and countries only when every source has one (one person's country is not the
    pair's: a country comparison would count the other's words as that country's)."""
    return tuple(_join([g[i] for g in got]) if i == 0 or all(g[i] for g in got) else None
                 for i in range(3))


def _join(values) -> str | None:
    """Values of coordinated speakers, in order, duplicates once, joined by "; "."""
    out: list[str] = []
    for v in values:
        if v and v not in out:
            out.append(v)
    return "; ".join(out) if out else None


def _family_name_first(words: list[str]) -> str | None:
    """The family name of a name written family name first, as names from several languages
    are in English news: recognised by a hyphenated given name at the end whose second part
    is lower case ("Chung Dong-young", "Kweon Seong-dong"; not "Austin Smith-Jones").
    Without the hyphen ("Xi Jinping") the order cannot be told from the name alone."""
    if len(words) == 2 and words[0].isalpha() and _GIVEN_HYPHENATED.fullmatch(words[1]):
        return words[0]
    return None


# "Dong-young", "Jae-in": a hyphenated given name has a lower-case second part, unlike a
# double surname ("Smith-Jones", "Ocasio-Cortez") or a particle ("al-Sharaa").
_GIVEN_HYPHENATED = re.compile(r"[A-Z][a-z]+-[a-z]+")


def _is_clause(description: str) -> bool:
    """Whether a description beside a name is a clause ("who ...", "making ...", "visiting
    ..."), not a noun phrase ("the foreign minister")."""
    words = description.lower().split()
    if not words:
        return False
    # A participle opening a clause takes an object or a complement ("making her third
    # visit", "visiting the region"); an adjective does not ("acting Ukrainian minister").
    # So does a verb of asking ("asked whether ...", "pressed about ..."); other participles
    # may name the speaker's own office ("elected ... as the Ukrainian president").
    return words[0] in ("who", "which", "that") or (
        words[0].endswith("ing") and len(words) > 1 and words[1] in _CLAUSE_SECOND) or (
        words[0] in _ASKED and len(words) > 1)


_ASKED = frozenset({"asked", "pressed", "questioned", "quizzed"})


# A description after a name: a comma, then words up to the next comma or sentence end,
# stopping before a relative clause ("X, an analyst who studies ...").
_DESCRIPTION_AFTER_RE = re.compile(
    r", ((?:(?:[A-Z]\.)+|(?!\b(?:who|which|that|whose)\b)[^,;:.!?\n“”\"()]){2,80}?)"
    r"(?=\s+(?:who|which|that|whose)\b|[,;:.!?\n]|$)")

# Words opening a sentence with a phrase before its subject ("While ..., X said").
_OPENING_PREPS = frozenset({"beside", "alongside", "next", "flanked", "together", "speaking"})
_INTRO_WORDS = frozenset("""while when whenever although though if as because since after before
unless until despite in on at during following with without after amid by for from under
asked""".split())

# Words that end a title written before a name, looking back from the name.
_NOT_TITLE_WORDS = frozenset("""a an the at to with for from by and or in on his her their
its our""".split())
_CLAUSE_SECOND = frozenset("""a an the his her their its our my your this that these those
to in on at for with from into about over after before during""".split())


def _is_initial(tok: str) -> bool:
    return len(tok) == 2 and tok[0].isupper() and tok[1] == "."


# --------------------------------------------------------------------------- finding mentions


def _tokens(text: str, lo: int, hi: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text, lo, hi)]


def _is_cap(tok: str) -> bool:
    # A name may open with a hyphenated particle ("al-Qadiri", "el-Sayed").
    return tok[:1].isupper() or (tok[2:3] == "-" and tok[:2] in ("al", "el")
                                 and tok[3:4].isupper())


def _cap_run_back(toks, j, titles: Titles):
    """Index of the first token of the capitalised name phrase ending at token j."""
    k = j
    while k - 1 >= 0:
        prev = toks[k - 1][2]
        low = prev.lower()
        if _is_cap(prev) and low.rstrip(".") not in _CAP_STOP_NAME:
            k -= 1
        elif low in _CONNECTORS and k - 2 >= 0 and not (
                low == "and" and toks[k][2] in titles.descriptors) and (
                (_is_cap(toks[k - 2][2]) and low != "the")
                or (low == "the" and toks[k - 2][2].lower() in ("of", "for")
                    and k - 3 >= 0 and _is_cap(toks[k - 3][2]))
                or _particle_pair(toks, k - 1, -1)):
            k -= 1
        elif prev.islower() and (low in titles.descriptors or (
                toks[k][2].islower() and (low, toks[k][2].lower()) in titles.roles)):
            k -= 1  # a descriptor, or the first word of a role ("opposition leader X")
        elif low in ("to", "at") and k - 2 >= 0 and _is_cap(toks[k - 2][2]) and \
                toks[k - 2][2].lower().rstrip("s") in _SENT_ROLES and j - k >= 2:
            k -= 1  # "U.S. Ambassador to NATO Tom Roe": the title runs on over "to"
        elif low in titles.portfolios and prev.islower() and toks[k][2].islower() and \
                (toks[k][2] in titles.descriptors or toks[k][2] in titles.portfolios):
            # "EU foreign policy spokeswoman X"; not the topic in "On migration Hungary said"
            k -= 1
        elif low == "ministry" and toks[k][2] in titles.descriptors and k - 3 >= 0 and \
                toks[k - 2][2] in _MINISTRIES:
            # "Iranian foreign ministry spokesman X": the country adjective before a
            # lower-case ministry, only before a role word (not "the interior ministry
            # said", not "Y and foreign ministry spokesman X").
            n = 2 if k - 4 >= 0 and tuple(
                x[2].lower() for x in toks[k - 4:k - 2]) in titles.countries else 1
            if n == 1 and (toks[k - 3][2].lower(),) not in titles.countries:
                break
            k -= 2 + n
            break
        else:
            break
    # Keep a leading determiner with a descriptor phrase ("the Foreign Ministry").
    if k - 1 >= 0 and toks[k - 1][2].lower() in ("the", "a", "an"):
        k -= 1
    while k < j and toks[k][2].lower() in _INNER_CONNECTORS:
        k += 1
    return k


_RELATIVE_WORDS = frozenset({"who", "whom", "whose", "which", "that"})
_NUMERALS = frozenset({"two", "three", "four", "five"})
_NUMERAL_SUBJECT_RE = re.compile(r"(?i)the (?:three|four|five)")
# "the two", "the pair", "the two leaders": the people named just before, as one source.
_PAIR_RE = re.compile(r"(?i)the (?:pair|two(?: (?:men|women|leaders|ministers|presidents|"
                      r"diplomats|officials|envoys|politicians))?)")

_MINISTRIES = frozenset({"foreign", "defence", "defense", "interior", "finance", "trade", "energy",
                         "justice", "health", "home"})


def _role_run_end(toks, i: int, titles: Titles, need_name: bool = True) -> int | None:
    """Index of the last token of a lower-case role run starting at token ``i`` ("spokesman",
    "foreign ministry spokesman", "deputy foreign minister") when a capitalised name follows
    it (or, without ``need_name``, whatever follows), else None. The run holds role words,
    and a ministry word only before "ministry"."""
    k = i
    while k < len(toks) and k - i < 5 and toks[k][2].islower():
        w = toks[k][2]
        if w in _MINISTRIES and k + 1 < len(toks) and toks[k + 1][2] == "ministry":
            k += 2
        elif w.rstrip(".") in titles.descriptors:
            k += 1
            if w.endswith("."):  # the sentence ends: "said the Israeli military."
                break
        elif w in titles.portfolios:
            k += 1  # "foreign policy" in "said EU foreign policy spokeswoman X"
        elif k + 1 < len(toks) and toks[k + 1][2].islower() and \
                (w, toks[k + 1][2].rstrip(".")) in titles.roles:
            k += 1  # the first word of a role ("said opposition leader X")
        else:
            break
    if not need_name and k == i and toks[k][2].rstrip(".,") in ("source", "sources"):
        return k  # "said one GOP source in the room"
    if not need_name and k < len(toks) and toks[k][2].islower() and \
            toks[k][2].rstrip(".,") in titles.org_heads:
        # "according to the UN refugee agency", "the British maritime security agency",
        # "the Cypriot police": (portfolio words and) the head of a body name the body.
        return k
    if k == i or toks[k - 1][2].rstrip(".") not in titles.descriptors:
        return None
    if not need_name:
        return k - 1
    if k >= len(toks):
        return None
    name = toks[k][2]
    if not _is_cap(name) or name.lower().rstrip(".,") in _CAP_STOP_NAME | _CAP_TIME:
        return None
    return k - 1
_DAY_PARTS = frozenset({"morning", "afternoon", "evening", "night"})
_TIME_LEADS = frozenset({"on", "late", "early", "earlier", "later"})
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def _is_year(word: str) -> bool:
    return len(word) == 4 and word[:2] in ("19", "20") and word.isdigit()
_MONTHS = frozenset("""january february march april may june july august september october
november december jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. nov. dec.""".split())


def _skip_time_phrase(toks, j: int) -> int:
    """Index of the last token before a time phrase ending at token ``j`` ("X on Tuesday
    said", "X late Friday said", "X earlier this week said"); ``j`` when there is none. A
    bare weekday and a capitalised "Today" are left alone: they end names ("Joe Friday",
    "Russia Today"). "The Mail on Sunday said" is read as "The Mail"."""
    if j < 0:
        return j
    k = j
    low = [t[2].lower() for t in toks[max(0, j - 3):j + 1]]
    low = [""] * (4 - len(low)) + low  # low[-1] is token j
    if low[-1] in _DAY_PARTS and low[-2] in _WEEKDAYS:
        k -= 2
    elif low[-1] in _WEEKDAYS and (low[-2] in _TIME_LEADS or (
            j >= 1 and toks[j - 1][2][:1].islower())):
        # "on Tuesday", "late Friday", "the ministry Tuesday"; after a capitalised word a
        # bare weekday may end a name ("Joe Friday").
        k -= 1
    elif toks[j][2] in ("today", "yesterday", "tonight", "overnight"):
        k -= 1  # lower case only: "Russia Today", "USA Today" are names
    elif low[-1] in ("week", "month") and low[-2] in ("this", "last"):
        k -= 2
    elif _is_year(low[-1]) and low[-2] in ("in", "since"):
        k -= 2  # "X in 2010 said"
    elif _is_year(low[-1]) and low[-2] in _MONTHS and low[-3] in ("in", "since"):
        k -= 3  # "X in March 2015 said"
    else:
        return j
    if k >= 0 and toks[k][2].lower() in _TIME_LEADS:
        k -= 1
        if k >= 0 and toks[k][2].lower() in ("earlier", "later"):
            k -= 1  # "earlier on Tuesday"
    if k >= 0 and toks[k][2] in ("just", "also", "only", "again", "first", "finally"):
        k -= 1  # "X just this month announced"
    return k


def subject_before(text: str, lo: int, pos: int, titles: Titles | None = None,
                   *, allow_nominal: bool = True) -> tuple[int, int, tuple[int, int] | None] | None:
    """The speaker noun phrase that ends just before a cue at ``pos``.

    A phrase of the form "<role noun> for/of/at/from <organisation>" is taken whole ("a
    spokesperson for the embassy", "officials at the ministry"): the role-holder, not the
    organisation, is who spoke. ("The head of the agency" stays "the agency": "head" is not
    a role.)

    Parameters
    ----------
    text : str
        The document.
    lo : int
        Do not look before this offset (the sentence start).
    pos : int
        Offset of the cue word.
    titles : Titles, optional
    allow_nominal : bool
        Accept lower-case phrases (``officials``, ``a source``).

    Returns
    -------
    (start, end, appositive) or None
        Offsets of the phrase; ``appositive`` is the ``(start, end)`` of a
        comma-enclosed description between name and cue
        (``X, the foreign minister, said``), else None.
    """
    found = _subject_before(text, lo, pos, titles, allow_nominal=allow_nominal)
    if found is not None and text[found[0] - 2:found[0]] == ", ":
        # "The foreign ministers of Britain, France and Germany": the list and its office.
        ext = _ROLES_OF_LIST_RE.search(text, lo, found[0])
        if ext and _roles_of_states(text[ext.start():found[1]], titles or load_titles()):
            found = (ext.start(), found[1], found[2])
    if found is None and allow_nominal and \
            text[max(lo, pos - 8):pos].rstrip().endswith(("ed", "ew", "ok", "ard", "ught")):
        contact = _CONTACT_CLAUSE_RE.search(text, max(lo, pos - 30), pos)
        if contact:
            # "all the experts I interviewed said": a relative clause without "that".
            head = _subject_before(text, lo, contact.start(), titles, allow_nominal=True)
            if head is not None and head[1] >= contact.start() - 1 and \
                    text[head[0]:head[1]].lower() not in PRONOUNS:
                return head[0], contact.end(1), None
    if found is None and text[max(lo, pos - 4):pos].endswith(("-- ", "— ", "– ")):
        # "Kall -- co-editor of X -- said": a description between dashes.
        dash = max(text.rfind(d, lo, pos - 3) for d in (" -- ", " — ", " – "))
        if dash > lo:
            inner_s = _lstrip_ws(text, dash + 1, pos)
            close = _rstrip_ws(text, dash, pos)  # after the aside's last word
            while close > dash and text[close - 1] in "-—–":
                close -= 1
            inner_e = _rstrip_ws(text, inner_s, close)
            inner = text[inner_s:inner_e].split()
            before = subject_before(text, lo, dash + 1, titles, allow_nominal=allow_nominal)
            if inner and all(_is_cap(w) for w in inner) and len(inner) <= 4:
                # "The head of the IAEA -- Rafael Grossi -- said": the name speaks, the phrase
                # before it describes them.
                return inner_s, inner_e, ((before[0], before[1]) if before else None)
            if before is not None:
                # "Kall -- co-editor of X -- said", "A senior official in Kyiv -- who asked not
                # to be named -- said": the source before the aside.
                return before[0], before[1], (inner_s, inner_e)
    if allow_nominal and (found is None or text[max(lo, found[0] - 4):found[0]] in (" on ",
                                                                                    " of ")):
        topic = _topic_source(text, lo, pos)
        if topic is not None:
            return topic
    if found is None:
        return found
    start = found[0]
    crowd = _CROWD_PARTICIPLE_RE.search(text, max(lo, start - 60), start) \
        if text.find("ing ", max(lo, start - 30), start) >= 0 else None
    if crowd and crowd.group(1).lower() in _CROWD_NOUNS | _NOMINAL_SOURCES:
        return crowd.start(1), found[1], None  # "Protesters marching through the streets"
    lead = _ARTICLE_LEAD_RE.search(text, max(lo, start - 40), start) \
        if text.find(" of ", max(lo, start - 80), start) >= 0 and _is_cap(text[start:start + 1]) \
        else None
    if lead and _CAP_OF_BEFORE_RE.search(text, max(lo, lead.start() - 40), lead.start()):
        start = lead.start()  # "X of | the opposition | National Action Party"
    if text[start:found[1]].lower() in PRONOUNS or \
            not _PREP_OR_ON_BEFORE_RE.search(text, max(lo, start - 8), start):
        return found  # the common case, decided without tokenising again
    t = titles or load_titles()
    # At most two steps back: "officials at | the embassy in | Ottawa".
    for _ in range(2):
        toks = _tokens(text, max(lo, start - 80), start)
        if len(toks) < 2 or toks[-1][2].lower() not in _ROLE_PREPS + ("on",):
            break
        head = toks[-2][2].lower()
        k = len(toks) - 2
        if toks[-1][2].lower() == "on" and head not in _POSTMOD_HEADS | _TOPIC_HEADS:
            break
        if head not in _ROLE_NOUNS | _POSTMOD_HEADS and head not in t.org_heads:
            # "Officials familiar with | the discussions in | Washington": the source's own
            # qualification lies further back.
            for kk in range(k - 1, max(0, k - 6), -1):
                if not toks[kk][2][:1].isalnum():
                    break
                if toks[kk][2].lower() in _POSTMOD_HEADS and \
                        toks[kk + 1][2].lower() in _ROLE_PREPS + ("on",):
                    k, head = kk, toks[kk][2].lower()
                    break
        if head not in _ROLE_NOUNS and head not in _POSTMOD_HEADS:
            # A role of several words ends at the head ("the secretary of state for X",
            # "the speaker of the House of X"): go back to its first word.
            low = [x[2].lower() for x in toks[:-1]]
            for k0 in range(max(0, k - 4), k):
                n = _match_vocab(low, k0, t.roles, t.max_len)[1]
                if n > 1 and k0 + n - 1 == k:
                    k, head = k0, low[k0]
                    break
        if head in _POSTMOD_HEADS:
            # "Sources familiar with the matter", "a source close to the talks", "people with
            # knowledge of the plans": the sources speak, not what they know about.
            if head == "knowledge" and k >= 1 and toks[k - 1][2].lower() == "with":
                k -= 1
            if not (k >= 1 and toks[k - 1][2].lower() in _NOMINAL_SOURCES):
                break
            k -= 1
            # Back over the source's own words ("two senior Western officials").
            while k >= 1 and len(toks) - 2 - k < 6 and toks[k - 1][2].isalpha() and (
                    (toks[k - 1][2][:1].islower() and toks[k - 1][2].lower() not in _NOT_HEAD)
                    or (toks[k - 1][2].lower(),) in t.countries):
                k -= 1
            if k >= 1 and toks[k - 1][2].lower() in _DETERMINERS - _RELATIVE_WORDS - {
                    "this", "these", "those"}:
                k -= 1  # ("reports that officials close to X said": not "that officials")
        elif head in _ROLE_NOUNS:
            # Back over the role noun's own words: "the", "a", "senior", "two" (lower case)
            # and a country adjective ("a senior Chinese official at ...").
            while k >= 1 and len(toks) - 2 - k < 3 and toks[k - 1][2].isalpha() and (
                    (toks[k - 1][2][:1].islower() and toks[k - 1][2].lower() not in _NOT_HEAD
                     and toks[k - 1][2].lower() != "whether")
                    or (toks[k - 1][2].lower(),) in t.countries
                    # "a Western diplomat": a capitalised adjective after an article
                    or (k >= 2 and toks[k - 2][2].lower() in ("a", "an", "the")
                        and _is_cap(toks[k - 1][2])
                        and toks[k - 1][2].lower() not in _CAP_STOP)):
                k -= 1
            for n in (2, 1):
                # "A State Department spokesperson", "a Pentagon official": a state body's
                # name before the role noun is part of the source.
                body = " ".join(x[2] for x in toks[max(0, k - n):k])
                if k >= n and all(_is_cap(x[2]) for x in toks[k - n:k]) and \
                        _STATE_BODY_RE.fullmatch(body):
                    k -= n
                    break
            if k >= 1 and toks[k - 1][2].lower() in ("the", "a", "an"):
                k -= 1
            elif k >= 1 and toks[k - 1][2].endswith(("'s", "’s")) and _is_cap(toks[k - 1][2]):
                # "Israel's ambassador to the UN": the possessor's whole name.
                k -= 1
                while k >= 1 and _is_cap(toks[k - 1][2]) and \
                        toks[k - 1][2].lower() not in _CAP_STOP and toks[k - 1][0] >= lo:
                    k -= 1
            elif k >= 1 and toks[k - 1][2][:1].isupper() and toks[k - 1][2].isalpha() and \
                    toks[k - 1][0] <= lo + 1:
                k -= 1  # a capitalised first word of the sentence ("Senior officials at ...")
        elif head.endswith("ed") and k >= 1 and toks[k - 1][2] in _NOMINAL_SOURCES:
            # "two diplomats accredited to the agency said": a participle after the source.
            k -= 1
            while k >= 1 and len(toks) - 3 - k < 3 and toks[k - 1][2].isalpha() and (
                    toks[k - 1][2][:1].islower() and toks[k - 1][2].lower() not in _NOT_HEAD):
                k -= 1
        elif toks[-1][2].lower() == "of" and _is_cap(toks[k][2]) and \
                toks[k][2].lower() not in _CAP_STOP and toks[k][2].lower() not in t.org_heads:
            # "Senator Jorge Ancira of the opposition National Action Party": the person
            # (title and name) before "of" speaks.
            while k >= 1 and _is_cap(toks[k - 1][2]) and toks[k - 1][2].lower() not in _CAP_STOP:
                k -= 1
        elif toks[-1][2].lower() in ("in", "to") and head in t.org_heads:
            # "The Chinese embassy in Ottawa said", "The OSCE mission to Moldova said": the
            # body speaks, not the government of the place it is in or sent to. Back over the
            # organisation's name and a country adjective or possessive ("Russia's embassy
            # in Belgrade").
            while k >= 1 and len(toks) - 2 - k < 5 and \
                    _possessor(toks[k - 1][2]).replace(".", "").isalpha() and (
                    (_is_cap(toks[k - 1][2]) and toks[k - 1][2].lower() not in _CAP_STOP)
                    or (toks[k - 1][2].lower(),) in t.countries
                    or toks[k - 1][2] in _STATE_BODY_WORDS - {"the", "a", "an"}):
                k -= 1
            if k >= 1 and toks[k - 1][2].lower() in ("the", "a", "an"):
                k -= 1
        else:
            break
        start = toks[k][0]
        if not _PREP_BEFORE_RE.search(text, max(lo, start - 8), start):
            break
    return found if start == found[0] else (start, found[1], found[2])


def _topic_source(text: str, lo: int, pos: int) -> tuple[int, int, None] | None:
    """"Experts on nuclear nonproliferation said": a source named by its field, which may be
    all lower case. The phrase must open the sentence or follow a comma or a conjunction."""
    window = text[max(lo, pos - 120):pos].lower()
    if not any(w in window for w in _TOPIC_HINTS):
        return None  # the common case, without running the patterns below
    m = _TOPIC_SOURCE_RE.search(text, max(lo, pos - 120), pos) or \
        _THOSE_SOURCE_RE.search(text, max(lo, pos - 120), pos)
    if m is None:
        return None
    before = text[lo:m.start()].rstrip()
    if before and not before.endswith((",", "“", '"')) and \
            before.split()[-1].lower() not in ("but", "and", "yet", "while", "as"):
        return None
    return (m.start(), _rstrip_ws(text, m.start(), pos), None)


_TOPIC_SOURCE_RE = re.compile(
    r"(?<![\w’'-])(?:(?:[Tt]he|[Ss]ome|[Mm]any|[Ss]everal|[Oo]ther|[Oo]utside|[Ii]ndependent|"
    r"[Ll]eading|[Tt]wo|[Tt]hree|[A-Z][a-z]+)\s+){0,2}"
    r"(?:[Ee]xperts?|[Ss]pecialists?|[Aa]nalysts?|[Ss]cholars?|[Rr]esearchers?)\s+(?:on|of)\s+"
    r"(?:(?!(?:said|says|say|told|is|are|was|were|has|have|had|will|would|who|which|that)\b)"
    r"[\w’'.-]+\s+){1,6}$")


_CONTACT_CLAUSE_RE = re.compile(r"\s((?:I|we|you|he|she|they)\s+[a-z]+(?:ed|ew|ok|ard|ught))\s+$")
_CROWD_PARTICIPLE_RE = re.compile(
    r"(?<![\w’'])(\w+)\s+\w+ing\s+(?:through|in|at|outside|near|along|on)\s+$")
_CROWD_NOUNS = frozenset({"protesters", "demonstrators", "marchers", "supporters", "crowds",
                          "residents", "students", "workers", "activists", "people"})
# Nouns ending in -ly, not adverbs ("the family said", "an ally said").
_LY_NOUNS = frozenset({"family", "ally", "assembly", "rally", "supply", "monopoly", "reply",
                       "anomaly", "homily"})
_CONJUNCTIONS = frozenset({"and", "but", "or", "so", "yet", "then", "while", "nor"})
_TOPIC_HINTS = ("expert", "specialist", "analyst", "scholar", "researcher", "those ")
# "Those close to him", "those familiar with the plan": the people, not the object pronoun.
_THOSE_SOURCE_RE = re.compile(
    r"(?<![\w’'-])[Tt]hose\s+(?:close\s+to|familiar\s+with|with\s+knowledge\s+of|briefed\s+on|"
    r"involved\s+in)\s+(?:(?!(?:said|says|say|told|is|are|was|were|has|have|had|will|would|who|"
    r"which|that)\b)[\w’'.-]+\s+){1,6}$")
# The words up to the head of such a source ("Western experts" of "Western experts on X").
_TOPIC_HEAD_RE = re.compile(
    r"(.*?\b(?:[Ee]xperts?|[Ss]pecialists?|[Aa]nalysts?|[Ss]cholars?|[Rr]esearchers?))\s+(?:on|of)\s")


def _lstrip_ws(text: str, s: int, e: int) -> int:
    while s < e and (text[s].isspace() or text[s] in "-—–"):
        s += 1
    return s


def _rstrip_ws(text: str, s: int, e: int) -> int:
    while e > s and text[e - 1].isspace():
        e -= 1
    return e


# A source's own qualification before a preposition ("familiar with", "close to", "with
# knowledge of", "briefed on").
_POSTMOD_HEADS = frozenset({"familiar", "close", "knowledge", "briefed", "involved", "privy"})
_POSTMOD_RE = re.compile(r"\b(?:" + "|".join(sorted(_POSTMOD_HEADS)) + r")\s+(?:to|with|of|on|in)\s")


# Role nouns that name no role of titles.yml ("the head of X"): the holder speaks, without a role.
_ROLELESS_HEADS = frozenset({"head", "heads", "chief", "chiefs", "member", "members",
                             "speaker", "speakers",
                             "commander", "commanders", "lawyer", "lawyers", "attorney",
                             "narrator", "narrators", "announcer", "moderator", "moderators",
                             "attorneys", "expert", "experts", "specialist",
                             "specialists", "researcher", "researchers", "scholar", "scholars"})

# Nouns for people who speak for an organisation named after them ("a spokesperson for X");
# each is a spelling of a role in titles.yml, or in _ROLELESS_HEADS.
_ROLE_NOUNS = frozenset("""spokesperson spokesman spokeswoman spokespeople spokesmen spokeswomen
official officials director representative representatives aide aides adviser advisers
advisor advisors diplomat diplomats analyst analysts minister ministers president leader
leaders ambassador ambassadors envoy envoys chairman chairwoman chairperson chair
secretary-general governor mayor negotiator negotiators secretary general economist
economists""".split()) | _ROLELESS_HEADS
# Role nouns that take the subject of their knowledge after "on" ("experts on arms control").
_TOPIC_HEADS = frozenset("""expert experts specialist specialists analyst analysts scholar
scholars researcher researchers""".split())
_PP_RE = re.compile(r"\s(?:of|to|for|with)\s")
_AS_RE = re.compile(r"\bas\s")  # "... as foreign minister": the person's own capacity

# Verbs of saying after which a name is the speaker ("said X, the minister.").
_SAYING = frozenset("""said says told tells added adds warned warns wrote writes asked asks
stated declared explained noted insisted argued stressed emphasised emphasized""".split())
_AUX_WORDS = frozenset("""is are was were will would can could has have had""".split())

# Words opening a new source after "and"/"but" ("... and its foreign minister, X, said").
_NEW_SOURCE_OPENERS = frozenset("its his her their the a an".split())

# One-word asides between a source and its cue ("The government, however, said").
_ASIDE_WORDS = frozenset("""however too also meanwhile though likewise moreover instead
separately nonetheless nevertheless""".split())

# Words opening a phrase that interrupts a source and its cue ("X, in a statement, said").
_INTERRUPTING_FIRST = frozenset("""in on at according who which through via after during while
citing""".split())

# Lower-case heads of a source phrase: people and bodies that speak, and documents that do.
_NOMINAL_SOURCES = _LOWER_NOMINAL_HEADS | _ROLE_NOUNS
_COMMON_SOURCES = _NOMINAL_SOURCES - {"paper", "story"}  # surnames too

_ROLE_PREPS = ("for", "of", "at", "from", "to", "with", "in")
# An article and one or two lower-case words before a name ("the opposition ").
_ARTICLE_LEAD_RE = re.compile(r"(?<![\w’'])(?:the|a|an)\s+(?:[a-z][\w-]*\s+){1,2}$")
_CAP_OF_BEFORE_RE = re.compile(r"[A-Z][\w’'.-]*\s+of\s+$")
_ROLE_PREP_RE = re.compile(r"\s+(?:" + "|".join(_ROLE_PREPS) + r")\s")
_PREP_BEFORE_RE = re.compile(r"(?<![\w’'])(?:" + "|".join(_ROLE_PREPS) + r")\s+$", re.IGNORECASE)
_PREP_OR_ON_BEFORE_RE = re.compile(r"(?<![\w’'])(?:" + "|".join(_ROLE_PREPS) + r"|on)\s+$",
                                   re.IGNORECASE)
# The noun may carry a participle ("diplomats accredited to the agency").
_ROLE_HOLDER_RE = re.compile(r"\b(" + "|".join(sorted(_ROLE_NOUNS)) + r")\s+(?:[a-z]+ed\s+)?("
                             + "|".join(_ROLE_PREPS) + r")\s", re.IGNORECASE)


def _subject_before(text: str, lo: int, pos: int, titles: Titles | None = None,
                    *, allow_nominal: bool = True
                    ) -> tuple[int, int, tuple[int, int] | None] | None:
    t = titles or load_titles()
    toks = _tokens(text, max(lo, pos - 200), pos)
    j = len(toks) - 1
    skipped = 0
    while j >= 0 and skipped < 3:
        w = toks[j][2].lower()
        if w in _SKIP_BEFORE_CUE or (w.endswith("ly") and toks[j][2].islower() and len(w) > 4
                                     and w not in _LY_NOUNS):
            j -= 1
            skipped += 1
        else:
            break
    j = _skip_time_phrase(toks, j)
    # "Rep. Gwen Moore (D-Wis.) said" and "X (D-Va.), shouted": skip a parenthesis
    # (and the comma after it) after the name.
    if j >= 1 and toks[j][2] == "," and toks[j - 1][2] == ")":
        j -= 1
    if j >= 0 and toks[j][2] == ")":
        k = j
        while k >= 0 and toks[k][2] != "(" and j - k < 8:
            k -= 1
        if k >= 0 and toks[k][2] == "(":
            j = k - 1
    if j < 0:
        return None
    s, e, w = toks[j]
    low = w.lower()
    if low in PRONOUNS:
        return s, e, None
    appos = None
    if w == "," and j >= 2 and toks[j - 2][2] == "," and (
            toks[j - 1][2].lower() in _ASIDE_WORDS or toks[j - 1][2].lower() in _WEEKDAYS):
        # "The government, however, said", "The army, too, said", "X, Tuesday, said": an
        # aside between the source and its cue.
        return _subject_before(text, lo, toks[j - 2][0], t, allow_nominal=allow_nominal)
    if w == ",":
        # "NAME, the foreign minister, said" and "NAME, the attorney general of X, one of
        # the states ..., said": the description runs back to the comma after a name.
        best = None
        k = j - 1
        commas = 0
        while k >= 0 and j - k <= 40 and commas < 3:
            tk = toks[k][2]
            if tk in (";", "“", "”", '"', ":") or (tk == "." and k > 0):
                break
            if tk == ",":
                commas += 1
                if commas == 1 and k >= 1 and k + 1 < j and toks[k - 1][2].islower() and \
                        toks[k - 1][2] in _NOMINAL_SOURCES and (
                        toks[k + 1][2].lower() in _INTERRUPTING_FIRST
                        or (toks[k + 1][2].endswith(("ing", "ed"))
                            and toks[k + 1][2].islower())):
                    # "The statement, issued by ..., said", "A senior official, speaking on
                    # condition of anonymity, said": a phrase interrupts a nominal source.
                    found = _subject_before(text, lo, toks[k][0], t,
                                            allow_nominal=allow_nominal)
                    return None if found is None else (found[0], found[1], None)
                if commas == 1 and k >= 1 and k + 1 < j and toks[k - 1][2].islower() and \
                        toks[k + 1][2].lower() in _INTERRUPTING_FIRST:
                    # "A source close to the talks, who asked not to be named, said".
                    found = subject_before(text, lo, toks[k][0], t,
                                           allow_nominal=allow_nominal)
                    if found is not None and _POSTMOD_RE.search(text, found[0], found[1]):
                        return found[0], found[1], None
                if commas == 1 and (k + 2 < j or (k + 2 == j and k >= 1
                                                  and toks[k - 1][2].islower())) and all(
                        _is_cap(x[2]) or x[2].lower() in _CONNECTORS for x in toks[k + 1:j]) \
                        and _is_cap(toks[k + 1][2]) and toks[k + 1][2].lower() not in _CAP_STOP:
                    # "The state's campaign chairman, Phil Lovas, said": the name sits
                    # between the commas, the description before it; a name of one word
                    # after a lower-case description too ("The agency, Frontex, said").
                    d0 = k - 1
                    while d0 - 1 >= 0 and toks[d0 - 1][2] not in (",", ";", "“", "”", '"') \
                            and k - d0 < 12 and not (
                                toks[d0 - 1][2].lower() in ("and", "but")
                                and toks[d0][2].lower() in _NEW_SOURCE_OPENERS):
                        d0 -= 1  # (stops at "... and its foreign minister, X, said")
                    while d0 < k - 1 and toks[d0][2].lower() in ("and", "but"):
                        d0 += 1  # "..., and its foreign minister, X, said": a new source
                    desc = [x[2].lower() for x in toks[d0:k]]
                    if d0 <= k - 1 and any(
                            w in _ROLE_NOUNS and n + 1 < len(desc) and desc[n + 1] in _ROLE_PREPS
                            for n, w in enumerate(desc)) and \
                            tuple(x[2].lower() for x in toks[k + 1:j]) in t.countries:
                        # "A spokesman for its ally, Iran, said": the country names the
                        # object of "for"; the role-holder speaks.
                        return toks[d0][0], toks[k - 1][1], (toks[k + 1][0], toks[j - 1][1])
                    return toks[k + 1][0], _name_end(text, toks[j - 1]), (
                        (toks[d0][0], toks[k - 1][1]) if d0 <= k - 1 else None)
                name_end = k - 1
                if name_end >= 0 and toks[name_end][2] == ")":
                    # "Rep. Jim Jordan (R-Ohio), an oversight panel member, said"
                    p = name_end
                    while p >= 0 and toks[p][2] != "(" and name_end - p < 8:
                        p -= 1
                    name_end = p - 1 if p >= 0 and toks[p][2] == "(" else -1
                if name_end >= 0 and k + 1 < j and _is_cap(toks[name_end][2]) \
                        and toks[name_end][2].lower() not in _CAP_STOP \
                        and not _after_preposition(toks, name_end, t, lo):
                    first = toks[k + 1][2]
                    place = _source_at_place(toks, name_end, k, t, lo)
                    if place is not None:
                        # "A border guard stationed near X, who asked not to be named,
                        # said": X is where the source is, not who speaks.
                        return toks[place][0], _name_end(text, toks[name_end]), None
                    if first.lower() in _CONJUNCTIONS:
                        pass  # "... with Republicans, and the meeting ..., said": a clause
                    elif (first.lower() in _DETERMINERS or first.islower() or j - k <= 4
                            or _match_vocab([x[2].lower() for x in toks[k + 1:j]], 0, t.roles,
                                            t.max_len)[1]
                            or (first.lower(),) in t.countries):
                        best, best_name = k, name_end
            k -= 1
        if best is None:
            return None
        appos = (toks[best + 1][0], toks[j - 1][1])
        j = best_name
        s, e, w = toks[j]
        low = w.lower()
    if _is_cap(w) and low.rstrip(".") not in _CAP_STOP:
        k = _cap_run_back(toks, j, t)
        k = _drop_sentence_initial(text, toks, k, j, lo, t)
        if k > j:
            return None
        # "Roe and Doe agreed", "Ottawa and Paris agreed": both are the source.
        # Not "China and senior official X": a phrase opening with lower-case descriptors is
        # one person, whom the name before "and" does not join.
        if appos is None and k >= 2 and toks[k - 1][2] == "and" and _is_cap(toks[k - 2][2]) \
                and toks[k - 2][2].lower() not in _CAP_STOP and not toks[k][2].islower():
            k2 = _drop_sentence_initial(text, toks, _cap_run_back(toks, k - 2, t), k - 2, lo,
                                        t)
            if k2 <= k - 2:
                k = k2
                # "Britain, France and Germany said": the earlier members of a list that
                # opens the sentence ("In Paris, France and Germany said" does not).
                k3 = k
                while k3 >= 2 and toks[k3 - 1][2] == "," and _is_cap(toks[k3 - 2][2]) and \
                        toks[k3 - 2][2].lower() not in _CAP_STOP:
                    k3 = _cap_run_back(toks, k3 - 2, t)
                    if k3 >= 1 and toks[k3 - 1][2].lower() == "the":
                        k3 -= 1
                if k3 < k and (k3 == 0 or toks[k3][0] <= lo + 1
                               or toks[k3 - 1][2] in (".", "!", "?", "”", '"')
                               # after an opening phrase: "In a statement, Britain, ..."
                               or (toks[k3 - 1][2] == "," and k3 >= 2
                                   and toks[k3 - 2][2].islower())):
                    k = k3
        return toks[k][0], _name_end(text, toks[j]), appos
    if appos is not None or not allow_nominal:
        return None
    # Lower-case nominal: "officials", "a source", "the ministry's spokesman".
    if low in _NUMERALS and j >= 1 and toks[j - 1][2].lower() == "the":
        return toks[j - 1][0], e, None  # "the two agreed": the people just named
    if low in _NOT_HEAD or low in _DETERMINERS or not w[:1].isalpha():
        return None
    k = j
    while k - 1 >= 0 and j - k < 4:
        prev = toks[k - 1][2]
        pl = prev.lower()
        if pl in _DETERMINERS or pl.endswith(("’s", "'s")):
            k -= 1
            if pl.endswith(("’s", "'s")) and _is_cap(prev):
                # "South Korea's president": the possessor's whole name.
                while k >= 1 and _is_cap(toks[k - 1][2]) and \
                        toks[k - 1][2].lower() not in _CAP_STOP:
                    k -= 1
            # "the bloc's chief": the possessor's own determiner belongs to the phrase; so
            # does the article of a numeral ("the two leaders").
            if (pl.endswith(("’s", "'s")) or pl in _NUMERALS) and k >= 1 and \
                    toks[k - 1][2].lower() in ("the", "a", "an"):
                k -= 1
            break
        if (prev.isalpha() or "-" in prev) and pl not in _NOT_HEAD and pl not in _CAP_STOP:
            k -= 1
        elif _is_cap(prev) and pl not in _CAP_STOP:
            k -= 1
        else:
            break
    has_det = toks[k][2].lower() in _DETERMINERS or any(
        x[2].lower().endswith(("’s", "'s")) for x in toks[k:j])
    if not (has_det or low in _LOWER_NOMINAL_HEADS or low in t.descriptors
            or (low.endswith("s") and k < j)):
        return None
    if low.endswith("ing") or low.endswith("ed"):
        return None
    return toks[k][0], e, None


_LOCATIVE = frozenset({"near", "in", "at", "outside", "inside", "from"})


def _source_at_place(toks, name_end: int, comma: int, t: Titles, lo: int) -> int | None:
    """First token of "<nominal source> ... <locative preposition> <Place>" ending at token
    ``name_end`` and set off by the comma at token ``comma`` before a relative clause, else
    None: the phrase is the speaker, the place only where they are."""
    if comma + 1 >= len(toks) or toks[comma + 1][2].lower() not in _INTERRUPTING_FIRST:
        return None
    k = _cap_run_back(toks, name_end, t)
    if k < 2 or toks[k - 1][2].lower() not in _LOCATIVE:
        return None
    p = k - 1
    while p >= 1 and toks[p - 1][0] >= lo and toks[p - 1][2] not in (",", ";", ":", "“", "”", '"'):
        p -= 1
    words = [x[2].lower() for x in toks[p:k - 1]]
    # "A farmer in X", "A Border Guard officer stationed near X": a source phrase.
    if not words or not (words[0] in _DETERMINERS or any(
            w in _NOMINAL_SOURCES or w + "s" in _NOMINAL_SOURCES for w in words)):
        return None
    return p


def _after_preposition(toks, j: int, t: Titles, lo: int) -> bool:
    """Whether the capitalised phrase ending at token ``j`` follows a preposition opening
    the sentence ("In Ottawa, Senator X, ..., said": a place, not the subject)."""
    k = _cap_run_back(toks, j, t)
    return k >= 1 and toks[k - 1][0] <= lo + 1 and \
        toks[k - 1][2].lower() in ("in", "at", "from", "on", "to", "with", "by")


def _name_end(text: str, tok) -> int:
    s, e, w = tok
    if w.endswith(".") and not _is_initial(w) and "." not in w[:-1] \
            and w[:-1].lower() not in _KEEP_PERIOD:
        return e - 1  # the sentence's full stop, not part of the name ("said Roe.")
    return e


# Abbreviations whose full stop belongs to the name.
_KEEP_PERIOD = frozenset("jr sr mr mrs ms dr st inc co corp ltd bros messrs".split())


def _drop_sentence_initial(text: str, toks, k: int, j: int, lo: int, t: Titles) -> int:
    """Skip a capitalised sentence-initial word that is not part of the name (a title that
    opens the sentence, "Defence Minister X", is part of it)."""
    while k < j:
        if _title_before_name([x[2] for x in toks[k:j + 1]], t):
            break
        w = toks[k][2]
        low = w.lower()
        at_start = toks[k][0] <= lo or text[max(lo, toks[k][0] - 2):toks[k][0]].strip() in (
            "", ".", "“", '"', "(", "—")
        if low in ("the", "a", "an"):
            return k
        if at_start and (low in _CAP_STOP or low.endswith("ing") or low.endswith("ly")
                         or _lower_in_text(text, low)):
            k += 1
            continue
        break
    return k


def _title_before_name(words: list[str], t: Titles) -> bool:
    """Whether ``words`` open with a role title followed by at least one more word."""
    n = _match_vocab([w.lower() for w in words], 0, t.roles, t.max_len, t.first_words)[1]
    return 0 < n < len(words)


def _lower_in_text(text: str, low: str) -> bool:
    # A capitalised word that also appears in lower case in the document is a common
    # word that began a sentence ("Injecting", "Asked"), not a name. str.find keeps
    # this cheap: no regex is compiled per word.
    n = len(low)
    i = text.find(low)
    while i >= 0:
        before = text[i - 1] if i > 0 else " "
        after = text[i + n] if i + n < len(text) else " "
        if not (before.isalnum() or before in "’'-") and not (after.isalnum() or after in "-"):
            return True
        i = text.find(low, i + 1)
    return False


def phrase_after(text: str, pos: int, hi: int, titles: Titles | None = None,
                 *, allow_nominal: bool = True) -> tuple[int, int, tuple[int, int] | None] | None:
    """The noun phrase starting at ``pos`` (after a cue: ``said Mr. Burman``).

    Parameters
    ----------
    text : str
    pos : int
        Offset just after the cue word.
    hi : int
        Do not look past this offset (the sentence end).
    titles : Titles, optional
    allow_nominal : bool
        Accept lower-case phrases (``reporters``, ``the source``).

    Returns
    -------
    (start, end, appositive) or None
        Offsets of the phrase and of a following comma-enclosed description
        (``said Alan Cole, an economist at ...``), or None when no phrase starts here.
    """
    t = titles or load_titles()
    toks = _tokens(text, pos, min(hi, pos + 200))
    if not toks:
        return None
    s, e, w = toks[0]
    low = w.lower()
    if low in PRONOUNS:
        return s, e, None
    if not _is_cap(w) and low not in t.descriptors and low not in _DETERMINERS:
        # "said 9/11 widow Jane Roe", "said longtime friend John Doe": a short
        # lower-case description before a name; the name is the speaker.
        k = 0
        while k < len(toks) and k < 6 and (
                (toks[k][2].islower() and toks[k][2].isalpha()
                 and toks[k][2] not in _NOT_HEAD and toks[k][2] not in _CAP_STOP)
                or any(c.isdigit() for c in toks[k][2]) or toks[k][2] in ("/", "-")):
            k += 1
        if 0 < k < len(toks) and _is_cap(toks[k][2]) and toks[k][2].lower() not in _CAP_STOP:
            name = phrase_after(text, toks[k][0], hi, t, allow_nominal=False)
            if name is not None:
                return name
    j = 0
    if _is_cap(w) or low in t.descriptors or low in _DETERMINERS:
        while j + 1 < len(toks):
            nxt = toks[j + 1][2]
            nl = nxt.lower()
            if _is_cap(nxt) and toks[j][2].islower() and nl.rstrip(".,") in _CAP_TIME:
                break  # "said a senior official Tuesday": a date, not a name
            if _is_cap(nxt) and nl not in _CAP_STOP_NAME:
                j += 1
            elif nl in _CONNECTORS and j + 2 < len(toks) and (
                    _is_cap(toks[j + 2][2]) or _particle_pair(toks, j + 1, 1)):
                j += 1
            elif nl in t.descriptors and nxt.islower() and not _is_cap(toks[j][2]):
                j += 1
            elif j < 2 and low in _DETERMINERS and nxt.islower() and nl not in _NOT_HEAD \
                    and nxt.replace("-", "").isalpha() and j + 2 < len(toks) \
                    and _is_cap(toks[j + 2][2]) and toks[j + 2][2].lower() not in _CAP_STOP:
                # "the conservative-leaning Tax Foundation", "the nonpartisan Congressional
                # Budget Office": a lower-case modifier between the article and the name.
                j += 1
            elif nxt.islower() and _is_cap(toks[j][2]):
                # "said Iranian (foreign ministry) spokesman X", "said Russian Foreign
                # Ministry spokeswoman X": a lower-case role after a capitalised word joins
                # the phrase only when a name follows it, so the name is the speaker.
                # After a determiner the run may end the phrase ("said a senior Iranian
                # official who ...", "said the Iranian foreign ministry spokesman, X").
                k = _role_run_end(toks, j + 1, t, need_name=low not in _DETERMINERS)
                if k is None:
                    break
                j = k
            else:
                break
        while j > 0 and toks[j][2].lower() in _CONNECTORS:
            j -= 1
        if toks[j][2].endswith(("’s", "'s")) and allow_nominal:
            # "Roe’s summit meeting with French President John Doe":
            # a possessive phrase names an event or document as the source.
            k = j
            while k + 1 < len(toks) and k - j < 3 and toks[k + 1][2].isalpha() \
                    and toks[k + 1][2].islower() and toks[k + 1][2] not in _NOT_HEAD:
                k += 1
            if k > j:
                j = k
                if k + 2 < len(toks) and toks[k + 1][2] in ("with", "between", "of") \
                        and (_is_cap(toks[k + 2][2]) or toks[k + 2][2] in t.descriptors):
                    k += 2
                    while k + 1 < len(toks) and (_is_cap(toks[k + 1][2])
                                                 or toks[k + 1][2].lower() in _CONNECTORS):
                        k += 1
                    while toks[k][2].lower() in _CONNECTORS:
                        k -= 1
                    j = k
        if not _is_cap(toks[j][2]):
            if not allow_nominal:
                return None
            # "the source", "a spokesman for the ministry"
            while j + 1 < len(toks) and j < 4 and _plain_word(toks[j + 1][2]) \
                    and (toks[j + 1][2].lower() not in _NOT_HEAD
                         or (toks[j + 1][2].lower() in _MODIFIER_WORDS and j + 2 < len(toks)
                             and _plain_word(toks[j + 2][2]))) \
                    and not toks[j][2].endswith(".") \
                    and toks[j + 1][2].lower().rstrip(".") not in _CAP_TIME:
                j += 1
            if toks[j][2].lower() in _NOT_HEAD or toks[j][2].lower() in _DETERMINERS:
                return None
        end = _name_end(text, toks[j])
    elif allow_nominal and w.isalpha() and low not in _NOT_HEAD and low not in _DETERMINERS:
        end = e
        j = 0
    else:
        return None
    if not _is_cap(toks[j][2]):
        name = _name_in_apposition(toks, j + 1)
        if name is None and j + 1 < len(toks) and toks[j][2].lower() in _ROLE_NOUNS and \
                toks[j + 1][2].lower() in ("to", "for", "at", "of"):
            # "said Tehran's envoy to the U.N., X": the role's object, then the name.
            comma = next((k for k in range(j + 2, min(len(toks), j + 8))
                          if toks[k][2] in (",", ";", ".")), None)
            if comma is not None and toks[comma][2] == ",":
                name = _name_in_apposition(toks, comma)
                if name is not None:
                    end = _name_end(text, toks[comma - 1])
        if name is not None:
            # "said the ministry's spokesman, X": X speaks; the description is X's.
            return toks[name[0]][0], _name_end(text, toks[name[1]]), (s, end)
    appos = None
    if j + 1 < len(toks) and toks[j + 1][2] == ",":
        k = j + 2
        while k < len(toks) and toks[k][2] not in (",", ";", ".", "“", '"', "”") and k - j < 20:
            k += 1
        if k > j + 2:
            first = toks[j + 2][2]
            # A possessive opens a description too ("X, Spain's foreign minister").
            if first.lower() in _DETERMINERS or first.islower() or \
                    first.endswith(("'s", "’s")) or \
                    _match_vocab([x[2].lower() for x in toks[j + 2:k]], 0, t.roles, t.max_len)[1]:
                appos = (toks[j + 2][0], _name_end(text, toks[k - 1]))
    return s, end, appos


# Words of _NOT_HEAD that modify a following noun ("a new report", "the first study").
_MODIFIER_WORDS = frozenset({"new", "first", "last", "other", "same", "own"})


def _plain_word(tok: str) -> bool:
    """A word of letters, possibly hyphenated or with a number ("post-debate", "52-count",
    "ministry's"), as a lower-case source phrase may hold."""
    core = _possessor(tok).rstrip(".").replace("-", "")
    return core.isalnum() and any(c.isalpha() for c in core)


def _possessor(word: str) -> str:
    """``word`` without a possessive ending ("ministry's" -> "ministry")."""
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _name_in_apposition(toks, i: int) -> tuple[int, int] | None:
    """First and last token of a name of two or more capitalised words set off by the comma
    at token ``i`` and ending the clause (", Ana Roe." / ", Ana Roe, ..."), else None."""
    if i >= len(toks) or toks[i][2] != ",":
        return None
    k = i + 1
    while k < len(toks) and _is_cap(toks[k][2]) and \
            toks[k][2].lower().rstrip(".") not in _CAP_STOP_NAME:
        k += 1
        last = toks[k - 1][2]
        if last.endswith(".") and not _is_initial(last) and last[:-1] not in _ABBRS:
            break  # the sentence's full stop
    if k - (i + 1) < 2:
        return None
    if k < len(toks) and not toks[k - 1][2].endswith(".") and toks[k][2] not in (",", ";", ")"):
        return None  # the name runs on into the clause ("..., Ana Roe and Jo Paz agreed")
    return i + 1, k - 1


# --------------------------------------------------------------------------- documents

# A capitalised phrase: names with initials, hyphens, apostrophes and connectors.
_ABBRS = ("Mr", "Mrs", "Ms", "Dr", "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Sgt", "Capt", "Maj",
          "Adm", "Prof", "Rev", "St", "Jr", "Sr", "Del")
_ABBR = "(?:" + "|".join(_ABBRS) + r")\."
_CAP_TOKEN = _ABBR + r"|[A-Z]\.(?:[A-Z]\.)*|[A-Z][\w’'\-]*"
# The first word of a phrase is _CAP_TOKEN rewritten to begin with the character class
# [A-Z]: the regex engine then skips to the next capital letter in C instead of trying
# every position (2-3x faster). After that letter, "(?<=M)(?:r|rs|s|aj)\." is _ABBR
# restricted to the abbreviations starting with it, in the same order, so the
# alternatives are tried as in _CAP_TOKEN and the matches are the same.
_ABBR_AFTER_FIRST = "|".join(
    "(?<=" + f + ")(?:" + "|".join(a[1:] for a in _ABBRS if a[0] == f) + r")\."
    for f in dict.fromkeys(a[0] for a in _ABBRS))
_FIRST_CAP_TOKEN = (r"[A-Z](?<![\w’'].)(?:" + _ABBR_AFTER_FIRST
                    + r"|\.(?:[A-Z]\.)*|[\w’'\-]*)")
_NEXT_CAP_TOKEN = (r"(?:[ \u00a0](?:(?:of|de|van|von|bin|al|da|dos|du|del|der|den)[ \u00a0]"
                   r"(?:(?:der|den|de|la|le)[ \u00a0])?)?(?:" + _CAP_TOKEN
                   + r"|(?:al|el)-[A-Z][\w’'\-]*))")
# A word ending in a full stop ends the phrase unless it is an initial or a known
# abbreviation.
_CAPRUN_RE = re.compile(_FIRST_CAP_TOKEN + _NEXT_CAP_TOKEN + "*")
_CAPRUN2_RE = re.compile(_FIRST_CAP_TOKEN + _NEXT_CAP_TOKEN + "+")  # two words or more


@dataclass
class _Person:
    key: str
    name: str
    surname: str
    role: str | None = None
    country: str | None = None
    gender: str | None = None
    roster: dict | None = None
    # A role and country written in a speaker phrase with the name ("Russian foreign
    # ministry spokeswoman X said"): the person's for later mentions, but not used to find
    # the holder of an office ("the spokesman" may be another, unnamed spokesman).
    said_role: str | None = None
    said_country: str | None = None


class DocumentPeople:
    """People named in one document, for linking surnames and resolving pronouns.

    Parameters
    ----------
    text : str
        The document.
    end : int
        Where the story ends (boilerplate after it is ignored).
    roster : Roster
    titles : Titles
    quoted : sequence of (start, end), optional
        Spans of direct quotations: a person named only inside one is not the antecedent of
        a speaker pronoun ('"... near Scarborough Shoal," she said' is not the shoal's).

    Notes
    -----
    A person is a capitalised phrase of two or more name words after titles,
    party labels, honorifics and country adjectives are removed, whose last
    word is not an organisation head. Single capitalised words become mentions
    of the person whose surname they are, when exactly one such person has been
    introduced in the document; an ambiguous surname links to nobody. Titles
    written with the name at any mention are remembered as the person's role
    and country; the roster overrides them.
    """

    def __init__(self, text: str, end: int, roster: Roster, titles: Titles,
                 quoted: Sequence[tuple[int, int]] = ()):
        self.text = text
        self._end = end
        self._paragraphs: list[tuple[int, int]] | None = None  # when a pronoun needs them
        self._sentence_starts: dict[int, list[int]] = {}  # per paragraph, when needed
        self._quoted = sorted(quoted)
        self._quoted_starts = [a for a, _ in self._quoted]
        self._lower_seen: dict[str, bool] = {}
        self._pending_titles: list = []
        self.roster = roster
        self.titles = titles
        self.people: dict[str, _Person] = {}
        self._person_names: set[str] | None = None
        self.mentions: list[tuple[int, str]] = []  # (offset, person key), in text order
        surnames: dict[str, set] = {}
        spelled: dict[str, str] = {}  # each surname key as first written
        singles: list[tuple[int, str]] = []
        # Only phrases of two or more words can introduce a person; single words are
        # found afterwards by searching for the surnames introduced (cheaper than
        # visiting every capitalised word).
        for m in _CAPRUN2_RE.finditer(text, 0, end):
            phrase = m.group()
            s = m.start()
            toks = phrase.split()
            # A possessive before one last word ends the name: "Mr. Roe's RT appearance"
            # names Roe, and "RT" is his. Before two or more words the possessor describes
            # the name that follows ("NBC's Lester Holt", "Peru's Foreign Minister X"), and
            # so may a first-word possessor before one ("Hezbollah's Nasrallah").
            if len(toks) >= 3 and toks[-2].endswith(("'s", "’s")):
                toks = toks[:-1]
            # Sentence-initial common words are not names ("Injecting X", "After Roe").
            while toks and self._initial_common(s, toks[0]) and \
                    not _title_before_name(toks, titles):
                s += len(toks[0]) + 1
                toks = toks[1:]
            if not toks:
                continue
            if len(toks) > 1 and toks[0].isupper() and \
                    all(w.isupper() and len(w) > 2 for w in toks):
                continue  # a dateline or heading in capitals ("OTTAWA FALLS, ..."), not a name
            first = toks[0].lower()
            thing = (first in _THING_FIRST_WORDS and not (
                first in _COMPASS_WORDS and (len(toks) > 2 or tuple(
                    w.lower() for w in toks[:2]) in titles.countries))) or \
                _NAMED_THING_RE.search(text, max(0, s - 16), s) is not None or \
                _PORTFOLIO_BEFORE_RE.search(text, max(0, s - 24), s) is not None
            if thing and not _parse_shared(" ".join(toks), titles).role:
                # "Operation Blue Harbor", "the South Caucasus", "code-named Vigilant Eagle":
                # an operation, a region, a named thing, not a person ("Campaign Manager X"
                # is a title).
                continue
            if _SENT_TO_BEFORE_RE.search(text, max(0, s - 24), s):
                # "Chinese Ambassador to Ruritania Xiao Qian", "Ambassador to NATO Tom Roe":
                # the place or body he is sent to is not part of his name nor his country.
                k = 0
                while k < len(toks) - 2:
                    two = tuple(w.lower() for w in toks[k:k + 2]) in titles.countries
                    if not (two or (toks[k].isalpha() and toks[k].isupper())
                            or (toks[k].lower(),) in titles.countries):
                        break
                    k += 2 if two else 1
                if k:
                    s = text.index(toks[k], s)
                    toks = toks[k:]
            elif len(toks) >= 3 and len(toks[0]) >= 3 and toks[0].isalpha() and \
                    toks[0].isupper():
                toks = toks[1:]  # "NATO Tom Roe": the organisation is not part of his name
                s = text.index(toks[0], s)
            cut = next((k for k, w in enumerate(toks) if k and w.lower() in _NOT_IN_NAMES), 0)
            if cut:
                # A headline's verb or preposition ends the name ("Jo Roe Goes After X",
                # "Teaming Up With X", a song called "The Tide Is Turning").
                toks = toks[:cut]
            if len(toks) == 1:
                singles.append((s, toks[0]))
                continue
            sp = _parse_shared(" ".join(toks), titles)
            if sp.kind != "person":
                continue
            if not (sp.role or sp.gender) and text.endswith("the ", 0, s) and \
                    _LOWER_NEXT_RE.match(text, s + len(" ".join(toks))):
                continue  # "the Blue Kite contingency plan": a thing's name before its noun
            words = _drop_particles([w for w in sp.name.split() if not _is_initial(w)])
            if len(words) >= 2 and not (sp.role or sp.gender) and self._names_no_one(words) \
                    and self.roster.lookup(sp.name) is None and not self._speaks(s, m.end()):
                continue
            if len(words) == 2 and words[0][:1].isupper() and \
                    words[0].lower() in _PARTICLES and self._particle_surname(words):
                # "Van Roon" opening a sentence after "Pieter van Roon": the surname again.
                singles.append((s, words[-1]))
                continue
            # Two name words, or a title with initials before one word ("Minister S. Roe";
            # without a title "N. Korea" would be a person): a person is introduced.
            parts = sp.name.split()
            if len(words) >= 2 or (len(words) == 1 and len(parts) > 1
                                   and parts[-1] == words[0] and (sp.role or sp.gender)):
                p = self._add(sp)
                self._learn_description(p, m.end())
                self._learn_description_before(p, s, m.end())
                self._learn_counterpart(p, s)
                self.mentions.append((s, p.key))
                for word in (p.surname, _family_name_first(words)):
                    if word:
                        surnames.setdefault(word.lower(), set()).add(p.key)
                        spelled.setdefault(word.lower(), word)
            elif len(words) == 1:
                singles.append((s, words[0]))
                if sp.role or sp.gender:
                    # "Prime Minister Roe", "Mr. Doe": remember what the title says.
                    self._pending_titles.append((words[0], sp))
        self._surnames = surnames
        introduced: dict[str, _Person] = {}
        for w, sp in self._pending_titles:
            # "President Roe", "Ms. Lee" with no full name anywhere in the story: the title
            # says this is a person, who is introduced by the surname alone, so that "Roe"
            # and "he" find her (else a pronoun falls to any phrase before). A given name
            # before an initial ("Rep. Robert C.", a name broken by a nickname) is not.
            low = _strip_possessive(w).lower()
            if sp.name.split()[-1] != w or (
                    low in surnames and low not in introduced) or self.link_first_word(w):
                continue
            p = introduced.get(low) or self._add(sp)
            introduced[low] = p
            surnames.setdefault(low, set()).add(p.key)
            spelled.setdefault(low, _strip_possessive(w))
            cand = self.roster.by_surname.get(low)
            if p.roster is None and sp.role and cand is not None and cand.get("role") == sp.role:
                p.roster = cand  # the rule of ``resolve``: the roster when the title agrees
        for s, w in singles:
            key = self.link_surname(w)
            if key:
                self.mentions.append((s, key))
        for low, keys in surnames.items():
            if len(keys) != 1:
                continue
            key = next(iter(keys))
            word = spelled[low]
            n = len(word)
            i = text.find(word, 0, end)
            while i >= 0:
                before = text[i - 1] if i else " "
                after = text[i + n] if i + n < len(text) else " "
                if not before.isalnum() and not after.isalnum():
                    self.mentions.append((i, key))
                i = text.find(word, i + n, end)
        for w, sp in self._pending_titles:
            key = self.link_surname(w)
            if key:
                p = self.people[key]
                p.role = p.role or sp.role
                p.country = p.country or sp.country
                p.gender = p.gender or sp.gender
        self.mentions.sort()
        self._offsets = [o for o, _ in self.mentions]
        self._home: str | None | bool = False  # found when first asked
        self._first_at: dict[str, int] = {}
        for o, key in self.mentions:
            self._first_at.setdefault(key, o)

    def _speaks(self, start: int, end: int) -> bool:
        """Whether the capitalised phrase at ``start:end`` is a speaker ("said Frank Field",
        "Frank Field said"): then it is a name even when its words are common ones."""
        return _SPEECH_AFTER_RE.match(self.text, end) is not None or \
            _SPEECH_BEFORE_RE.search(self.text, max(0, start - 12), start) is not None

    def _names_no_one(self, words: list[str]) -> bool:
        """Whether untitled capitalised words are a heading or a title of a work rather than a
        name: every one is also written in lower case in the story ("Cold War", "Climate
        Change")."""
        low = [_strip_possessive(w).lower() for w in words]
        seen = self._lower_seen
        for w in low:
            if w not in seen:
                seen[w] = _lower_in_text(self.text, w)
            if not seen[w]:
                return False
        return True

    def _initial_common(self, s: int, tok: str) -> bool:
        low = tok.lower().rstrip(".")
        if low in _CAP_STOP_NAME:
            return True
        before = self.text[max(0, s - 3):s]
        at_start = s == 0 or "\n" in before or before.rstrip()[-1:] in (".", "“", '"', "?", "!", ":")
        if not at_start:
            return False
        if low.endswith("ing") or low in _INITIAL_PREPS:
            return True
        hit = self._lower_seen.get(low)
        if hit is None:
            hit = self._lower_seen[low] = _lower_in_text(self.text, low)
        return hit

    def _add(self, sp: Speaker) -> _Person:
        key = name_key(sp.name)
        p = self.people.get(key)
        if p is None:
            words = [w for w in sp.name.split() if not _is_initial(w)]
            p = _Person(key=key, name=sp.name, surname=_strip_possessive(words[-1]))
            p.roster = self.roster.lookup(sp.name)
            self.people[key] = p
        p.role = p.role or sp.role
        p.country = p.country or sp.country
        p.gender = p.gender or sp.gender
        return p

    def _particle_surname(self, words: list[str]) -> str | None:
        """Key of the one person whose name ends with these words in any case ("Van Roon"
        for "Pieter van Roon"), else None."""
        tail = " " + " ".join(words).lower()
        keys = [k for k, p in self.people.items() if p.name.lower().endswith(tail)]
        return keys[0] if len(keys) == 1 else None

    def link_surname(self, word: str) -> str | None:
        """Key of the one person in the document with this surname, else None."""
        keys = self._surnames.get(_strip_possessive(word).lower())
        if keys and len(keys) == 1:
            return next(iter(keys))
        return None

    def link_first_word(self, word: str) -> str | None:
        """Key of the one person whose name begins with this word, when it is no one's
        surname ("Tang" for "Tang Yiming", a family name written first; "Donna" for a
        person called by her first name), else None."""
        low = _strip_possessive(word).lower()
        if low in self._surnames:
            return None
        keys = [k for k, p in self.people.items()
                if p.name.split()[0].lower() == low and len(p.name.split()) > 1]
        return keys[0] if len(keys) == 1 else None

    def _gender(self, key: str) -> str | None:
        p = self.people[key]
        if p.roster and p.roster.get("gender"):
            return p.roster["gender"]
        return p.gender or None

    def person_names(self) -> set[str]:
        """Canonical names of the people of the document (roster names where known)."""
        if self._person_names is None:
            self._person_names = {self.describe(k)[0] for k in self.people}
        return self._person_names

    def resolve_pronoun(self, pronoun: str, pos: int) -> str | None:
        """Key of the most recent person before ``pos`` compatible with the pronoun."""
        want = PRONOUNS.get(pronoun.lower())
        i = bisect.bisect_left(self._offsets, pos) - 1
        if pronoun.lower() == "who":
            # "Stevie Wonder, who joked": the person named just before.
            if i >= 0 and pos - self.mentions[i][0] <= 60:
                return self.mentions[i][1]
            return None
        if pronoun.lower() not in ("he", "she"):
            return None
        described = self._described_subject(pos)
        if described is not None and (i < 0 or self.mentions[i][0] < described[0]) and \
                self._fits(described[1], want, described[0]):
            return described[1]
        opening = self._opening_phrase(pos)
        while i >= 0:
            at, key = self.mentions[i]
            if opening and opening[0] <= at < opening[1]:
                i -= 1  # "After talks with X, he said": X is not the subject
                continue
            if self._fits(key, want, at):
                return self._sentence_subject(i, want, pos) or key
            i -= 1
        return None

    def _described_subject(self, pos: int) -> tuple[int, str] | None:
        """Offset and key of the person that a definite description opening the sentence of
        a pronoun at ``pos`` names, or, when that sentence opens with a quotation, the
        sentence before it in the same paragraph ("The Polish minister dismissed the
        denial. “...,” he said."): the description is the subject the pronoun goes on with.
        Only a description that :meth:`_office_holder` ties to one person of the document
        counts ("the official" with no official named does not)."""
        text = self.text
        start = self._sentence_start(pos)
        if text[start:pos].lstrip()[:1] in _OPENING_MARKS:
            if start == 0 or self._paragraph_of(start - 1) != self._paragraph_of(pos):
                return None
            start = self._sentence_start(start - 1)
        m = _DESCRIBED_SUBJECT_RE.match(text, start, pos)
        if m is None:
            return None
        words = m.group(1).split()
        for n in range(len(words), 1, -1):
            phrase = " ".join(words[:n])
            sp = parse_mention(phrase, self.titles)
            if sp.kind == "nominal" and sp.role and words[n - 1].lower() in self.titles.descriptors:
                key = self._office_holder(phrase, sp, m.start(1))
                return None if key is None else (m.start(1), key)
        return None

    def _opening_phrase(self, pos: int) -> tuple[int, int] | None:
        """Span of the phrase that opens the sentence of a pronoun at ``pos`` when the pronoun
        follows it directly ("At a news conference with X, he said", "Standing beside X,
        he ..."), else None."""
        start = self._sentence_start(pos)
        head = self.text[start:pos]
        if not head.endswith(", ") or head.count(",") != 1:
            return None
        first = head.lstrip(" “\"").split(" ", 1)[0].lower()
        if first in _INTRO_WORDS or first.endswith("ing") or first in _OPENING_PREPS:
            return start, pos
        return None

    def _role_before(self, i: int) -> bool:
        """Whether mention ``i`` is preceded by a lower-case role word ("spokesman Doe")."""
        at = self.mentions[i][0]
        words = self.text[max(0, at - 40):at].split()
        return bool(words) and words[-1].islower() and words[-1] in self.titles.descriptors

    def _last_two(self, pos: int) -> list[str] | None:
        """Keys of the two people "the two" at ``pos`` refers to (in text order): those named
        before it in its sentence, or else in the sentence before (same paragraph), outside
        direct quotations; None unless that sentence names exactly two people ("X spoke with
        Y, spokesman Z said. The two agreed" is not guessed)."""
        p = self._paragraph_of(pos)
        para = self._paragraphs[p][0] if p >= 0 else 0
        hi, lo = pos, self._sentence_start(pos)
        for _ in range(2):
            keys: list[str] = []
            i = bisect.bisect_left(self._offsets, lo)
            while i < len(self.mentions) and self.mentions[i][0] < hi:
                at, key = self.mentions[i]
                if key not in keys and not self._in_quotation(at):
                    keys.append(key)
                i += 1
            if keys:
                return keys if len(keys) == 2 else None
            if lo <= para:
                return None
            hi, lo = lo, self._sentence_start(lo - 1)
        return None

    def _fits(self, key: str, want: str | None, at: int) -> bool:
        g = self._gender(key)
        return (g is None or g == want) and not self._in_quotation(at)

    def _paragraph_of(self, at: int) -> int:
        """Index of the paragraph holding offset ``at`` (-1 before the first); paragraphs are
        found when first needed."""
        if self._paragraphs is None:
            self._paragraphs = paragraph_spans(self.text, 0, self._end)
        return bisect.bisect_right(self._paragraphs, (at, len(self.text))) - 1

    def _sentence_starts_in(self, p: int) -> list[int]:
        """Sentence starts of paragraph ``p`` (split only in the paragraphs asked about)."""
        if p not in self._sentence_starts:
            a, b = self._paragraphs[p]
            self._sentence_starts[p] = [s for s, _ in sentence_spans(self.text, a, b)]
        return self._sentence_starts[p]

    def _capital_opening(self, start: int, end: int) -> str | None:
        """Country of the capital in "In <capital>, " opening the sentence of a speaker
        phrase at ``start:end`` that names a ministry or government, with at most a few
        lower-case words between ("In Ankara, defence ministry spokesman X said", "In
        Oslo, a government spokesman said"), else None."""
        if _GOVERNMENT_RE.search(self.text, max(0, start - 40), end) is None:
            return None  # the common case, decided without finding the sentence start
        m = _IN_CAPITAL_RE.match(self.text, self._sentence_start(start), start)
        if m is None:
            return None
        phrase = self.text[m.end(1) + 1:end]
        g = _GOVERNMENT_RE.search(phrase)
        if g is None:
            return None
        # Only the state's own body: nothing but its portfolio words before the word, and
        # no possessive, other noun or name after it ("Hamas government officials", "the
        # Hong Kong government", "the government's critics", "government negotiators").
        before = phrase[:g.start()].split()
        after = phrase[g.end():].split()
        if any(w[:1].isupper() and w.lower() not in _STATE_BODY_WORDS for w in before) or \
                phrase[g.end():g.end() + 1] in ("'", "’", "-") or \
                (after and after[0].lower() not in _STATE_BODY_NEXT):
            return None
        return self.titles.countries.get(tuple(m.group(1).lower().split()))

    def _sentence_start(self, at: int) -> int:
        """Start of the sentence holding offset ``at`` (of its paragraph when unsplit)."""
        p = self._paragraph_of(at)
        if p < 0:
            return 0
        starts = self._sentence_starts_in(p)
        k = bisect.bisect_right(starts, at) - 1
        return starts[k] if k >= 0 else self._paragraphs[p][0]

    def _sentence_start_before(self, at: int, pos: int) -> int | None:
        """Start of the sentence holding offset ``at``, if ``pos`` lies in a later sentence."""
        p = self._paragraph_of(at)
        if p < 0:
            return None
        starts = self._sentence_starts_in(p)
        k = bisect.bisect_right(starts, at) - 1
        if k < 0:
            return None
        later = starts[k + 1] if k + 1 < len(starts) else self._paragraphs[p][1]
        return starts[k] if pos >= later else None

    def _possessive_at(self, pos: int) -> bool:
        """Whether the name at ``pos`` is a possessor ("Mr. Roe's plan"), not a subject."""
        m = _CAPRUN_RE.match(self.text, pos)
        return m is not None and m.group().endswith(("'s", "’s"))

    def _names_role(self, words: list[str]) -> bool:
        low = [w.lower() for w in words]
        return any(_match_vocab(low, k, self.titles.roles, self.titles.max_len)[1]
                   for k in range(len(low)))

    def _sentence_subject(self, i: int, want: str | None, pos: int) -> str | None:
        """The first person fitting the pronoun in the sentence of mention ``i``, when that
        sentence ends before the pronoun's: a pronoun opening a new sentence refers to the
        previous sentence's subject rather than to a name later in it ("X arrived for talks
        with Y. Speaking to reporters, he said": X)."""
        text = self.text
        at = self.mentions[i][0]
        start = self._sentence_start_before(at, pos)
        if start is None:
            return None
        first = text[start:start + 16].lstrip(" “\"").split(" ", 1)[0].rstrip(",").lower()
        if first in PRONOUNS:
            # "He notes that the Commission ...": the subject is a pronoun, whose person is
            # the one named before; keep the most recent.
            return None
        if first in _INTRO_WORDS or (first.endswith("ing") and first != "according"):
            # "While he worked under X, Y said", "In an interview with X, Y said": the
            # subject follows the opening phrase.
            comma = text.find(", ", start, at + 1)
            if comma < 0:
                return None
            start = comma
        j = bisect.bisect_left(self._offsets, start)
        while j < i:
            o, key = self.mentions[j]
            if self._fits(key, want, o) and not self._possessive_at(o):
                # A name that only modifies a title before another name is not the
                # subject ("Clinton communication director Jo Roe"), nor is a first name
                # also found as someone's surname at the same place: the next name is.
                while j + 1 <= i:
                    o2, key2 = self.mentions[j + 1]
                    gap = text[o:o2].split()[1:]
                    if not (o2 == o or (o2 - o <= 40 and gap and all(w.islower() for w in gap)
                                        and self._names_role(gap))) \
                            or not self._fits(key2, want, o2):
                        break
                    j, o, key = j + 1, o2, key2
                return key
            j += 1
        return None

    def _in_quotation(self, pos: int) -> bool:
        k = bisect.bisect_right(self._quoted_starts, pos) - 1
        return k >= 0 and pos < self._quoted[k][1]

    def _sentence_country(self, pos: int) -> str | None:
        """The first country named in the sentence before ``pos`` ("Canada ..., it said")."""
        text = self.text
        s = max(text.rfind(". ", 0, pos), text.rfind("\n", 0, pos)) + 1
        named = self._countries_in(text[s:pos])
        return named[0][0] if named else None

    def describe(self, key: str, said: bool = True) -> tuple[str, str | None, str | None]:
        """(canonical name, role, country) of a person; roster values win. ``said=False``
        leaves out what only a speaker phrase gave (see ``_Person.said_role``)."""
        p = self.people[key]
        role = p.role or (p.said_role if said else None)
        country = p.country or (p.said_country if said else None)
        if p.roster:
            r = p.roster
            return r["name"], r.get("role") or role, r.get("country") or country
        return p.name, role, country

    def _description(self, appositive: str) -> Speaker | None:
        """The parse of a description written beside a name ("the foreign minister"), or
        None when its title belongs to someone else it names."""
        appositive = self._without_field(appositive)
        extra = _parse_shared(appositive, self.titles)
        pp = _PP_RE.search(appositive)
        head = appositive[:pp.start()].lower().split() if pp else []
        if extra.role and pp and 2 <= len(head) <= 3 and head[0] in ("a", "an", "the") and \
                not _AS_RE.search(appositive, pp.end()) and \
                " and " not in appositive[pp.end():] and \
                _parse_shared(appositive[pp.end():], self.titles).role == extra.role:
            # "a critic of the prime minister", "the wife of the foreign minister": the
            # office is that of the person the phrase names ("chief of staff" keeps its own).
            return None
        if extra.role or extra.country:
            # The description names someone else, and its title is theirs when written
            # with their name ("the sister of leader X", "in talks with Chancellor X", "an
            # adviser to President X"); not so in "the attorney general of Y, one of the
            # states suing the EPA".
            for m in _CAPRUN_RE.finditer(appositive):
                # The words written right before the name, back to a determiner or a
                # preposition ("leader X", "secretary of state X"; not "adviser at the X").
                before = appositive[:m.start()].split()[-4:]
                k = len(before)
                while k and before[k - 1].lower() not in _NOT_TITLE_WORDS:
                    k -= 1
                near = _parse_shared(" ".join([*before[k:], m.group()]), self.titles)
                if near.kind == "person" and (
                        (near.role and near.role == extra.role)
                        or (near.country and near.country == extra.country)):
                    return None
        return extra

    def _without_field(self, description: str) -> str:
        """``description`` without a country's name written as the field of an expert ("an
        Iran analyst", "a leading Russia watcher"): that is her subject, not her
        country. (Adjectives stay: "an Iranian analyst" is Iranian.)"""
        m = _FIELD_ROLE_RE.search(description)
        if m is None:
            return description
        words = description[:m.start()].split()
        for k in (2, 1):
            name = tuple(w.lower() for w in words[-k:])
            country = self.titles.countries.get(name) if len(words) >= k else None
            if country is not None and " ".join(name) == country.lower():
                cut = len(" ".join(words[:-k]))
                return description[:cut] + " " + description[m.start():]
        return description

    def _learn_description(self, p: _Person, end: int) -> None:
        """Give ``p`` the role and country of a description after its name at ``end``
        (", the foreign minister," / ", a Vienna-based analyst who ..."), when it has them
        and ``p`` has none: later mentions ("she said") then carry them.

        A description closed by a comma or a relative clause counts; one that runs to the
        end of the sentence only when it holds no verb of saying or auxiliary: in "After
        meeting X, the minister said ..." the words after the comma are the sentence's own
        subject and verb, not a description of X."""
        m = _DESCRIPTION_AFTER_RE.match(self.text, end)
        if m is None:
            return
        closer = self.text[m.end():m.end() + 1]
        if closer not in (",", " ", ";") and any(
                w in _SAYING or w in _AUX_WORDS for w in m.group(1).lower().split()):
            return
        desc = m.group(1)
        words = desc.lower().split()
        if not any(w in self.titles.first_words for w in words):
            return  # names no role or country
        extra = self._role_description(desc)
        if extra is None:
            return
        p.role = p.role or extra.role
        if not _is_clause(desc):  # a place in a clause about them is where they are
            p.country = p.country or extra.country

    def _role_description(self, desc: str) -> Speaker | None:
        """The parse of a description beside a name when it reads as one (it opens with a
        determiner, a lower-case word or a possessive) and names a role; else None."""
        first = desc.split()[0]
        if not (first.lower() in _DETERMINERS or first.islower()
                or first.endswith(("'s", "’s"))):
            return None
        extra = self._description(desc)
        if extra is None or extra.kind != "nominal" or not extra.role:
            return None
        return extra

    def _learn_description_before(self, p: _Person, start: int, end: int) -> None:
        """Give ``p`` the role and country of a description set before its name in apposition
        ("Rwanda's foreign minister, X, said" / "“...,” the party's secretary, X, told"),
        when it has them and ``p`` has none.

        The description must open its sentence (or follow a quotation or colon) and begin
        with a determiner, a lower-case word or a possessive, and the name must be closed by a
        comma: "After meeting the foreign minister, X said" describes no one."""
        text = self.text
        if text[end:end + 1] != "," or text[max(0, start - 2):start] not in (", ", ",\u00a0"):
            return
        lo = self._sentence_start(start)
        # After a wire dateline ("ACCRA — Ghana's Minister for ..., X, said").
        lo = dateline_end(text, lo, start) or lo
        # After a quotation or a colon in the same sentence ("“...,” the minister, X, said").
        lo = max([lo] + [text.rfind(c, lo, start) + 1 for c in "”\":"])
        desc = text[lo:start - 2].strip()
        if not desc or "," in desc or len(desc.split()) > 12 or \
                _RELATIVE_WORDS.intersection(desc.lower().split()):
            return  # "The man who defeated the prime minister, X": not X's office
        extra = self._role_description(desc)
        if extra is None:
            return
        pp = _PP_RE.search(desc)
        if pp and _parse_shared(desc[pp.end():], self.titles).role == extra.role:
            return  # "Her opponent for governor, X": the office is not X's
        p.role = p.role or extra.role
        p.country = p.country or extra.country

    def _learn_counterpart(self, p: _Person, start: int) -> None:
        """Give ``p`` the office of the person whose counterpart it is and the country of
        the adjective before "counterpart" ("Defence Minister X met his German counterpart,
        Y": Y is Germany's defence minister), when ``p`` has none.

        The owner is the last person named before "counterpart" in its sentence (or in
        the sentence before, when "His counterpart" opens the sentence); a
        counterpart of someone without a known office gets only the country, and words
        before "counterpart" that are no country adjective ("his Foreign Ministry
        counterpart") give nothing."""
        text = self.text
        m = _COUNTERPART_RE.search(text, max(0, start - 60), start)
        if m is None:
            return
        adjective = tuple(m.group(1).lower().split())
        country = self.titles.countries.get(adjective) if adjective else None
        if adjective and country is None:
            return
        lo = self._sentence_start(m.start())
        if lo > 0 and text[lo:m.start()].strip() == "":
            # "His Nigerian counterpart X ..." opens its sentence: the owner is named in
            # the sentence before.
            lo = self._sentence_start(lo - 1)
        # The mentions collected so far are in text order.
        i = bisect.bisect_left(self.mentions, m.start(), key=itemgetter(0)) - 1
        owner = self.people.get(self.mentions[i][1]) if i >= 0 and \
            self.mentions[i][0] >= lo else None
        p.role = p.role or (owner.role if owner is not None else None)
        p.country = p.country or country

    def _office_holder(self, mention: str, sp: Speaker, start: int) -> str | None:
        """Key of the one person of the document holding the office that a definite,
        singular description names ("the foreign minister", "Norway's foreign minister"),
        if that person's country (when known) agrees; else None.

        A wire lede often names the office and a later paragraph the name. Indefinite
        ("a foreign minister") and plural descriptions name someone else or several people,
        and an office held by two people named in the document is ambiguous."""
        words = mention.split()
        low = [w.lower() for w in words]
        definite = low[0] == "the" or (sp.country is not None and low[0].endswith(("'s", "’s")))
        if not definite or low[-1].endswith("s") or len(words) > 6:
            return None
        # Only the office and a country: a party, a state or any other name in the
        # description ("the GOP nominee", "the South Carolina senator") is a fact about
        # the holder that the document's people cannot be checked against.
        i = 1 if low[0] == "the" else 0
        while i < len(words):
            n = _match_vocab(low, i, self.titles.countries, self.titles.max_len)[1]
            if n:
                i += n
            elif words[i].islower() and low[i] not in self.titles.parties:
                i += 1
            else:
                return None
        found = []
        for key in self.people:
            _, role, country = self.describe(key, said=False)
            # "the minister" after "Defence Minister X": a bare office word names the
            # holder of a title ending in it.
            fits = role == sp.role or (sp.role in _BARE_OFFICES and isinstance(role, str)
                                        and role.endswith(" " + sp.role))
            if not fits or (sp.country and country and country != sp.country):
                continue
            if sp.country and country != sp.country and \
                    start > self._first_at.get(key, len(self.text)):
                # After the person has been named without a country, "Norway's foreign
                # minister" is more likely someone else (the host of a visit); "the mayor"
                # after "Mayor X" is X.
                continue
            found.append(key)
        if len(found) > 1 and sp.role in _BARE_OFFICES:
            # "Foreign Secretary X" is a foreign minister too, but "the minister" names the
            # one whose title is written with the word ("Defence Minister Y").
            found = [k for k in found if self._titled_with(k, words[-1])]
        if len(found) > 1:
            # A description refers back to the one holder named before it, if there is one
            # (a lede may name the office before the person, so later people still count
            # when no one was named before).
            before = [k for k in found if self._first_at.get(k, len(self.text)) < start]
            if len(before) == 1:
                found = before
        return found[0] if len(found) == 1 else None

    def _titled_with(self, key: str, word: str) -> bool:
        """Whether a mention of ``key`` is written with a title ending in ``word`` ("Defence
        Minister Jo Roe": the word, then only name words before the surname)."""
        surname = self.people[key].surname
        if not surname:
            return False
        pattern = re.compile(rf"\b(?i:{re.escape(word)})\s+(?:[A-Z][\w’'.-]*\s+)*"
                             rf"{re.escape(surname)}\b")
        return any(k == key and pattern.search(self.text, max(0, at - 30), at + 80)
                   for at, k in self.mentions)

    def resolve(self, mention: str, start: int, appositive: str | None = None
                ) -> tuple[str | None, str | None, str | None]:
        """Canonical speaker, role and country for a mention at offset ``start``.

        As :meth:`_resolve`, then a person, or a body or official of a ministry or
        government, left without a country takes the story's home country
        (:meth:`home_country`), unless the mention or its description names an
        international organisation or an affiliation elsewhere ("an analyst at X in Y")."""
        name, role, country = self._resolve(mention, start, appositive)
        if name is None or country is not None or ";" in name:
            return name, role, country
        home = self.home_country()
        if home is None:
            return name, role, country
        sp = _parse_shared(mention, self.titles)
        if not (sp.kind in ("person", "pronoun")
                or _GOVERNMENT_RE.search(mention) is not None) or role in _UNAFFILIATED_ROLES:
            return name, role, country
        described = f"{mention} {appositive or ''}"
        if _INTERNATIONAL_RE.search(described) or _AFFILIATION_RE.search(appositive or "") \
                or _FOREIGN_RE.search(described) or any(
                    c != home for c, _, _ in self._countries_in(described)):
            # An international body, an institution elsewhere, "a Western official", or a
            # description naming another country ("the sister of Ruritanian leader X").
            return name, role, country
        return name, role, home

    def home_country(self) -> str | None:
        """The country a story was filed from, when its wire dateline is that country's
        capital or names it ("OSLO — ", "MANILA, Philippines — ") and the sentence after
        the dateline names the same country; else None. Wire copy names its home country's
        officials without a country adjective and identifies every foreigner, so a venue
        ("VIENNA — Talks between Iran and ...") gives no home."""
        if self._home is not False:
            return self._home
        self._home = None
        text = self.text
        for ps, pe in paragraph_spans(text, 0, min(self._end, 2000))[:3]:
            m = dateline(text, ps, pe)
            if m is None:
                continue
            where = m.group("region") or m.group("place")
            home = self.titles.countries.get(tuple(where.lower().split()))
            if home is None:
                break
            # The lede must name the home, not as a venue and not coordinated with another
            # country: "MUSCAT, Oman — Negotiators for Yemen's government resumed talks in the
            # Omani capital" and "NEW DELHI — India and Pakistan accused each other ..."
            # report on others, whose officials come unlabelled too. It need not be the first
            # country: the adversary often comes first ("VILNIUS — Russia's hackers attacked
            # Lithuania's grid").
            lede = text[m.end():pe].split(". ", 1)[0]
            found = self._countries_in(lede)
            named = [(s, e) for c, s, e in found if c == home]
            # Coordinated: another country beside it with only "and", "or" or a comma
            # between ("India and Pakistan", "Pakistani and Indian troops").
            coordinated = any(
                _BETWEEN_COORDINATED_RE.fullmatch(lede, e, s2) or
                _BETWEEN_COORDINATED_RE.fullmatch(lede, e2, s)
                for s, e in named for c2, s2, e2 in found if c2 != home)
            # The dateline's own city as the place of the news ("JEDDAH, Saudi Arabia —
            # Sudan's warring sides sat down for talks in Jeddah ..., Saudi Arabia's foreign
            # ministry said"): a venue, whose host's officials are not the story's people.
            venue = re.search(rf"\b(?:in|at)\s+{re.escape(m.group('place').title())}\b", lede)
            if named and not coordinated and venue is None and \
                    not all(_VENUE_BEFORE_RE.search(lede, 0, s) for s, _ in named):
                self._home = home
            break
        return self._home

    def _countries_in(self, text: str) -> list[tuple[str, int, int]]:
        """Countries named in ``text`` by name, adjective or capital, in order, each with the
        offsets of its mention."""
        out = []
        for run in _CAPRUN_RE.finditer(text):
            words = run.group().split()
            low = [_strip_possessive(w).lower() for w in words]
            i = 0
            while i < len(low):
                for k in (2, 1):
                    c = self.titles.countries.get(tuple(low[i:i + k]))
                    if c and len(low[i:i + k]) == k:
                        start = run.start() + len(" ".join(words[:i])) + (1 if i else 0)
                        end = run.start() + len(" ".join(words[:i + k]))
                        out.append((c, start, end))
                        i += k
                        break
                else:
                    i += 1
        return out

    def _resolve(self, mention: str, start: int, appositive: str | None = None
                 ) -> tuple[str | None, str | None, str | None]:
        """Canonical speaker, role and country for a mention at offset ``start``, from the
        mention, its description and what the document says of the person.

        Parameters
        ----------
        mention : str
            The speaker as written.
        start : int
            Its offset (pronouns look back from here).
        appositive : str, optional
            A description written next to it (``the foreign minister``).

        Returns
        -------
        (speaker, role, country)
            Persons: the full name (roster name when listed), with role and country
            from the roster, else from titles written in the document. Organisations
            and nominal speakers: the phrase as written without a leading
            determiner, with any country adjective; but a body named by lower-case
            words ("Iran's foreign ministry", "the Iranian foreign ministry") is those
            words ("foreign ministry"), its country in the country column, and so is a body
            at home in its capital ("the foreign ministry in Jakarta"). A relative "which"
            is the phrase before its comma. Unresolved pronouns and an unresolved "the two":
            all None.
        """
        officials = _roles_of_states(mention, self.titles) if " of " in mention else None
        if officials is not None:
            states = "; ".join(dict.fromkeys(officials[1]))
            return states, officials[0], states
        if _PAIR_RE.fullmatch(mention) or _NUMERAL_SUBJECT_RE.fullmatch(mention):
            pair = self._last_two(start) if _PAIR_RE.fullmatch(mention) else None
            if not pair:
                return None, None, None  # like an unresolved pronoun
            return _join_sources([self.describe(k) for k in pair])
        topic = _TOPIC_HEAD_RE.match(mention)
        if topic and _TOPIC_SOURCE_RE.fullmatch(mention + " "):
            # "Experts on arms control and energy policy": one source, named by its field;
            # the field is neither a second speaker nor the source's country.
            head = _parse_shared(topic.group(1), self.titles)
            name = re.sub(r"^(?:the|a|an)\s+", "", mention.strip(), flags=re.IGNORECASE)
            return name, head.role, head.country
        # (The role-holder search only matters with an "and"; most mentions have none.)
        if " and " in mention and mention.lower() not in PRONOUNS and not (
                (holder := _ROLE_HOLDER_RE.search(mention))
                and holder.end() <= mention.index(" and ")):
            # ("Officials in X and Y" is one group of people, not two speakers.)
            parts = [p for p in mention.split(" and ") if p.strip()]
            if len(parts) == 2 and ", " in parts[0] and all(
                    _LIST_MEMBER_RE.fullmatch(p) for p in parts[0].split(", ")):
                # "Britain, France and Germany": every member of the list.
                parts = [*parts[0].split(", "), parts[1]]
            if len(parts) >= 2:
                got = [self.resolve(p.strip(), start + mention.index(p)) for p in parts]
                if all(g[0] for g in got):
                    return _join_sources(got)
        sp = _parse_shared(mention, self.titles)
        if sp.country is None and sp.kind != "pronoun":
            capital = self._capital_opening(start, start + len(mention))
            if capital:
                sp = replace(sp, country=capital)
        extra = self._description(appositive) if appositive else None
        role = sp.role or (extra.role if extra else None)
        country = sp.country or (extra.country if extra else None)
        if extra is not None and not sp.country and _is_clause(appositive):
            # "making her third visit to X as foreign minister": a place in a clause about
            # the speaker is where they are, not their country.
            country = None
        if sp.kind == "pronoun":
            if sp.name.lower() == "which":
                # "The Indian Army, which said ...": the phrase before the comma.
                comma = self.text.rfind(",", max(0, start - 3), start)
                if comma < 0:
                    return None, None, None
                lo = max(0, self.text.rfind(".", 0, comma) + 1, comma - 150)
                head = subject_before(self.text, lo, comma, self.titles)
                if head is None or self.text[head[0]:head[1]].lower() in PRONOUNS:
                    return None, None, None
                return self.resolve(self.text[head[0]:head[1]], head[0])
            if sp.name.lower() == "it":
                country = self._sentence_country(start)
                return (country, "government", country) if country else (None, None, None)
            key = self.resolve_pronoun(sp.name, start)
            return self.describe(key) if key else (None, None, None)
        # A role written in lower case is the speaker itself ("a spokeswoman for X", "the
        # state attorney general"), not the people named in the phrase; a capitalised one
        # may be a surname read as a title ("Mr. King").
        role_holder = sp.kind == "nominal" and sp.role and any(
            w.islower() for w in mention.split())
        holder = _ROLE_HOLDER_RE.search(mention) if sp.kind == "nominal" else None
        roleless = holder is not None and holder.group(1).lower() in _ROLELESS_HEADS
        if (sp.kind == "nominal" and not role_holder and not roleless) or (
                sp.kind == "person" and any(
                w.islower() for w in mention.split()[1:])):
            # "Roe’s summit meeting with ... Doe": the people named in it.
            i = bisect.bisect_left(self._offsets, start)
            keys: list[str] = []
            while i < len(self.mentions) and self.mentions[i][0] < start + len(mention):
                if self.mentions[i][1] not in keys:
                    keys.append(self.mentions[i][1])
                i += 1
            if len(keys) > 1 and self._role_before(next(
                    n for n in range(bisect.bisect_left(self._offsets, start), i)
                    if self.mentions[n][1] == keys[-1])):
                # "Roe campaign spokesman Doe", "Roe's campaign manager Doe": a role written
                # in lower case right before the last name is that person's; they speak.
                name, r, c = self.describe(keys[-1])
                return name, r or sp.role, c
            if len(keys) > 1 or (keys and sp.kind == "nominal"):
                return _join_sources([self.describe(k) for k in keys])
        if sp.kind == "person":
            words = _drop_particles([w for w in sp.name.split() if not _is_initial(w)])
            if not words:  # only initials ("J. R."): nothing to link
                return sp.name, role, country
            key = name_key(sp.name) if len(words) >= 2 else (
                self.link_surname(words[0])
                or (None if self.roster.by_surname.get(words[0].lower())
                    or self.roster.lookup(words[0]) else self.link_first_word(words[0])))
            if key not in self.people and len(words) == 2 and words[0].lower() in _PARTICLES:
                key = self._particle_surname(words)
            if key and key in self.people:
                p = self.people[key]
                # A role or country written in the mention itself ("Russian foreign
                # ministry spokeswoman X said") is the person's: later mentions ("X said",
                # "she said") carry it. (A description beside it is learned, or not, by
                # the stricter rules of _learn_description.)
                p.said_role = p.said_role or sp.role
                p.said_country = p.said_country or sp.country
                if p.roster:
                    return self.describe(key)
                if role and p.said_role and set(role.split()) <= set(p.said_role.split()):
                    role = p.said_role  # "Assistant Secretary X" after "Assistant Secretary
                    # of State X": the fuller title written earlier
                # What the document says of the person, then what this mention writes
                # ("Foreign Minister Wang said" after "spokesman Wang Wenbin"), then what an
                # earlier mention wrote.
                name, r, c = self.describe(key, said=False)
                return name, r or role or p.said_role, c or country or p.said_country
            rec = self.roster.lookup(sp.name)
            if rec is None and len(words) == 1 and role:
                # "Prime Minister Roe" with no full name in the text: trust the roster
                # only when the title written agrees with it.
                cand = self.roster.by_surname.get(words[0].lower())
                if cand is not None and cand.get("role") == role:
                    rec = cand
            if rec is not None:
                return rec["name"], rec.get("role") or role, rec.get("country") or country
            return sp.name, role, country
        if role_holder:
            key = self._office_holder(mention, sp, start)
            if key is not None:
                # The description may be the only place that gives the holder's country:
                # later mentions of the name inherit it.
                p = self.people[key]
                p.country = p.country or sp.country
                return self.describe(key)
        name = sp.name
        low = name.lower()
        if sp.kind == "org" and sp.country and tuple(low.split()) in self.titles.countries:
            # "Ottawa said", "Beijing warned": the country's government speaks.
            return sp.country, "government", sp.country
        for det in ("the ", "a ", "an "):
            if low.startswith(det):
                name = name[len(det):]
                break
        return name, role, country
