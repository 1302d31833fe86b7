"""Paragraph and sentence spans."""

from __future__ import annotations

import pytest

from analysis.text import paragraph_spans, sentence_spans, unbalanced_quote_marks


def test_paragraphs_skip_blank_lines_and_strip():
    text = "  First para.\n\n\nSecond para.  \nThird."
    spans = paragraph_spans(text)
    assert [text[s:e] for s, e in spans] == ["First para.", "Second para.", "Third."]


def test_paragraphs_respect_end():
    text = "Story.\n\nFooter: subscribe."
    assert [text[s:e] for s, e in paragraph_spans(text, 0, 6)] == ["Story."]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The U.S. envoy arrived. He left.", ["The U.S. envoy arrived.", "He left."]),
        ("On Sept. 11 they met. Then they left.", ["On Sept. 11 they met.", "Then they left."]),
        ("Gen. Smith spoke. Mr. Jones replied.", ["Gen. Smith spoke.", "Mr. Jones replied."]),
        ("Did he? Yes! Fine.", ["Did he?", "Yes!", "Fine."]),
    ],
)
def test_sentences_survive_news_abbreviations(text, expected):
    assert [text[s:e] for s, e in sentence_spans(text)] == expected


def test_sentence_offsets_are_document_offsets():
    text = "Intro.\n\nA “curly” start. The U.S. end."
    start = text.index("A")
    spans = sentence_spans(text, start, len(text))
    assert [text[s:e] for s, e in spans] == ["A “curly” start.", "The U.S. end."]
    assert spans[0][0] == start


def test_sentences_of_blank_text():
    assert sentence_spans("   \n ") == []


def test_unbalanced_quote_marks_flags_strays_but_not_continuations():
    from analysis.text import unbalanced_quote_marks

    text = ("“We will act,” she said. “More to come\n\n"      # 2 open, 1 close, next not quoted
            "Plain paragraph with a \"stray mark.\n\n"       # odd straight marks
            "“First part of a long quotation.\n\n"           # continues: next opens with a mark
            "“Second part,” he said.")
    assert unbalanced_quote_marks(text) == [
        (0, "2 opening and 1 closing curly quotation marks"),
        (1, "1 straight quotation marks (an odd number)"),
    ]
    assert unbalanced_quote_marks("“Fine,” she said.") == []


# Found by a read-only robustness review (2026-12-02, third session); tests first.
@pytest.mark.parametrize(("text", "flagged"), [
    ("\u00abWe agree,\u00bb Roe said.", False),
    ("\u00abWe agree, Roe said. Doe agreed and said the talks were useful.", True),
    ("\u201eWir sind bereit\u201c, sagte Roe.", False),
    ("\u201eWir sind bereit, sagte Roe.", True),
    ("\u201eThey are ready\u201d, Roe said.", False),
])
def test_guillemets_and_low_marks_are_checked_too(text, flagged):
    assert bool(unbalanced_quote_marks(text)) is flagged


def test_escape_surrogates_writes_a_lone_half_as_an_escape():
    from analysis.text import escape_surrogates

    assert escape_surrogates("caf\udce9.txt") == "caf\\udce9.txt"
    assert escape_surrogates("caf\u00e9 \U0001F600") == "caf\u00e9 \U0001F600"
