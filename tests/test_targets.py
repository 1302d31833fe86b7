"""Tests of analysis.targets: the targets file and mention finding."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.config import ConfigError
from analysis.paths import ANNOTATIONS_DIR
from analysis.targets import TARGET_TYPES, find_mentions, load_targets, match_text


def _quotes(*texts, starts=None):
    starts = starts or [0] * len(texts)
    return pd.DataFrame({
        "doc_id": "d", "quote_id": [f"d:{i}" for i in range(len(texts))],
        "start": starts, "end": [s + len(t) for s, t in zip(starts, texts, strict=True)],
        "text": list(texts),
    })


def test_shipped_targets_load_with_valid_types():
    targets = load_targets()
    names = {t.name for t in targets}
    assert {"North Korea", "United States", "China", "Japan", "Australia", "South Korea",
            "Russia", "NATO", "United Nations", "ASEAN", "European Union"} <= names
    assert all(t.type in TARGET_TYPES for t in targets)


@pytest.mark.parametrize(("text", "expected"), [
    ("Pyongyang fired a missile.", [("North Korea", "Pyongyang")]),
    ("the DPRK and the Kim regime", [("North Korea", "DPRK"), ("North Korea", "Kim regime")]),
    ("Washington and the White House", [("United States", "Washington"),
                                        ("United States", "White House")]),
    ("talks with the U.S. on Tuesday", [("United States", "U.S.")]),
    ("Beijing said", [("China", "Beijing")]),
    ("Seoul and Tokyo", [("South Korea", "Seoul"), ("Japan", "Tokyo")]),
    ("Moscow and Canberra", [("Russia", "Moscow"), ("Australia", "Canberra")]),
    ("NATO, the UN, ASEAN and the EU", [("NATO", "NATO"), ("United Nations", "UN"),
                                        ("ASEAN", "ASEAN"), ("European Union", "EU")]),
])
def test_aliases_and_metonyms(text, expected):
    assert [(m[0], m[2]) for m in match_text(text)] == expected


def test_possessive_counts_and_gives_bare_mention():
    (m,) = match_text("North Korea’s illegal behaviour")
    assert m == ("North Korea", "country", "North Korea", 0, 11)


def test_the_north_only_capitalised_and_not_part_of_a_longer_name():
    assert [m[2] for m in match_text("threats from the North, the recalcitrant North")] == [
        "North", "North"]
    assert match_text("moving to the north of the city") == []
    assert match_text("the North Atlantic and the North Pole") == []


def test_excluded_phrases_block_inner_matches():
    assert match_text("the status quo in the East China Sea") == []
    assert match_text("George Washington crossed the river") == []
    # ...but the country itself still counts next to them.
    assert [m[0] for m in match_text("China in the South China Sea")] == ["China"]


def test_case_sensitive_us():
    assert match_text("join us in the effort") == []
    assert [m[0] for m in match_text("US forces")] == ["United States"]


def test_longest_alias_wins():
    (m,) = match_text("the North Korean regime said")
    assert m[0] == "North Korea" and m[2] == "North Korean regime"


def test_find_mentions_gives_document_offsets():
    doc = "Intro. Bishop said Japan and the U.S. agree."
    start = doc.index("Japan")
    q = _quotes(doc[start:], starts=[start])
    out = find_mentions(q, pd.DataFrame({"doc_id": ["d"], "text": [doc]}))
    assert list(out.columns) == ["doc_id", "quote_id", "target", "target_type", "mention",
                                 "mention_start", "mention_end"]
    assert out["target"].tolist() == ["Japan", "United States"]
    for _, r in out.iterrows():
        assert doc[r.mention_start:r.mention_end] == r.mention


def test_find_mentions_rejects_text_not_matching_document():
    q = _quotes("Japan", starts=[0])
    with pytest.raises(ValueError, match="does not equal document"):
        find_mentions(q, pd.DataFrame({"doc_id": ["d"], "text": ["China is here"]}))


def test_sample_article_mentions_match_gold():
    gold = pd.read_csv(ANNOTATIONS_DIR / "sample_stance.csv")
    rec = json.loads((ANNOTATIONS_DIR / "sample_quotes.jsonl").read_text().splitlines()[0])
    q = pd.DataFrame(rec["quotes"]).assign(doc_id=rec["doc_id"])
    q["quote_id"] = [f"{rec['doc_id']}:{s}-{e}" for s, e in zip(q.start, q.end, strict=True)]
    out = find_mentions(q, pd.DataFrame({"doc_id": [rec["doc_id"]], "text": [rec["text"]]}))
    assert set(zip(out.mention_start, out.mention_end, out.target, strict=True)) == set(
        zip(gold.mention_start, gold.mention_end, gold.target, strict=True))


def test_bad_targets_file_names_entry(tmp_path):
    p = tmp_path / "t.yml"
    p.write_text("targets:\n  - name: X\n    type: planet\n    aliases: [X]\n")
    with pytest.raises(ConfigError, match="type 'planet' not allowed"):
        load_targets(p)
    p.write_text("targets:\n  - name: X\n    type: country\n    aliases: [Y]\n"
                 "  - name: Z\n    type: country\n    aliases: [Y]\n")
    with pytest.raises(ConfigError, match="alias 'Y' is also an alias of 'X'"):
        load_targets(p)
    p.write_text("targets:\n  - name: X\n    type: country\n    patterns: ['(']\n")
    with pytest.raises(ConfigError, match="bad pattern"):
        load_targets(p)


# Found on a fresh unseen test set: 38 of 85 scorable mentions were of countries and bodies
# the shipped list lacked (Turkey, Sudan, Guyana, the African Union, ...), so no stance was
# scored for them.
@pytest.mark.parametrize(("text", "expected"), [
    ("Ankara and Caracas", [("Turkey", "Ankara"), ("Venezuela", "Caracas")]),
    ("Guyana, Oman and Sudan", [("Guyana", "Guyana"), ("Oman", "Oman"), ("Sudan", "Sudan")]),
    ("South Sudan", [("South Sudan", "South Sudan")]),
    ("the African Union and CARICOM", [("African Union", "African Union"),
                                       ("Caribbean Community", "CARICOM")]),
    ("China's Taiwan Affairs Office", [("China", "China"), ("China", "Taiwan Affairs Office")]),
    ("the Rapid Support Forces and Hamas", [("Rapid Support Forces", "Rapid Support Forces"),
                                            ("Hamas", "Hamas")]),
    # places and names that are not the country
    ("Georgetown University and the Rome Statute and the Warsaw Pact", []),
    ("Real Madrid and the Oslo Accords", []),
])
def test_more_countries_and_bodies(text, expected):
    assert [(m[0], m[2]) for m in match_text(text)] == expected


# Found in review of the added targets: aliases inside longer names of other things.
@pytest.mark.parametrize("text", [
    "the South Sudanese government", "the Doha agreement", "the OSCE Minsk Group",
    "the Astana process", "the Stockholm International Peace Research Institute",
    "Qatar Airways", "the ICC World Cup", "AU$5 million", "Rome, Ga.",
])
def test_review_no_false_targets(text):
    found = [m[0] for m in match_text(text)]
    assert not set(found) & {"Sudan", "Qatar", "Belarus", "Kazakhstan", "Sweden",
                             "International Criminal Court", "African Union", "Italy"}


def test_edited_target_file_is_read_again_even_with_its_old_timestamp(tmp_path):
    # Found in review: the matcher was cached by modification time and size, so a same-size
    # edit whose timestamp was restored (cp -p, rsync -t, tar) kept the old aliases.
    import os

    path = tmp_path / "targets.yml"
    path.write_text("targets:\n  - name: Foo\n    type: country\n    aliases: [Fooland]\n",
                    encoding="utf-8")
    st = path.stat()
    assert [m[0] for m in match_text("in Fooland", path)] == ["Foo"]
    path.write_text("targets:\n  - name: Bar\n    type: country\n    aliases: [Barland]\n",
                    encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns
    assert [m[0] for m in match_text("in Barland", path)] == ["Bar"]


# The complete country list: every UN member state, Palestine, the Vatican (Holy See), Taiwan
# and Kosovo, each once, under the short English name of international news.
UN_MEMBERS_AND_OTHERS = """
Afghanistan; Albania; Algeria; Andorra; Angola; Antigua and Barbuda; Argentina; Armenia;
Australia; Austria; Azerbaijan; Bahamas; Bahrain; Bangladesh; Barbados; Belarus; Belgium;
Belize; Benin; Bhutan; Bolivia; Bosnia and Herzegovina; Botswana; Brazil; Brunei; Bulgaria;
Burkina Faso; Burundi; Cape Verde; Cambodia; Cameroon; Canada; Central African Republic; Chad;
Chile; China; Colombia; Comoros; Republic of the Congo; Costa Rica; Ivory Coast; Croatia; Cuba;
Cyprus; Czech Republic; North Korea; Democratic Republic of the Congo; Denmark; Djibouti;
Dominica; Dominican Republic; Ecuador; Egypt; El Salvador; Equatorial Guinea; Eritrea; Estonia;
Eswatini; Ethiopia; Fiji; Finland; France; Gabon; Gambia; Georgia; Germany; Ghana; Greece;
Grenada; Guatemala; Guinea; Guinea-Bissau; Guyana; Haiti; Honduras; Hungary; Iceland; India;
Indonesia; Iran; Iraq; Ireland; Israel; Italy; Jamaica; Japan; Jordan; Kazakhstan; Kenya;
Kiribati; Kuwait; Kyrgyzstan; Laos; Latvia; Lebanon; Lesotho; Liberia; Libya; Liechtenstein;
Lithuania; Luxembourg; Madagascar; Malawi; Malaysia; Maldives; Mali; Malta; Marshall Islands;
Mauritania; Mauritius; Mexico; Micronesia; Monaco; Mongolia; Montenegro; Morocco; Mozambique;
Myanmar; Namibia; Nauru; Nepal; Netherlands; New Zealand; Nicaragua; Niger; Nigeria;
North Macedonia; Norway; Oman; Pakistan; Palau; Panama; Papua New Guinea; Paraguay; Peru;
Philippines; Poland; Portugal; Qatar; South Korea; Moldova; Romania; Russia; Rwanda;
Saint Kitts and Nevis; Saint Lucia; Saint Vincent and the Grenadines; Samoa; San Marino;
Sao Tome and Principe; Saudi Arabia; Senegal; Serbia; Seychelles; Sierra Leone; Singapore;
Slovakia; Slovenia; Solomon Islands; Somalia; South Africa; South Sudan; Spain; Sri Lanka; Sudan;
Suriname; Sweden; Switzerland; Syria; Tajikistan; Thailand; East Timor; Togo; Tonga;
Trinidad and Tobago; Tunisia; Turkey; Turkmenistan; Tuvalu; Uganda; Ukraine;
United Arab Emirates; United Kingdom; Tanzania; United States; Uruguay; Uzbekistan; Vanuatu;
Venezuela; Vietnam; Yemen; Zambia; Zimbabwe;
Palestine; Vatican; Taiwan; Kosovo
"""


def test_every_un_member_and_palestine_vatican_taiwan_kosovo_is_a_country_target():
    want = [n.strip() for n in UN_MEMBERS_AND_OTHERS.split(";")]
    assert len(want) == len(set(want)) == 193 + 4
    countries = [t.name for t in load_targets() if t.type == "country"]
    assert sorted(countries) == sorted(want)


def test_every_speaker_country_in_titles_is_a_country_target():
    # A speaker's country and a target must compare equal ("Cuban minister X" on Cuba).
    from analysis.config import load_yaml
    from analysis.speakers import TITLES_FILE

    titles = load_yaml(TITLES_FILE)["countries"]
    targets = {t.name for t in load_targets() if t.type == "country"}
    assert set(titles) == targets


# Names that are also people or US places, and capitals that are also other places: the
# frequent non-country phrases are excluded, the country still counts. Invented sentences.
@pytest.mark.parametrize(("text", "expected"), [
    ("Chad Wolf said the border was secure.", []),
    ("troops from Chad and Niger", [("Chad", "Chad"), ("Niger", "Niger")]),
    ("fishermen on Lake Chad", []),
    ("N’Djamena said", [("Chad", "N’Djamena")]),
    ("Michael Jordan and Jim Jordan", []),
    ("a deal brokered by Mr. Jordan", []),
    ("Jordan's king met Amman's allies", [("Jordan", "Jordan"), ("Jordan", "Amman")]),
    ("Jordan’s king", [("Jordan", "Jordan")]),
    ("settlements in the Jordan Valley", []),
    ("oil spills in the Niger Delta and along the Niger River", []),
    ("Nigeria and Niger", [("Nigeria", "Nigeria"), ("Niger", "Niger")]),
    ("a rally in Atlanta, Georgia", []),
    ("Georgia Republicans and the Georgia Senate", []),
    ("the University of Georgia and Georgia Tech", []),
    ("Georgia's governor signed it", []),
    ("Russia's war with Georgia", [("Russia", "Russia"), ("Georgia", "Georgia")]),
    ("Tbilisi wants to join the EU", [("Georgia", "Tbilisi"), ("European Union", "EU")]),
    ("Kenya Moore and Mount Kenya", []),
    ("Nairobi sent police to Haiti", [("Kenya", "Nairobi"), ("Haiti", "Haiti")]),
    ("Lebanon, Pa., and Cuba, N.Y.", []),
    ("Beirut and Havana", [("Lebanon", "Beirut"), ("Cuba", "Havana")]),
    ("cases of Havana syndrome", []),
    ("Brussels must act", [("European Union", "Brussels")]),
    ("Athens and Rome", [("Greece", "Athens"), ("Italy", "Rome")]),
    ("Athens, Ga., and the Rome Statute", []),
    ("Vienna and Bern", [("Austria", "Vienna"), ("Switzerland", "Bern")]),
    ("the Vienna Convention", []),
    ("Addis Ababa and Lima", [("Ethiopia", "Addis Ababa"), ("Peru", "Lima")]),
    ("Northern Ireland and the Gulf of Guinea", []),
    ("Ireland and Guinea", [("Ireland", "Ireland"), ("Guinea", "Guinea")]),
    ("Lisa Monaco said", []),
    ("the Panama Papers", []),
    ("the Panama Canal", [("Panama", "Panama")]),
    # Congo: bare "Congo" is the Democratic Republic; the other is named in full.
    ("Congo and Rwanda", [("Democratic Republic of the Congo", "Congo"), ("Rwanda", "Rwanda")]),
    ("the Democratic Republic of Congo and the Republic of Congo",
     [("Democratic Republic of the Congo", "Democratic Republic of Congo"),
      ("Republic of the Congo", "Republic of Congo")]),
    ("Congo-Brazzaville and Kinshasa", [("Republic of the Congo", "Congo-Brazzaville"),
                                        ("Democratic Republic of the Congo", "Kinshasa")]),
    ("Guinea-Bissau, Equatorial Guinea and Papua New Guinea",
     [("Guinea-Bissau", "Guinea-Bissau"), ("Equatorial Guinea", "Equatorial Guinea"),
      ("Papua New Guinea", "Papua New Guinea")]),
    ("Côte d’Ivoire and Czechia", [("Ivory Coast", "Côte d’Ivoire"),
                                   ("Czech Republic", "Czechia")]),
    ("the Holy See and Ramallah", [("Vatican", "Holy See"), ("Palestine", "Ramallah")]),
    ("Northern Cyprus and American Samoa", []),
])
def test_ambiguous_country_names_and_capitals(text, expected):
    assert [(m[0], m[2]) for m in match_text(text)] == expected


# A guarded alias does not count before a capitalised word: a first name before a surname,
# a US state before an office or a party (the exclude list only named known people).
@pytest.mark.parametrize("text, expected", [
    ("Chad Roe said so.", []),
    ("as Jordan Roe put it", []),
    ("Kenya Roe and Georgia Democrats", []),
    ("Chad's army and Jordan’s king", [("Chad", "Chad"), ("Jordan", "Jordan")]),
    ("Egypt, Jordan and Kenya signed.", [("Egypt", "Egypt"), ("Jordan", "Jordan"),
                                         ("Kenya", "Kenya")]),
    ("Chad\nRoe", [("Chad", "Chad")]),  # a line break is no name boundary to guard
    # Found in review: weekdays, months and acronyms are no surnames; other spaces and
    # capitals beyond Latin-1 are.
    ("French troops left Chad Monday", [("Chad", "Chad")]),
    ("visited Jordan Tuesday and Egypt in March", [("Jordan", "Jordan"), ("Egypt", "Egypt")]),
    ("Kenya May 2024 report", [("Kenya", "Kenya")]),
    ("Georgia EU membership talks", [("Georgia", "Georgia"), ("European Union", "EU")]),
    ("Chad Ōno and Kenya Łukasz", []),
    ("Chad\u2009Roe and Jordan\u202fRoe", []),
])
def test_first_name_before_a_surname_is_not_the_country(text, expected):
    assert [(m[0], m[2]) for m in match_text(text)] == expected


def test_guarded_alias_must_be_an_alias(tmp_path):
    from analysis.config import ConfigError

    path = tmp_path / "t.yml"
    path.write_text("targets:\n  - name: Chad\n    type: country\n    aliases: [Chad]\n"
                    "    guarded: [Chadd]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"target 'Chad': guarded alias 'Chadd' is not one "
                                          r"of its aliases"):
        load_targets(path)
    path.write_text("targets:\n  - name: Ruritania\n    type: country\n    aliases: [Rura]\n"
                    "    guarded: [Ruritania]\n", encoding="utf-8")
    assert match_text("Ruritania Roe and Rura Roe", path=path) == [
        ("Ruritania", "country", "Rura", 18, 22)]


@pytest.mark.parametrize("text", ["a PNG file", "the CAR T-cell therapy"])
def test_review_no_all_caps_false_targets(text):
    # Found in review: all-capitals aliases that are common words in news.
    assert match_text(text) == []


# Found by a user review: the threat of a Kenyan story was al-Shabaab, which was no target,
# so the threat source fell to the speaker's country.
@pytest.mark.parametrize("text, target", [
    ("al-Shabaab remained the most immediate threat", "al-Shabaab"),
    ("Al-Shabab fighters attacked the base", "al-Shabaab"),
    ("Boko Haram claimed the attack", "Boko Haram"),
    ("the Kurdistan Workers’ Party, or PKK, said", "PKK"),
    ("India blamed LeT for the attack", "Lashkar-e-Taiba"),
])
def test_armed_groups_are_targets(text, target):
    assert target in [t for t, *_ in match_text(text)]


def test_short_armed_group_aliases_need_their_capitals():
    assert match_text("let them go, said the hts team and the jem crew") == []
