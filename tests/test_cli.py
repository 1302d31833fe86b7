"""The command-line interface: `analysis quotes`, `analysis stance`, `analysis run`."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from analysis.cli import main
from analysis.paths import SAMPLE_CORPUS_DIR


def test_quotes_command_writes_each_format(tmp_path, capsys):
    for suffix in (".jsonl", ".csv", ".parquet"):
        out = tmp_path / f"q{suffix}"
        assert main(["quotes", str(SAMPLE_CORPUS_DIR), "-o", str(out)]) == 0
        assert out.exists()
    lines = (tmp_path / "q.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    assert first["doc_id"] == "japan_australia_2plus2"
    assert len(lines) == len(pd.read_parquet(tmp_path / "q.parquet"))
    err = capsys.readouterr().err
    assert "documents: 1 found = 1 with quotations + 0 without + 0 errors" in err


def test_run_command_writes_every_table(tmp_path):
    assert main(["run", str(SAMPLE_CORPUS_DIR), "--out", str(tmp_path)]) == 0
    names = {p.name for p in tmp_path.iterdir()}
    assert {"quotes.csv", "quotes.parquet", "stance.csv", "stance.parquet", "frames.csv",
            "frames.parquet", "errors.csv", "documents.csv", "manifest.json"} <= names


def test_run_command_own_targets_option(tmp_path):
    assert main(["run", str(SAMPLE_CORPUS_DIR), "--out", str(tmp_path),
                 "--own-targets", "neutral"]) == 0
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["own_targets"] == "neutral"
    stance = pd.read_csv(tmp_path / "stance.csv")
    assert stance["evidence"].str.startswith("own target of the speaker").any()
    with pytest.raises(SystemExit):
        main(["run", str(SAMPLE_CORPUS_DIR), "--out", str(tmp_path), "--own-targets", "drop"])


def test_run_and_stance_commands_can_turn_the_codebook_rules_off(tmp_path):
    on, off = tmp_path / "on", tmp_path / "off"
    assert main(["run", str(SAMPLE_CORPUS_DIR), "--out", str(on)]) == 0
    assert main(["run", str(SAMPLE_CORPUS_DIR), "--out", str(off), "--no-codebook-rules"]) == 0
    for folder, flag in ((on, True), (off, False)):
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["codebook_rules"] is flag
    rules_on = pd.read_csv(on / "stance.csv")["evidence"].str.startswith(
        ("setting", "party to", "holder of a view"))
    rules_off = pd.read_csv(off / "stance.csv")["evidence"].str.startswith(
        ("setting", "party to", "holder of a view"))
    assert rules_on.sum() == 2 and rules_off.sum() == 0
    rows = tmp_path / "rows.csv"
    pd.DataFrame({"text": ["The launch violated several UN Security Council resolutions."],
                  "target": ["UN Security Council"]}).to_csv(rows, index=False)
    for extra, setting in (([], True), (["--no-codebook-rules"], False)):
        out = tmp_path / f"scored_{setting}.csv"
        assert main(["stance", str(rows), "-o", str(out), "--method", "rules", *extra]) == 0
        evidence = pd.read_csv(out)["evidence"].iloc[0]
        assert evidence.startswith("setting") is setting


def test_stance_command_and_malformed_rows(tmp_path, capsys):
    rows = pd.DataFrame({
        "id": ["r1", "r2", "r3"],
        "text": ["We strongly support Japan.", "", "Threats from the North grow."],
        "target": ["Japan", "China", "Mars"],
    })
    src = tmp_path / "rows.csv"
    rows.to_csv(src, index=False)
    out = tmp_path / "stance.csv"
    assert main(["stance", str(src), "-o", str(out)]) == 2
    assert "r2" in capsys.readouterr().err
    assert main(["stance", str(src), "-o", str(out), "--keep-going"]) == 0
    scored = pd.read_csv(out)
    assert list(scored.columns[:5]) == ["id", "stance", "p_favor", "p_against", "p_neutral"]
    assert scored["id"].tolist() == ["r1"]
    bad = pd.read_csv(tmp_path / "stance.errors.csv")
    assert set(bad["id"]) == {"r2", "r3"}


def test_missing_input_exits_2(tmp_path, capsys):
    assert main(["quotes", str(tmp_path / "nope"), "-o", str(tmp_path / "q.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_python_dash_m_entry_point():
    done = subprocess.run([sys.executable, "-m", "analysis", "--version"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.startswith("analysis ")


def test_stance_method_choices_match_the_stance_module(tmp_path):
    import inspect

    from analysis import cli, evaluate, pipeline, stance

    assert cli.STANCE_METHODS == stance.METHODS
    assert cli.DEFAULT_STANCE_METHOD == stance.DEFAULT_METHOD
    assert cli.OWN_TARGETS == stance.OWN_TARGETS
    assert cli.DEFAULT_OWN_TARGETS == stance.DEFAULT_OWN_TARGETS
    assert inspect.signature(pipeline.run).parameters["own_targets"].default == \
        stance.DEFAULT_OWN_TARGETS
    assert inspect.signature(stance.score_stance).parameters["own_targets"].default == \
        stance.DEFAULT_OWN_TARGETS
    for func, name in ((pipeline.run, "stance_method"), (pipeline._config_hashes,
                       "stance_method"), (pipeline._library_versions, "stance_method"),
                       (evaluate.stance_on_gold_quotes, "method")):
        assert inspect.signature(func).parameters[name].default == stance.DEFAULT_METHOD
    src = tmp_path / "rows.csv"
    pd.DataFrame({"id": ["a"], "text": ["We call on China to respect the law."],
                  "target": ["China"]}).to_csv(src, index=False)
    for method, stance_label in (("hybrid", "against"), ("model", "favor"),
                                 ("cnn", "against"), ("neural", "against")):
        out = tmp_path / f"{method}.csv"
        assert main(["stance", str(src), "-o", str(out), "--method", method]) == 0
        assert pd.read_csv(out)["stance"].tolist() == [stance_label]


def test_missing_optional_extra_is_a_clear_error_not_a_traceback(tmp_path, capsys, monkeypatch):
    # Found in review: --method transformer without the extra printed a raw traceback.
    import analysis.stance_transformer as st

    def no_extra(*args, **kwargs):
        raise ImportError("the transformer stance method needs the optional extra: pip install")

    monkeypatch.setattr(st, "load_transformer", no_extra)
    src = tmp_path / "rows.csv"
    pd.DataFrame({"id": ["a"], "text": ["We back Japan."], "target": ["Japan"]}).to_csv(
        src, index=False)
    assert main(["stance", str(src), "-o", str(tmp_path / "o.csv"),
                 "--method", "transformer"]) == 2
    assert "needs the optional extra" in capsys.readouterr().err


# ------------------------------------------- review of `analysis stance` input (bugs, tests first)
def _stance(tmp_path, name, content, *extra):
    src = tmp_path / name
    if isinstance(content, bytes):
        src.write_bytes(content)
    else:
        src.write_text(content, encoding="utf-8")
    out = tmp_path / "out.csv"
    return main(["stance", str(src), "-o", str(out), *extra]), out


def test_stance_lone_span_column_is_refused(tmp_path, capsys):
    # Found in review: a target_start column without target_end was silently ignored and the
    # first occurrence scored instead, even for an impossible span.
    code, _ = _stance(tmp_path, "t.csv", "id,text,target,target_start\n"
                      "x,Iran praised Iran.,Iran,13\n")
    assert code == 2
    err = capsys.readouterr().err
    assert "t.csv" in err and "target_start" in err and "target_end" in err


def test_stance_infinite_span_is_a_refused_row(tmp_path, capsys):
    code, out = _stance(tmp_path, "inf.csv", "id,text,target,target_start,target_end\n"
                        "x,Iran praised France.,France,inf,19\n"
                        "y,Iran praised France.,France,13,19\n", "--keep-going")
    assert code == 0
    assert pd.read_csv(out)["id"].tolist() == ["y"]
    bad = pd.read_csv(tmp_path / "out.errors.csv")
    assert bad["id"].tolist() == ["x"] and "integers" in bad["reason"].iloc[0]


def test_stance_rows_without_id_are_named_by_position(tmp_path):
    code, out = _stance(tmp_path, "noid.csv", "id,text,target\n"
                        ",We praise Spain.,Spain\n,We praise Spain.,Italy\n"
                        "1,We praise Chile.,Chile\n", "--keep-going")
    assert code == 0
    # Found in review: a position used as the id could clash with a real id ("1").
    assert pd.read_csv(out, dtype=str)["id"].tolist() == ["(position 0)", "1"]
    bad = pd.read_csv(tmp_path / "out.errors.csv", dtype=str)
    assert bad["id"].tolist() == ["(position 1)"] and "no id" in bad["row"].iloc[0]


def test_stance_values_of_the_wrong_type_are_named(tmp_path):
    lines = ['{"id": "a", "text": "We praise 1984.", "target": 1984}',
             '{"id": "b", "text": ["Iran"], "target": "Iran"}']
    code, _ = _stance(tmp_path, "types.jsonl", "\n".join(lines) + "\n", "--keep-going")
    assert code == 2  # no row scorable; the reasons are still written
    bad = pd.read_csv(tmp_path / "out.errors.csv")
    assert "target is an int, not a string" in bad["reason"].iloc[0]
    assert "text is a list, not a string" in bad["reason"].iloc[1]


def test_stance_bad_files_are_named_with_the_reason(tmp_path, capsys):
    cases = {
        "empty.csv": (b"", "empty file"),
        "latin.csv": ("id,text,target\nx,Fran\xe7a praised Iran.,Iran\n".encode("latin-1"),
                      "not valid utf-8"),
        "bad.jsonl": (b'{"id": "a", "text": "x"\n', "not valid JSON"),
        "header.csv": (b"id,text,target\n", "no rows"),
    }
    for name, (content, reason) in cases.items():
        code, _ = _stance(tmp_path, name, content)
        err = capsys.readouterr().err
        assert code == 2, name
        assert name in err and reason in err, (name, err)
        assert "Traceback" not in err
    (tmp_path / "folder.csv").mkdir()
    assert main(["stance", str(tmp_path / "folder.csv"), "-o", str(tmp_path / "o.csv")]) == 2
    assert "folder.csv" in capsys.readouterr().err


def test_stance_csv_row_with_an_extra_field_is_refused_not_shifted(tmp_path, capsys):
    # Found in review: an unquoted comma in every row made pandas take the first field as the
    # index, so the text column held the wrong text and the row was scored anyway.
    content = "id,text,target\nr1,We condemn Iran, and we praise France.,France\n"
    code, out = _stance(tmp_path, "s.csv", content)
    assert code == 2
    err = capsys.readouterr().err
    assert "s.csv" in err and "line 2" in err and "4 fields" in err
    code, out = _stance(tmp_path, "s.csv", content + "r2,We praise France.,France\n",
                        "--keep-going")
    assert code == 0 and pd.read_csv(out)["id"].tolist() == ["r2"]


def test_stance_duplicate_ids_are_refused(tmp_path):
    code, out = _stance(tmp_path, "dup.csv", "id,text,target\na,We praise Chile.,Chile\n"
                        "a,We praise Peru.,Peru\n", "--keep-going")
    assert code == 0 and pd.read_csv(out)["id"].tolist() == ["a"]
    bad = pd.read_csv(tmp_path / "out.errors.csv")
    assert "duplicate id" in bad["reason"].iloc[0]
    # Found by a robustness review: the message names where both rows are.
    assert "position 1" in bad["row"].iloc[0] + bad["reason"].iloc[0]
    assert "position 0" in bad["reason"].iloc[0]


def test_stance_keep_going_always_rewrites_the_errors_file(tmp_path):
    (tmp_path / "out.errors.csv").write_text("id,row,reason\nold,row 'old',stale\n")
    code, _ = _stance(tmp_path, "ok.csv", "id,text,target\na,We praise Chile.,Chile\n",
                      "--keep-going")
    assert code == 0
    assert pd.read_csv(tmp_path / "out.errors.csv").empty


def test_unwritable_output_is_an_error_not_a_traceback(tmp_path, capsys):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    assert main(["run", str(SAMPLE_CORPUS_DIR), "--out", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert "afile" in err and "Traceback" not in err
    src = tmp_path / "ok.csv"
    src.write_text("id,text,target\na,We praise Chile.,Chile\n")
    assert main(["stance", str(src), "-o", str(blocker / "x.csv")]) == 2
    assert "afile" in capsys.readouterr().err


def test_run_on_input_without_documents_exits_2(tmp_path, capsys):
    (tmp_path / "header.csv").write_text("doc_id,text\n")
    assert main(["run", str(tmp_path / "header.csv"), "--out", str(tmp_path / "o1")]) == 2
    assert "no rows" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["run", str(tmp_path / "empty"), "--out", str(tmp_path / "o2")]) == 2
    assert "no .txt files" in capsys.readouterr().err
    # The errors table is still written, so the reason is on disk too.
    assert (tmp_path / "o2" / "errors.csv").exists()


def test_encoding_option_reads_a_latin1_corpus_and_the_error_names_it(tmp_path, capsys):
    # Found in review: the UTF-8 error said "pass encoding=", which no command accepted.
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_bytes('"We will not yield," said Fran\xe7ois Dupont.\n'
                                   .encode("latin-1"))
    assert main(["run", str(folder), "--out", str(tmp_path / "bad")]) == 2
    err = capsys.readouterr().err
    assert "a.txt" in err and "--encoding" in err
    for command in (["run", str(folder), "--out", str(tmp_path / "ok")],
                    ["quotes", str(folder), "-o", str(tmp_path / "q.csv")]):
        assert main([*command, "--encoding", "latin-1"]) == 0
    quotes = pd.read_csv(tmp_path / "ok" / "quotes.csv")
    assert quotes["speaker"].tolist() == ["François Dupont"]
    assert pd.read_csv(tmp_path / "q.csv")["speaker"].tolist() == ["François Dupont"]
    src = tmp_path / "rows.csv"
    src.write_bytes("id,text,target\nx,Fran\xe7ois praised Iran.,Iran\n".encode("latin-1"))
    assert main(["stance", str(src), "-o", str(tmp_path / "s.csv"), "--encoding",
                 "latin-1"]) == 0
    assert pd.read_csv(tmp_path / "s.csv")["id"].tolist() == ["x"]
    assert main(["run", str(folder), "--out", str(tmp_path / "x"), "--encoding", "nope"]) == 2
    assert "unknown encoding 'nope'" in capsys.readouterr().err


# Found in review: ids read as floats when one was missing ("1.0"; long ids collided).
def test_stance_integer_ids_with_a_gap_stay_integers(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [{"id": 12345678901234567, "text": "We back Chile.", "target": "Chile"},
            {"id": None, "text": "We back Peru.", "target": "Peru"},
            {"id": 12345678901234568, "text": "We back Cuba.", "target": "Cuba"}]
    content = "\n".join(json.dumps(r) for r in rows) + "\n"
    code, out = _stance(tmp_path, "ids.jsonl", content)
    assert code == 0
    assert pd.read_csv(out, dtype=str)["id"].tolist() == [
        "12345678901234567", "(position 1)", "12345678901234568"]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "ids.parquet")
    assert main(["stance", str(tmp_path / "ids.parquet"), "-o", str(out)]) == 0
    assert pd.read_csv(out, dtype=str)["id"].tolist() == [
        "12345678901234567", "(position 1)", "12345678901234568"]


# Found in review: an output path equal to the input overwrote it; an errors file equal to
# the output lost the refused rows; --keep-going with no row scorable exited 0.
def test_outputs_never_overwrite_the_input_or_each_other(tmp_path, capsys):
    src = tmp_path / "rows.csv"
    src.write_text("id,text,target\na,We back Chile.,Chile\nb,,Peru\n", encoding="utf-8")
    before = src.read_bytes()
    assert main(["stance", str(src), "-o", str(src)]) == 2
    assert "is the input" in capsys.readouterr().err
    assert main(["stance", str(src), "-o", str(tmp_path / "o.csv"), "--keep-going",
                 "--errors", str(src)]) == 2
    assert "is the input" in capsys.readouterr().err
    assert src.read_bytes() == before
    out = tmp_path / "same.csv"
    assert main(["stance", str(src), "-o", str(out), "--keep-going", "--errors",
                 str(out)]) == 2
    assert "same file" in capsys.readouterr().err
    folder = tmp_path / "run"
    folder.mkdir()
    table = folder / "stance.csv"
    table.write_text('doc_id,text\nd1,"""No,"" she said."\n', encoding="utf-8")
    kept = table.read_bytes()
    assert main(["run", str(table), "--out", str(folder)]) == 2
    assert "is the input" in capsys.readouterr().err
    assert table.read_bytes() == kept


