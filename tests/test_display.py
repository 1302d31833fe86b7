"""HTML rendering of an article with its quotations highlighted."""

from __future__ import annotations

import pandas as pd

from analysis.display import highlight_quotes, speaker_colours


def test_highlight_escapes_and_marks_each_quote():
    text = "“<b>Yes</b>,” Ann said. “No,” Bob said. Footer"
    a, b = text.index("Ann"), text.index("Bob")
    quotes = pd.DataFrame({
        "start": [1, text.index("No")], "end": [text.index("”"), text.index("No") + 3],
        "kind": ["direct", "direct"], "speaker": ["Ann", "Bob"],
        "speaker_start": [a, b], "speaker_end": [a + 3, b + 3],
    })
    html = highlight_quotes(text, quotes, story_end=text.index(" Footer"))
    assert html.count("<mark") == 2
    assert "&lt;b&gt;Yes&lt;/b&gt;" in html
    assert "<u>Ann</u>" in html and "<u>Bob</u>" in html
    assert 'color:#999"> Footer' in html


def test_colours_follow_first_appearance_and_unknown():
    colours = speaker_colours(["B", None, "A", "B"])
    assert list(colours) == ["B", "(no speaker)", "A"]
    assert len(set(colours.values())) == 3


def test_many_speakers_get_distinct_colours():
    colours = speaker_colours([f"S{i}" for i in range(12)])
    assert len(set(colours.values())) == 12


def test_empty_speaker_string_is_drawn_as_no_speaker():
    quotes = pd.DataFrame({"start": [0], "end": [5], "kind": ["direct"], "speaker": [""],
                           "speaker_start": [None], "speaker_end": [None]})
    html = highlight_quotes("Hello world", quotes)
    assert 'title="direct: (no speaker)"' in html
