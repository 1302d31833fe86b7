"""src/ must not special-case the sample article: none of its people, places or phrases."""

from __future__ import annotations

import json
import re

from analysis.paths import ANNOTATIONS_DIR, PROJECT_ROOT


def _sample_terms() -> set[str]:
    record = json.loads((ANNOTATIONS_DIR / "sample_quotes.jsonl").read_text(encoding="utf-8"))
    terms = set()
    for quote in record["quotes"]:
        for name in (quote.get("speaker_canonical") or "").split(";"):
            terms.update(part for part in name.split() if len(part) > 3)
        terms.update(c.strip() for c in (quote.get("speaker_country") or "").split(";") if c)
        for fragment in quote.get("fragments") or []:
            if len(fragment["text"]) > 12:
                terms.add(fragment["text"].strip(" ,.\u201c\u201d"))
    # Places and metonyms of the article that are not speakers.
    terms |= {"Tokyo", "Canberra", "North Korea", "Pyongyang", "East China Sea", "Korean"}
    return terms


def test_src_names_no_person_place_or_phrase_of_the_sample():
    terms = _sample_terms()
    assert {"Kishida", "Bishop", "Japan"} <= terms  # the list is built as intended
    pattern = re.compile("|".join(rf"\b{re.escape(t)}\b" for t in sorted(terms)), re.IGNORECASE)
    hits = []
    for path in sorted((PROJECT_ROOT / "src").rglob("*.py")):
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if match := pattern.search(line):
                hits.append(f"{path.relative_to(PROJECT_ROOT)}:{lineno}: {match.group()}")
    assert not hits, "sample-article terms in src/:\n" + "\n".join(hits)