def test_stance_keep_going_with_nothing_scorable_exits_2_with_the_reasons(tmp_path, capsys):
    code, out = _stance(tmp_path, "bad.csv", "id,text,target\na,,Chile\nb,Text.,\n",
                        "--keep-going")
    assert code == 2
    assert "no row could be scored" in capsys.readouterr().err
    assert set(pd.read_csv(tmp_path / "out.errors.csv")["id"]) == {"a", "b"}


def test_stance_missing_columns_lists_the_columns_found(tmp_path, capsys):
    code, _ = _stance(tmp_path, "cols.csv", "id,sentence,entity\na,We back Chile.,Chile\n")
    assert code == 2
    assert "found: id, sentence, entity" in capsys.readouterr().err


def test_quotes_output_and_errors_never_overwrite_the_input(tmp_path, capsys):
    src = tmp_path / "docs.jsonl"
    src.write_text('{"doc_id": "d", "text": "\\"No,\\" she said."}\n', encoding="utf-8")
    before = src.read_bytes()
    assert main(["quotes", str(src), "-o", str(src)]) == 2
    assert main(["quotes", str(src), "-o", str(tmp_path / "q.csv"), "--errors", str(src)]) == 2
    assert "is the input" in capsys.readouterr().err
    assert src.read_bytes() == before


