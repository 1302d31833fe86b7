"""Corpus loading: every input accounted for, clear errors naming file and reason."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.corpus import CorpusError, find_story_end, load_boilerplate, load_corpus

from .conftest import SAMPLE_DOC_ID


def test_sample_folder_loads_with_metadata_and_footer(sample_corpus_dir):
    corpus = load_corpus(sample_corpus_dir)
    docs = corpus.documents
    assert corpus.n_found == 1
    assert list(docs.columns[:4]) == ["doc_id", "text", "story_end", "source"]
    assert docs.loc[0, "doc_id"] == SAMPLE_DOC_ID
    assert docs.loc[0, "outlet"] == "The Japan Times"
    assert docs.loc[0, "date"] == "2017-04-20"
    text, end = docs.loc[0, "text"], docs.loc[0, "story_end"]
    # The subscription footer is non-story; the staff credit line is kept.
    assert text[:end].endswith("contributed to this report")
    assert "subscribing" in text[end:]
    assert corpus.errors.empty


def test_text_is_kept_exactly(tmp_path):
    raw = "Line one “quoted,” he said.\r\n\r\nSecond  paragraph.\n"
    (tmp_path / "a.txt").write_bytes(raw.encode("utf-8"))
    docs = load_corpus(tmp_path / "a.txt").documents
    assert docs.loc[0, "text"] == raw
    assert docs.loc[0, "story_end"] == len(raw)


def test_bom_is_dropped(tmp_path):
    (tmp_path / "a.txt").write_bytes("\ufeffHello.".encode())
    assert load_corpus(tmp_path / "a.txt").documents.loc[0, "text"] == "Hello."


@pytest.mark.parametrize(
    "payload, reason",
    [
        (b"", "empty file"),
        (b"   \n\n ", "empty file"),
        ("\ufeff".encode(), "empty file"),
        (b"abc\x00def", "binary file"),
        ("caf\u00e9 said".encode("latin-1"), "not valid utf-8"),
    ],
)
def test_bad_text_files_are_errors_naming_file(tmp_path, payload, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(payload)
    corpus = load_corpus(tmp_path)
    assert corpus.documents.empty
    assert corpus.n_found == 1
    row = corpus.errors.iloc[0]
    assert row["doc_id"] == "bad"
    assert row["severity"] == "error"
    assert reason in row["reason"].lower()
    assert row["source"] == str(path)
    with pytest.raises(CorpusError, match=f"bad.txt: .*{reason.split()[0]}"):
        load_corpus(path, errors="raise")


def test_folder_accounts_for_every_file(tmp_path):
    (tmp_path / "good.txt").write_text("“Yes,” she said.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignore me", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    corpus = load_corpus(tmp_path)
    assert corpus.n_found == 2
    assert corpus.documents["doc_id"].tolist() == ["good"]
    assert corpus.n_document_errors == 1
    assert len(corpus.documents) + corpus.n_document_errors == corpus.n_found
    warnings = corpus.errors[corpus.errors["severity"] == "warning"]["reason"].tolist()
    assert any("not a .txt" in w for w in warnings)
    assert any("subfolder" in w for w in warnings)


def test_malformed_metadata_keeps_documents(tmp_path):
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("id,title\na,T\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.documents["doc_id"].tolist() == ["a"]
    assert "no 'doc_id' column" in corpus.errors.loc[0, "reason"]


def test_metadata_problems_are_warnings(tmp_path):
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(
        "doc_id,title,date\na,T,not a date\na,T2,2020-01-01\nghost,G,2020-01-01\n",
        encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.documents.loc[0, "title"] == "T"
    reasons = " | ".join(corpus.errors["reason"])
    assert "unparsable date 'not a date'" in reasons
    assert "duplicate metadata row" in reasons
    assert "'ghost' has no readable .txt" in reasons
    assert (corpus.errors["severity"] == "warning").all()


def test_jsonl_table_with_bad_lines(tmp_path):
    lines = [
        json.dumps({"doc_id": "a", "text": "One.", "outlet": "X"}),
        "{not json",
        json.dumps({"doc_id": "a", "text": "Dup."}),
        json.dumps({"doc_id": "b", "text": ""}),
        json.dumps({"doc_id": "c", "text": "Three.", "story_end": 3}),
        json.dumps(["a", "list"]),
    ]
    path = tmp_path / "t.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    corpus = load_corpus(path)
    docs = corpus.documents
    assert docs["doc_id"].tolist() == ["a", "c"]
    assert docs.loc[0, "outlet"] == "X"
    assert docs.loc[1, "story_end"] == 3
    assert corpus.n_found == 6
    errs = corpus.errors.set_index("source")["reason"]
    assert "not valid JSON" in errs[f"{path}:2"]
    assert "duplicate doc_id 'a'" in errs[f"{path}:3"]
    assert "empty text" in errs[f"{path}:4"]
    assert "not an object" in errs[f"{path}:6"]
    assert len(docs) + corpus.n_document_errors == corpus.n_found


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_tables_keep_metadata_and_doc_id_as_text(tmp_path, suffix):
    frame = pd.DataFrame({"doc_id": ["007", "8"], "text": ["A.", "B."], "outlet": ["X", "Y"]})
    path = tmp_path / f"t{suffix}"
    if suffix == ".csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path)
    docs = load_corpus(path).documents
    assert docs["doc_id"].tolist() == ["007", "8"]
    assert docs["outlet"].tolist() == ["X", "Y"]


def test_table_missing_columns_is_refused(tmp_path):
    path = tmp_path / "t.csv"
    pd.DataFrame({"id": ["a"], "body": ["x"]}).to_csv(path, index=False)
    with pytest.raises(CorpusError, match=r"t.csv: missing column\(s\) doc_id, text"):
        load_corpus(path)


def test_unknown_input_kind_and_missing_path(tmp_path):
    with pytest.raises(CorpusError, match="unknown input kind '.docx'"):
        (tmp_path / "a.docx").write_text("x")
        load_corpus(tmp_path / "a.docx")
    with pytest.raises(CorpusError, match="no such file"):
        load_corpus(tmp_path / "missing.txt")


def test_reserved_column_is_renamed_with_warning(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"doc_id": "a", "text": "T.", "source": "wire"}), encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.documents.loc[0, "input_source"] == "wire"
    assert "reserved" in corpus.errors.loc[0, "reason"]


def test_story_end_never_cuts_the_middle():
    patterns = load_boilerplate()
    text = "Subscribe now to read.\n\nThe story goes on.\n\nAll rights reserved."
    assert find_story_end(text, patterns) == len("Subscribe now to read.\n\nThe story goes on.")
    assert find_story_end("Plain story.", patterns) == len("Plain story.")


def test_jsonl_line_separator_inside_a_string_is_not_a_line_break(tmp_path):
    path = tmp_path / "t.jsonl"
    rows = [{"doc_id": "a", "text": "Line one\u2028 “Hi,” said Roe."}, {"doc_id": "b", "text": "B."}]
    path.write_text("\r\n".join(json.dumps(r, ensure_ascii=False) for r in rows),
                    encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.documents["doc_id"].tolist() == ["a", "b"]
    assert corpus.documents.loc[1, "source"] == f"{path}:2"
    assert corpus.errors.empty


@pytest.mark.parametrize("given, expected", [(3, 3), ("4.0", 4), (-10, None), (999, None),
                                             ("x", None)])
def test_story_end_from_a_table_is_validated(tmp_path, given, expected):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"doc_id": "a", "text": "Story text.", "story_end": given}),
                    encoding="utf-8")
    corpus = load_corpus(path)
    end = corpus.documents.loc[0, "story_end"]
    if expected is None:
        assert end == len("Story text.")
        assert "story_end" in corpus.errors.loc[0, "reason"]
    else:
        assert end == expected


def test_table_text_of_only_bom_and_whitespace_is_empty(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"doc_id": "a", "text": "\ufeff   \n"}), encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.documents.empty
    assert "empty text" in corpus.errors.loc[0, "reason"]


def test_folder_with_case_clashing_names_reports_duplicate(tmp_path):
    (tmp_path / "a.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "a.TXT").write_text("Two.", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.documents["doc_id"].tolist() == ["a"]
    assert corpus.n_found == 2 and corpus.n_document_errors == 1
    assert "duplicate doc_id 'a'" in corpus.errors.loc[0, "reason"]


def test_csv_row_with_an_extra_field_is_an_error_not_a_shifted_row(tmp_path):
    # Found in review: pandas took the extra leading field of every row as the index, so the
    # doc_id became the article text and the document was reported as "no quotations".
    src = tmp_path / "docs.csv"
    src.write_text('doc_id,text\na,"Fine text, quoted."\nb,Unquoted, comma here.\n'
                   'c,"A text\nover two lines."\nd,Last one.\n', encoding="utf-8")
    corpus = load_corpus(src)
    assert corpus.documents["doc_id"].tolist() == ["a", "c", "d"]
    assert corpus.n_found == 4
    err = corpus.errors.iloc[0]
    assert err["source"] == f"{src}:3" and "3 fields where the header has 2" in err["reason"]
    # Found by a user review: the row is named by its doc_id too, not only by its line.
    assert "line 3 (doc_id 'b'):" in err["reason"]
    # Rows keep the line on which they start, past a quoted line break.
    assert corpus.documents["source"].tolist() == [f"{src}:2", f"{src}:4", f"{src}:6"]


def test_csv_with_only_a_header_or_an_unclosed_quote_is_refused(tmp_path):
    head = tmp_path / "head.csv"
    head.write_text("doc_id,text\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="head.csv: the table has a header but no rows"):
        load_corpus(head)
    quote = tmp_path / "quote.csv"
    quote.write_text('doc_id,text\na,"never closed\n', encoding="utf-8")
    with pytest.raises(CorpusError, match="quote.csv: malformed CSV near line 2"):
        load_corpus(quote)


def test_csv_with_a_very_long_text_field_is_read(tmp_path):
    # Found in review: the csv module's default field limit (131,072 characters) refused
    # a long article that pandas had read.
    src = tmp_path / "long.csv"
    text = "The minister spoke. " * 10_000  # 200,000 characters
    pd.DataFrame({"doc_id": ["a"], "text": [text]}).to_csv(src, index=False)
    corpus = load_corpus(src)
    assert corpus.documents["text"].str.len().tolist() == [len(text)]


# Found in review: UTF-16 text was refused as "binary" (NUL bytes checked before decoding),
# even when its encoding was named.
def test_utf16_text_is_read_when_named_and_recognised_when_not(tmp_path):
    from analysis.corpus import decode_bytes

    text = '"We act," she said.'
    for encoding in ("utf-16", "utf-16-le", "utf-32"):
        raw = text.encode(encoding)
        assert decode_bytes(raw, "a.txt", encoding) == text
    with pytest.raises(CorpusError, match=r"a\.txt: .*UTF-16.*--encoding utf-16"):
        decode_bytes(text.encode("utf-16"), "a.txt", "utf-8")
    with pytest.raises(CorpusError, match="binary file"):
        decode_bytes("ab\x00cd".encode("utf-16"), "a.txt", "utf-16")
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "a.txt").write_bytes(text.encode("utf-16"))
    corpus = load_corpus(folder, encoding="utf-16")
    assert corpus.documents["text"].tolist() == [text]


# Found in review: whole-number ids next to a missing one were read as floats ("1.0"), so
# two long ids could collide and a real document be refused as a duplicate.
def test_parquet_integer_doc_ids_with_a_gap_stay_integers(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({
        "doc_id": pa.array([12345678901234567, None, 12345678901234568], pa.int64()),
        "text": ["A said no.", "B said yes.", "C said maybe."]}), path)
    corpus = load_corpus(path)
    assert corpus.documents["doc_id"].tolist() == ["12345678901234567", "12345678901234568"]
    assert corpus.n_found == 3 and len(corpus.errors) == 1
    assert "missing doc_id" in corpus.errors["reason"].iloc[0]


# Found in review: --encoding was not applied to metadata.csv.
def test_metadata_is_read_in_the_named_encoding(tmp_path):
    (tmp_path / "a.txt").write_bytes("Caf\xe9 owners said no.".encode("cp1252"))
    (tmp_path / "metadata.csv").write_bytes("doc_id,title\na,Caf\xe9 talk\n".encode("cp1252"))
    corpus = load_corpus(tmp_path, encoding="cp1252")
    assert corpus.documents["title"].tolist() == ["Café talk"]
    assert corpus.errors.empty


# Found in review: wide encodings could decode to garbage without a word, and a codec that
# is not a text encoding crashed.
def test_wide_encodings_need_a_byte_order_and_text_codecs_only():
    from analysis.corpus import decode_bytes

    text = "We will act, she said."
    with pytest.raises(CorpusError, match="byte order"):
        decode_bytes(text.encode("utf-16-be"), "a.txt", "utf-16")  # no byte-order mark
    with pytest.raises(CorpusError, match="byte-order mark"):
        decode_bytes(text.encode("utf-16"), "a.txt", "utf-16-be")  # mark contradicts
    assert decode_bytes(text.encode("utf-16-be"), "a.txt", "utf-16-be") == text
    with pytest.raises(CorpusError, match="byte order"):
        decode_bytes(text.encode("utf-8"), "a.txt", "utf-16")
    for codec in ("rot13", "hex", "base64"):
        with pytest.raises(CorpusError, match="not a text encoding"):
            decode_bytes(text.encode("utf-8"), "a.txt", codec)


# Found in review: a semicolon- or tab-separated file (Excel's CSV in many locales) was refused
# with a list of "found" columns that did not say why.
@pytest.mark.parametrize("sep, name", [(";", "semicolons"), ("\t", "tabs")])
def test_table_with_another_separator_says_so(tmp_path, sep, name):
    p = tmp_path / "t.csv"
    p.write_text(f"doc_id{sep}text\nd1{sep}Roe said it.\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=rf"t.csv: missing column\(s\) doc_id, text;.*"
                                          rf"separated by {name}"):
        load_corpus(p)


# Found by a read-only robustness review (2026-12-02, third session); tests first.
def test_unreadable_entries_are_errors_not_aborts(tmp_path):
    (tmp_path / "good.txt").write_text("\u201cYes,\u201d she said.", encoding="utf-8")
    (tmp_path / "broken.txt").symlink_to(tmp_path / "missing-target.txt")
    (tmp_path / "dir.txt").mkdir()
    corpus = load_corpus(tmp_path)
    assert corpus.documents["doc_id"].tolist() == ["good"]
    bad = corpus.errors.set_index("doc_id")
    assert "broken" in bad.index and "cannot be read" in bad.loc["broken", "reason"]
    assert len(corpus.documents) + corpus.n_document_errors == corpus.n_found


def test_metadata_that_is_a_folder_is_an_error_not_an_abort(tmp_path):
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "metadata.csv").mkdir()
    corpus = load_corpus(tmp_path)
    assert corpus.documents["doc_id"].tolist() == ["a"]
    assert any("metadata.csv" in s for s in corpus.errors["source"])


def test_hidden_text_file_is_reported(tmp_path):
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Text.", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert any(".hidden.txt" in s and "hidden" in r
               for s, r in zip(corpus.errors["source"], corpus.errors["reason"], strict=True))


def test_unpaired_surrogate_is_an_error_naming_the_document(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"doc_id": "bad", "text": "Half an emoji \\ud800 here."}\n'
                    '{"doc_id": "good", "text": "Fine text."}\n', encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.documents["doc_id"].tolist() == ["good"]
    assert "surrogate" in corpus.errors.set_index("doc_id").loc["bad", "reason"]


def test_utf8_byte_order_mark_under_another_encoding_is_refused(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("\ufeffJos\u00e9 said yes.".encode())
    corpus = load_corpus(tmp_path, encoding="latin-1")
    assert corpus.documents.empty
    assert "byte-order mark" in corpus.errors.loc[0, "reason"]


def test_integer_too_large_for_64_bits_in_metadata_is_kept_as_text(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"doc_id": "a", "text": "Fine.", "views": 12345678901234567890123}\n',
                    encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.documents.loc[0, "views"] == "12345678901234567890123"


def test_document_without_a_metadata_row_is_reported(tmp_path):
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Other text.", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("doc_id,title\na,T\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert corpus.documents["doc_id"].tolist() == ["a", "b"]
    row = corpus.errors.set_index("doc_id").loc["b"]
    assert row["severity"] == "warning" and "no metadata row" in row["reason"]


@pytest.mark.parametrize("value", ['{"x": 1}', "[1, 2]", "true"])
def test_jsonl_doc_id_that_is_no_string_or_number_is_refused(tmp_path, value):
    path = tmp_path / "docs.jsonl"
    path.write_text(f'{{"doc_id": {value}, "text": "Fine."}}\n{{"doc_id": "b", "text": "Ok."}}\n',
                    encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.documents["doc_id"].tolist() == ["b"]
    assert "string or a number" in corpus.errors.loc[0, "reason"]


def test_jsonl_without_the_columns_lists_what_it_found(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"id": "a", "body": "Fine."}\n{"id": "b", "body": "Ok."}\n',
                    encoding="utf-8")
    with pytest.raises(CorpusError, match="no line has both 'doc_id' and 'text'.*body, id"):
        load_corpus(path)


@pytest.mark.parametrize(("value", "reason"), [
    ("April 20", "no year"),
    ("02/03/2017", "day and month"),
])
def test_incomplete_or_ambiguous_dates_are_warned(tmp_path, value, reason):
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text(f"doc_id,date\na,{value}\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert any(reason in r for r in corpus.errors["reason"])
    assert corpus.documents.loc[0, "date"] == value


def test_unambiguous_dates_are_not_warned(tmp_path):
    (tmp_path / "a.txt").write_text("Text.", encoding="utf-8")
    (tmp_path / "metadata.csv").write_text("doc_id,date\na,2017-03-02\n", encoding="utf-8")
    assert load_corpus(tmp_path).errors.empty


def test_whole_number_metadata_with_a_gap_stays_whole(tmp_path):
    # Found in review: a column of whole numbers with a missing value became floats ("3.0").
    path = tmp_path / "docs.jsonl"
    path.write_text('{"doc_id": "a", "text": "Fine.", "page": 3}\n'
                    '{"doc_id": "b", "text": "Fine."}\n', encoding="utf-8")
    docs = load_corpus(path).documents
    assert docs["page"].tolist()[0] == 3 and str(docs["page"].dtype) == "Int64"


# Left by the robustness review: a document saved twice (a copy, a symbolic link, the same
# wire story under two names) was counted twice without a word, which inflates every
# comparison it enters. It is kept (syndicated copies can be meant) but named.
def test_identical_texts_are_reported(tmp_path):
    (tmp_path / "a.txt").write_text("The minister said talks would resume.", encoding="utf-8")
    (tmp_path / "c.txt").write_text("Another story.", encoding="utf-8")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    corpus = load_corpus(tmp_path)
    assert list(corpus.documents["doc_id"]) == ["a", "b", "c"]
    (row,) = corpus.errors.to_dict("records")
    assert row["doc_id"] == "b" and row["severity"] == "warning"
    assert "same text as doc_id 'a'" in row["reason"]


def test_identical_texts_in_a_table_are_reported(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text('{"doc_id": "x", "text": "Same."}\n{"doc_id": "y", "text": "Other."}\n'
                    '{"doc_id": "z", "text": "Same."}\n', encoding="utf-8")
    corpus = load_corpus(path)
    assert corpus.errors["doc_id"].tolist() == ["z"]
    assert "same text as doc_id 'x'" in corpus.errors["reason"].iloc[0]


# Found by a user review: --encoding applies to every file, so one Latin-1 file in a UTF-8
# corpus forced a choice between refusing it and garbling all the others ("Kenyaâ€™s")
# without a word.
def test_utf8_text_read_under_a_single_byte_encoding_is_flagged(tmp_path):
    (tmp_path / "a.txt").write_bytes("Kenya’s minister said no.".encode())
    (tmp_path / "b.txt").write_bytes(b"The minister said no.")  # ASCII only
    corpus = load_corpus(tmp_path, encoding="latin-1")
    assert len(corpus.documents) == 2  # kept: the encoding was named
    (w,) = corpus.errors.itertuples()
    assert (w.doc_id, w.severity) == ("a", "warning")
    assert w.source.endswith("a.txt")
    assert "valid UTF-8" in w.reason and "'utf-8,latin-1'" in w.reason


def test_an_encoding_list_is_tried_in_order_per_file(tmp_path):
    (tmp_path / "a.txt").write_bytes("Kenya’s minister said no.".encode())
    (tmp_path / "b.txt").write_bytes("Caf\xe9 owners said no.".encode("cp1252"))
    corpus = load_corpus(tmp_path, encoding="utf-8,cp1252")
    assert corpus.documents["text"].tolist() == ["Kenya’s minister said no.",
                                                 "Café owners said no."]
    assert corpus.errors.empty


@pytest.mark.parametrize("encoding, reason", [
    ("utf-8,nosuch", "unknown encoding 'nosuch'"),
    ("utf-8,", "empty encoding name"),
    ("utf-8,ascii", "not valid in any of utf-8, ascii"),
])
def test_encoding_lists_are_checked(tmp_path, encoding, reason):
    (tmp_path / "b.txt").write_bytes("Caf\xe9 owners said no.".encode("cp1252"))
    corpus = load_corpus(tmp_path, encoding=encoding)
    assert corpus.documents.empty
    assert reason in corpus.errors["reason"].iloc[0]
