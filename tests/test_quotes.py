"""Quotation extraction and attribution."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.config import ConfigError
from analysis.quotes import QUOTE_COLUMNS, extract_document, extract_quotes, load_cues
from analysis.speakers import Roster
from tests.conftest import SAMPLE_TEXT_FILE


def rows(text, **kw):
    return extract_document(text, "t", **kw)


def direct(text, **kw):
    return [(r["text"], r["speaker_mention"]) for r in rows(text, **kw) if r["kind"] == "direct"]


@pytest.mark.parametrize(
    "text, expected",
    [
        # curly, straight and typewriter marks
        ("“We will win,” Smith said.", [("We will win,", "Smith")]),
        ('"We will win," said Smith.', [("We will win,", "Smith")]),
        ("''We will win,'' Smith said.", [("We will win,", "Smith")]),
        ("``We will win,'' Smith said.", [("We will win,", "Smith")]),
        # nested marks stay inside the outer quotation
        ("“He called it ‘a sham’ twice,” Smith said.", [("He called it ‘a sham’ twice,",
                                                        "Smith")]),
        ('"He called it “a sham” twice," Smith said.', [("He called it “a sham” twice,",
                                                         "Smith")]),
        # speaker before the quotation
        ("Smith said: “We will win.”", [("We will win.", "Smith")]),
        ("Smith told reporters, “We will win.”", [("We will win.", "Smith")]),
        # press-release colon introduction and dash sign-off
        ("Chairwoman Jane Roe: “We will win.”", [("We will win.", "Chairwoman Jane Roe")]),
        ("“We will win.” - Commissioner John Doe", [("We will win.", "Commissioner John Doe")]),
        # told: the addressee is never the speaker
        ("“We will win,” Inada told Payne at the meeting.", [("We will win,", "Inada")]),
        # appositive between name and cue
        ("“We will win,” Julie Bishop, the foreign minister, said.",
         [("We will win,", "Julie Bishop")]),
        # one sentence, two quoted parts, one speaker
        ("“We will win,” Smith said, “and soon.”", [("We will win,", "Smith"),
                                                     ("and soon.", "Smith")]),
    ],
)
def test_direct_quotes_and_speakers(text, expected):
    assert direct(text) == expected


def test_offsets_index_the_text_and_marks_are_excluded():
    text = "Intro line.\n\n“We will win,” Smith said."
    (r,) = [r for r in rows(text) if r["kind"] == "direct"]
    assert text[r["start"]:r["end"]] == r["text"] == "We will win,"
    assert text[r["start"] - 1] == "“"
    assert text[r["speaker_start"]:r["speaker_end"]] == "Smith"
    assert r["quote_id"] == f"t:{r['start']}-{r['end']}"
    assert r["paragraph"] == 1


def test_multi_paragraph_quotation_one_row_per_paragraph_same_speaker():
    text = ("“We will win the vote,” Smith said. “The first reason is simple.\n\n"
            "“The second reason is the economy.\n\n"
            "“The third is turnout.”\n\nOther news followed.")
    got = [r for r in rows(text) if r["kind"] == "direct"]
    assert [r["text"] for r in got] == ["We will win the vote,", "The first reason is simple.",
                                        "The second reason is the economy.",
                                        "The third is turnout."]
    assert {r["speaker_mention"] for r in got} == {"Smith"}
    assert [r["paragraph"] for r in got] == [0, 0, 1, 2]


@pytest.mark.parametrize(
    "text",
    [
        "He said “this never closes.\n\nNext paragraph with “a real quote,” Smith said.",
        "A stray ” mark and a “ lone opener.\n\n“Fine,” Smith said.",
        '5" screens are "big," Smith said. "Unclosed',
        "“" * 50 + "\n\n" + "”" * 50,
        "",
        "''",
    ],
)
def test_unbalanced_marks_never_raise_or_swallow(text):
    got = rows(text)
    for r in got:
        assert "\n" not in r["text"]  # never runs past its paragraph
    if "Smith said" in text and "Fine" in text:
        assert ("Fine,", "Smith") in direct(text)


def test_unclosed_mid_sentence_mark_does_not_swallow_later_quotes():
    text = "He called it “a sham and left. “We will win,” Smith said."
    assert ("We will win,", "Smith") in direct(text)


def test_mixed_quote_spans_reported_clause_with_fragments():
    text = "The talks came at a “difficult and challenging” time for the region, Roe said."
    (r,) = rows(text)
    assert r["kind"] == "mixed"
    assert r["text"] == "The talks came at a “difficult and challenging” time for the region"
    frags = json.loads(r["fragments"])
    assert [f["text"] for f in frags] == ["difficult and challenging"]
    assert text[frags[0]["start"]:frags[0]["end"]] == "difficult and challenging"
    assert r["speaker_mention"] == "Roe"


@pytest.mark.parametrize(
    "text, span, speaker",
    [
        ("Smith said that the plan would fail.", "that the plan would fail", "Smith"),
        ("The plan would fail, Smith said.", "The plan would fail", "Smith"),
        ("According to officials, the plan would fail.", "the plan would fail", "officials"),
        ("The plan would fail, according to the ministry.", "The plan would fail",
         "the ministry"),
        ("Smith told reporters the plan would fail.", "the plan would fail", "Smith"),
    ],
)
def test_indirect_speech(text, span, speaker):
    got = [r for r in rows(text) if r["kind"] == "indirect"]
    assert [(r["text"], r["speaker_mention"]) for r in got] == [(span, speaker)]


def test_scare_quotes_without_attribution_are_not_reported():
    assert rows("The so-called “reform” passed on Monday.") == []


def test_pronoun_resolves_to_latest_compatible_person_and_surname_links():
    text = ("Foreign Minister Jane Roe met Mr. John Doe.\n\n"
            "“We agree,” Roe said.\n\n“It is good,” she said.\n\n“Yes,” he said.")
    roster = Roster(pd.DataFrame([{"name": "Jane Roe", "aliases": "", "role": "",
                                   "country": "", "gender": "f"}]))
    got = [(r["speaker_mention"], r["speaker"], r["speaker_role"])
           for r in rows(text, roster=roster)]
    assert got == [("Roe", "Jane Roe", "foreign minister"), ("she", "Jane Roe",
                                                             "foreign minister"),
                   ("he", "John Doe", None)]


def test_roster_overrides_text_role_and_country():
    text = "Foreign Minister Jane Roe spoke.\n\n“We agree,” Roe said."
    roster = Roster(pd.DataFrame([{"name": "Jane Roe", "aliases": "", "role": "prime minister",
                                   "country": "Freedonia", "gender": "f"}]))
    (r,) = rows(text, roster=roster)
    assert (r["speaker"], r["speaker_role"], r["speaker_country"]) == (
        "Jane Roe", "prime minister", "Freedonia")


def test_country_is_not_guessed_from_dateline():
    text = "TOKYO (Kyodo) -- Foreign Minister Jane Roe spoke.\n\n“We agree,” Roe said."
    roster = Roster(pd.DataFrame(columns=["name", "aliases", "role", "country", "gender"]))
    (r,) = rows(text, roster=roster)
    assert (r["speaker_role"], r["speaker_country"]) == ("foreign minister", None)


def test_organisation_speaker():
    (r,) = rows("The talks went well, the Defense Ministry said.")
    assert (r["speaker_mention"], r["speaker"]) == ("the Defense Ministry", "Defense Ministry")


def test_story_end_is_respected():
    text = "“We agree,” Roe said.\n\n“Subscribe now,” the editors said."
    got = rows(text, story_end=text.index("\n\n"))
    assert [r["text"] for r in got] == ["We agree,"]


def test_headline_single_marks():
    got = rows("Roe: ‘We Will Win’\n\nThe body text follows here.")
    assert [(r["kind"], r["text"]) for r in got] == [("direct", "We Will Win")]


def test_extract_quotes_contract_and_metadata():
    docs = pd.DataFrame({
        "doc_id": ["a", "b"],
        "text": ["“We agree,” Roe said.", "No quotes here."],
        "story_end": [21, 15],
        "source": ["a.txt", "b.txt"],
        "outlet": ["X", "Y"],
    })
    out = extract_quotes(docs, batch_size=1)
    assert list(out.columns) == QUOTE_COLUMNS + ["source", "outlet"]
    assert len(out) == 1 and out.loc[0, "outlet"] == "X" and out.loc[0, "source"] == "a.txt"
    assert str(out["speaker_start"].dtype) == "Int64"
    empty = extract_quotes(docs.iloc[0:0])
    assert list(empty.columns) == QUOTE_COLUMNS + ["source", "outlet"] and len(empty) == 0


def test_extract_quotes_without_story_end_and_bad_input():
    out = extract_quotes(pd.DataFrame({"doc_id": ["a"], "text": ["“Yes,” Roe said."]}))
    assert out.loc[0, "text"] == "Yes,"
    with pytest.raises(ValueError, match="lacks column"):
        extract_quotes(pd.DataFrame({"doc_id": ["a"]}))
    with pytest.raises(TypeError, match="document 'a'"):
        extract_quotes(pd.DataFrame({"doc_id": ["a"], "text": [None]}))


def test_cue_file_errors_name_file(tmp_path):
    bad = tmp_path / "cues.yml"
    bad.write_text("speech: said\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="cues.yml.*'speech' must be a list"):
        load_cues(bad)
    bad.write_text("other: [x]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no cue verbs"):
        load_cues(bad)


def test_researchers_can_add_cue_verbs():
    text = "The plan would fail, Smith grumbled."
    assert rows(text) == []
    got = rows(text, cues={"speech": ["say", "grumble"]})
    assert [(r["text"], r["cue"]) for r in got] == [("The plan would fail", "grumbled")]


def test_transcript_turn_is_reported_with_its_label():
    text = 'Partial transcript:\n\n"WALLACE: Will you attend the debate tomorrow night?'
    (r,) = rows(text)
    assert (r["kind"], r["text"], r["speaker_mention"]) == (
        "indirect", "Will you attend the debate tomorrow night?", "WALLACE")


def test_coordinated_speakers_capitals_and_plural_pronoun():
    text = ("Ottawa and Paris agreed Monday to expand trade across the Atlantic.\n\n"
            "Foreign Minister Jane Roe and Defense Minister John Doe also agreed that the "
            "drills will continue next year.\n\nThey also praised the new treaty on fisheries.")
    got = [(r["speaker_mention"], r["speaker"], r["speaker_role"], r["speaker_country"])
           for r in rows(text, roster=Roster(pd.DataFrame(
               columns=["name", "aliases", "role", "country", "gender"])))]
    assert got == [
        ("Ottawa and Paris", "Canada; France", "government", "Canada; France"),
        ("Foreign Minister Jane Roe and Defense Minister John Doe", "Jane Roe; John Doe",
         "foreign minister; defense minister", None),
        ("They", "Jane Roe; John Doe", "foreign minister; defense minister", None),
    ]


def test_parenthetical_attribution_reports_both_parts():
    text = "The new plan, Roe said, would cut taxes for most families."
    got = [(r["text"], r["speaker_mention"]) for r in rows(text)]
    assert got == [("The new plan", "Roe"), ("would cut taxes for most families", "Roe")]


def test_participle_starts_a_second_attribution():
    text = ("Roe assured voters that the plan was “sound,” reaffirming that it would "
            "“pass easily.”")
    got = [(r["kind"], r["cue"], r["speaker_mention"]) for r in rows(text)]
    assert got == [("mixed", "assured", "Roe"), ("mixed", "reaffirming", "Roe")]
    assert json.loads(rows(text)[1]["fragments"])[0]["text"] == "pass easily."


def test_quotation_set_off_by_dashes_is_direct():
    text = "Many agreed, including the senator John Doe -- ''It is a disgrace'' -- and others."
    assert direct(text) == [("It is a disgrace", "the senator John Doe")]


def test_relative_pronoun_speaker():
    text = "The prize went to John Doe, who said the jury had been fair to everyone."
    (r,) = rows(text)
    assert (r["speaker_mention"], r["speaker"]) == ("who", "John Doe")


# Bugs found while tuning on news text; each stays fixed.

def test_bug_connector_before_stop_word_in_name():
    # "of New York" after the name used to leave a dangling "of" and lose the speaker.
    text = '"We will win," said Representative John B. Doe of New York. "And soon."'
    assert direct(text) == [("We will win,", "Representative John B. Doe of New York"),
                            ("And soon.", "Representative John B. Doe of New York")]


def test_bug_honorific_sentence_subject():
    # "Mr." at the start of a sentence used to be skipped as a function word.
    text = "Mr. Doe hardly helped his case, asserting, ''I pay my taxes.''"
    assert direct(text) == [("I pay my taxes.", "Mr. Doe")]


def test_bug_attribution_after_question_mark_split():
    # The splitter ends a sentence at '?”'; the attribution after it is re-joined.
    text = "“How many times must we see this?” Roe said. “It is unbearable.”"
    assert direct(text) == [("How many times must we see this?", "Roe"),
                            ("It is unbearable.", "Roe")]


def test_bug_cue_like_word_inside_appositive():
    # "states" inside the appositive used to end the search for the real cue.
    text = ("“It is an invasion,” John Doe, the attorney general of a state, one of the states "
            "suing the agency, said at an event.")
    assert direct(text) == [("It is an invasion,", "John Doe")]


# --------------------------------------------------------------------------- sample article

SAMPLE_EXPECTED = [
    # (start of quoted words, speaker, role, country)
    ("Australia is our special", "Fumio Kishida", "foreign minister", "Japan"),
    ("difficult and challenging", "Julie Bishop", "foreign minister", "Australia"),
    ("We’re living in", "Julie Bishop", "foreign minister", "Australia"),
    ("guarded by the same values", "Julie Bishop", "foreign minister", "Australia"),
    ("Australia sees Japan", "Julie Bishop", "foreign minister", "Australia"),
    ("continued engagement", "Tomomi Inada", "defense minister", "Japan"),
    ("powerfully promote", "Tomomi Inada", "defense minister", "Japan"),
    ("most ominous", "Mike Pence", "vice president", "United States"),
    ("we are with you 100 percent", "Mike Pence", "vice president", "United States"),
    ("diplomatic and economic dialogue", "Mike Pence", "vice president", "United States"),
    ("all options are on the table", "Mike Pence", "vice president", "United States"),
    ("We have discussed", "Julie Bishop", "foreign minister", "Australia"),
    ("Amid the increasing severity", "Tomomi Inada", "defense minister", "Japan"),
]


@pytest.fixture(scope="module")
def sample_rows():
    text = SAMPLE_TEXT_FILE.read_text(encoding="utf-8")
    end = text.index("In a time of both misinformation")
    return text, extract_document(text, "sample", story_end=end)


@pytest.mark.parametrize("words, speaker, role, country", SAMPLE_EXPECTED)
def test_sample_article_quotations(sample_rows, words, speaker, role, country):
    text, got = sample_rows
    pos = text.index(words)
    covering = [r for r in got if r["kind"] in ("direct", "mixed")
                and r["start"] <= pos < r["end"]]
    assert covering, f"no quotation row covers {words!r}"
    r = covering[0]
    if r["kind"] == "mixed":
        frags = json.loads(r["fragments"])
        assert any(f["start"] <= pos < f["end"] for f in frags)
    assert (r["speaker"], r["speaker_role"], r["speaker_country"]) == (speaker, role, country)


def test_sample_article_regression_pin(sample_rows):
    text, got = sample_rows
    direct_rows = [r for r in got if r["kind"] == "direct"]
    assert len(direct_rows) == 5
    told = [r for r in direct_rows if r["cue"] == "told"]
    assert [r["speaker_mention"] for r in told] == ["Inada"]  # not the addressee Payne
    she = [r for r in direct_rows if r["speaker_mention"] == "she"]
    assert [r["speaker"] for r in she] == ["Julie Bishop"]
    assert not any(r["start"] >= text.index("In a time of both") for r in got)


# --------------------------------------------------------------------------- bugs (round 2)


@pytest.mark.parametrize(
    "text",
    [
        # "add X to Y" is adding a thing, not speech.
        "The law paved the way for the expansion of the DTSA, which took effect in 2013, "
        "adding fuel to a list of supplies the navy is authorized to provide.",
        "The council added three members to the board last year.",
        "The rebate adds a layer of cost to every purchase in the state.",
    ],
)
def test_bug_add_with_object_is_not_speech(text):
    assert rows(text) == []


@pytest.mark.parametrize(
    "text, span, speaker",
    [
        ("Roe said the plan would work, adding that it was cheap.", "that it was cheap", "Roe"),
        ("Roe added that the plan would work in the end.", "that the plan would work in the end",
         "Roe"),
        ("Roe added: the plan will work well in the end.", "the plan will work well in the end",
         "Roe"),
        ("The plan will work well in the end, Roe added.", "The plan will work well in the end",
         "Roe"),
    ],
)
def test_add_as_speech_cue_needs_a_clause(text, span, speaker):
    got = [(r["text"], r["speaker_mention"]) for r in rows(text)]
    assert (span, speaker) in got


def test_bug_add_with_object_does_not_start_a_second_clause():
    got = rows("Roe said the law passed, adding fuel to a list of supplies the navy may provide.")
    assert [r["cue"] for r in got] == ["said"]
    got = rows("“The law passed,” Roe said, adding fuel to a list of supplies for the navy.")
    assert [r["cue"] for r in got] == ["said"]


def test_add_after_quotation_is_still_a_cue():
    assert direct("“We will win,” he added.") == [("We will win,", "he")]


@pytest.mark.parametrize(
    "text, span",
    [
        ("It is widely believed that the two leaders were referring to the dispute.",
         "that the two leaders were referring to the dispute"),
        ("It was widely believed the two leaders were referring to the dispute.",
         "the two leaders were referring to the dispute"),
        ("It is generally thought that the vote will be close in the end.",
         "that the vote will be close in the end"),
        ("It has been reported that the talks will resume next month.",
         "that the talks will resume next month"),
    ],
)
def test_bug_expletive_it_passive_has_no_speaker(text, span):
    got = [r for r in rows(text) if r["kind"] == "indirect"]
    assert [r["text"] for r in got] == [span]
    r = got[0]
    assert (r["speaker_mention"], r["speaker_start"], r["speaker_end"], r["speaker"]) == (
        None, None, None, None)


@pytest.mark.parametrize(
    "text",
    [
        "The pact is widely viewed as a response to the growing threat in the region.",
        "The rebels are widely seen as a threat to the government in the capital.",
        "The senator was widely considered a likely candidate for the post.",
        "The treaty is widely believed to be dead after the vote last week.",
    ],
)
def test_bug_passive_subject_is_not_the_speaker(text):
    assert [r["speaker_mention"] for r in rows(text) if r["speaker_mention"]] == []


def test_it_as_a_real_speaker_still_resolves():
    # "it" after an organisation is the organisation speaking, not an expletive.
    got = rows("The ministry issued a note. It said the talks would resume next month.")
    assert [(r["text"], r["speaker_mention"]) for r in got] == [
        ("the talks would resume next month", "It")]


# --------------------------------------------------------------------------- speakers (round 2)


@pytest.mark.parametrize(
    "text, expected",
    [
        # a lower-case description (with digits) between the cue and the name
        ("“They are wrong,” said 9/11 widow Jane Roe.", [("They are wrong,", "Jane Roe")]),
        ("“They are wrong,” said Roe.", [("They are wrong,", "Roe")]),
        ("“They are wrong,” said longtime friend John Doe.", [("They are wrong,", "longtime friend John Doe")]),
        # a capitalised description leads the name after the quotation
        ("“We will win,” French President Jean Roe said Friday.",
         [("We will win,", "French President Jean Roe")]),
        # mis-decoded accents (mojibake) must not split the name
        ("“We will win,” President FranÃ\u0083Â§ois Roe said.",
         [("We will win,", "President FranÃ\u0083Â§ois Roe")]),
        # a quoted nickname inside the speaker's name
        ('"What a year!" Doe\'s niece, state Del. Ann "Annie" Roe (D-Va.), shouted to the crowd.',
         [("What a year!", "Roe")]),
        # the subject of a participle cue follows the previous quotation
        ("“Keep your hands in sight,” Roe sings to Doe before asking her, “Where do we go?”",
         [("Keep your hands in sight,", "Roe"), ("Where do we go?", "Roe")]),
        # a lower-case quotation closed by its attribution after a short opening phrase
        ("As for cost, ''cutting it will take a long time,'' said Mr. Roe.",
         [("cutting it will take a long time,", "Mr. Roe")]),
    ],
)
def test_direct_speaker_patterns_round2(text, expected):
    assert [(t, s) for t, s in direct(text)] == expected


def test_relative_who_cue_after_direct_quotation():
    got = rows("“It will take time,” said Mr. Roe, who stressed that the plan would help savers.")
    assert [(r["kind"], r["text"], r["speaker_mention"]) for r in got] == [
        ("direct", "It will take time,", "Mr. Roe"),
        ("indirect", "that the plan would help savers", "who"),
    ]


def test_quoted_paragraph_after_transcript_turn_continues_it():
    text = ('"HOST: Do you see those two as the same?\n\n'
            '"GUEST: Well, look, they are not the same at all.\n\n'
            '"But the truth is that my friend has a unique way of talking to people.\n\n'
            '"He is going to focus on the issues tomorrow night.')
    got = [(r["kind"], r["speaker_mention"]) for r in rows(text)]
    assert got == [("indirect", "HOST"), ("indirect", "GUEST"), ("direct", "GUEST"),
                   ("direct", "GUEST")]


def test_reported_clause_keeps_the_period_of_a_final_initialism():
    text = ("At a news conference, the minister revealed that the allies will promote "
            "trilateral cooperation involving the U.S.\n\nOther news follows here.")
    rows = extract_document(text)
    assert len(rows) == 1
    assert rows[0]["text"].endswith("involving the U.S.")


@pytest.mark.parametrize(
    "text, span, speaker",
    [
        # an opening participial phrase before "X says" is not the reported clause
        ("Speaking at a rally in Ohio, Roe says he is making a demand of the mayor.",
         "he is making a demand of the mayor", "Roe"),
        ("At the county fair on Sunday, Roe said the new levy was a mistake.",
         "the new levy was a mistake", "Roe"),
        # "according to" closing a sentence: the whole preceding clause, whatever the length
        # of the source's description
        ("The top earners paid a quarter of all taxes in 2013, according to the nonpartisan "
         "Budget Office of the state assembly.", "The top earners paid a quarter of all "
         "taxes in 2013", "the nonpartisan Budget Office"),
        # a non-restrictive "which" clause stays inside the reported clause
        ("Roe said the mayor was headed to the venue, which she was doing when police "
         "stopped her.", "the mayor was headed to the venue, which she was doing when "
         "police stopped her", "Roe"),
    ],
)
def test_reported_speech_round3(text, span, speaker):
    got = [(r["text"], r["speaker_mention"]) for r in rows(text) if r["kind"] != "direct"]
    assert got == [(span, speaker)]


def test_bug_relative_that_inside_a_quoted_fragment_does_not_start_the_clause():
    text = "Doe says Roe represents the “same rigged system that he claims to fight.”"
    (r,) = rows(text)
    assert (r["kind"], r["speaker_mention"]) == ("mixed", "Doe")
    assert r["text"] == "Roe represents the “same rigged system that he claims to fight.”"


@pytest.mark.parametrize(
    "text, span, speaker",
    [
        # present-tense "notes" is a cue
        ("Mr. Roe notes that rates are low again.", "that rates are low again", "Mr. Roe"),
        # ", and" opens a second clause outside the report
        ("Doe agreed to lend the firm $5 million, and the union also stepped in.",
         "to lend the firm $5 million", "Doe"),
        # an attribution closed by a trailing adjunct before ", and ..."
        ("The middle fifth paid 8.9 percent, the agency said in a June report, and the rest "
         "paid less.", "The middle fifth paid 8.9 percent", "the agency"),
        # where it was said is not part of what was said
        ("Roe called for more school investment in a statement on Thursday.",
         "for more school investment", "Roe"),
    ],
)
def test_reported_speech_round3_boundaries(text, span, speaker):
    got = [(r["text"], r["speaker_mention"]) for r in rows(text) if r["kind"] != "direct"]
    assert got == [(span, speaker)]


@pytest.mark.parametrize("text", [
    "The story was first reported by the local weekly paper.",
    "The law was first declared by the governor in the spring.",
])
def test_bug_passive_cue_with_agent_is_not_reported_speech(text):
    assert rows(text) == []


def test_many_stray_openers_do_not_hide_later_quotations():
    strays = " ".join(f'Item {i} is "odd and' for i in range(12))
    text = strays + ' Roe said, "We will defend our allies." Doe said, "Yes, we will."'
    rows = extract_document(text, "x")
    direct = [r["text"] for r in rows if r["kind"] == "direct"]
    assert direct == ["We will defend our allies.", "Yes, we will."]


@pytest.mark.parametrize("text", [
    "", "one", "one two", "one two three", "a b c d e f g h i j k l",
    "  spaced   out\u00a0words\u3000here ", "U.S. officials, who said-so, agreed",
])
def test_capped_word_counts_agree_with_the_full_count(text):
    from analysis.quotes import _has_3_words, _n_words, _n_words_upto_9

    n = _n_words(text, 0, len(text))
    assert _n_words_upto_9(text, 0, len(text)) == min(n, 9)
    assert _has_3_words(text, 0, len(text)) == (n >= 3)


@pytest.mark.parametrize("second", ["“And we will not wait.”", "“And we will not wait."])
def test_next_quotation_paragraph_without_a_cue_still_carries_the_speaker(second):
    rows = extract_document(f"“We will act now,” Roe said.\n\n{second}", "x")
    assert [(r["paragraph"], r["speaker"]) for r in rows] == [(0, "Roe"), (1, "Roe")]


@pytest.mark.parametrize("strays", ["A “stray mark here. ", "A “stray mark here. “Another stray. "])
def test_stray_curly_openers_leave_the_real_quotation_and_its_speaker(strays):
    rows = extract_document(strays + "Then “We will act,” Smith said.", "x")
    with_quote = [r for r in rows if "We will act," in r["text"]]
    assert len(with_quote) == 1
    row = with_quote[0]
    assert row["speaker"] == "Smith"
    fragments = json.loads(row["fragments"]) if row["kind"] == "mixed" else []
    assert row["kind"] == "direct" or [f["text"] for f in fragments] == ["We will act,"]


def test_with_quote_ids_uses_the_extractor_rule():
    from analysis.quotes import with_quote_ids

    rows = extract_quotes(pd.DataFrame({"doc_id": ["d"], "text": ["“Yes,” Roe said."],
                                        "story_end": [16], "source": ["s"]}))
    again = with_quote_ids(rows[["doc_id", "start", "end"]])
    assert again["quote_id"].tolist() == rows["quote_id"].tolist() == ["d:1-5"]


# Found on unseen wire stories: a lead "CONTENT, X said on Thursday, warning that ..." lost
# CONTENT and reported the adjunct instead; and a participle right after the cue was taken
# for the second half of a split clause.
@pytest.mark.parametrize("text", [
    "Germany will spend more on drones, Defence Minister Anna Roe said on Thursday, warning "
    "that Russia was a threat.",
    "Germany will spend more on drones, Defence Minister Anna Roe said, warning that Russia "
    "was a threat.",
])
def test_bug_lead_with_a_trailing_participle_clause(text):
    got = [(r["text"], r["cue"], r["speaker_mention"]) for r in rows(text)]
    assert got == [("Germany will spend more on drones", "said", "Defence Minister Anna Roe"),
                   ("that Russia was a threat", "warning", "Defence Minister Anna Roe")]


# Found by a user review: in the standard lede "CONTENT, X said (on Friday), days after
# ...", a trailing time clause was reported as X's words, and when it was long the lead's
# CONTENT was lost.
@pytest.mark.parametrize("text, content", [
    ("India will not accept any change to the status quo “by force or by stealth,” External "
     "Affairs Minister Priya Roe said on Friday, days after satellite images showed new "
     "structures.",
     "India will not accept any change to the status quo “by force or by stealth,”"),
    ("India will not accept any change by force, Foreign Minister Priya Roe said, days after "
     "images showed new structures.", "India will not accept any change by force"),
    ("India will not accept any change by force, Foreign Minister Priya Roe said on Friday, "
     "just two days before the talks were due to begin in the capital.",
     "India will not accept any change by force"),
    ("India will not accept any change by force, Foreign Minister Priya Roe said, a week "
     "after the talks.", "India will not accept any change by force"),
    ("India will not accept any change by force, Foreign Minister Priya Roe said, shortly "
     "after the talks ended without an agreement on the border.",
     "India will not accept any change by force"),
])
def test_bug_lead_with_a_trailing_time_clause(text, content):
    got = [(r["text"], r["speaker_mention"]) for r in rows(text)]
    assert len(got) == 1
    assert got[0][0] == content
    assert got[0][1].endswith("Priya Roe")


# A split clause still is one: "The museum, Mr. Obama said, would make ..." reports both parts.
def test_split_clause_around_the_attribution_is_still_reported():
    got = [r["text"] for r in rows("The plan, Foreign Minister Priya Roe said, would take "
                                   "days after the talks to finish.")]
    assert got == ["The plan", "would take days after the talks to finish"]


# Found on unseen wire stories: after a verb of address, "that" was taken for the
# addressee and the clause's subject was cut off.
@pytest.mark.parametrize("text, span", [
    ("Roe warned that Russia was a threat.", "that Russia was a threat"),
    ("Roe warned that the misuse of drones was a threat.",
     "that the misuse of drones was a threat"),
    ("Roe warned Russia that its drones were a threat.", "that its drones were a threat"),
    ("Roe told reporters that the plan would fail.", "that the plan would fail"),
])
def test_bug_address_verb_before_that_has_no_addressee(text, span):
    got = [(r["text"], r["speaker_mention"]) for r in rows(text)]
    assert got == [(span, "Roe")]


def test_participle_after_an_object_keeps_the_subject_as_its_speaker():
    # Seen while fixing the lead bug: "X attacked Roe, saying ..." is X's, not Roe's.
    got = [(r["cue"], r["speaker_mention"]) for r in
           rows("Meanwhile, the paper attacked Roe, saying he “has offended veterans.”")]
    assert got and all(spk == "the paper" for _, spk in got)


# Found on unseen wire stories: a first name written as an initial ("S. Roe") did not
# introduce a person, so later surname and pronoun mentions stayed unresolved.
def test_bug_name_with_an_initial_introduces_a_person():
    text = ("Indian Foreign Minister S. Jaiswar spoke first.\n\n"
            "“We will act,” Jaiswar said.\n\n“Soon,” he said.")
    got = [(r["speaker_mention"], r["speaker"], r["speaker_role"], r["speaker_country"])
           for r in rows(text)]
    assert got == [("Jaiswar", "S. Jaiswar", "foreign minister", "India"),
                   ("he", "S. Jaiswar", "foreign minister", "India")]


def test_initials_without_a_title_do_not_make_a_place_a_person():
    # Seen on PolNeAR when fixing the bug above: "N. Korea" took the next "he".
    text = ("John Kerry met officials about N. Korea.\n\n“We talked,” he said.")
    assert [r["speaker"] for r in rows(text)] == ["John Kerry"]


# Found on unseen wire stories: "she" after a quotation resolved to a name inside it.
def test_bug_pronoun_after_a_quotation_skips_names_quoted_in_it():
    text = ("“We will act,” said Foreign Secretary Maria Lazo.\n\n"
            "“These are not the acts of a neighbour near Scarborough Shoal,” she said.")
    got = [(r["speaker_mention"], r["speaker"]) for r in rows(text)]
    assert got == [("Foreign Secretary Maria Lazo", "Maria Lazo"), ("she", "Maria Lazo")]


# Found on unseen wire stories: a title or country in a description beside the speaker was
# taken as the speaker's own when it belonged to someone else named there, or to a place
# visited.
@pytest.mark.parametrize("text, role, country", [
    ("Kim Yo Jong, the powerful sister of leader Kim Jong Un, said the offer was a trick.",
     None, None),
    ("Mark Rutte, who was in Berlin for talks with Chancellor Friedrich Merz, said that the "
     "alliance was ready.", None, None),
    ("Penny Wong, making her third visit to the Philippines as foreign minister, said that "
     "the ties were strong.", "foreign minister", None),
    ("Penny Wong, Australia's foreign minister, said that the ties were strong.",
     "foreign minister", "Australia"),
])
def test_bug_description_naming_someone_else_gives_no_title(text, role, country):
    (r,) = rows(text)
    assert (r["speaker_role"], r["speaker_country"]) == (role, country)


# Found on unseen wire stories: in a name written family name first with a hyphenated
# given name ("Chung Dong-young"), the family name alone did not link back.
def test_bug_family_name_first_links_back():
    text = ("South Korean Unification Minister Chung Dong-young spoke on Monday.\n\n"
            "“We will talk,” Chung said.\n\n“Soon,” he said.")
    got = [(r["speaker"], r["speaker_role"], r["speaker_country"]) for r in rows(text)]
    assert got == [("Chung Dong-young", "unification minister", "South Korea")] * 2


# Found on unseen wire stories: "Coast Guard" was read as a person, so the speaker became
# "Coast Guard; Jay Roe" with no role.
@pytest.mark.parametrize("org", ["Coast Guard", "National Guard", "Marine Corps",
                                 "Southern Command", "Embassy"])
def test_bug_organisation_before_a_titled_name_is_not_a_second_speaker(org):
    (r,) = rows(f"The {org} spokesman Jay Roe said that ships had been seen.")
    assert (r["speaker"], r["speaker_role"]) == ("Jay Roe", "spokesperson")


# Found in review of the fixes above.
@pytest.mark.parametrize("text, speaker, role", [
    # a hyphenated surname is not a given name written after the family name
    ("Defense Secretary Lloyd Austin met Austin Smith-Jones.\n\n“We will act,” Austin said.",
     "Lloyd Austin", "secretary of defense"),
])
def test_hyphenated_surnames_are_not_family_name_first(text, speaker, role):
    (r,) = rows(text)
    assert (r["speaker"], r["speaker_role"]) == (speaker, role)


def test_adjectival_ing_word_in_a_description_keeps_the_country():
    (r,) = rows("Jan Roe, acting Ukrainian foreign minister, said that the talks failed.")
    assert (r["speaker_role"], r["speaker_country"]) == ("foreign minister", "Ukraine")


def test_someone_elses_title_is_found_at_any_mention_of_them():
    (r,) = rows("Kim Yo Jong, sister of leader Kim Jong Un and a deputy to Kim Jong Un, said "
                "that the offer was a trick.")
    assert r["speaker_role"] is None


@pytest.mark.parametrize("when", ["March 3", "late Friday", "on Thursday", "overnight"])
def test_lead_with_a_date_before_a_participle_cue(when):
    text = f"The plan will fail, Anna Roe said {when}, warning that talks would stop."
    got = [r["text"] for r in rows(text)]
    assert got == ["The plan will fail", "that talks would stop"]


# Found on unseen wire stories: title spellings of other governments and place names.
@pytest.mark.parametrize("text, role", [
    ("External Affairs Minister Raj Varma said that talks would resume.", "foreign minister"),
    ("Unification Minister Han Seo-jin said that talks would resume.", "unification minister"),
])
def test_more_title_spellings(text, role):
    (r,) = rows(text)
    assert r["speaker_role"] == role


def test_a_shoal_is_not_a_person():
    text = ("Ships rammed a boat near Scarborough Shoal, Foreign Secretary Ana Cruz said.\n\n"
            "“We will act,” she said.")
    assert [r["speaker"] for r in rows(text)] == ["Ana Cruz", "Ana Cruz"]


# Found on unseen wire stories: a title opening a paragraph lost its first word when that
# word also appears in lower case elsewhere ("defence"), so "Defence Minister X" became a
# plain "minister".
def test_bug_sentence_initial_title_keeps_its_first_word():
    text = ("Australia's defence minister spoke first.\n\n"
            "Defence Minister Daniel Whit said that the boats would come.\n\n"
            "“We are ready,” Whit said.")
    got = [(r["speaker"], r["speaker_role"]) for r in rows(text)]
    assert got == [("Daniel Whit", "defense minister")] * 2


# Found on unseen wire stories: a time phrase between the speaker and the verb hid the
# speaker, and the attribution was lost.
@pytest.mark.parametrize("when", ["on Tuesday", "late Friday", "on Monday night",
                                  "earlier this week", "yesterday"])
def test_bug_time_phrase_between_speaker_and_cue(when):
    got = [(r["text"], r["speaker_mention"]) for r in
           rows(f"Kenta Morishi {when} said Tokyo would step up patrols.")]
    assert got == [("Tokyo would step up patrols", "Kenta Morishi")]


# Found on unseen wire stories: after a possessive speaker ("the bloc's ... chief") the
# comma before the attribution was not seen, and the adjunct after the verb was reported.
def test_bug_possessive_speaker_after_the_reported_clause():
    text = ("The sanctions will bite hard, the bloc's foreign-policy chief said on Monday as "
            "ministers approved the package.")
    got = [(r["text"], r["speaker_mention"]) for r in rows(text)]
    assert got == [("The sanctions will bite hard", "the bloc's foreign-policy chief")]


# Found on unseen wire stories: countries missing from titles.yml were read as people.
def test_more_countries_are_places_and_give_a_speakers_country():
    text = ("Ships were attacked in rural Burkina Faso, Malian Defence Minister Awa Traore "
            "said.\n\n“We will act,” she said.")
    got = [(r["speaker"], r["speaker_country"]) for r in rows(text)]
    assert got == [("Awa Traore", "Mali")] * 2


# Found on unseen wire stories: a dateline became the speaker or the start of the quotation.
@pytest.mark.parametrize("text, span, speaker", [
    ("ANKARA, Jan. 9 (Wire) - Turkey will not allow attacks on its troops, Defence Minister "
     "Ali Kaya said.", "Turkey will not allow attacks on its troops", "Defence Minister Ali Kaya"),
    ("CANBERRA, Aug. 21 — The region faces grave risks, Australia's defence minister said on "
     "Thursday.", "The region faces grave risks", "Australia's defence minister"),
    ("NEW DELHI (Reuters) — The talks will go on, a spokesperson said.",
     "The talks will go on", "a spokesperson"),
])
def test_bug_dateline_is_neither_speaker_nor_quotation(text, span, speaker):
    got = [(r["text"], r["speaker_mention"]) for r in rows(text)]
    assert got == [(span, speaker)]


# Found on unseen wire stories: in "a spokesperson for the embassy said" the organisation,
# not the spokesperson, was taken as the speaker, and the role was lost.
@pytest.mark.parametrize("text, mention, role", [
    ("A spokesperson for the embassy said the side had provoked trouble.",
     "A spokesperson for the embassy", "spokesperson"),
    ("Senior officials at the foreign ministry said the talks would resume.",
     "Senior officials at the foreign ministry", "official"),
])
def test_bug_role_noun_before_an_organisation_is_the_speaker(text, mention, role):
    (r,) = rows(text)
    assert (r["speaker_mention"], r["speaker_role"]) == (mention, role)


def test_spokesperson_for_a_person_is_the_spokesperson():
    text = "Jane Roe met donors.\n\nA spokeswoman for Jane Roe said the talks went well."
    (r,) = rows(text)
    assert (r["speaker"], r["speaker_role"]) == ("spokeswoman for Jane Roe", "spokesperson")


# Found in review of the attribution fixes: regressions each fix must not cause.
@pytest.mark.parametrize("text, speaker, country", [
    ("Sofia Vergara said the show was over.", "Sofia Vergara", None),
    # Paraguay is listed since 2026-12-02 (every UN member in titles.yml); the name stays whole.
    ("Paraguayan President Santiago Pena said the talks failed.", "Santiago Pena", "Paraguay"),
    ("Kenya Moore said the show was over.", "Kenya Moore", None),
])
def test_first_names_that_are_places_stay_names(text, speaker, country):
    (r,) = rows(text)
    assert (r["speaker"], r["speaker_country"]) == (speaker, country)


@pytest.mark.parametrize("text, cut", [
    ("Russia Today said that the talks had failed.", "Russia"),
    ("Joe Friday said that the talks had failed.", "Joe"),
])
def test_capitalised_day_words_in_names_are_kept(text, cut):
    # The name is never cut short at its day word (reading no speaker is acceptable).
    assert cut not in [r["speaker_mention"] for r in rows(text)]


@pytest.mark.parametrize("text, span", [
    ("The show was over, Late Show host Stephen Colbert said.", "The show was over"),
    ("OK - we will go home now, the coach said.", "OK - we will go home now"),
    ("U.S. - China talks will resume next week, the foreign minister said.",
     "U.S. - China talks will resume next week"),
    ("NATO — and its allies — will respond firmly, the minister said.",
     "NATO — and its allies — will respond firmly"),
])
def test_not_datelines_and_show_titles(text, span):
    assert [r["text"] for r in rows(text)] == [span]


@pytest.mark.parametrize("text, speaker, role, country", [
    # the head speaks, not the agency (this was "space agency" until a fresh test set showed
    # "The head of the United Nations nuclear watchdog" becoming "United Nations")
    ("The head of the Russian space agency said the launch failed.",
     "head of the Russian space agency", None, "Russia"),
    ("A spokeswoman for President Jo Biden said the talks went well.",
     "spokeswoman for President Jo Biden", "spokesperson", None),
    ("A spokesman for Ohio's governor said the talks went well.",
     "spokesman for Ohio's governor", "spokesperson", None),
])
def test_role_holder_phrases(text, speaker, role, country):
    (r,) = rows(text)
    assert (r["speaker"], r["speaker_role"], r["speaker_country"]) == (speaker, role, country)


@pytest.mark.parametrize("text, span", [
    # a demonstrative "that" with its noun, then the clause's own "that"
    ("She told that reporter that the talks would resume.", "that the talks would resume"),
    ("Roe warned that day that the talks were over.", "that the talks were over"),
    # a clause whose verb is an ordinary one (found in review: "posed" is not an auxiliary)
    ("Roe warned that inflation posed a growing risk to the economy.",
     "that inflation posed a growing risk to the economy"),
    ("Roe warned that sanctions hurt ordinary people.", "that sanctions hurt ordinary people"),
])
def test_that_after_an_address_verb(text, span):
    assert [r["text"] for r in rows(text)] == [span]


def test_that_clause_with_a_long_subject_after_an_address_verb():
    # Found on PolNeAR when adding the demonstrative rule: the verb came late in the clause.
    got = [r["text"] for r in rows("Roe warned that the exit of the country from the bloc "
                                   "will sap its defence.")]
    assert got == ["that the exit of the country from the bloc will sap its defence"]


# Found in the second review of the attribution fixes.
@pytest.mark.parametrize("text, span", [
    ("ST. LOUIS — The talks will resume, the mayor said.", "The talks will resume"),
    ("WASHINGTON -- The talks will resume, the senator said.", "The talks will resume"),
    ("SEOUL, South Korea — The talks will resume, the minister said.", "The talks will resume"),
    ("KYIV, Ukraine, Jan. 9 — The talks will resume, the minister said.",
     "The talks will resume"),
    ("LONDON, 3 December (Reuters) - The talks will resume, the minister said.",
     "The talks will resume"),
])
def test_more_dateline_forms(text, span):
    assert [r["text"] for r in rows(text)] == [span]


@pytest.mark.parametrize("text, speaker, role, country", [
    ("Rep. Dutch Ruppers said the bill would pass.", "Dutch Ruppers", "representative", None),
    ("Dutch Foreign Minister Jan Veld said the bill would pass.", "Jan Veld",
     "foreign minister", "Netherlands"),
    ("Aides to the president said the bill would pass.", "Aides to the president", "aide",
     None),
    # The State Department is a US office (titles.yml, since 2026-12-02).
    ("An official with the State Department said the bill would pass.",
     "official with the State Department", "official", "United States"),
    ("A senior Chinese official at the embassy said the bill would pass.",
     "senior Chinese official at the embassy", "official", "China"),
    ("Hungary's foreign minister, Peter Szabo, said the bill would pass.", "Peter Szabo",
     "foreign minister", "Hungary"),
])
def test_more_speaker_forms(text, speaker, role, country):
    (r,) = rows(text)
    assert (r["speaker"], r["speaker_role"], r["speaker_country"]) == (speaker, role, country)


@pytest.mark.parametrize("text, mention", [
    ("Jane Roe earlier on Tuesday said the bill would pass.", "Jane Roe"),
    ("A spokesman for the ministry Tuesday said the bill would pass.",
     "A spokesman for the ministry"),
])
def test_more_time_phrases(text, mention):
    assert [r["speaker_mention"] for r in rows(text)] == [mention]


# Found while testing names from European and Latin American news: a surname particle of
# two words ("von der", "van der", "de la") cut the name, so "Ines von der Lahn" became
# "Ines" or "Lahn".
@pytest.mark.parametrize("text, speakers", [
    ("“We will act,” said Ines von der Lahn.", ["Ines von der Lahn"]),
    ("Commission President Ines von der Lahn said the bloc would act.", ["Ines von der Lahn"]),
    ("Ines von der Lahn said the bloc would act. Von der Lahn added that sanctions would "
     "follow.", ["Ines von der Lahn"] * 2),
    ("“We will act,” said Pieter van der Berg.\n\n“Soon,” van der Berg said.",
     ["Pieter van der Berg"] * 2),
    ("“We will act,” said Rosa de la Cruz.", ["Rosa de la Cruz"]),
    # one particle, as before
    ("“We will act,” said Ana da Silva.\n\n“Soon,” da Silva said.", ["Ana da Silva"] * 2),
])
def test_bug_two_word_surname_particles(text, speakers):
    assert [r["speaker"] for r in rows(text)] == speakers


# Found while testing wire-style appositives: a description after the name that opens with
# a possessive ("said X, Japan's foreign minister") was not read, so the speaker had no
# role or country; the same description before the cue was read.
@pytest.mark.parametrize("description, role, country", [
    ("Japan's foreign minister", "foreign minister", "Japan"),
    ("Japan’s foreign minister", "foreign minister", "Japan"),
    ("NATO's secretary general", "secretary-general", None),
    ("the ministry's spokeswoman", "spokesperson", None),
    ("Smith's longtime adviser", "adviser", None),
    ("Canada's ambassador to Japan", "ambassador", "Canada"),
])
def test_bug_possessive_appositive_after_the_cue(description, role, country):
    (r,) = rows(f"“We will respond,” said Jane Roe, {description}.")
    assert (r["speaker"], r["speaker_role"], r["speaker_country"]) == ("Jane Roe", role, country)


# Found on unseen wire stories: "Diplomats in Tokyo said" made the Japanese government the
# speaker. People "in" a capital are where they are, not its government or its nationals.
@pytest.mark.parametrize("subject, speaker, role, country", [
    ("Diplomats in Ottawa", "Diplomats in Ottawa", "diplomat", None),
    ("Officials in Ottawa", "Officials in Ottawa", "official", None),
    ("Western analysts in Ottawa", "Western analysts in Ottawa", "analyst", None),
    ("A French diplomat in Ottawa", "French diplomat in Ottawa", "diplomat", "France"),
    # unchanged: the capital alone is its government
    ("Ottawa", "Canada", "government", "Canada"),
])
def test_bug_people_in_a_capital_are_not_its_government(subject, speaker, role, country):
    (r,) = rows(f"{subject} said the talks had stalled.")
    assert (r["speaker"], r["speaker_role"], r["speaker_country"]) == (speaker, role, country)


# Found on unseen wire stories: a lede names the speaker by office ("Norway's foreign
# minister said ...") and a later paragraph by name; the office stayed an unresolved
# description, and the name never learnt its country.
def test_bug_office_description_links_to_the_one_holder_named_in_the_story():
    text = ("OSLO, May 3 (Wire) — Norway's foreign minister said on Friday that the cable "
            "had been cut on purpose.\n\n"
            "“We know who benefits,” Foreign Minister Ana Roe told reporters.\n\n"
            "Roe said that the navy was investigating.")
    got = [(r["speaker"], r["speaker_role"], r["speaker_country"]) for r in rows(text)]
    assert got == [("Ana Roe", "foreign minister", "Norway")] * 3


@pytest.mark.parametrize("text", [
    # two holders of the office: the description names neither
    ("Norway's foreign minister said on Friday that the cable had been cut.\n\n"
     "Foreign Minister Ana Roe met Foreign Minister Bo Lee.\n\n"),
    # a holder from another country
    ("Norway's foreign minister said on Friday that the cable had been cut.\n\n"
     "Swedish Foreign Minister Ana Roe was not available.\n\n"),
    # an indefinite description is someone else
    ("A foreign minister said on Friday that the cable had been cut.\n\n"
     "Foreign Minister Ana Roe was not available.\n\n"),
])
def test_office_description_stays_unlinked_when_the_holder_is_not_unique(text):
    r = rows(text)[0]
    assert r["speaker"] != "Ana Roe"


# Found on unseen wire stories: an Arabic name with a hyphenated particle ("al-Qadiri") was
# cut to the given name.
def test_bug_hyphenated_particle_surname():
    text = ("“Strikes are likely,” said Samir al-Qadiri, an analyst.\n\n"
            "“Soon,” al-Qadiri said.")
    assert [r["speaker"] for r in rows(text)] == ["Samir al-Qadiri"] * 2


# Found on unseen wire stories: a pronoun resolved to a sentence-initial preposition phrase
# ("Inside Iran") or a military camp read as a person.
@pytest.mark.parametrize("between", [
    "Inside Ruritania, criticism is rare.",
    "Across Ruritania, criticism is rare.",
    "Officials met at Camp Aguila, the headquarters.",
    "Officials met at Fort Roe, the headquarters.",
])
def test_bug_pronoun_skips_places_and_preposition_phrases(between):
    text = f"Minister Jo Lee spoke on Monday.\n\n{between}\n\nHe said that talks would resume."
    assert rows(text)[-1]["speaker"] == "Jo Lee"


# Found on PolNeAR while adding the rule above: "The GOP nominee" linked to the one
# candidate of the roster named in the story, who was the other party's.
def test_office_description_with_a_party_or_place_stays_unlinked():
    text = ("The Republican nominee said the polls were wrong.\n\n"
            "Presidential candidate Ana Roe did not reply.\n\n")
    assert rows(text)[0]["speaker"] != "Ana Roe"
    text = ("The Ohio senator said the bill would fail.\n\nSenator Ana Roe did not reply.")
    assert rows(text)[0]["speaker"] != "Ana Roe"


# Found on unseen wire stories: a title given in a description beside a name ("X, the
# ministry's spokeswoman, said"; "X, the U.S. special envoy, arrived") was used for that one
# attribution only; the person's later quotations ("she said", "X said") had no role.
@pytest.mark.parametrize("text, role, country", [
    ("Jo Lee, the foreign ministry spokeswoman, said on Monday that talks would resume.\n\n"
     "“We are ready,” she said.\n\nLee said that nothing had changed.",
     "spokesperson", None),
    ("Ana Roe, the U.S. special envoy for the region, arrived on Sunday.\n\n"
     "“We are ready,” Roe said.\n\n“Soon,” she said.",
     "envoy", "United States"),
    ("“Strikes are likely,” said Sam Roe, a Vienna-based analyst who studies arms control.\n\n"
     "“Soon,” Roe said.", "analyst", None),
    # a description naming someone else gives no title
    ("Ana Roe, the sister of leader Bo Lee, arrived on Sunday.\n\n“We are ready,” Roe said.",
     None, None),
])
def test_bug_title_in_a_description_beside_a_name_is_remembered(text, role, country):
    got = rows(text)
    assert [(r["speaker_role"], r["speaker_country"]) for r in got] == [(role, country)] * len(got)


# Found on a fresh unseen test set: a pronoun opening a sentence went to the last name of
# the sentence before ("X arrived for talks with Y. Speaking at the airport, he said": Y)
# instead of its subject. On PolNeAR the subject rule changed 75 resolutions, read by hand:
# 52 wrong ones became right, 22 stayed wrong and 1 went wrong (a heading run into a
# sentence, "THE BORROWING Back when he ...").
@pytest.mark.parametrize("text, speaker", [
    ("Tom Roe arrived in Oslo on Sunday for talks with Bo Lee. Speaking at the airport, he "
     "said that talks would resume.", "Tom Roe"),
    # a name modifying a title before another name is not the subject
    ("Tom Roe spoke on Monday.\n\nRoe campaign director Jo Lee said that the plan was sound. "
     "“It works,” she said.", "Jo Lee"),
    # within one sentence the most recent name still wins
    ("Tom Roe met Bo Lee, and he said that talks would resume.", "Bo Lee"),
    # a possessor is not the subject; an opening phrase comes before it
    ("Tom Roe's plan is an alternative to Bo Lee's, Sam Fox said. “It works,” he said.",
     "Sam Fox"),
    ("While he worked under Tom Roe, Bo Lee saw the plan fail. “It failed,” he said.",
     "Bo Lee"),
    ("In an interview with Tom Roe, Bo Lee said the plan failed. “It failed,” he said.",
     "Bo Lee"),
    ("According to Tom Roe, the plan was Bo Lee's idea. “It works,” he said.", "Tom Roe"),
])
def test_bug_pronoun_prefers_the_previous_sentence_subject(text, speaker):
    assert rows(text)[-1]["speaker"] == speaker


# Found on a fresh unseen test set: "The head of the X agency warned" made the organisation
# after "of" the speaker (here the United Nations); the head speaks.
@pytest.mark.parametrize("subject, speaker", [
    ("The head of the Ruritanian nuclear agency", "head of the Ruritanian nuclear agency"),
    ("The chief of the Pakistani army", "chief of the Pakistani army"),
])
def test_bug_head_of_an_organisation_is_the_speaker(subject, speaker):
    (r,) = rows(f"{subject} warned on Thursday that the country had enough uranium.")
    assert r["speaker"] == speaker


# Found on a fresh unseen test set: "The Chinese embassy in Manila said" made the Philippine
# government the speaker (the capital after "in" was read as the subject).
@pytest.mark.parametrize("subject, speaker, country", [
    ("The Ruritanian Embassy in Ottawa", "Ruritanian Embassy in Ottawa", None),
    ("The Chinese embassy in Ottawa", "Chinese embassy in Ottawa", "China"),
    ("Officials at the Chinese embassy in Ottawa", "Officials at the Chinese embassy in Ottawa",
     "China"),
    ("A spokesman for the Chinese consulate in Ottawa",
     "spokesman for the Chinese consulate in Ottawa", "China"),
])
def test_bug_organisation_in_a_capital_is_not_its_government(subject, speaker, country):
    (r,) = rows(f"{subject} said the accusations were false.")
    assert (r["speaker"], r["speaker_country"]) == (speaker, country)


# Found on a fresh unseen test set: wire patterns where something stands between the
# source and the cue, or after "according to X", lost the quotation or its source.
@pytest.mark.parametrize("text, speaker, span", [
    # a phrase between commas after a nominal source
    ("The statement, issued by the military's media wing, said a woman had been killed.",
     "statement", "a woman had been killed"),
    ("A senior NATO official, speaking on condition of anonymity, said the alliance had "
     "tracked \"a dozen suspicious vessels\" in the Baltic.", "senior NATO official",
     "the alliance had tracked \"a dozen suspicious vessels\" in the Baltic"),
    ("The ministry, in a statement posted online, said the talks had failed.", "ministry",
     "the talks had failed"),
    # a participle after the source
    ("Britain is pressing for a resolution, two diplomats accredited to the agency said.",
     "two diplomats accredited to the agency", "Britain is pressing for a resolution"),
    # "according to X," then a clause with a comma of its own
    ("According to the military, about 20 marines are now stationed aboard the ship, a "
     "rusting navy vessel.", "military",
     "about 20 marines are now stationed aboard the ship, a rusting navy vessel"),
])
def test_bug_source_separated_from_the_cue(text, speaker, span):
    got = [(r["speaker"], r["text"]) for r in rows(text)]
    assert got == [(speaker, span)]


# Found on a second fresh unseen test set (set 5).
@pytest.mark.parametrize("text, speaker", [
    # a colon introduction whose verb takes "it" as object
    ("Jo Lee, the aid chief, spoke on Monday.\n\nLee put it bluntly: “We have the food. We "
     "have the trucks.”", "Jo Lee"),
    # a colon introduction closing a paragraph of two sentences: its own sentence's subject
    ("Ruritania moved quickly to offer help. Foreign Minister Bo Roe, speaking after a call "
     "with Lee, set out the government's position:\n\n“We are in contact with both sides.”",
     "Bo Roe"),
    # an opening "In <place>," is not the subject before a titled name and its description
    ("In Ottawa, Senator Ann Fox, a Republican who sits on the committee, said the "
     "administration had been \"asleep at the wheel.\"", "Ann Fox"),
    # a role-holder "in" a city, with a relative clause before the cue
    ("A Western diplomat in Ottawa, who spoke on condition of anonymity, said neither side "
     "believed it could lose.", "Western diplomat in Ottawa"),
])
def test_bug_set5_sources(text, speaker):
    assert rows(text)[-1]["speaker"] == speaker


# Found on set 5: a dateline in capitals ("OTTAWA FALLS, Ruritania (AP) —") became a person,
# to whom a later "Ottawa Falls" and pronouns were resolved.
def test_bug_capitals_heading_is_not_a_person():
    text = ("OTTAWA FALLS, Ruritania (AP) — The talks stalled on Monday.\n\n"
            "“We are ready,” he said.")
    (r,) = rows(text)
    assert r["speaker"] is None


# Found on set 5: "Van Aalst said" opening a sentence did not link to "Pieter van Aalst".
def test_bug_capitalised_particle_opening_a_sentence_links_to_the_full_name():
    text = ("Pieter van Roon, the aid chief, spoke on Monday.\n\n"
            "Van Roon put it bluntly: “We have the food.”\n\n"
            "“Soon,” Van Roon said.")
    assert [r["speaker"] for r in rows(text)] == ["Pieter van Roon"] * 2


# --------------------------------------------------------------------------- review of set-5 fixes
# Found in review of this session's attribution rules, each reproduced by the reviewer.
@pytest.mark.parametrize("text, speaker, role", [
    # a name inside an opening phrase has no description after it
    ("After meeting Bo Lee, the foreign minister said the talks had failed.",
     "foreign minister", "foreign minister"),
    ("In a letter to Jane Roe, the president said the talks had failed.", "president",
     "president"),
    # a description naming someone else's office is not the person's title
    ("Jane Roe, a critic of the prime minister, arrived on Monday. The prime minister said "
     "the talks had failed.", "prime minister", "prime minister"),
    # "chief of staff" is a role, not the head of an organisation
    ("The talks failed, said Jane Roe, the chief of staff.", "Jane Roe", "chief of staff"),
    # a surname that is also a place word
    ("Rep. Dave Camp said the bill would pass. Camp said that the vote was close.",
     "Dave Camp", "representative"),
])
def test_review_descriptions_and_titles(text, speaker, role):
    r = rows(text)[-1]
    assert (r["speaker"], r["speaker_role"]) == (speaker, role)


def test_review_wife_of_a_minister_is_no_minister():
    r = rows("Jane Roe, the wife of the foreign minister, said the talks had failed.")[0]
    assert r["speaker_role"] is None


# (The reported clause stops before ", and"/", but" as everywhere; what matters is that
# the clause after "According to X," is the content, not a description of X.)
@pytest.mark.parametrize("text, span", [
    ("According to Jane Roe, Russia's army is exhausted, and Ruritania knows it.",
     "Russia's army is exhausted"),
    ("According to Jane Roe, Spain's economy will grow, but slowly.",
     "Spain's economy will grow"),
    ("According to Jane Roe, a deal is likely, but talks continue.", "a deal is likely"),
])
def test_review_according_to_then_a_clause(text, span):
    got = rows(text)
    assert [r["text"] for r in got] == [span]
    assert got[0]["speaker_country"] is None


def test_review_office_description_after_the_name_is_someone_else():
    # the named minister is the visitor; the host is another person
    text = ("Foreign Minister Jane Roe flew to Oslo on Monday. Norway's foreign minister said "
            "the visit was welcome.")
    assert rows(text)[-1]["speaker"] != "Jane Roe"
    # and a later quotation of the named person does not change country on the way
    text = ("“We are ready,” said Jane Roe, the foreign minister.\n\n"
            "Norway's foreign minister said the talks would go on.\n\n“Soon,” Roe said.")
    got = rows(text)
    assert got[0]["speaker_country"] == got[-1]["speaker_country"]


def test_review_colon_introduction_falls_back_to_the_paragraph():
    text = ("Jane Roe spoke to reporters on Monday. Her message was blunt:\n\n"
            "“We will not accept this.”")
    assert rows(text)[-1]["speaker"] == "Jane Roe"


@pytest.mark.parametrize("text, speaker", [
    ("Beyond Meat said the recall was over.", "Beyond Meat"),
    ("Via Rail said the line would reopen.", "Via Rail"),
])
def test_review_organisations_opening_with_a_preposition(text, speaker):
    assert rows(text)[0]["speaker"] == speaker


@pytest.mark.parametrize("text, speaker, country", [
    ("Officials in Beijing and Moscow said the talks had failed.",
     "Officials in Beijing and Moscow", None),
    ("The Foreign Ministry in Beijing said the talks had failed.",
     "Foreign Ministry", "China"),
])
def test_review_people_and_ministries_in_capitals(text, speaker, country):
    r = rows(text)[0]
    assert (r["speaker"], r["speaker_country"]) == (speaker, country)


# Found while fixing the review: month names must stay out of names ("in April charged").
def test_month_after_in_is_no_speaker():
    got = rows("Federal prosecutors in April charged that the developers had lied.")
    assert all(r["speaker"] != "April" for r in got)


# Found on set 5: "X vowed to ..., as Y said (that) ..." reported both in one clause for X.
def test_bug_as_clause_with_its_own_cue_is_its_own_attribution():
    got = [(r["speaker"], r["text"]) for r in rows(
        "Ruritania vowed on Tuesday to avenge a drone strike, as Oman said it was working to "
        "stop the confrontation from spiralling into a wider war.")]
    assert ("Oman", "it was working to stop the confrontation from spiralling into a wider "
                    "war") in got
    assert all("as Oman" not in t for _, t in got)


# Found on set 5: a time phrase between the cue and "to" opened the reported clause.
@pytest.mark.parametrize("text, span", [
    ("Ruritania vowed on Tuesday to avenge the drone strike on its depot.",
     "to avenge the drone strike on its depot"),
    ("The minister pledged late Monday to raise defence spending by a third.",
     "to raise defence spending by a third"),
])
def test_bug_time_phrase_before_to_is_not_content(text, span):
    assert [r["text"] for r in rows(text)] == [span]


# Found on set 5: the addressee of "urged" was cut in two ("neighbouring | states to ...").
# Since 2026-12-02 the clause starts at the addressee, the subject of the infinitive, as for
# "called on X to" and "accused X of" (it started at "to", which hid "urged X to" from
# stance toward X; PolNeAR all-kinds exact matches 1167 -> 1172, overlap unchanged).
@pytest.mark.parametrize("text, span", [
    ("Jane Roe spoke on Monday. She urged neighbouring states to enforce the arms embargo.",
     "neighbouring states to enforce the arms embargo"),
    ("Jane Roe spoke on Monday. She urged all parties to show restraint at the border.",
     "all parties to show restraint at the border"),
])
def test_bug_addressee_before_an_infinitive(text, span):
    assert [r["text"] for r in rows(text)] == [span]


# Guards of the rule above, found on PolNeAR while adding it.
@pytest.mark.parametrize("text, span", [
    ("Jane Roe told her staff never to speak of the emails again.",
     "her staff never to speak of the emails again"),
    ("Jane Roe warned Ruritania to refrain from further tests.",
     "Ruritania to refrain from further tests"),
    # A lone object pronoun is no target: the clause starts at "to" as before.
    ("Jane Roe spoke on Monday. She urged them to show restraint at the border.",
     "to show restraint at the border"),
])
def test_addressee_rule_keeps_adverbs(text, span):
    assert [r["text"] for r in rows(text)] == [span]


# Found in review of the addressee rule: an addressee then a that-clause or a subject
# pronoun with its own infinitive later is no addressee of that infinitive.
@pytest.mark.parametrize("text, span", [
    ("Jane Roe told Ruritania that Freedonia was going to win the war.",
     "that Freedonia was going to win the war"),
    ("Jane Roe told reporters that Ruritania wants to take all of Freedonia.",
     "that Ruritania wants to take all of Freedonia"),
    ("Jane Roe told Ruritania it needs to stop the drills at once.",
     "it needs to stop the drills at once"),
    ("Jane Roe urged it to halt the drills at the border.", "to halt the drills at the border"),
])
def test_bug_addressee_rule_stops_at_that_and_subject_pronouns(text, span):
    assert [r["text"] for r in rows(text)] == [span]


def test_addressee_rule_stops_at_question_words():
    got = [r["text"] for r in rows("Readers will not let editors tell them how to vote in "
                                   "the election this year.")]
    assert not any(t.startswith("to vote") for t in got)


# Found on set 5: "want" with a noun phrase object is no attribution ("anyone in Caracas
# truly wants a war with Guyana"); "wants to ..." is (PolNeAR annotates it).
def test_bug_want_with_a_noun_object_is_no_attribution():
    got = rows("We do not believe anyone in Ruritania truly wants a war with its neighbour.")
    assert all(r["cue"] != "wants" for r in got)
    got = rows("Jane Roe wants to triple the size of the peace corps next year.")
    assert [r["text"] for r in got] == ["to triple the size of the peace corps next year"]


# Found on set 5: a question ("Does Brazil believe ...?") was read as Brazil's belief.
def test_bug_question_is_no_attribution():
    assert rows("Q: Does Ruritania believe its neighbour is preparing an attack?") == []
    assert rows("Will the minister say that the talks have failed?") == []


# Found on set 5: a family name written first without a hyphenated given name ("Tang
# Yiming") did not link "Tang"; a lone word that is no one's surname but the first name of
# exactly one person now links to that person.
def test_bug_first_word_of_one_name_links_when_no_surname_matches():
    text = ("Spokesman Tang Yiming said the drills were routine.\n\n"
            "“Those who play with fire will get burned,” Tang said.")
    assert [r["speaker"] for r in rows(text)] == ["Tang Yiming"] * 2
    # two people share the first word: no link
    text = ("Tang Yiming and Tang Wei spoke on Monday.\n\n“We are ready,” Tang said.")
    assert rows(text)[-1]["speaker"] == "Tang"


# Found on set 6: a possessive country of two words lost its first word ("South Korea's
# president" became "Korea's president", with no country).
@pytest.mark.parametrize("subject, speaker, country", [
    ("South Korea’s president", "South Korea’s president", "South Korea"),
    ("New Zealand's foreign minister", "New Zealand's foreign minister", "New Zealand"),
    ("the United Kingdom's envoy", "United Kingdom's envoy", "United Kingdom"),
])
def test_bug_two_word_possessive_country(subject, speaker, country):
    (r,) = rows(f"{subject} said that talking to the North was not a reward.")
    assert (r["speaker"], r["speaker_country"]) == (speaker, country)


# Found on PolNeAR while fixing the above: a possessor of two words before a document noun.
def test_two_word_possessor_before_a_document():
    got = rows("However, Jane Roe's brief said that was not her view.")
    assert [r["speaker_mention"] for r in got] == ["Jane Roe's brief"]


# Found on unseen security stories: a country adjective before a lower-case ministry
# ("Iranian foreign ministry spokesman X") is cut off the speaker phrase, so the speaker
# has a role but no country.
@pytest.mark.parametrize("text, mention, role, country", [
    ('Iranian foreign ministry spokesman Ana Roe called the attack "a blatant act of '
     'aggression" on Monday.', "Iranian foreign ministry spokesman Ana Roe", "spokesperson",
     "Iran"),
    ("Chinese defence ministry spokesperson Ana Roe said the drills were routine and lawful.",
     "Chinese defence ministry spokesperson Ana Roe", "spokesperson", "China"),
    ("Kenyan interior ministry official Ana Roe said the border would stay closed for now.",
     "Kenyan interior ministry official Ana Roe", "official", "Kenya"),
])
def test_bug_country_before_a_lower_case_ministry(text, mention, role, country):
    (r,) = rows(text)
    assert (r["speaker_mention"], r["speaker"], r["speaker_role"], r["speaker_country"]) == (
        mention, "Ana Roe", role, country)


# Found in review: after the verb ("said Iranian spokesman X") the forward reading stopped at
# the country adjective, so the person was lost and the country became the speaker.
@pytest.mark.parametrize("after, mention, role, country", [
    ("said Iranian foreign ministry spokesman Ana Roe.",
     "Iranian foreign ministry spokesman Ana Roe", "spokesperson", "Iran"),
    ("said Chinese defence ministry spokesperson Ana Roe on Monday.",
     "Chinese defence ministry spokesperson Ana Roe", "spokesperson", "China"),
    ("said Iranian spokesman Ana Roe.", "Iranian spokesman Ana Roe", "spokesperson", "Iran"),
    ("said Russian Foreign Ministry spokeswoman Ana Roe.",
     "Russian Foreign Ministry spokeswoman Ana Roe", "spokesperson", "Russia"),
])
def test_bug_country_and_role_after_the_verb_keep_the_person(after, mention, role, country):
    (r,) = rows(f"“We will respond to any attack,” {after}")
    assert (r["speaker"], r["speaker_role"], r["speaker_country"]) == ("Ana Roe", role, country)


# Found in review: after the verb, a description with the name in apposition ("said the
# ministry's spokesman, X") lost the name, or the whole speaker.
@pytest.mark.parametrize("after, role, country", [
    ("said the spokesman, Ana Roe.", "spokesperson", None),
    ("said the ministry's spokesman, Ana Roe.", "spokesperson", None),
    ("said the Iranian foreign ministry spokesman, Ana Roe.", "spokesperson", "Iran"),
    ("said Iran's foreign minister, Ana Roe.", "foreign minister", "Iran"),
    ("said Iran's foreign minister, Ana Roe, on Monday.", "foreign minister", "Iran"),
])
def test_bug_name_in_apposition_after_the_verb(after, role, country):
    (r,) = rows(f"“We will respond to any attack,” {after}")
    assert (r["speaker"], r["speaker_role"], r["speaker_country"]) == ("Ana Roe", role, country)


# Found in review: a lower-case description before the name in apposition after a quotation
# ("“...,” the ministry's spokesman, X, said") left the quotation without a speaker.
@pytest.mark.parametrize("lead, role", [
    ("the spokesman, Ana Roe, told reporters.", "spokesperson"),
    ("the ministry's spokesman, Ana Roe, said.", "spokesperson"),
    ("a senior official, Ana Roe, said on Monday.", "official"),
])
def test_bug_description_and_name_in_apposition_after_a_quotation(lead, role):
    (r,) = rows(f"“We will respond to any attack,” {lead}")
    assert (r["speaker"], r["speaker_role"]) == ("Ana Roe", role)


# Found in review: "declining to be named" after a quotation was reported as what the source
# declined (PolNeAR annotates "declined to comment", but anonymity is no content).
@pytest.mark.parametrize("tail", ["declining to be named", "who declined to be identified",
                                  "declining to be quoted by name"])
def test_declining_to_be_named_is_no_quotation(tail):
    got = rows(f"“We will respond to any attack,” a ministry spokesman said, {tail}.")
    assert [r["kind"] for r in got] == ["direct"]


def test_declining_to_comment_is_still_reported():
    got = rows("The ministry spokesman declined to comment on the strike.")
    assert [(r["kind"], r["text"]) for r in got] == [("indirect", "to comment on the strike")]


# Found on the sample's end-to-end misses: "the two" as a subject was no speaker at all (a
# numeral is read as a determiner), though the pair just named is who spoke.
@pytest.mark.parametrize("text", [
    "Before the summit, Ana Roe held talks with Jo Paz, in which the two agreed to beef up "
    "cooperation with Peru.",
    "Ana Roe met Jo Paz on Monday, and the two leaders agreed to beef up cooperation with "
    "Peru.",
])
def test_bug_the_two_are_the_pair_just_named(text):
    (r,) = rows(text)
    assert r["text"] == "to beef up cooperation with Peru"
    assert r["speaker"] == "Ana Roe; Jo Paz"


def test_the_two_without_a_pair_is_unresolved():
    # As an unresolved pronoun: the mention is kept, the speaker is not guessed.
    (r,) = rows("Ana Roe spoke first.\n\nThe two agreed to beef up cooperation with Peru.")
    assert (r["speaker_mention"], r["speaker"]) == ("The two", None)


# Found on a blind test set (unseen 13): the description before a name in apposition
# ("Rwanda's foreign minister, X, said") gave the first quotation its role and country, but
# later ones ("X said", "he said") had none: the person never learned them.
@pytest.mark.parametrize("lead", [
    "Peru's foreign minister, Ana Roe, said the talks had failed.",
    "Peru's foreign minister, Ana Roe, who chaired the session, said the talks had failed.",
    "“The talks failed,” Peru's foreign minister, Ana Roe, told reporters.",
])
def test_bug_description_before_a_name_is_remembered(lead):
    got = rows(f"{lead}\n\n“We will try again,” Roe said.")
    assert [(r["speaker"], r["speaker_role"], r["speaker_country"]) for r in got] == [
        ("Ana Roe", "foreign minister", "Peru")] * 2


def test_an_adverbial_clause_before_a_name_is_no_description():
    got = rows("After meeting the foreign minister, Ana Roe said the talks had failed.\n\n"
               "“We will try again,” Roe said.")
    assert [(r["speaker"], r["speaker_role"]) for r in got] == [("Ana Roe", None)] * 2


# Found on blind set 13: a possessive country before "<body> in <city>" was cut off, so
# "Russia's embassy in Belgrade" had no country (the city is where it sits, not whose it is).
@pytest.mark.parametrize("subject", ["Russia’s embassy in Belgrade", "Russia's embassy in Belgrade",
                                     "The Russian embassy in Belgrade"])
def test_bug_possessive_country_before_a_body_in_a_city(subject):
    (r,) = rows(f"{subject} said in a statement that the West had armed Pristina for years.")
    assert (r["speaker_mention"], r["speaker_country"]) == (subject, "Russia")


# Found on blind set 13: "The OSCE mission to Moldova, which ..., said" gave the speaker
# "Moldova", the government of the country the mission is sent to.
def test_bug_a_mission_to_a_country_is_not_that_country():
    (r,) = rows("The OSCE mission to Moldova, which has mediated there since 1993, said it was "
                "ready to facilitate technical talks.")
    assert (r["speaker_mention"], r["speaker_country"]) == ("The OSCE mission to Moldova", None)


# Found while reviewing blind set 13: the standard wire description of anonymous sources lost
# its head noun, so "the matter" or "the talks" became the speaker.
@pytest.mark.parametrize("subject", [
    "Sources familiar with the matter", "A source close to the talks",
    "People with knowledge of the plans", "Two officials briefed on the negotiations",
    "A diplomat involved in the talks",
])
def test_bug_anonymous_source_with_a_postmodifier(subject):
    (r,) = rows(f"{subject} said the deal was close to being signed.")
    assert r["speaker_mention"] == subject


# ... and "who asked not to be named" was read as a request whose content ran on to "said".
@pytest.mark.parametrize("subject", ["A senior Iranian official", "A source close to the talks",
                                     "A Border Guard officer stationed near Hajnowka"])
def test_bug_asked_not_to_be_named_is_no_quotation(subject):
    got = rows(f"{subject}, who asked not to be named, said the deal was close to being signed.")
    assert [(r["cue"], r["text"], r["speaker_mention"]) for r in got] == [
        ("said", "the deal was close to being signed", subject)]


# Review of the day's speaker rules (each found by probing the new code).
@pytest.mark.parametrize("after", ["said a senior Iranian official Tuesday.",
                                   "said the Chinese foreign ministry spokesman Wednesday.",
                                   "said the Iranian official January 5."])
def test_review_a_date_after_a_role_is_no_name(after):
    (r,) = rows(f"“The talks are over,” {after}")
    assert not any(d in (r["speaker"] or "") for d in ("Tuesday", "Wednesday", "January"))


@pytest.mark.parametrize("text, cue, speaker", [
    ("The official declined to be identified, saying he feared for his safety.", "saying",
     "official"),
    ("The source declined to be named, adding that the talks would resume next week.",
     "adding", "source"),
])
def test_review_the_source_of_an_anonymity_clause_goes_on(text, cue, speaker):
    got = rows(text)
    assert [(r["cue"], r["speaker"]) for r in got] == [(cue, speaker)]


def test_review_asking_to_be_named_to_a_post_is_a_request():
    got = rows("The senator asked to be named to the intelligence committee next year.")
    assert [r["cue"] for r in got] == ["asked"]


@pytest.mark.parametrize("text", [
    # three people in the sentence before: "the two" is not guessed
    "President Ana Roe spoke by phone with Prime Minister Jo Paz on Sunday, spokesman Al Poe "
    "told reporters. The two agreed that aid must reach the city.",
    # one person only
    "Ana Roe met the king in Bali on Monday. The two agreed that aid must reach the city.",
])
def test_review_the_two_is_not_guessed(text):
    got = [r for r in rows(text) if r["text"].startswith("that aid")]
    assert [r["speaker"] for r in got] in ([], [None])


def test_review_the_pair_has_no_country_unless_both_have_one():
    (r,) = rows("Chancellor Ana Roe hosted French President Jo Paz in Berlin, and the two said "
                "Europe must do more.")
    assert (r["speaker"], r["speaker_country"]) == ("Ana Roe; Jo Paz", None)


@pytest.mark.parametrize("subject", ["A farmer in Kherson", "A Ukrainian soldier from Kharkiv"])
def test_review_a_place_after_an_anonymous_source_is_not_the_speaker(subject):
    (r,) = rows(f"{subject}, who asked not to be named, said the troops had looted his farm.")
    assert r["speaker_mention"] == subject


def test_review_an_organisations_possessive_keeps_the_person():
    got = rows("Hezbollah's Nasrallah warned Israel on Sunday. “We will respond,” he said.")
    assert got[-1]["speaker"] == "Hezbollah's Nasrallah" or got[-1]["speaker"] == "Nasrallah"


def test_review_a_description_with_a_clause_is_not_learned():
    got = rows("The man who defeated the prime minister, Ana Roe, said she would govern for "
               "all.\n\n“I will serve,” Roe said.")
    # (The first quotation reads its own description, an older rule; the person does not
    # keep the office for later mentions.)
    assert got[-1]["speaker_role"] is None


def test_review_sources_after_that_do_not_take_it():
    (r,) = rows("Oil rose on reports that officials close to OPEC said output would be cut.")
    assert r["speaker_mention"] == "officials close to OPEC"


def test_joint_sources_take_a_country_only_when_both_have_one():
    # Found in review: "Roe and Doe said" with only Roe's country known gave the pair Roe's
    # country, so a country comparison counted Doe's words as that country's.
    (r,) = rows("French President Ana Roe and Jo Paz said Europe must do more for Ukraine.")
    assert (r["speaker"], r["speaker_country"]) == ("Ana Roe; Jo Paz", None)
    (r,) = rows("French President Ana Roe and German Chancellor Jo Paz said Europe must do "
                "more for Ukraine.")
    assert (r["speaker"], r["speaker_country"]) == ("Ana Roe; Jo Paz", "France; Germany")


@pytest.mark.parametrize("subject", ["Roe campaign spokesman Jo Paz",
                                     "Ana Roe’s campaign manager Jo Paz"])
def test_review_a_role_before_the_last_name_is_that_persons(subject):
    # Found while checking the joint-source rule: the people named in such a phrase were
    # joined ("Ana Roe; Jo Paz"), though the spokesman alone speaks.
    got = rows(f"Ana Roe spoke first.\n\n{subject} said the senator would not attend.")
    assert got[-1]["speaker"] == "Jo Paz"


@pytest.mark.parametrize("after, mention", [
    ("said the ministry's spokesman.", "the ministry's spokesman"),
    # "military" and "army" describe a speaker ("Houthi military spokesman X")
    ("said the Israeli military.", "the Israeli military"),
    ("said Chinese military spokesman Senior Colonel Ana Roe.",
     "Chinese military spokesman Senior Colonel Ana Roe"),
    ("said a senior Iranian official who asked not to be named.", "a senior Iranian official"),
    ("said the spokesman, a former diplomat.", "the spokesman"),   # a description, no name
])
def test_description_after_the_verb(after, mention):
    (r,) = rows(f"“We will respond to any attack,” {after}")
    assert r["speaker_mention"] == mention


@pytest.mark.parametrize("after, mention, country", [
    ("said Iranian officials.", "Iranian", "Iran"),    # no name follows: nothing joins
    ("said Iranian officials on Monday.", "Iranian", "Iran"),
    ("said President Ana Roe.", "President Ana Roe", None),
])
def test_country_adjective_after_the_verb_without_a_name(after, mention, country):
    (r,) = rows(f"“We will respond to any attack,” {after}")
    assert (r["speaker_mention"], r["speaker_country"]) == (mention, country)


# Found on an unseen set once capitals became country spellings: a participle clause about
# the speaker ("asked whether ... in Kuala Lumpur") gave the place as the speaker's country.
@pytest.mark.parametrize("clause", [
    "asked whether the prime minister would attend the summit in Kuala Lumpur",
    "pressed about the talks in Nairobi",
    "speaking after the talks in Nairobi",
])
def test_bug_place_in_a_participle_clause_is_no_country(clause):
    # (Only clauses of asking: "elected in 2019 as the Ukrainian president" names the
    # speaker's own office; see the next test.)
    got = rows(f"Minister Ana Roe, {clause}, said: “We will convey our position clearly.”")
    assert [(r["speaker"], r["speaker_country"]) for r in got] == [("Ana Roe", None)]


# Found on unseen security stories: a US office named before the title gives the country,
# as "Kremlin spokesman X" does.
@pytest.mark.parametrize("text", [
    "In Washington, State Department spokeswoman Ana Roe said the talks would resume soon.",
    "Pentagon spokesman Ana Roe said the drills would go ahead as planned next week.",
    "White House press secretary Ana Roe said the president would not attend the summit.",
])
def test_us_offices_before_a_title_give_the_country(text):
    (r,) = rows(text)
    assert (r["speaker"], r["speaker_country"]) == ("Ana Roe", "United States")


# "thank" and "commend" are no cues (tried on 2026-12-02 for "thanked X for its ..."): in
# wire copy "X thanked the troops for their service, the White House said" would take the
# outer attribution, and "thanked police, who said ..." the police's words (found in review).
@pytest.mark.parametrize("text, speaker, cue", [
    ("The president thanked the troops for their service, the White House said.",
     "White House", "said"),
])
def test_thanked_is_no_cue(text, speaker, cue):
    (r,) = rows(text)
    assert (r["speaker"], r["cue"]) == (speaker, cue)



# Found in review: an appositive opening with other participles can name the speaker's own
# office, whose country is right.
@pytest.mark.parametrize("clause, country", [
    ("elected in 2019 as the Ukrainian president", "Ukraine"),
    ("appointed to the French cabinet in May as a minister", "France"),
])
def test_participle_naming_the_office_keeps_the_country(clause, country):
    got = rows(f"Ana Roe, {clause}, said: “We will convey our position clearly.”")
    assert [(r["speaker"], r["speaker_country"]) for r in got] == [("Ana Roe", country)]


# Found in review: a name before "and" does not join a speaker phrase that starts with
# lower-case descriptors ("China and senior official X" is X alone).
@pytest.mark.parametrize("text", [
    "Talks were backed by China and senior official Ana Roe said the deal was close.",
    "Lavrov met Blinken and senior official Ana Roe said the talks were useful.",
])
def test_name_before_and_does_not_join_a_descriptor_phrase(text):
    (r,) = rows(text)
    assert (r["speaker_mention"], r["speaker"]) == ("senior official Ana Roe", "Ana Roe")



# Found in review of a first version (ministry words as general descriptors): the ministry is
# read only between a country adjective and a role word.
@pytest.mark.parametrize("text, speaker", [
    ("Gaza's Hamas-run interior ministry said the toll had risen to forty people overnight.",
     "Gaza's Hamas-run interior ministry"),
    ("Lavrov met Blinken and foreign ministry spokeswoman Ana Roe said the talks were useful.",
     "Ana Roe"),
])
def test_ministry_words_only_after_a_country_adjective(text, speaker):
    (r,) = rows(text)
    assert r["speaker"] == speaker


# Found on blind set 14: a role and country written before a name in the speaker phrase
# ("Russian foreign ministry spokeswoman X said") were the first quotation's only; the
# person's later "X said" and "she said" had none, so a comparison by role or country
# lost them.
@pytest.mark.parametrize("text", [
    "“The talks will go on,” Russian foreign ministry spokeswoman Darya Orlova said.\n\n"
    "Orlova said the alliance “has the tools” to help.\n\n“We are ready,” she said.",
    "In Ankara, defence ministry spokesman Kemal Aydin said the strike was precise.\n\n"
    "“The strike was lawful,” Aydin said.\n\nHe said that more would follow.",
])
def test_role_written_before_a_name_carries_to_later_mentions(text):
    got = [(r["speaker"], r["speaker_role"], r["speaker_country"]) for r in rows(text)]
    assert len(got) == 3
    assert len(set(got)) == 1 and got[0][1] == "spokesperson"


# Found on blind set 14: a lower-case portfolio of two words between an organisation and
# a role ("EU foreign policy spokeswoman X", "UN human rights spokeswoman X") cut the
# speaker phrase, and the quotation had no speaker.
@pytest.mark.parametrize("text", [
    "“The future is bright,” EU foreign policy spokeswoman Sofia Laine said.",
    "“The future is bright,” UN human rights spokeswoman Sofia Laine said.",
    "“The future is bright,” said EU foreign policy spokeswoman Sofia Laine.",
    "“The future is bright,” the EU's foreign policy spokeswoman Sofia Laine said.",
    "EU humanitarian affairs spokeswoman Sofia Laine said the future was bright.",
])
def test_portfolio_words_before_a_role(text):
    (r,) = rows(text)
    assert (r["speaker"], r["speaker_role"]) == ("Sofia Laine", "spokesperson")


# Found on blind set 14: "the Bosniak member of the tripartite presidency said" gave the
# speaker "the presidency"; so did every role noun but a few ("the minister of defence
# said" gave "defence", "the envoy to Sudan said" the government of Sudan).
@pytest.mark.parametrize(("text", "mention", "role"), [
    ("The minister of defence said the vote was a coup.", "The minister of defence",
     "defense minister"),
    ("The leader of the opposition said the vote was a coup.", "The leader of the opposition",
     "leader"),
    ("The envoy to Sudan said the vote was a coup.", "The envoy to Sudan", "envoy"),
    ("The chairman of the committee said the vote was a coup.",
     "The chairman of the committee", "chair"),
    ("The Bosniak member of the presidency said the vote was a coup.",
     "The Bosniak member of the presidency", None),
    ("Members of the delegation said the vote was a coup.", "Members of the delegation", None),
    ("The commander of the mission said the vote was a coup.", "The commander of the mission",
     None),
    ("The UN special envoy for Yemen said the vote was a coup.",
     "The UN special envoy for Yemen", "envoy"),
    ("They disagree on whether a leader of the group said the vote was a coup.",
     "a leader of the group", "leader"),
])
def test_role_noun_before_of_or_to_is_the_speaker(text, mention, role):
    (r,) = rows(text)
    assert (r["speaker_mention"], r["speaker_role"]) == (mention, role)
    assert r["speaker_country"] is None


# Found while extending the role nouns: a name ending in "-ed" or "-ing" after a role and
# a comma ("the ministry's spokesman, Mohamed Ali, said") was read as a participle phrase
# interrupting the source, so the description spoke instead of the person.
@pytest.mark.parametrize("text", [
    "The ministry's spokesman, Mohamed Ali, said the talks had failed.",
    "Kenya’s ambassador, Mohamed Kanu Turay, said the talks had failed.",
    "The minister, Ahmed Sterling, said the talks had failed.",
])
def test_name_ending_like_a_participle_after_a_role(text):
    (r,) = rows(text)
    assert r["speaker_mention"] == text.split(", ")[1]


# Found on blind set 14: "voted to stop recognising rulings of the court, and the member
# said ..." made the object of "recognising" a reported belief that ran on into the next
# clause. Cognition verbs that also take a plain object ("know", "consider", "recognise",
# "understand") are cues only before a clause, as "add" is.
@pytest.mark.parametrize("text", [
    "Lawmakers voted to stop recognising rulings of the court, and nothing else changed.",
    "She knows the gritty specifics of health care policy, and it shows.",
    "Few countries recognise the breakaway region's declaration of independence.",
    "He is considered a true genius by his followers in the party.",
])
def test_cognition_verb_with_a_plain_object_is_no_cue(text):
    assert rows(text) == []


@pytest.mark.parametrize("text", [
    "The minister said she knows that the talks will fail.",
    "Officials recognise the talks will fail, the minister said.",
])
def test_cognition_verb_before_a_clause_is_still_a_cue(text):
    assert any("talks will fail" in r["text"] for r in rows(text))


# Found on blind set 14: "In Ankara, defence ministry spokesman X said" (a common wire
# form) gave X no country; a ministry or government speaking from the capital that opens
# the sentence is that country's, as "the Foreign Ministry in Beijing" already was.
@pytest.mark.parametrize(("text", "country"), [
    ("In Ankara, defence ministry spokesman Kemal Aydin said the strike was precise.",
     "Turkey"),
    ("In Beijing, foreign ministry spokeswoman Wen Li said the visit was normal.", "China"),
    ("In Tokyo, a government spokesman said the visit was normal.", "Japan"),
    ("In Moscow, the foreign ministry said the visit was normal.", "Russia"),
    # Not without a ministry or government word, nor when the phrase has its own country,
    # nor after a place that is not a capital of the list.
    ("In Brussels, NATO spokesman Piet Laan said the visit was normal.", None),
    ("In Beijing, Indian foreign ministry spokesman Raj Rao said the visit was normal.",
     "India"),
    ("In Geneva, foreign ministry spokesman Raj Rao said the visit was normal.", None),
])
def test_ministry_speaking_from_the_capital_opening_the_sentence(text, country):
    (r,) = rows(text)
    assert r["speaker_country"] == country


# Found on blind set 14: "The agency, Frontex, said its observers had reached the town"
# found no subject before "said", and the rule for an attribution after the reported
# words ('"...," said X.') then took "its observers" as the speaker of "The agency,
# Frontex".
@pytest.mark.parametrize(("text", "speaker"), [
    ("The agency, Frontex, said its observers had reached the town.", "Frontex"),
    ("The U.N. peacekeeping mission in the territory, MINURSO, said its observers had "
     "reached the town.", "MINURSO"),
])
def test_organisation_named_in_apposition_after_its_description(text, speaker):
    (r,) = rows(text)
    assert (r["speaker"], r["text"]) == (speaker, "its observers had reached the town")


def test_no_inverted_attribution_before_a_finite_verb():
    # '"...," said X.' needs X to end the clause; "said its observers had ..." is a clause.
    got = rows("The talks, in the end, said its observers had reached the town.")
    assert all(r["speaker_mention"] != "its observers" for r in got)


# Found while trying "thank" again (left out, see test_thanked_is_no_cue): a reported
# clause ran on over ", and its foreign minister, X, said ...", a new source described
# before its name, whose own quotation became ", and its foreign minister".
def test_clause_ends_before_a_new_source_described_before_its_name():
    got = rows("Haiti praised Nairobi for its courage and sacrifice, and its foreign minister, "
               "Marie Destin, said the capital wanted a full peacekeeping operation.")
    assert [(r["speaker"], r["text"]) for r in got] == [
        ("Haiti", "Nairobi for its courage and sacrifice"),
        ("Marie Destin", "the capital wanted a full peacekeeping operation")]


# Found in review of the rules of 2026-12-02 (second session); tests first.
@pytest.mark.parametrize(("text", "speaker"), [
    # A portfolio word before a name is a fronted topic, not part of a title.
    ("On migration Hungary said it would not comply.", "Hungary"),
    ("Concerning maritime security China said it would respond.", "China"),
    ("In a reversal on nuclear policy Tehran said it would talk.", "Iran"),
])
def test_review_fronted_portfolio_word_is_no_title(text, speaker):
    (r,) = rows(text)
    assert r["speaker"] == speaker


@pytest.mark.parametrize(("text", "role"), [
    # A possessive after "of" makes the possessor's noun no role of the speaker.
    ("The chairman of the committee's spokesman said hearings would begin.", "spokesperson"),
    ("The minister of defence's spokesman said hearings would begin.", "spokesperson"),
])
def test_review_possessive_after_of_keeps_the_last_role(text, role):
    (r,) = rows(text)
    assert r["speaker_role"] == role


def test_review_role_written_now_wins_over_the_carried_one():
    got = rows("Chinese foreign ministry spokesman Wang Wenbin said Beijing opposed the move. "
               "Later, Foreign Minister Wang said the United States must stop.\n\n"
               "Avi Hagari, a rear admiral, said the fleet was ready. "
               "Military spokesman Avi Hagari said the port was closed.")
    roles = [r["speaker_role"] for r in got]
    assert roles[0] == "spokesperson" and roles[1] == "foreign minister"


@pytest.mark.parametrize("text", [
    "In Doha, Hamas government officials said a ceasefire was near.",
    "In London, the Hong Kong government said the law would stand.",
    "In Kyiv, the exiled Belarusian opposition government said the leader must go.",
    "In Havana, the government's critics said the vote was rigged.",
    "In Vienna, government negotiators said a deal was near.",
])
def test_review_capital_country_only_for_that_states_own_body(text):
    (r,) = rows(text)
    assert r["speaker_country"] != {"Doha": "Qatar", "London": "United Kingdom",
                                    "Kyiv": "Ukraine", "Havana": "Cuba",
                                    "Vienna": "Austria"}[text.split(",")[0][3:]]


@pytest.mark.parametrize(("text", "country"), [
    ("Israel's ambassador to the UN said the resolution was one-sided.", "Israel"),
    ("China's envoy to the UN said the resolution was one-sided.", "China"),
])
def test_review_possessive_country_before_a_role_noun(text, country):
    (r,) = rows(text)
    assert (r["speaker_role"], r["speaker_country"]) in (("ambassador", country),
                                                        ("envoy", country))


@pytest.mark.parametrize(("text", "speaker"), [
    ("A spokesman for its ally, Iran, said the strikes were illegal.", "spokesman for Iran"),
    ("Officials from the country, Russia, said the strikes were illegal.", None),
])
def test_review_country_in_apposition_to_the_object_does_not_speak(text, speaker):
    (r,) = rows(text)
    assert r["speaker"] not in ("Iran", "Russia")


@pytest.mark.parametrize(("text", "speaker"), [
    ("The government, however, said the plan would proceed.", "government"),
    ("The army, too, said it was ready.", "army"),
])
def test_review_subject_with_an_interrupting_adverb(text, speaker):
    (r,) = rows(text)
    assert r["speaker"] == speaker


# Found on blind set 15: a lower-case body after a country adjective was cut ("According
# to the Cypriot police" gave "the Cypriot"), and "The U.S. Embassy in X" lost "U.S." (its
# dots were not read as a word).
@pytest.mark.parametrize(("text", "mention"), [
    ("According to the Cypriot police, the men were ploughing a field.",
     "the Cypriot police"),
    ("The U.S. Embassy in Dhaka said Washington would give more aid.",
     "The U.S. Embassy in Dhaka"),
])
def test_body_after_a_country_word_keeps_it(text, mention):
    (r,) = rows(text)
    assert r["speaker_mention"] == mention


# Left by the review of 2026-12-02, then fixed: more role nouns before "of".
@pytest.mark.parametrize(("text", "mention", "role"), [
    ("The secretary of state said the talks had failed.", "The secretary of state",
     "secretary of state"),
])
def test_more_role_nouns_before_a_preposition(text, mention, role):
    (r,) = rows(text)
    assert r["speaker_mention"] == mention
    if role:
        assert r["speaker_role"] == role


# Left by the review of 2026-12-02, then fixed: with no comma before "and", a reported
# clause swallowed the next source's quotation.
def test_clause_ends_before_and_a_new_described_source_without_comma():
    got = rows("Iran said the talks were over and its foreign minister, Abbas Araghchi, said "
               "Tehran was ready to retaliate.")
    assert [(r["speaker"], r["text"]) for r in got] == [
        ("Iran", "the talks were over"),
        ("Abbas Araghchi", "Tehran was ready to retaliate")]
    # A description holding "and" is still one description.
    (r,) = rows("The minister of trade and industry, Jane Roe, said the talks had failed.")
    assert r["speaker"] == "Jane Roe"


# Found reading PolNeAR's missed reported clauses (2026-12-02, third session); tests first.
@pytest.mark.parametrize(("text", "content"), [
    # A "that" after a clause of its own is a relative pronoun or a demonstrative, not the
    # complementiser of the cue: the reported clause starts right after "said".
    ("O'Neill said officials are in possession of video that shows the explosion.",
     "officials are in possession of video that shows the explosion"),
    ("Experts said the latest nuclear test could change that.",
     "the latest nuclear test could change that"),
    # ... while an adjunct before "that" is still skipped.
    ("The ministry said in a statement on Tuesday that the talks had failed.",
     "that the talks had failed"),
])
def test_that_after_a_clause_of_its_own_is_no_complementiser(text, content):
    (r,) = rows(text)
    assert r["text"] == content


@pytest.mark.parametrize(("text", "speaker"), [
    ("Experts on nuclear nonproliferation said the test could change the debate.",
     "Experts on nuclear nonproliferation"),
    ("Analysts on the region said the test could change the debate.",
     "Analysts on the region"),
])
def test_experts_on_a_subject_speak(text, speaker):
    (r,) = rows(text)
    assert (r["speaker_mention"], r["text"]) == (speaker, "the test could change the debate")


@pytest.mark.parametrize(("text", "speaker"), [
    ("Incomes would rise by 19.9 percent, according to the conservative-leaning Tax "
     "Foundation.", "the conservative-leaning Tax Foundation"),
    ("Incomes would rise by 19.9 percent, according to the Washington-based Tax "
     "Foundation.", "the Washington-based Tax Foundation"),
])
def test_according_to_a_source_with_a_hyphenated_modifier(text, speaker):
    (r,) = rows(text)
    assert (r["speaker_mention"], r["text"]) == (speaker, "Incomes would rise by 19.9 percent")


def test_and_said_after_a_first_predicate_that_is_no_cue():
    (r,) = rows("Cruz visited the border on Monday and said he was standing on principle.")
    assert (r["speaker_mention"], r["text"]) == ("Cruz", "he was standing on principle")


def test_non_speech_cue_coordinated_inside_a_that_less_clause_is_no_second_quotation():
    # "refused" is the reported subject's act, inside what the police say.
    got = rows("Police say he posed a deadly threat and refused to drop the gun.")
    assert [(r["speaker_mention"], r["text"]) for r in got] == [
        ("Police", "he posed a deadly threat and refused to drop the gun")]


@pytest.mark.parametrize("text", [
    "Asked to describe it, he declined.",
    "Pressed on the matter, the minister declined.",
])
def test_question_opening_the_sentence_is_not_what_was_said(text):
    assert rows(text) == []


def test_modifier_before_an_organisation_is_not_its_name():
    (r,) = rows("Incomes would rise by 19.9 percent, according to the nonpartisan "
                "Congressional Budget Office.")
    assert r["speaker"] == "Congressional Budget Office"


def test_coordinated_cue_after_a_described_subject_with_a_past_verb():
    (r,) = rows("Taiwan's defence ministry thanked the United States for its support and said "
                "the missiles would be deployed by 2027.")
    assert (r["speaker_mention"], r["speaker_country"]) == ("Taiwan's defence ministry",
                                                            "Taiwan")


def test_coordinated_non_speech_cue_after_a_subject_is_no_quotation():
    # "found" (a report cue) after "and" is what the forces did, not something reported.
    assert rows("European Union naval forces boarded a cargo ship on Wednesday and found "
                "armoured vehicles hidden beneath farm machinery.") == []


def test_coordinated_cue_in_the_cues_tense_is_the_speakers_own():
    got = rows("Roe said the deal works and warned that critics are wrong.")
    assert [r["text"] for r in got] == ["the deal works", "that critics are wrong"]


def test_present_cue_then_past_predicate_continues_the_reported_clause():
    (r,) = rows("Merrill says Machado promised to keep supporting Clinton and said she would "
                "stand up to the attacks.")
    assert r["text"] == ("Machado promised to keep supporting Clinton and said she would stand "
                         "up to the attacks")


def test_question_before_a_colon_introduction_is_not_a_quotation():
    got = rows("Asked about the talks with Moscow, Lindqvist said: \u201cAny deal made over "
               "the heads of Ukrainians will not work.\u201d")
    assert [r["kind"] for r in got] == ["direct"]


@pytest.mark.parametrize(("text", "country"), [
    ("Dewi Kartika, a researcher at the Centre for Strategic and International Studies in "
     "Jakarta, said the government had struck a careful balance.", "Indonesia"),
    ("Fatima Saleh, a security researcher at Qatar University, said the role was unique.",
     "Qatar"),
])
def test_researcher_takes_the_country_of_the_institution(text, country):
    (r,) = rows(text)
    assert r["speaker_country"] == country


def test_sentence_ending_in_an_attributed_fragment_is_not_joined_to_the_next():
    # The splitter's break after '.”' stands when the fragment already has its cue: the
    # next sentence, with a cue of its own, is not an attribution of the fragment.
    got = rows("Roe says the plan is \u201cbad for him.\u201d She says the deal is fine.")
    assert [(r["speaker_mention"], r["text"]) for r in got] == [
        ("Roe", "the plan is \u201cbad for him.\u201d"), ("She", "the deal is fine")]


def test_branded_x_a_y_reports_the_label():
    (r,) = rows('Japan branded North Korea an "outlaw nation in the neighborhood."')
    assert (r["speaker_mention"], r["kind"]) == ("Japan", "mixed")


@pytest.mark.parametrize(("text", "speaker"), [
    ("This is \u201croughly the same advantage she has held all month,\u201d reported Reuters.",
     "Reuters"),
])
def test_report_cue_before_its_source_after_the_reported_words(text, speaker):
    (r,) = rows(text)
    assert r["speaker_mention"] == speaker


def test_present_report_cue_after_a_comma_is_no_inverted_attribution():
    got = rows("A USA TODAY analysis of super PACs that have raised $1 million or more since "
               "Jan. 1, 2015, shows Democratic groups outpacing Republicans in recent weeks.")
    assert all(r["speaker_mention"] != "Democratic" for r in got)


def test_time_adverbial_between_subject_and_cue():
    (r,) = rows("Wells Fargo just this month announced it would get rid of these incentives.")
    assert (r["speaker_mention"], r["text"]) == ("Wells Fargo",
                                                 "it would get rid of these incentives")


def test_second_clause_reported_after_the_first_starts_after_the_conjunction():
    # The closing source reports the whole sentence (nested, as PolNeAR annotates it; changed
    # after a review of this session's rules); the inner attribution stays.
    got = rows("Clinton had told police officials that she did not want the escort at all, but "
               "the NYPD overruled that request, the source added.")
    assert sorted(r["text"] for r in got) == [
        "Clinton had told police officials that she did not want the escort at all, but the "
        "NYPD overruled that request",
        "that she did not want the escort at all"]


# Left by the previous session's review; tests first.
@pytest.mark.parametrize(("text", "mention", "role"), [
    ("The speaker of the House said the bill would pass.", "The speaker of the House",
     "speaker"),
    ("The attorney general of Texas said the law was valid.",
     "The attorney general of Texas", "attorney general"),
    ("The assistant secretary of state for East Asian affairs said the talks were useful.",
     "The assistant secretary of state for East Asian affairs", "assistant secretary of state"),
])
def test_role_of_several_words_before_a_preposition_speaks(text, mention, role):
    (r,) = rows(text)
    assert (r["speaker_mention"], r["speaker_role"]) == (mention, role)


def test_name_in_apposition_after_a_role_sent_to_a_body():
    (r,) = rows("\u201cThe strikes were illegal,\u201d said Tehran\u2019s envoy to the U.N., Amir "
                "Saeid Iravani.")
    assert (r["speaker"], r["speaker_role"], r["speaker_country"]) == (
        "Amir Saeid Iravani", "envoy", "Iran")


# Found on blind set 16 (written after the session's first changes); tests first.
def test_attribution_after_a_clause_with_a_cue_of_its_own_reports_the_whole_clause():
    got = rows("Poland has formally asked Washington to station American bombs on its "
               "territory, Defence Minister Tomasz Wierzbicki said on Tuesday.")
    assert sorted((r["speaker"], r["text"]) for r in got) == [
        ("Poland", "Washington to station American bombs on its territory"),
        ("Tomasz Wierzbicki",
         "Poland has formally asked Washington to station American bombs on its territory")]


def test_passive_cue_before_a_subordinate_clause_is_no_attribution():
    (r,) = rows("The request was handed to U.S. officials last week and will be discussed when "
                "NATO defence ministers meet in June, the ministry's spokeswoman, Joanna Kruk, "
                "said.")
    assert (r["speaker"], r["text"]) == (
        "Joanna Kruk", "The request was handed to U.S. officials last week and will be "
        "discussed when NATO defence ministers meet in June")


def test_that_after_a_past_tense_clause_is_a_relative_pronoun():
    (r,) = rows("Experts said the request risked feeding a spiral that neither side could "
                "easily stop.")
    assert r["text"] == "the request risked feeding a spiral that neither side could easily stop"


def test_protest_to_a_state_is_no_reported_clause():
    assert rows("Japan protested to Russia on Tuesday after Russian forces test-fired "
                "anti-ship missiles.") == []


@pytest.mark.parametrize(("text", "mention", "speaker"), [
    ("Senator Jorge Ancira of the opposition National Action Party said the government was "
     "failing.", "Senator Jorge Ancira of the opposition National Action Party", "Jorge Ancira"),
    ("The foreign ministry in Jakarta said in a statement that the talks were useful.",
     "The foreign ministry in Jakarta", "foreign ministry"),
    ("Officials familiar with the discussions in Washington said the talks were useful.",
     "Officials familiar with the discussions in Washington",
     "Officials familiar with the discussions in Washington"),
])
def test_source_phrase_ending_in_a_prepositional_phrase(text, mention, speaker):
    (r,) = rows(text)
    assert (r["speaker_mention"], r["speaker"]) == (mention, speaker)


def test_closing_attribution_followed_by_a_participle():
    got = rows("Poland has asked Washington to station bombs on its territory, Defence Minister "
               "Tomasz Wierzbicki said on Tuesday, calling Russia's deployment of missiles in "
               "Belarus \u201ca direct threat to our security.\u201d")
    assert sorted((r["speaker"], r["text"][:20]) for r in got) == [
        ("Poland", "Washington to statio"), ("Tomasz Wierzbicki", "Poland has asked Was"),
        ("Tomasz Wierzbicki", "Russia's deployment ")]


def test_adjunct_alone_after_a_cue_is_no_content_and_the_participle_goes_on():
    got = rows("Venezuela's government said in a statement read on state television, calling the "
               "American remarks \u201ccolonial interference in a Latin American dispute.\u201d")
    assert [(r["speaker"], r["text"][:22]) for r in got] == [
        ("government", "the American remarks \u201c")]


@pytest.mark.parametrize("text", [
    "Trump further described the incident as a \u201cterrible situation,\u201d but stopped "
    "short of calling the officer's actions racially motivated.",
    "The minister spoke for an hour without saying that the deal was dead.",
])
def test_speech_act_not_done_is_no_quotation(text):
    assert all(not r["text"].startswith(("the officer", "that the deal")) for r in rows(text))


# More of PolNeAR's missed reported clauses (2026-12-02, third session); tests first.
@pytest.mark.parametrize(("text", "speaker"), [
    # The body a document is from speaks (since a user review, 2026-12-02); PolNeAR's source
    # span is the whole "a new report by Politico", which the name lies in.
    ("Democratic insiders are trying to mobilize black voters, according to a new report by "
     "Politico.", "Politico"),
    ("Pence was the hands-down winner of the debate, according to the post-debate analysis.",
     "the post-debate analysis"),
    ("According to a 52-count civil complaint filed by the commission, the developers engaged "
     "in a scheme.", "a 52-count civil complaint"),
    ("Those close to him say that, in addition to Scott, he would have to consider Beyer.",
     "Those close to him"),
])
def test_nominal_sources_with_modifiers(text, speaker):
    (r,) = rows(text)
    assert r["speaker_mention"].startswith(speaker)


@pytest.mark.parametrize(("text", "content"), [
    ("He told one of his young protégés on a regular basis that \"terrorism is the answer.\"",
     "that \"terrorism is the answer.\""),
    ("The president told African-Americans this weekend he would consider it a personal insult.",
     "he would consider it a personal insult"),
])
def test_addressee_and_adjunct_before_the_reported_clause(text, content):
    (r,) = rows(text)
    assert r["text"] == content


def test_clause_after_and_is_no_description_of_the_name_before_it():
    (r,) = rows("Kadzik's refusal to answer fully did not go over well with Republicans, and the "
                "meeting deteriorated from there, said one GOP source in the room.")
    assert r["speaker_mention"].startswith("one GOP source")
    assert r["text"].startswith("Kadzik's refusal")


@pytest.mark.parametrize(("text", "speaker"), [
    ("In her favor, all the experts I interviewed said her proposals were more detailed.",
     "the experts I interviewed"),
    ("Mr. Schultz generally supported Democrats during his time on MSNBC, which let him go in "
     "2015, and said he did not support Mr. Trump.", "Mr. Schultz"),
    ("Kall -- co-editor of a book analyzing the debates -- said the candidate tended to make "
     "announcements at those encounters.", "Kall"),
])
def test_subjects_with_clauses_and_asides(text, speaker):
    (r,) = rows(text)
    assert r["speaker_mention"].endswith(speaker)


@pytest.mark.parametrize(("text", "speaker", "start"), [
    ('In a Facebook message posted Friday, Cruz said he has had "areas of significant '
     'disagreement" with Trump.', "Cruz", "he has had"),
    ("Despite questions about the potency of the nuclear test, experts say it underscores the "
     "regime's determination to mass-produce warheads.", "experts", "it underscores"),
    ('Protesters marching through the streets chanted "What curfew?" and kept going.',
     "Protesters marching through the streets", "What curfew"),
    ("Scott's relatives, who asked authorities to show them video of the shooting, watched it "
     "on Thursday, attorneys for the family said.", "attorneys for the family",
     "Scott's relatives"),
])
def test_the_subject_is_not_inside_an_adjunct_or_a_relative_clause(text, speaker, start):
    got = rows(text)
    # (A relative clause's own cue stays as a nested row: "who asked authorities to ...".)
    assert [(r["speaker_mention"], r["text"][:len(start)]) for r in got
            if r["speaker_mention"] not in ("who", "which")] == [(speaker, start)]


# Headlines that name the speaker before a colon (PolNeAR's missed mixed rows); tests first.
@pytest.mark.parametrize(("text", "speaker", "content"), [
    ("Pence: Gennifer Flowers Won\u2019t Be at Debate, Trump Was \u2018Mocking\u2019 Clinton "
     "Camp.\n\nOn this day Pence went on campaigning.", "Pence",
     "Gennifer Flowers Won\u2019t Be at Debate, Trump Was \u2018Mocking\u2019 Clinton Camp"),
    ("Obama on Climate Change: The Trends Are 'Terrifying.'\n\nABSTRACT. Obama spoke.", "Obama",
     "The Trends Are 'Terrifying.'"),
])
def test_headline_speaker_before_a_colon(text, speaker, content):
    got = rows(text)
    assert [(r["speaker_mention"], r["text"], r["kind"]) for r in got] == [
        (speaker, content, "mixed")]


@pytest.mark.parametrize("text", [
    "Update: the talks were postponed.\n\nMore later.",
    "Analysis: Why the talks failed.\n\nMore later.",
    "Timeline: 'A long war' in ten dates\n\nMore later.",
])
def test_headline_label_before_a_colon_is_no_speaker(text):
    assert rows(text) == []


def test_headline_title_before_a_colon_is_no_speaker():
    # "Stealth Over Health" names no one in the story: a title, not a source.
    assert rows("Stealth Over Health: Clinton Was Headed to ER\n\nThe campaign went on.") == []


def test_headline_label_is_skipped_and_the_rest_read():
    (r,) = rows("The Latest: Trump urges supporters to monitor polling places\n\nTrump spoke.")
    assert (r["speaker_mention"], r["text"]) == ("Trump", "supporters to monitor polling places")


@pytest.mark.parametrize(("text", "speaker"), [
    ("Instead, the study, which notes that 58 companies would owe billions in taxes, lists "
     "ways to fix it.", "which"),
    ("The Senate majority leader in 2010 said the party's goal was to beat Obama.",
     "The Senate majority leader"),
    ("He met the Senate majority leader, who in 2010 said the party's goal was to beat Obama.",
     "who"),
])
def test_relative_which_and_a_year_before_the_cue(text, speaker):
    (r,) = rows(text)
    assert r["speaker_mention"] == speaker


def test_trailing_as_attribution_reports_the_clause_before_it():
    (r,) = rows("It also does not answer whether Scott had a gun, as police have said.")
    assert (r["speaker_mention"], r["text"]) == (
        "police", "It also does not answer whether Scott had a gun")


def test_relative_which_never_reports_the_clause_before_it():
    got = rows("My father died 22 years ago of brain cancer, which confirmed what I always knew.")
    assert not any(r["text"].startswith("My father") for r in got)


def test_relative_which_reports_its_own_clause_only():
    got = [r["text"] for r in rows(
        "Apple's tax bill levied by the European Union, which contended that Ireland "
        "undertaxed the company, is a good example of money kept offshore.")
        if r["speaker_mention"] == "which"]
    assert got == ["that Ireland undertaxed the company"]


def test_relative_which_resolves_to_the_body_before_it():
    (r,) = rows("The Indian Army, which said its troops had responded effectively, gave no "
                "figures.")
    assert (r["speaker_mention"], r["speaker"]) == ("which", "Indian Army")


def test_narrator_of_an_ad_speaks():
    assert direct("\u201cSo why didn\u2019t he pay his taxes?\u201d a narrator in the Clinton ad "
                  "asks. The spot ends.") == [("So why didn\u2019t he pay his taxes?",
                                               "a narrator in the Clinton ad")]


# Found by a read-only review of this session's rules (2026-12-02, third session); tests first.
@pytest.mark.parametrize("text", [
    "Hamas freed three hostages on Saturday and Israel released 90 Palestinian prisoners and "
    "said more releases would follow.",
    "The talks ended without a deal, and Lavrov left Geneva and said the door stayed open.",
])
def test_coordinated_subject_stops_at_a_new_clause(text):
    got = rows(text)
    assert all(r["speaker_mention"] not in ("Hamas", "The talks") for r in got)


def test_closing_attribution_keeps_the_inner_speaker():
    got = rows("Biden told Xi that the United States would not change its Taiwan policy, the "
               "White House said in a statement.")
    assert sorted((r["speaker_mention"], r["text"]) for r in got) == [
        ("Biden", "that the United States would not change its Taiwan policy"),
        ("the White House", "Biden told Xi that the United States would not change its Taiwan "
         "policy")]


@pytest.mark.parametrize(("text", "absent"), [
    ("Hamas, which says it has released all women hostages, rejected the proposal on Monday.",
     "rejected"),
    ("China, which claims Taiwan as its own territory, staged drills around the island.",
     "staged"),
    ("Russia vetoed the resolution, which would have demanded a ceasefire, and China abstained.",
     "abstained"),
])
def test_relative_clause_ends_at_its_comma(text, absent):
    assert all(absent not in r["text"] for r in rows(text) if r["speaker_mention"] == "which")


@pytest.mark.parametrize("text", [
    "The United States sent two aircraft carriers to the region, which signals that Washington "
    "is serious.",
    "Talks in Doha stalled over the weekend, which indicates that a deal is still far off.",
])
def test_which_after_a_clause_is_no_source(text):
    assert all(r["speaker_mention"] != "which" for r in rows(text))


@pytest.mark.parametrize("text", [
    "Police raided the flat, found the suspect.",
    "The envoy returned to Doha, wrote a letter to both sides.",
])
def test_found_or_wrote_in_a_list_of_acts_is_no_inverted_attribution(text):
    assert rows(text) == []


@pytest.mark.parametrize(("text", "speaker"), [
    ("New Delhi: External Affairs Minister S Jaishankar on Tuesday said India would not join "
     "the sanctions.\n\nIn New Delhi, officials welcomed the move.", "S Jaishankar"),
    ("Beijing: China on Monday warned the United States against arms sales to Taiwan.\n\n"
     "Beijing has long opposed such sales.", "China"),
])
def test_headline_place_tag_is_no_speaker(text, speaker):
    got = rows(text)
    assert got and all(speaker in r["speaker_mention"] for r in got)


def test_headline_place_tag_alone_reports_nothing():
    assert rows("Ukraine: Russian strikes kill 12 in Kharkiv\n\nUkraine said it would respond "
                "to the attack.")[0]["text"] == "it would respond to the attack"


def test_far_that_needs_an_unparsed_addressee():
    (r,) = rows("Austin told reporters the new military aid package includes long-range missiles "
                "that can reach Crimea.")
    assert r["text"].startswith("the new military aid package")


def test_protest_to_a_state_keeps_the_participle_and_a_that_clause():
    got = rows("Beijing protested to Washington over the arms sale, saying it violated Chinese "
               "sovereignty.")
    assert [r["text"] for r in got] == ["it violated Chinese sovereignty"]
    (r,) = rows("Iran complained to the agency's board of governors that the inspections were "
                "politically motivated.")
    assert r["text"] == "that the inspections were politically motivated"


def test_subordinating_after_opening_the_sentence_is_no_preposition():
    got = rows("After the IAEA reported that Iran had enriched uranium to 60 percent, Western "
               "powers drafted a resolution.")
    assert [r["speaker_mention"] for r in got] == ["the IAEA"]


@pytest.mark.parametrize("text", [
    "The U.S. Treasury added it to the sanctions list on Monday.",
    "The European Union recognised it as a legitimate government in 2019.",
])
def test_object_it_is_no_clause(text):
    assert rows(text) == []


@pytest.mark.parametrize(("text", "speaker"), [
    ("A senior official in Kyiv \u2014 who asked not to be named \u2014 said the counteroffensive "
     "had stalled.", "A senior official in Kyiv"),
    ("The head of the IAEA \u2014 Rafael Grossi \u2014 said the inspectors had been denied "
     "access.", "Rafael Grossi"),
])
def test_dash_enclosed_aside_or_name(text, speaker):
    (r,) = rows(text)
    assert r["speaker_mention"] == speaker


def test_relative_clause_in_the_addressee_before_that():
    (r,) = rows("Blinken told reporters who accompanied him that the talks had been productive.")
    assert r["text"] == "that the talks had been productive"


def test_possessive_time_phrase_after_the_addressee():
    (r,) = rows("Zelensky told reporters Monday night's attack was a war crime.")
    assert r["text"] == "Monday night's attack was a war crime"


def test_tense_rule_needs_the_reported_verb_in_the_second_cues_tense():
    got = rows("Zelensky says Kyiv needs more air defence and urged allies to speed up "
               "deliveries.")
    assert [r["text"] for r in got] == ["Kyiv needs more air defence",
                                        "allies to speed up deliveries"]


def test_article_and_adjective_before_a_noun_cue_is_no_speaker():
    got = rows("Vietnam lodged a formal protest with China on Wednesday after a Chinese vessel "
               "rammed a fishing boat, officials in Hanoi said.")
    assert [r["speaker_mention"] for r in got] == ["officials in Hanoi"]


def test_relative_which_clause_with_a_verb_of_its_own():
    got = [r for r in rows("Israel, which says Hamas uses hospitals as command centres, denies "
                           "targeting civilians.") if r["speaker_mention"] == "which"]
    assert [(r["speaker"], r["text"]) for r in got] == [
        ("Israel", "Hamas uses hospitals as command centres")]


# Found on PolNeAR: a pronoun went to a capitalised phrase that names no one (a war, a
# headline's words, a song title), because the person it meant was only ever written with a
# title and a surname ("President Roe", "Ms. Lee") and so was never introduced.
@pytest.mark.parametrize("text, speaker", [
    ("The siege shaped the end of the Cold War. On Monday, President Roe toured the old "
     "walls to warn of a new cold war.\n\n“It is alarming,” he said in an interview.",
     "Roe"),
    ("Teaming Up With Ruritania.\n\nMs. Lee drew lessons from the summit. A pact cannot be "
     "a club of rich states, she said.", "Lee"),
    ("The crowd cheered when Ms. Lee, closing her set with the ballad “The Tide Is "
     "Turning,” she added the words “Vote today.”", "Lee"),
])
def test_bug_pronoun_skips_phrases_that_name_no_one(text, speaker):
    assert rows(text)[-1]["speaker"] == speaker


@pytest.mark.parametrize("text", [
    "Teaming Up With Ruritania.\n\nA pact cannot be a club of rich states, he said.",
    "Climate Change is on the agenda; climate talks on change. “It works,” he said.",
])
def test_bug_phrase_of_common_words_is_no_person(text):
    assert rows(text)[-1]["speaker"] is None


# Found with the rule above: a headline's verb ended a name only by dropping the whole run,
# so the person it opened was lost.
def test_headline_verb_ends_a_name():
    text = ("Jo Roe Goes After Bo Lee In Debate.\n\nThe two sparred for an hour. “He is wrong,” "
            "Roe said. Later she said the debate was a success.")
    assert rows(text)[-1]["speaker"] == "Jo Roe"


# Found on blind set 19: in wire copy a story filed from a capital names its own country's
# officials without a country adjective ("TOKYO — ... Defence Minister X said"), and every
# one of them had no country (country right on 60 of 134 quotations).
_TOKYO = "TOKYO — Japan's cabinet on Friday approved a record defence budget.\n\n"


@pytest.mark.parametrize("text, country", [
    (_TOKYO + "“We must be ready,” Defence Minister Jo Roe said.", "Japan"),
    (_TOKYO + "Opposition leader Bo Lee said the budget was reckless. “It is a gamble,” she "
     "said.", "Japan"),
    (_TOKYO + "The Finance Ministry said the budget was sound.", "Japan"),
    (_TOKYO + "A Defence Ministry official said the budget was sound.", "Japan"),
    # Filed elsewhere than the lede's country: a venue, not a home.
    ("VIENNA — Talks between Iran and European envoys broke up on Friday.\n\n"
     "Foreign Minister Jo Roe said talks would resume.", None),
    # People of international bodies, foreigners without a country, and anonymous sources
    # are not the home country's.
    ("BERLIN — Germany will send more troops to Lithuania.\n\nNATO Secretary-General Jo Roe "
     "said the move was welcome.", None),
    (_TOKYO + "A Western diplomat said the plan was bold.", None),
    (_TOKYO + "“It is bold,” said Jo Roe, an analyst at the Lowy Institute in Sydney.", None),
    # A country written with the name still wins.
    (_TOKYO + "U.S. Ambassador Jo Roe said the budget was welcome.", "United States"),
    # No dateline, no guess.
    ("Japan's cabinet on Friday approved a record defence budget.\n\n“We must be ready,” "
     "Defence Minister Jo Roe said.", None),
])
def test_dateline_country_for_officials_named_without_one(text, country):
    assert rows(text)[-1]["speaker_country"] == country


# Found on blind set 22 (written after the rule): the home country is often named after the
# adversary in the lede ("VILNIUS — Hackers working for Russia's military intelligence
# attacked Lithuania's grid"), so its officials kept no country (country right on 73 of 95).
# A home named anywhere in the lede counts, unless as a venue ("talks in the Omani capital")
# or coordinated with another country ("Indian and Pakistani troops").
@pytest.mark.parametrize("lede, country", [
    ("VILNIUS — Hackers working for Russia's military intelligence attacked Lithuania's "
     "electricity grid, Defence Minister Jo Roe said.", "Lithuania"),
    ("MANILA — China's coast guard rammed a Philippine supply boat near the shoal, "
     "Defence Secretary Jo Roe said.", "Philippines"),
    ("HELSINKI — Two Russian helicopters violated Finnish airspace on Wednesday, Defence "
     "Minister Jo Roe said.", "Finland"),
    ("MUSCAT, Oman — Negotiators for Yemen's government resumed talks in the Omani capital, "
     "Foreign Minister Jo Roe said.", None),
    ("NEW DELHI — Pakistani and Indian troops exchanged fire overnight, Defence Minister Jo "
     "Roe said.", None),
    # The comma before the attribution is no coordination.
    ("HELSINKI — Two Russian helicopters violated Finnish airspace during exercises in the "
     "Gulf of Finland, Defence Minister Jo Roe said.", "Finland"),
    ("NEW DELHI — India and the United States signed a pact, Defence Minister Jo Roe said.",
     None),
])
def test_dateline_home_named_after_another_country_in_the_lede(lede, country):
    assert rows(lede)[-1]["speaker_country"] == country


# Found on blind sets 17-19: pronouns went to named operations and exercises ("Under
# Operation X, ...", "code-named X") and to a region ("the South Caucasus"); an
# organisation's acronym after "Ambassador to" joined the name and lost the ambassador's
# country; and "an Iran analyst" (an analyst of Iran) was given Iran as her country.
@pytest.mark.parametrize("text, speaker", [
    ("Navy chief Jo Roe spoke on Monday. Under Operation Blue Harbor, launched in March, the "
     "navy has sent boats to the shoal. “We will keep going back,” he said.", "Jo Roe"),
    ("Defence Minister Jo Roe spoke on Monday. The exercise, code-named Vigilant Eagle, will "
     "involve bombers, he said.", "Jo Roe"),
    ("The European Union's envoy for the South Caucasus, Ms. Lee, said she was alarmed by "
     "the fighting. “There is no military solution,” she said.", "Lee"),
])
def test_bug_pronoun_skips_operations_exercises_and_regions(text, speaker):
    assert rows(text)[-1]["speaker"] == speaker


def test_bug_ambassador_to_an_organisation_keeps_name_and_country():
    text = ("U.S. Ambassador to NATO Tom Whitby welcomed the decision but said allies had a "
            "long way to go. “Every euro counts,” he told reporters.")
    assert [(r["speaker"], r["speaker_role"], r["speaker_country"]) for r in rows(text)] == \
        [("Tom Whitby", "ambassador", "United States")] * 2


def test_bug_country_before_analyst_is_the_subject_not_the_nationality():
    text = ("Lea Faraz, an Iran analyst at the Centre for Gulf Studies in London, said Iran "
            "could wait out the West. “Every month adds leverage,” she said.")
    assert [(r["speaker"], r["speaker_country"]) for r in rows(text)] == \
        [("Lea Faraz", "United Kingdom")] * 2


# Found on sets 17 and 19: "A State Department spokesperson in Washington said" lost its
# body ("spokesperson in Washington", no country) and "a foreign ministry spokesperson in
# Beijing" had no country, although a state body speaking from its capital is that state's
# ("diplomats in Beijing" are where they are, and stay without one); and "the Han Kuang
# contingency plan" was read as a person, so "he" went to it.
@pytest.mark.parametrize("subject, speaker, country", [
    ("A State Department spokesperson in Washington", "State Department spokesperson in "
     "Washington", "United States"),
    ("A foreign ministry spokesperson in Ottawa", "foreign ministry spokesperson in Ottawa",
     "Canada"),
    ("A diplomat in Ottawa", "diplomat in Ottawa", None),
])
def test_bug_state_body_spokesperson_in_its_capital(subject, speaker, country):
    (r,) = rows(f"{subject} said the talks had failed.")
    assert (r["speaker"], r["speaker_country"]) == (speaker, country)


def test_bug_the_name_of_a_plan_is_no_person():
    text = ("Defence Minister Jo Roe spoke on Monday. Under the Blue Kite contingency plan, "
            "reserve units had been put on standby, he said.")
    assert rows(text)[-1]["speaker"] == "Jo Roe"


# Found on blind set 20: "the Shangri-La Dialogue" was read as a person, and "he" went to it.
@pytest.mark.parametrize("event", ["Blue Lagoon Dialogue", "Halifax Security Forum",
                                   "Riga Summit"])
def test_bug_named_meetings_are_no_people(event):
    text = (f"Defence Secretary Jo Roe spoke on Saturday.\n\nAt the {event} in Oslo, delegates "
            "met for three days. “We are ready,” he said.")
    assert rows(text)[-1]["speaker"] == "Jo Roe"


# Found on blind set 20: "At a news conference with Foreign Minister X, he said" gave X,
# the person named in the phrase that opens the pronoun's own sentence, who cannot be its
# subject.
@pytest.mark.parametrize("opening", [
    "At a news conference with Foreign Minister Bo Lee,",
    "After talks with Bo Lee,",
    "Standing beside Bo Lee,",
])
def test_bug_pronoun_skips_a_name_in_the_opening_phrase_of_its_sentence(opening):
    text = (f"Prime Minister Jo Roe arrived in the capital on Monday.\n\n{opening} he said "
            "the talks had gone well.")
    assert rows(text)[-1]["speaker"] == "Jo Roe"


# Found by the review of the rules above (2026-12-02), tests first:
@pytest.mark.parametrize("text, speaker, country", [
    # the place an ambassador is posted to is not his country
    ("“We are concerned,” Chinese Ambassador to Canada Xiao Qian said.", "Xiao Qian",
     "China"),
    ("“We are concerned,” Canada's Ambassador to Mexico Jo Hill said.", "Jo Hill", "Canada"),
    ("“We are concerned,” Ambassador to Mexico Jo Hill said.", "Jo Hill", None),
    # a name of common words stays a person when it is a speaker ("Frank Field")
    ("“The cuts are cruel,” said Frank Field. He was frank about his fears and said the party "
     "had lost the field. “We cannot win this,” he said.", "Frank Field", None),
    # a title that opens with an event word is still a title
    ("Campaign Manager Tom Hale spoke on Monday. “We are ahead,” Hale said.", "Tom Hale", None),
])
def test_bug_review_of_the_new_speaker_rules(text, speaker, country):
    r = rows(text)[-1]
    assert (r["speaker"], r["speaker_country"]) == (speaker, country)


@pytest.mark.parametrize("text, country", [
    # ambassadors and a description naming another country are not the dateline's
    ("OSLO — Norway's prime minister met envoys on Monday.\n\n“Talks matter,” Ambassador "
     "Jo Glass said.", None),
    ("OSLO — Norway's spy agency said on Monday that drones had been seen.\n\nJo Kim, the "
     "sister of Swedish leader Bo Kim, said the report was false.", None),
    ("OSLO — Norway's government met on Monday.\n\nA Western government official said the "
     "plan was sound.", None),
    ("OSLO — Norway's government met on Monday.\n\nA WHO official said the plan was sound.",
     None),
])
def test_bug_review_of_the_dateline_rule(text, country):
    assert rows(text)[-1]["speaker_country"] == country


# Found on blind sets 19, 20 and 21: "Britain, France and Germany said" lost its first
# member ("France; Germany"), as did "Australia, the United States and Britain".
@pytest.mark.parametrize("subject, speaker", [
    ("Britain, France and Germany", "United Kingdom; France; Germany"),
    ("Canada, the United States and Britain", "Canada; United States; United Kingdom"),
    ("In a joint statement, Britain, France and Germany", "United Kingdom; France; Germany"),
    # a place opening the sentence is no member
    ("In Paris, France and Germany", "France; Germany"),
])
def test_bug_a_list_of_three_sources_keeps_every_member(subject, speaker):
    (r,) = rows(f"{subject} said in a joint statement that the resolution was needed.")
    assert r["speaker"] == speaker


# Found on blind set 21: "The minister said" after "Defence Minister X" stayed "minister";
# a bare office word names the one person whose title ends in it.
@pytest.mark.parametrize("others, speaker", [
    ("", "Tomas Wren"),
    ("Foreign Minister Ana Ruiz agreed. ", "minister"),  # two ministers: not guessed
])
def test_bug_the_minister_after_a_full_title(others, speaker):
    text = ("Defence Minister Tomas Wren said the deployment was needed. " + others +
            "\n\nThe minister said the troops would stay until spring.")
    assert rows(text)[-1]["speaker"] == speaker


# Found by a user review: lower-case titles of wire copy ("Polish lawmaker X", "opposition
# leader X") were not read as descriptions, so the speaker lost role and country, and in
# "..., said Polish lawmaker X" the adjective became the speaker.
@pytest.mark.parametrize("text, role, country", [
    ("Polish lawmaker Anna Roe said the government had waited too long.", "lawmaker", "Poland"),
    ("Opposition lawmaker Anna Roe said the government had waited too long.", "lawmaker",
     None),
    ("Polish opposition leader Anna Roe said the government had waited too long.", "leader",
     "Poland"),
    ("The government had waited too long, said Polish lawmaker Anna Roe.", "lawmaker",
     "Poland"),
    ("Kenyan envoy Anna Roe said the talks had failed.", "envoy", "Kenya"),
    ("Veteran diplomat Anna Roe said the talks had failed.", "diplomat", None),
])
def test_bug_lower_case_title_before_a_name(text, role, country):
    (r,) = rows(text)
    assert (r["speaker"], r["speaker_role"], r["speaker_country"]) == ("Anna Roe", role, country)


# Found by a user review: a pronoun after a sentence whose subject is a definite description
# of a person of the story ("The Polish minister dismissed that denial. '...,' he said.")
# went to the last person named (the Belarusian spokesman) instead.
@pytest.mark.parametrize("subject, speaker", [
    ("The Polish minister", "Tomasz Roe"),
    ("The minister", "Tomasz Roe"),
    ("The Belarusian spokesman", "Andrei Doe"),
])
def test_bug_pronoun_after_a_described_subject(subject, speaker):
    text = ("Polish Defence Minister Tomasz Roe spoke in Warsaw.\n\n"
            "Belarusian spokesman Andrei Doe rejected the accusations.\n\n"
            f"{subject} dismissed that denial. “Minsk says this every time,” he said.")
    got = [(r["speaker"], r["speaker_mention"]) for r in rows(text)]
    assert got == [(speaker, "he")]


def test_pronoun_after_an_unresolved_description_keeps_the_last_name():
    # "The official" fits no one person (no title ends in it): the last named person stays.
    text = ("Polish Defence Minister Tomasz Roe spoke in Warsaw.\n\n"
            "Belarusian spokesman Andrei Doe rejected the accusations.\n\n"
            "The official dismissed that denial. “Minsk says this every time,” he said.")
    assert [r["speaker"] for r in rows(text)] == ["Andrei Doe"]


# Found by a user review: "his German counterpart, Katrin Vogel," gave Vogel no role and no
# country, and "The German minister" later became a speaker of its own.
@pytest.mark.parametrize("intro", [
    "Polish Defence Minister Tomasz Roe met his German counterpart, Katrin Vogel, in Warsaw.",
    "Polish Defence Minister Tomasz Roe met his German counterpart Katrin Vogel in Warsaw.",
    "Polish Defence Minister Tomasz Roe and his German counterpart, Katrin Vogel, met in "
    "Warsaw.",
])
def test_bug_counterpart_takes_the_office_of_the_person_it_is_counterpart_of(intro):
    text = (intro + "\n\n“Germany stands with Poland,” Vogel said.\n\n"
            "The German minister also said that Berlin would help Ukraine.")
    got = [(r["speaker"], r["speaker_role"], r["speaker_country"]) for r in rows(text)]
    assert got == [("Katrin Vogel", "defense minister", "Germany")] * 2


def test_counterpart_without_a_known_office_gets_only_its_country():
    text = ("Tomasz Roe met his German counterpart, Katrin Vogel, in Warsaw.\n\n"
            "“Germany stands with Poland,” Vogel said.")
    (r,) = rows(text)
    assert (r["speaker"], r["speaker_role"], r["speaker_country"]) == (
        "Katrin Vogel", None, "Germany")


# Found by a user review: "Foreign Secretary X" is normalised to "foreign minister", so "the
# minister" had two holders of a title ending in it and stayed unresolved; only one of them
# is written with "Minister".
def test_bug_bare_office_prefers_the_title_as_written():
    text = ("Philippine Foreign Secretary Ramon Cruz met South Korean Defence Minister Kim "
            "Ji-hoon.\n\n“What happens at the shoal matters in Busan,” the minister said.")
    (r,) = rows(text)
    assert (r["speaker"], r["speaker_role"], r["speaker_country"]) == (
        "Kim Ji-hoon", "defense minister", "South Korea")


def test_bare_office_with_two_holders_written_alike_stays_unresolved():
    text = ("Foreign Minister Ana Roe met Defence Minister Jo Doe.\n\n"
            "“We agreed,” the minister said.")
    (r,) = rows(text)
    assert r["speaker"] == "minister"


# Found on blind set 22: "Hackers working for Russia's military intelligence attacked
# Lithuania's electricity grid" became a quotation of the hackers, with "attacked" as its
# cue. A verbal attack has a person for its subject (PolNeAR: "Trump attacked Clinton for
# ..."); forces, hackers and drones attack things.
@pytest.mark.parametrize("text, attributed", [
    ("Hackers working for Russia's military intelligence attacked Lithuania's electricity "
     "grid on Sunday.", False),
    ("Russian drones attacked the port of Odesa overnight.", False),
    ("The militants attacked a police post near the border.", False),
    ("Trump attacked Clinton for her support of military action in Libya.", True),
    ("She attacked the minister for his handling of the crisis.", True),
])
def test_bug_a_physical_attack_is_no_attribution(text, attributed):
    got = [r for r in rows(text) if r["cue"].lower().startswith("attack")]
    assert bool(got) is attributed


# Found by a user review: "According to a statement from State House, ..." gave the speaker
# "statement"; the source is the body the statement is from.
@pytest.mark.parametrize("text, speaker", [
    ("According to a statement from State House, the two leaders discussed the war.",
     "State House"),
    ("According to a statement from the Foreign Ministry, the talks were useful.",
     "Foreign Ministry"),
    ("According to a readout issued by the White House, the two leaders spoke for an hour.",
     "White House"),
    ("The talks were useful, according to a statement by the Foreign Ministry.",
     "Foreign Ministry"),
    # a document with no body named stays the source as written
    ("According to a statement, the talks were useful.", "statement"),
])
def test_bug_according_to_a_statement_from_a_body(text, speaker):
    (r,) = rows(text)
    assert r["speaker"] == speaker


# Found by a user review: an unresolved description ("the minister said") is pooled across
# documents under its role in every by-speaker table and figure, indistinguishable from a
# named person; speaker_type says what the speaker column holds.
@pytest.mark.parametrize("text, speaker, kind", [
    ("“We act,” Foreign Minister Ana Roe said.", "Ana Roe", "person"),
    ("Foreign Minister Ana Roe spoke. “We act,” she said.", "Ana Roe", "person"),
    ("The Foreign Ministry said the talks were useful.", "Foreign Ministry", "organisation"),
    ("Norway said the talks were useful.", "Norway", "state"),
    ("“We act,” the minister said.", "minister", "description"),
    ("Ana Roe and Bo Doe said the talks were useful.", "Ana Roe; Bo Doe", "group"),
])
def test_speaker_type_says_what_the_speaker_is(text, speaker, kind):
    r = rows(text)[-1]
    assert (r["speaker"], r["speaker_type"]) == (speaker, kind)


def test_speaker_type_is_empty_without_a_speaker():
    r = rows("“We act,” the minister said.\n\n“And we will not wait.”")[-1]
    assert r["speaker"] == "minister"
    assert [x["speaker_type"] for x in rows("It is widely believed that the talks failed.")] \
        == [None]


# Left from earlier sessions, seen again on blind sets: "The foreign ministers of Britain,
# France and Germany said" lost Britain and the office, and "The foreign ministers of France
# and Germany" was one nameless description.
@pytest.mark.parametrize("subject, speaker, role", [
    ("The foreign ministers of Britain, France and Germany", "United Kingdom; France; Germany",
     "foreign minister"),
    ("The foreign ministers of France and Germany", "France; Germany", "foreign minister"),
    ("The defence ministers of Poland, Lithuania, Latvia and Estonia",
     "Poland; Lithuania; Latvia; Estonia", "defense minister"),
])
def test_officials_of_a_list_of_countries(subject, speaker, role):
    (r,) = rows(f"{subject} said in a joint statement that the deal was dead.")
    assert (r["speaker"], r["speaker_role"], r["speaker_country"], r["speaker_type"]) == (
        speaker, role, speaker, "group")


def test_officials_of_a_list_that_is_not_all_countries_are_not_a_group_of_states():
    (r,) = rows("The foreign ministers of France and the Acme Group said the deal was dead.")
    assert "France;" not in r["speaker"]


# Found on blind set 23 (written after the rules above): a capitalised "His" before
# "counterpart"; "Congolese government spokesman X" lost its country; and a long description
# before a name ("The European Union's envoy for talks between the two sides, X,") was not
# learned, so "she" later took the dateline's country.
@pytest.mark.parametrize("text, speaker, role, country", [
    ("Ghanaian Defence Minister Kofi Mensah spoke first. His Nigerian counterpart Ibrahim "
     "Danladi said the plan was good.", "Ibrahim Danladi", "defense minister", "Nigeria"),
    ("Congolese government spokesman Patrick Mbemba said the rebels were a threat.",
     "Patrick Mbemba", "spokesperson", "Democratic Republic of the Congo"),
    ("PRISTINA — Kosovo's government said on Monday it would not back down.\n\nThe European "
     "Union’s envoy for talks between the two sides, Katarina Lind, urged calm. “There is no "
     "military solution,” she said.", "Katarina Lind", "envoy", None),
])
def test_bug_blind_set_23_speakers(text, speaker, role, country):
    r = rows(text)[-1]
    assert (r["speaker"], r["speaker_role"], r["speaker_country"]) == (speaker, role, country)


def test_bug_bare_office_prefers_the_holder_named_before_it():
    # Found on blind set 23: a second minister named later in the story made "the minister"
    # ambiguous, though only one had been named when it was written.
    text = ("A ship struck a mine, Romanian Defence Minister Andrei Cost said.\n\n"
            "“Russia turned the sea into a minefield,” the minister said.\n\n"
            "Bulgaria’s foreign minister, Elena Stoy, said Sofia would send a minehunter.")
    r = rows(text)[1]
    assert (r["speaker_mention"], r["speaker"]) == ("the minister", "Andrei Cost")


# Found by a review of extending the configuration: "slammed", "bragged", "concurred" and
# "agreeing" never matched, as the generated forms were "slamed", "braged", "agreing".
@pytest.mark.parametrize("base, forms", [
    ("slam", {"slammed", "slamming", "slams"}),
    ("brag", {"bragged", "bragging"}),
    ("concur", {"concurred", "concurring"}),
    ("agree", {"agreed", "agreeing", "agrees"}),
    ("say", {"says", "saying"}),
    ("visit", {"visited", "visiting"}),
])
def test_inflections_of_cue_verbs(base, forms):
    from analysis.quotes import _inflect

    assert forms <= _inflect(base)


def test_slammed_is_a_cue():
    (r,) = rows("Vieira slammed the decision, saying it would hurt farmers.")
    assert r["speaker"] == "Vieira"


def test_dateline_city_named_as_the_venue_gives_no_home():
    # Found on blind set 24: the host's ministry as the lede's source made a Sudanese army
    # spokesman Saudi.
    text = ("JEDDAH, Saudi Arabia — Delegations from Sudan’s army sat down for talks in Jeddah "
            "on Sunday, Saudi Arabia’s foreign ministry said.\n\n“We came to talk,” Army "
            "spokesman Brig. Gen. Osman Tayeb said.")
    assert rows(text)[-1]["speaker_country"] is None


def test_bug_lower_case_embassy_before_a_spokesman():
    # Found by a review of extending the configuration: "Chinese embassy spokesman X" lost
    # its country ("Chinese Embassy" kept it).
    (r,) = rows("Chinese embassy spokesman Wang Lei said the charges were groundless.")
    assert (r["speaker"], r["speaker_role"], r["speaker_country"]) == (
        "Wang Lei", "spokesperson", "China")


def test_extract_quotes_takes_a_titles_file(tmp_path):
    # Found by a review of extending the configuration: titles.yml could be changed for one
    # document (extract_document) but not for a table of them.
    from analysis.speakers import TITLES_FILE

    text = TITLES_FILE.read_text(encoding="utf-8").replace(
        "  lawmaker: [", "  homeland minister: [minister for national security]\n  lawmaker: [", 1)
    path = tmp_path / "titles.yml"
    path.write_text(text, encoding="utf-8")
    docs = pd.DataFrame({"doc_id": ["d"], "text": ["Minister for National Security Ana Roe "
                                                    "said the border was calm."]})
    assert extract_quotes(docs, titles=path)["speaker_role"].tolist() == ["homeland minister"]


def test_bug_portfolio_after_minister_for_is_no_person():
    # Found by a review of extending the configuration: "Minister for National Security, X,"
    # made "National Security" a person, and a later "he" went to it.
    text = ("ACCRA — Ghana's Minister for National Security, Albert Kan-Dapaah, said the border "
            "was calm.\n\n\"We are watching,\" he said.")
    got = [(r["speaker"], r["speaker_role"], r["speaker_country"]) for r in rows(text)]
    assert got == [("Albert Kan-Dapaah", "security minister", "Ghana")] * 2


# Found on the sample article's gold ("reaffirming the White House's position that it will
# ...", where the holder of the position is part of what was reaffirmed) and checked on
# PolNeAR, whose gold starts the content at the noun ("disputes the idea that ...", "pointed
# to reports that ..."): a noun that names a proposition is part of the reported words.
@pytest.mark.parametrize(("text", "content"), [
    ("Ana Ruiz met her counterpart on Monday, reaffirming the government's position that "
     "it will pursue talks.", "the government's position that it will pursue talks"),
    ("The woman disputes the idea that she needed to be hospitalized at all.",
     "the idea that she needed to be hospitalized at all"),
    ("Ana Ruiz repeated Brazil's long-held view that the border must stay open.",
     "Brazil's long-held view that the border must stay open"),
])
def test_noun_of_a_proposition_before_that_is_reported(text, content):
    (r,) = rows(text)
    assert r["text"] == content


@pytest.mark.parametrize(("text", "content"), [
    # Not a noun of a proposition: the "that" clause is the reported words.
    ("Ana Ruiz said on Monday that the border must stay open.",
     "that the border must stay open"),
    # An addressee, not a proposition.
    ("Ana Ruiz told the reporters that the border must stay open.",
     "that the border must stay open"),
])
def test_other_words_before_that_are_not_reported(text, content):
    (r,) = rows(text)
    assert r["text"] == content


def test_propositions_must_be_a_list_of_nouns(tmp_path):
    bad = tmp_path / "cues.yml"
    for body in ("speech: [say]\npropositions: view\n", "speech: [say]\npropositions: [view, 3]\n"):
        bad.write_text(body, encoding="utf-8")
        with pytest.raises(ConfigError, match="cues.yml: 'propositions' must be a list of nouns"):
            load_cues(bad)
    bad.write_text("speech: [say, reaffirm]\npropositions: [Stance]\n", encoding="utf-8")
    assert load_cues(bad).propositions == frozenset({"stance"})


@pytest.mark.parametrize(("text", "content"), [
    # Found by review: a noun of a proposition inside a prepositional phrase or after "as"
    # does not open the reported words.
    ("The minister said in a statement on the position that the talks should go on.",
     "that the talks should go on"),
    ("The minister dismissed as nonsense claims that the talks had failed.",
     "that the talks had failed"),
])
def test_noun_of_a_proposition_after_a_preposition_is_not_reported(text, content):
    (r,) = rows(text)
    assert r["text"] == content
