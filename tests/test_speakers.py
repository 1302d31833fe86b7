"""Speaker mentions, titles, roster and per-document resolution."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.config import ConfigError
from analysis.speakers import (
    DocumentPeople,
    Roster,
    load_roster,
    load_titles,
    name_key,
    parse_mention,
    phrase_after,
    subject_before,
)


@pytest.mark.parametrize(
    "mention, kind, name, role, country",
    [
        ("U.S. Vice President Mike Pence", "person", "Mike Pence", "vice president",
         "United States"),
        ("Australian Prime Minister Malcolm Turnbull", "person", "Malcolm Turnbull",
         "prime minister", "Australia"),
        ("Foreign Minister Fumio Kishida", "person", "Fumio Kishida", "foreign minister", None),
        ("Republican Sen. John Smith", "person", "John Smith", "senator", None),
        ("the Defense Ministry", "org", "Defense Ministry", None, None),
        ("she", "pronoun", "she", None, None),
        ("a source", "nominal", "a source", None, None),
        ("Mr. Morgan of the Sierra Club", "person", "Morgan", None, None),
        # Found on blind set 13: a lower-case ministry lost its own words, so every country's
        # "foreign ministry" and "defence ministry" became one speaker, "ministry".
        ("Iran's foreign ministry", "org", "foreign ministry", None, "Iran"),
        ("the Greek defence ministry", "org", "defence ministry", None, "Greece"),
        ("the Iranian foreign ministry", "org", "foreign ministry", None, "Iran"),
        ("a ministry spokeswoman", "nominal", "a ministry spokeswoman", "spokesperson", None),
        # Found on blind set 13: ministers of energy, the economy, health and security were
        # only "minister".
        ("Romania's energy minister", "nominal", "Romania's energy minister", "energy minister",
         "Romania"),
        ("Economy Minister Ana Roe", "person", "Ana Roe", "economy minister", None),
        ("the health minister", "nominal", "the health minister", "health minister", None),
        ("National Security Minister Ana Roe", "person", "Ana Roe", "security minister", None),
        # Found in review: "of <country>" after a titled name is the person's country.
        ("Foreign Minister Ana Roe of Iran", "person", "Ana Roe", "foreign minister", "Iran"),
        ("Mr. Roe of the Netherlands", "person", "Roe", None, "Netherlands"),
        ("Sen. Ana Roe of Georgia", "person", "Ana Roe", "senator", None),  # a US state
        ("Mr. Roe of Athens", "person", "Roe", None, None),  # a capital: a hometown
        # Roles of international news added with the tests below them: EU foreign policy,
        # monarchies, "top diplomat".
        ("EU High Representative Ana Roe", "person", "Ana Roe", "high representative", None),
        ("the bloc's foreign policy chief", "nominal", "the bloc's foreign policy chief",
         "high representative", None),
        ("Saudi Crown Prince Ali bin Roe", "person", "Ali bin Roe", "crown prince",
         "Saudi Arabia"),
        ("Qatar's emir", "nominal", "Qatar's emir", "emir", "Qatar"),
        ("China's top diplomat Li Roe", "person", "Li Roe", "top diplomat", "China"),
        # Found on unseen wire stories: a qualifier before a title was dropped, so deputies,
        # assistants and former ministers were counted as the ministers themselves.
        ("Lithuania's deputy foreign minister", "nominal", "Lithuania's deputy foreign minister",
         "deputy foreign minister", "Lithuania"),
        ("Deputy Foreign Minister Ana Roe", "person", "Ana Roe", "deputy foreign minister", None),
        ("Vice Foreign Minister Ana Roe", "person", "Ana Roe", "vice foreign minister", None),
        ("former U.S. Secretary of State Ana Roe", "person", "Ana Roe",
         "former secretary of state", "United States"),
        ("Assistant Secretary of State Ana Roe", "person", "Ana Roe",
         "assistant secretary of state", None),
        ("the deputy spokesperson", "nominal", "the deputy spokesperson", "deputy spokesperson",
         None),
        # a role that is itself written with the qualifier stays as listed
        ("Deputy Prime Minister Ana Roe", "person", "Ana Roe", "deputy prime minister", None),
        ("Vice President Ana Roe", "person", "Ana Roe", "vice president", None),
        # Found on a fresh unseen test set: "Director General X" was a general, a special
        # envoy an ambassador, a lawmaker had no role.
        ("IAEA Director General Ana Roe", "person", "Ana Roe", "director-general", None),
        ("the U.S. special envoy", "nominal", "the U.S. special envoy", "envoy", "United States"),
        ("an opposition lawmaker", "nominal", "an opposition lawmaker", "lawmaker", None),
        ("Labour MP Ana Roe", "person", "Ana Roe", "lawmaker", None),
        ("Interior Minister Ana Roe", "person", "Ana Roe", "interior minister", None),
        # an acting office-holder holds the office
        ("acting Defense Secretary Ana Roe", "person", "Ana Roe", "secretary of defense", None),
    ],
)
def test_parse_mention(mention, kind, name, role, country):
    sp = parse_mention(mention)
    assert (sp.kind, sp.name, sp.role, sp.country) == (kind, name, role, country)


def test_name_key_ignores_middle_initials():
    assert name_key("Donald J. Trump") == name_key("Donald Trump") == "donald trump"


@pytest.mark.parametrize(
    "text, cue, expected",
    [
        ("Kishida said", "said", "Kishida"),
        ("Julie Bishop, the foreign minister, said", "said", "Julie Bishop"),
        ("Rep. Gwen Moore (D-Wis.) said", "said", "Rep. Gwen Moore"),
        ("the Defense Ministry said", "said", "the Defense Ministry"),
        ("officials said", "said", "officials"),
        ("Injecting Smith said", "said", "Smith"),
    ],
)
def test_subject_before(text, cue, expected):
    pos = text.index(cue)
    s, e, _ = subject_before(text, 0, pos)
    assert text[s:e] == expected


def test_subject_before_rejects_function_words():
    text = "that said"
    assert subject_before(text, 0, text.index("said")) is None


def test_phrase_after_with_appositive():
    text = "said Alan Cole, an economist at the Tax Foundation."
    s, e, appos = phrase_after(text, 5, len(text))
    assert text[s:e] == "Alan Cole"
    assert text[appos[0]:appos[1]] == "an economist at the Tax Foundation"


def _roster(**over):
    rows = [{"name": "Jane Roe", "aliases": "Jane Q. Roe", "role": "defense minister",
             "country": "Freedonia", "gender": "f"}]
    rows[0].update(over)
    return Roster(pd.DataFrame(rows))


def test_surname_links_to_full_name_and_roster_wins():
    text = "Foreign Minister Jane Roe arrived. Later Roe spoke."
    people = DocumentPeople(text, len(text), _roster(), load_titles())
    # The text says foreign minister; the roster says defense minister and wins.
    assert people.resolve("Roe", text.index("Roe spoke")) == ("Jane Roe", "defense minister",
                                                              "Freedonia")


def test_text_title_used_without_roster():
    text = "Foreign Minister Fumio Kishida arrived. Kishida spoke."
    people = DocumentPeople(text, len(text), Roster(load_roster().iloc[0:0]), load_titles())
    assert people.resolve("Kishida", text.index("Kishida spoke")) == (
        "Fumio Kishida", "foreign minister", None)


def test_ambiguous_surname_stays_unlinked():
    text = "Hillary Clinton met Chelsea Clinton. Clinton spoke."
    people = DocumentPeople(text, len(text), Roster(load_roster().iloc[0:0]), load_titles())
    assert people.resolve("Clinton", text.index("Clinton spoke"))[0] == "Clinton"


def test_pronoun_uses_roster_gender():
    # Roe (f, from the roster) then Doe (unknown gender... male title) -> "she" is Roe.
    text = "Jane Roe met Mr. John Doe. She said so."
    people = DocumentPeople(text, len(text), _roster(), load_titles())
    assert people.resolve("She", text.index("She"))[0] == "Jane Roe"
    assert people.resolve("he", len(text))[0] == "John Doe"


def test_load_roster_errors_name_file_and_reason(tmp_path):
    bad = tmp_path / "roster.csv"
    bad.write_text("name,aliases,role,country,gender\nA B,,x,,q\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"roster.csv: line 2 \(A B\): gender 'q'"):
        load_roster(bad)
    with pytest.raises(ConfigError, match="not found"):
        load_roster(tmp_path / "missing.csv")
    missing_col = tmp_path / "r2.csv"
    missing_col.write_text("name,role\nA B,x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="missing column"):
        load_roster(missing_col)


def test_default_roster_is_valid():
    df = load_roster()
    assert list(df.columns) == ["name", "aliases", "role", "country", "gender"]
    assert len(df) >= 30
    assert set(df["gender"]) <= {"f", "m", ""}


# Found on PolNeAR: "Mr. Roe's RT appearance" introduced a person "Roe's RT", and "Several
# former RT journalists" later resolved to that person through the surname "RT".
@pytest.mark.parametrize("phrase", ["Mr. John Roe's RT appearance", "Mr. John Roe’s BBC interview",
                                    "John Roe. Mr. Roe's RT appearance"])
def test_a_possessive_ends_a_name(phrase):
    text = f"Critics seized upon {phrase}. Several former RT and BBC journalists agreed."
    people = DocumentPeople(text, len(text), Roster(load_roster().iloc[0:0]), load_titles())
    assert list(people.people) == ["john roe"]
    assert people.resolve("RT", text.index("RT"))[0] != "John Roe"
    assert people.resolve("Several former RT and BBC journalists",
                          text.index("Several"))[0] != "John Roe"


def test_it_resolves_to_the_government_of_the_sentence_subject_country():
    text = "Although Canada has no treaty with France, it calls the country a partner."
    people = DocumentPeople(text, len(text), Roster(load_roster().iloc[0:0]), load_titles())
    assert people.resolve("it", text.index("it calls")) == ("Canada", "government", "Canada")


def test_phrase_after_skips_lower_case_description_before_name():
    text = "“They are wrong,” said 9/11 widow Jane Roe, a nurse."
    pos = text.index("said") + 5
    s, e, _ = phrase_after(text, pos, len(text))
    assert text[s:e] == "Jane Roe"


def test_full_stop_after_short_name_is_not_part_of_it():
    text = "“They are wrong,” said Roe."
    s, e, _ = phrase_after(text, text.index("Roe"), len(text))
    assert text[s:e] == "Roe"
    text = "“They are wrong,” said John Doe Jr."
    s, e, _ = phrase_after(text, text.index("John"), len(text))
    assert text[s:e] == "John Doe Jr."


def test_mojibake_does_not_split_a_name():
    text = "“We will win,” President FranÃ\u0083Â§ois Roe said."
    s, e, _ = subject_before(text, 15, text.index(" said"))
    assert text[s:e] == "President FranÃ\u0083Â§ois Roe"


def test_subject_before_with_nothing_before_the_cue():
    # Found on PolNeAR while adding the time-phrase rule: an empty stretch before the cue
    # raised IndexError.
    from analysis.speakers import subject_before

    assert subject_before("said the minister.", 0, 0) is None


# Added with the complete country list: adjectives and capitals of the new countries give the
# speaker's country (same canonical names as targets.yml); ambiguous ones as documented.
@pytest.mark.parametrize(
    "mention, country",
    [
        ("Ghanaian Foreign Minister Ana Roe", "Ghana"),
        ("Ivorian President Ana Roe", "Ivory Coast"),
        ("Congolese Defence Minister Ana Roe", "Democratic Republic of the Congo"),
        ("Congo Republic President Ana Roe", "Republic of the Congo"),
        ("Bissau-Guinean Prime Minister Ana Roe", "Guinea-Bissau"),
        ("Palestinian Authority President Ana Roe", "Palestine"),
        ("Lebanon's defence minister", "Lebanon"),
        ("the Foreign Ministry in Accra", "Ghana"),
    ],
)
def test_new_country_adjectives_give_the_speaker_country(mention, country):
    assert parse_mention(mention).country == country


def test_new_country_in_an_appositive_gives_the_speaker_country():
    from analysis.quotes import extract_document

    (r,) = extract_document("Ana Roe, Lebanon's defence minister, said that the border was calm.",
                            "t")
    assert (r["speaker"], r["speaker_role"], r["speaker_country"]) == (
        "Ana Roe", "defense minister", "Lebanon")
    (r,) = extract_document("“We will not yield,” Uruguayan Foreign Minister Ana Roe said.", "t")
    assert (r["speaker"], r["speaker_country"]) == ("Ana Roe", "Uruguay")


@pytest.mark.parametrize("mention, name, country", [
    ("Acting Secretary Chad Roe", "Chad Roe", None),
    ("Jordan Roe", "Jordan Roe", None),
    ("Kenya Roe", "Kenya Roe", None),
    ("Georgia Roe", "Georgia Roe", None),
    ("Jordanian Foreign Minister Ana Roe", "Ana Roe", "Jordan"),
    ("Chadian President Ana Roe", "Ana Roe", "Chad"),
    ("Kenyan Interior Minister Ana Roe", "Ana Roe", "Kenya"),
    # Found in review: Cuba, Jamaica and Samoa are first names too; and a possessive of
    # such a name before a title is mostly the US state ("Georgia's Republican Gov. X").
    ("Cuba Gooding", "Cuba Gooding", None),
    ("Jamaica Roe", "Jamaica Roe", None),
    ("Samoa Roe", "Samoa Roe", None),
    ("Cuban President Ana Roe", "Ana Roe", "Cuba"),
    ("Georgia's Republican Gov. Ana Roe", "Ana Roe", None),
    ("Georgia’s Secretary of State Ana Roe", "Ana Roe", None),
    # Found by a user review: only Georgia is also a place inside another country; the
    # possessive of the others before a title is the country ("Kenya's Defence Minister").
    ("Kenya's Defence Minister Ana Roe", "Ana Roe", "Kenya"),
    ("Jordan’s Foreign Minister Ana Roe", "Ana Roe", "Jordan"),
    ("Chad's President Ana Roe", "Ana Roe", "Chad"),
    ("Cuba's Foreign Minister Ana Roe", "Ana Roe", "Cuba"),
])
def test_countries_named_like_people_are_known_by_their_adjectives(mention, name, country):
    # The bare names Chad, Jordan, Kenya and Georgia are no nationality (titles.yml
    # `countries_not_by_name`): read as one, "Chad Roe" would be "Roe" of Chad.
    sp = parse_mention(mention)
    assert (sp.name, sp.country) == (name, country)


def test_countries_not_by_name_must_name_listed_countries(tmp_path):
    from analysis.config import ConfigError
    from analysis.speakers import TITLES_FILE

    text = TITLES_FILE.read_text(encoding="utf-8").replace(
        "countries_not_by_name: [Chad, Jordan, Kenya, Georgia, Cuba, Jamaica, Samoa]",
        "countries_not_by_name: [Chad, Ruritania]")
    path = tmp_path / "titles.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"titles.yml: countries_not_by_name must be a list of "
                                          r"countries of the 'countries' section"):
        load_titles(path)


def test_countries_not_by_possessive_must_be_countries_not_by_name(tmp_path):
    from analysis.config import ConfigError
    from analysis.speakers import TITLES_FILE

    text = TITLES_FILE.read_text(encoding="utf-8").replace(
        "countries_not_by_possessive: [Georgia]", "countries_not_by_possessive: [Peru]")
    path = tmp_path / "titles.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"titles.yml: countries_not_by_possessive must be a "
                                          r"list of countries of 'countries_not_by_name'"):
        load_titles(path)


@pytest.mark.parametrize(("mention", "name"), [
    # A portfolio word before a body's head is part of the body's name: "refugee" is also
    # a word of roles ("UN refugee envoy X"), which had cut "the UN refugee agency" to
    # "agency".
    ("the UN refugee agency", "UN refugee agency"),
    ("UN human rights office", "UN human rights office"),
])
def test_portfolio_words_before_a_body_keep_its_name(mention, name):
    sp = parse_mention(mention)
    assert (sp.kind, sp.name) == ("org", name)


# Found by a review of extending the configuration: malformed roster rows were accepted
# silently, and as the roster wins over the text they replaced a right role and country.
@pytest.mark.parametrize("row, reason", [
    ("Ana Roe,interior minister,Nigeria,f", r"line 2 \(Ana Roe\): 4 fields where the header "
                                            r"has 5"),
    ("Ana Roe,,interior minister,Nigeria,f,extra", r"line 2 \(Ana Roe\): 6 fields where the "
                                                   r"header has 5"),
    ("Ana Roe,,interior minister,Nigera,f", r"line 2 \(Ana Roe\): country 'Nigera' is not a "
                                            r"country of .*titles.yml"),
    ("Ana Roe;Bo Doe;interior minister;Nigeria;f", r"line 2: 1 fields where the header has 5"),
])
def test_malformed_roster_rows_are_refused(tmp_path, row, reason):
    from analysis.config import ConfigError
    from analysis.speakers import load_roster

    path = tmp_path / "roster.csv"
    path.write_text("name,aliases,role,country,gender\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=reason):
        load_roster(path)


def test_an_alias_shared_by_two_roster_people_is_refused(tmp_path):
    from analysis.config import ConfigError
    from analysis.speakers import Roster, load_roster

    path = tmp_path / "roster.csv"
    path.write_text("name,aliases,role,country,gender\nAna Baldé,Baldé,minister,Guinea,f\n"
                    "Bo Baldé,Baldé,minister,Guinea,m\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"'Baldé' names both 'Ana Baldé' and 'Bo Baldé'"):
        Roster(load_roster(path))