def test_run_refuses_to_overwrite_its_input_before_the_work(tmp_path, capsys, monkeypatch):
    import analysis.pipeline as pipeline

    table = tmp_path / "stance.csv"
    table.write_text('doc_id,text\nd1,"""No,"" she said."\n', encoding="utf-8")
    monkeypatch.setattr(pipeline, "run", lambda *a, **k: pytest.fail("ran the pipeline"))
    assert main(["run", str(table), "--out", str(tmp_path)]) == 2
    assert "is the input" in capsys.readouterr().err


# Found by a read-only robustness review (2026-12-02, third session); tests first.
def test_run_survives_a_sentence_splitter_panic(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "nbsp.txt").write_text("He takes vitamin D\u00a0. \u201cYes,\u201d she said.",
                                  encoding="utf-8")
    (src / "good.txt").write_text("\u201cWe agree,\u201d Roe said.", encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "out")]) == 0
    quotes = pd.read_csv(tmp_path / "out" / "quotes.csv")
    assert set(quotes["doc_id"]) == {"nbsp", "good"}


def test_double_space_before_of_after_a_speaker_keeps_the_quotation(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("\u201cWe stand together,\u201d said Julie Roe,  of Australia.",
                               encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "out")]) == 0
    assert pd.read_csv(tmp_path / "out" / "quotes.csv")["speaker"].tolist() == ["Julie Roe"]


