"""Notebook smoke tests: each runs top to bottom with papermill; figures are reproducible.

The notebooks are executed from their jupytext sources exactly as ``make all``
does (:func:`analysis.reproduce.execute_notebook`), with tables and figures
redirected to a temporary folder through their parameters cells.
"""

from __future__ import annotations

import ast
import hashlib

import jupytext
import pandas as pd
import pytest

from analysis.paths import NOTEBOOKS_DIR
from analysis.reproduce import NOTEBOOKS, execute_notebook


def _cells(name):
    return jupytext.read(NOTEBOOKS_DIR / f"{name}.py").cells


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_layout(name):
    cells = _cells(name)
    assert cells[0].cell_type == "markdown" and "Question" in cells[0].source
    assert "parameters" in cells[1].metadata.get("tags", [])
    for cell in cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        defs = [n for n in ast.walk(tree)
                if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)]
        assert not defs, f"{name}: notebooks hold no function or class definitions"
        assert "sys.path" not in cell.source


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _run(name, tmp_path, tag):
    figures = tmp_path / f"figures_{tag}"
    tables = tmp_path / f"tables_{tag}"
    out = execute_notebook(
        name, output_dir=tmp_path / f"nb_{tag}", html=False,
        parameters={"figures_dir": str(figures), "tables_dir": str(tables)},
    )
    return out, figures, tables


@pytest.mark.parametrize("name", [n for n in NOTEBOOKS if n != "03_framing_security_threats"])
def test_notebook_runs(name, tmp_path, capfd):
    out, _, _ = _run(name, tmp_path, "a")
    assert out.exists()
    # The kernel talks over local IPC sockets in a private folder, not TCP (ipykernel warns
    # on every run that TCP is unencrypted).
    assert "without encryption" not in capfd.readouterr().err


def test_framing_notebook_draws_every_figure_identically_twice(tmp_path):
    _, figures_a, tables_a = _run("03_framing_security_threats", tmp_path, "a")
    _, figures_b, _ = _run("03_framing_security_threats", tmp_path, "b")
    first = _digests(figures_a)
    stems = {name.rsplit(".", 1)[0] for name in first}
    assert stems == {
        "03_frame_rates_by_speaker", "03_severity_sentiment_by_speaker",
        "03_stance_matrix_by_speaker", "03_distinctive_words_by_speaker_country",
    }
    assert {name.rsplit(".", 1)[1] for name in first} == {"png", "svg"}
    assert first == _digests(figures_b)
    assert (tables_a / "frame_rates_by_speaker.csv").exists()


def test_framing_notebook_runs_on_a_corpus_with_one_group(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("“We will defend our allies,” the minister said.\n\nMore.",
                                  encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # a relative corpus path is read from the caller's folder
    out = execute_notebook(
        "03_framing_security_threats", output_dir=tmp_path / "nb", html=False,
        parameters={"corpus": "corpus", "figures_dir": str(tmp_path / "f"),
                    "tables_dir": str(tmp_path / "t")},
    )
    assert out.exists()
    assert not (tmp_path / "t" / "frame_tests_by_speaker_country.csv").exists()


def test_stance_notebook_compares_methods_and_skips_when_they_are_the_same(tmp_path):
    # Found in review: stance_method="neural" (offered by the parameter cell) crashed, since
    # the second method defaulted to "neural" too (it is now "hybrid").
    _, _, tables = _run("02_sentiment_and_stance", tmp_path, "a")
    agreement = pd.read_csv(tables / "02_stance_method_agreement.csv")
    assert {"stance_cnn", "stance_hybrid", "agree"} <= set(agreement.columns)
    assert len(agreement) > 0
    out = execute_notebook(
        "02_sentiment_and_stance", output_dir=tmp_path / "nb_same", html=False,
        parameters={"stance_method": "hybrid", "figures_dir": str(tmp_path / "f"),
                    "tables_dir": str(tmp_path / "t")},
    )
    assert "second method skipped" in out.read_text(encoding="utf-8")
    assert not (tmp_path / "t" / "02_stance_method_agreement.csv").exists()
