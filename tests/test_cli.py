"""The command-line interface: `analysis quotes`, `analysis stance`, `analysis run`."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd

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

    from analysis import cli, pipeline, stance

    assert cli.STANCE_METHODS == stance.METHODS
    assert cli.DEFAULT_STANCE_METHOD == stance.DEFAULT_METHOD
    assert inspect.signature(pipeline.run).parameters["stance_method"].default == \
        stance.DEFAULT_METHOD
    src = tmp_path / "rows.csv"
    pd.DataFrame({"id": ["a"], "text": ["We call on China to respect the law."],
                  "target": ["China"]}).to_csv(src, index=False)
    for method, stance_label in (("hybrid", "against"), ("model", "favor"),
                                 ("neural", "against")):
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