def test_quotes_output_and_errors_file_must_differ(tmp_path, capsys):
    same = tmp_path / "same.csv"
    assert main(["quotes", str(SAMPLE_CORPUS_DIR), "-o", str(same), "--errors", str(same)]) == 2
    assert "same" in capsys.readouterr().err


def test_stance_keep_going_keeps_file_positions_after_a_refused_line(tmp_path):
    code, out = _stance(tmp_path, "noid.jsonl", '{"text": "We praise Chile.", "target": "Chile"}\n'
                        'not json\n'
                        '{"text": "We praise Peru.", "target": "Peru"}\n', "--keep-going")
    assert code == 0
    assert pd.read_csv(out, dtype=str)["id"].tolist() == ["0", "2"]


def test_file_name_in_another_encoding_is_an_error_row_not_an_abort(tmp_path):
    import os

    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text("\u201cWe agree,\u201d Roe said.", encoding="utf-8")
    with open(os.path.join(os.fsencode(src), b"caf\xe9.txt"), "wb") as fh:
        fh.write(b"Text.")
    assert main(["run", str(src), "--out", str(tmp_path / "out")]) == 0
    errors = pd.read_csv(tmp_path / "out" / "errors.csv")
    assert errors["reason"].str.contains("surrogate").any()
    assert pd.read_csv(tmp_path / "out" / "quotes.csv")["doc_id"].tolist() == ["good"]


def test_stance_jsonl_line_with_a_lone_surrogate_is_a_refused_line(tmp_path):
    code, out = _stance(tmp_path, "s.jsonl", '{"id": "a", "text": "We praise Chile.", '
                        '"target": "Chile"}\n{"id": "b", "text": "Half \\ud800 of it.", '
                        '"target": "Half"}\n', "--keep-going")
    assert code == 0 and pd.read_csv(out)["id"].tolist() == ["a"]
    bad = pd.read_csv(tmp_path / "out.errors.csv")
    assert bad["row"].tolist() == ["line 2"] and "surrogate" in bad["reason"].iloc[0]


def test_whole_number_metadata_stays_whole_in_the_quotes_table(tmp_path):
    src = tmp_path / "docs.jsonl"
    src.write_text('{"doc_id": "a", "text": "\\u201cWe agree,\\u201d Roe said.", "page": 3}\n'
                   '{"doc_id": "b", "text": "\\u201cNo,\\u201d Doe said."}\n', encoding="utf-8")
    assert main(["run", str(src), "--out", str(tmp_path / "out")]) == 0
    quotes = pd.read_csv(tmp_path / "out" / "quotes.csv", dtype=str, keep_default_na=False)
    assert quotes["page"].tolist() == ["3", ""]


# Left by the robustness review: a run that stopped before writing anything (here an input
# table without a text column) left the empty output folder it had made, which looks like a
# run that produced nothing. A folder that already existed is left as it was.
def test_failed_run_leaves_no_output_folder_it_made(tmp_path, capsys):
    (tmp_path / "bad.csv").write_text("doc_id,body\na,Text.\n")
    assert main(["run", str(tmp_path / "bad.csv"), "--out", str(tmp_path / "new" / "o")]) == 2
    assert "text" in capsys.readouterr().err
    assert not (tmp_path / "new").exists()
    (tmp_path / "old").mkdir()
    assert main(["run", str(tmp_path / "bad.csv"), "--out", str(tmp_path / "old")]) == 2
    assert (tmp_path / "old").is_dir()


def test_failed_run_never_removes_a_folder_reached_through_dotdot(tmp_path, capsys):
    # Found in review: "new/../existing" counted the existing folder as made by the run.
    (tmp_path / "existing").mkdir()
    out = tmp_path / "new" / ".." / "existing"
    assert main(["run", str(tmp_path / "nope.txt"), "--out", str(out)]) == 2
    assert (tmp_path / "existing").is_dir()
    assert not (tmp_path / "new").exists()
