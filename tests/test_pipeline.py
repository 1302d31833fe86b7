"""The whole pipeline on the sample corpus and on bad input: every document accounted for."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.pipeline import (
    FRAME_COLUMNS,
    STANCE_COLUMNS,
    read_outputs,
    run,
    write_outputs,
    write_table,
)

from .conftest import SAMPLE_DOC_ID

QUOTE_CONTRACT = [
    "doc_id", "quote_id", "start", "end", "text", "kind", "fragments", "cue",
    "speaker_mention", "speaker_start", "speaker_end", "speaker", "speaker_role",
    "speaker_country", "paragraph",
]


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    from analysis.paths import SAMPLE_CORPUS_DIR

    result = run(SAMPLE_CORPUS_DIR)
    out = tmp_path_factory.mktemp("run")
    write_outputs(result, out)
    return result, out


def test_sample_run_contract_columns(sample_run):
    result, _ = sample_run
    quotes = result.quotes
    assert list(quotes.columns[: len(QUOTE_CONTRACT)]) == QUOTE_CONTRACT
    for column in ("sentiment_compound", "sentiment_label", "severity", "urgency",
                   "outlet", "date"):
        assert column in quotes.columns
    assert list(result.stance.columns) == STANCE_COLUMNS
    assert list(result.frames.columns) == FRAME_COLUMNS
    assert set(quotes["kind"]) <= {"direct", "mixed", "indirect"}


def test_sample_offsets_index_the_text(sample_run):
    result, _ = sample_run
    text = result.documents.set_index("doc_id").loc[SAMPLE_DOC_ID, "text"]
    for row in result.quotes.itertuples():
        assert text[row.start:row.end] == row.text
        assert row.quote_id == f"{row.doc_id}:{row.start}-{row.end}"
    for row in result.stance.itertuples():
        assert text[row.mention_start:row.mention_end] == row.mention
    for row in result.frames.itertuples():
        assert text[row.evidence_start:row.evidence_end] == row.evidence


def test_sample_accounting_and_manifest(sample_run):
    result, out = sample_run
    docs = result.manifest["documents"]
    assert docs == {"found": 1, "with_quotations": 1, "without_quotations": 0, "errors": 0}
    assert result.manifest["rows"]["quotes"] == len(result.quotes)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["documents"] == docs
    assert "data/config/targets.yml" in manifest["config_sha256"]
    # Found in review: the lexicons that drive sentiment and the default stance method were
    # left out of the hashes.
    assert {"data/lexicons/stance_lexicon.yml",
            "data/lexicons/vader_security_supplement.csv"} <= set(manifest["config_sha256"])
    assert manifest["stance_method"] == "cnn"
    # Found in review: titles.yml (roles and countries of titled speakers) was not hashed,
    # so editing it changed speaker_role and speaker_country under an identical manifest.
    # Every configuration file a researcher may edit is hashed.
    from analysis.paths import CODEBOOKS_DIR, CONFIG_DIR, LEXICONS_DIR, PROJECT_ROOT

    editable = {p.relative_to(PROJECT_ROOT).as_posix()
                for folder in (CONFIG_DIR, LEXICONS_DIR, CODEBOOKS_DIR)
                for p in folder.iterdir() if p.is_file() and p.suffix != ".md"}
    assert "data/config/titles.yml" in editable
    assert editable <= set(manifest["config_sha256"])


def test_outputs_round_trip(sample_run):
    result, out = sample_run
    for name in ("quotes", "stance", "frames"):
        assert (out / f"{name}.csv").exists()
    tables = read_outputs(out)
    pd.testing.assert_frame_equal(tables["quotes"], result.quotes, check_dtype=False)
    assert tables["documents"]["status"].tolist() == ["quotations"]


def test_bad_inputs_are_accounted_for(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.txt").write_text(
        "“We will defend our allies,” the minister said.\n\nNothing else.", encoding="utf-8")
    (corpus / "quiet.txt").write_text("A story with no quotations at all.", encoding="utf-8")
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "latin.txt").write_bytes("Caf\xe9 owner said so.".encode("latin-1"))
    (corpus / "stray.txt").write_text("He said “this never closes.\n\nNext “para", encoding="utf-8")
    result = run(corpus)
    status = result.status.set_index("doc_id")["status"]
    assert status.to_dict() == {
        "good": "quotations", "quiet": "no quotations", "stray": "quotations",
        "empty": "error", "latin": "error",
    }
    docs = result.manifest["documents"]
    assert docs["found"] == 5
    assert docs["with_quotations"] + docs["without_quotations"] + docs["errors"] == 5
    reasons = result.errors.set_index("doc_id")["reason"]
    assert "empty file" in reasons["empty"]
    assert "not valid utf-8" in reasons["latin"].lower()


def test_failing_document_is_isolated(monkeypatch, tmp_path):
    import analysis.quotes as quotes_module

    real = quotes_module.extract_quotes

    def flaky(documents, **kwargs):
        if (documents["doc_id"] == "bad").any():
            raise RuntimeError("boom")
        return real(documents, **kwargs)

    monkeypatch.setattr(quotes_module, "extract_quotes", flaky)
    from analysis.pipeline import extract_all

    docs = pd.DataFrame({
        "doc_id": ["ok", "bad"], "text": ["“Yes,” she said.", "“No,” he said."],
        "story_end": [16, 14], "source": ["a", "b"],
    })
    quotes, errors = extract_all(docs)
    assert quotes["doc_id"].tolist() == ["ok"]
    assert errors["doc_id"].tolist() == ["bad"]
    assert "RuntimeError: boom" in errors.loc[0, "reason"]


def test_write_table_refuses_unknown_suffix(tmp_path):
    with pytest.raises(ValueError, match=r"unknown output kind '\.xlsx'"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "x.xlsx")


def test_corpus_without_quotations_writes_every_table(tmp_path):
    src = tmp_path / "quiet.txt"
    src.write_text("Nothing quoted here.\n", encoding="utf-8")
    result = run(src)
    assert result.manifest["documents"] == {
        "found": 1, "with_quotations": 0, "without_quotations": 1, "errors": 0}
    out = tmp_path / "out"
    write_outputs(result, out)
    tables = read_outputs(out)
    assert tables["quotes"].empty and tables["stance"].empty and tables["frames"].empty
    assert list(tables["stance"].columns) == STANCE_COLUMNS
    assert not any(p.name.startswith(".partial") for p in out.iterdir())


def test_duplicate_doc_ids_are_counted_once_each(tmp_path):
    path = tmp_path / "t.jsonl"
    rows = [{"doc_id": "a", "text": "“Yes,” Roe said."}, {"doc_id": "a", "text": "x"},
            {"doc_id": "a", "text": "y"}, {"doc_id": "b", "text": ""},
            {"doc_id": "b", "text": "“No,” Doe said."}]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    result = run(path)
    status = result.status.groupby("doc_id")["status"].apply(sorted).to_dict()
    # The first "a" loads; the later two are duplicates. The first "b" is empty,
    # so the second "b" (valid) loads: it is no duplicate of a row that failed.
    assert status == {"a": ["error", "error", "quotations"], "b": ["error", "quotations"]}
    assert result.manifest["documents"]["found"] == 5
    docs = result.manifest["documents"]
    assert docs["with_quotations"] + docs["without_quotations"] + docs["errors"] == 5


def test_reserved_input_columns_do_not_clash(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"doc_id": "a", "text": "“China is a threat,” Roe said.",
                                "kind": "op-ed", "severity": 9, "quote_id": "z"}),
                    encoding="utf-8")
    result = run(path)
    quotes = result.quotes
    assert quotes.columns.is_unique
    assert quotes.loc[0, "input_kind"] == "op-ed"
    assert quotes.loc[0, "kind"] == "direct"
    write_outputs(result, tmp_path / "out")


def test_mixed_type_metadata_still_writes_parquet(tmp_path):
    path = tmp_path / "t.jsonl"
    rows = [{"doc_id": "1", "text": "“Yes,” Roe said.", "date": 2020, "tags": ["a"]},
            {"doc_id": "2", "text": "“No,” Doe said.", "date": "2020-01-02", "tags": ["b"]}]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    result = run(path)
    write_outputs(result, tmp_path / "out")
    quotes = read_outputs(tmp_path / "out")["quotes"]
    assert sorted(quotes["date"]) == ["2020", "2020-01-02"]
    assert quotes.loc[quotes["doc_id"] == "1", "tags"].iloc[0] == '["a"]'
    assert result.errors["reason"].str.contains("several types").any()


def test_unbalanced_marks_give_a_warning_naming_the_document(tmp_path):
    src = tmp_path / "odd.txt"
    src.write_text("“We will act,” she said. “More to come\n\nAnother paragraph.",
                   encoding="utf-8")
    result = run(src)
    warnings = result.errors[result.errors["severity"] == "warning"]
    assert warnings["doc_id"].tolist() == ["odd"]
    assert "paragraph 0: 2 opening and 1 closing" in warnings["reason"].iloc[0]
    # Found by a user review: "paragraph 1" read as the first; say how it is counted and
    # where the paragraph is.
    assert "counted from 0 as in the quotes' paragraph column; characters 0-38" in \
        warnings["reason"].iloc[0]
    assert result.manifest["documents"]["errors"] == 0


def test_manifest_hashes_the_transformer_weights_only_when_used(tmp_path, monkeypatch):
    # Found in review: a run with the locally trained transformer did not record its weights.
    import analysis.stance_transformer as st
    from analysis.pipeline import _config_hashes

    member = tmp_path / "seed_0"
    member.mkdir()
    (member / "model.safetensors").write_bytes(b"weights")
    (member / "stance_transformer.json").write_text("{}", encoding="utf-8")
    (member / "encoder").mkdir()
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        (member / "encoder" / name).write_text("{}", encoding="utf-8")
    monkeypatch.setattr(st, "TRANSFORMER_DIR", tmp_path)
    with_tf = _config_hashes("transformer")
    assert str(member / "model.safetensors") in with_tf
    # Found in review: the tokenizer and encoder configuration were not recorded.
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json"):
        assert str(member / "encoder" / name) in with_tf
    assert not any("safetensors" in k for k in _config_hashes("hybrid"))
    assert "data/config/targets.yml" in with_tf


def test_manifest_hashes_the_neural_model_only_when_used():
    from importlib.metadata import version

    from analysis.pipeline import _config_hashes, _library_versions

    with_neural = _config_hashes("neural")
    assert {"data/models/stance_neural/model.onnx", "data/models/stance_neural/tokenizer.json",
            "data/models/stance_neural/stance_neural.json"} <= set(with_neural)
    assert not any("stance_neural" in k for k in _config_hashes("hybrid"))
    # Quantised results can differ across ONNX Runtime versions: the manifest says which ran.
    libs = _library_versions("neural")
    assert libs["onnxruntime"] == version("onnxruntime")
    assert libs["scikit-learn"] == version("scikit-learn")
    assert "onnxruntime" not in _library_versions("hybrid")


def test_empty_tables_keep_the_types_of_a_full_run(sample_run, tmp_path):
    # Found in review: with no quotation (or no target mention) every stance column and the
    # sentiment label were written to Parquet as null or double, so reading such a run
    # together with a normal one failed (pyarrow: unsupported cast from string to null).
    import pyarrow.parquet as pq

    _, full = sample_run
    src = tmp_path / "quiet"
    src.mkdir()
    (src / "a.txt").write_text("Nothing quoted here.\n", encoding="utf-8")
    (src / "b.txt").write_text('"The weather is fine," the forecaster said on Tuesday.\n',
                               encoding="utf-8")
    for source in (src, src / "a.txt"):  # one quotation naming no target; no quotation at all
        out = tmp_path / f"out_{source.name}"
        write_outputs(run(source), out)
        for name in ("quotes", "stance", "frames"):
            want = pq.read_schema(full / f"{name}.parquet")
            got = pq.read_schema(out / f"{name}.parquet")
            for column in got.names:
                if column in want.names:
                    assert got.field(column).type == want.field(column).type, (source, column)
        assert pq.read_table(out / "stance.parquet").num_rows == 0


def test_manifest_of_a_cnn_run_hashes_the_cnn_model():
    from importlib.metadata import version

    from analysis.pipeline import _config_hashes, _library_versions

    hashes = _config_hashes("cnn")
    assert {"data/models/stance_cnn/stance_cnn.npz", "data/models/stance_cnn/tokenizer.json",
            "data/models/stance_cnn/stance_cnn.json"} <= set(hashes)
    assert not any("stance_cnn" in k for k in _config_hashes("hybrid"))
    assert _library_versions("cnn")["tokenizers"] == version("tokenizers")


def test_own_targets_option_reaches_stance_and_manifest(sample_run):
    from analysis.paths import SAMPLE_CORPUS_DIR

    base, _ = sample_run
    assert base.manifest["own_targets"] == "not_against"
    result = run(SAMPLE_CORPUS_DIR, own_targets="neutral")
    assert result.manifest["own_targets"] == "neutral"
    quotes = result.quotes.set_index("quote_id")
    st = result.stance.join(quotes[["speaker_country"]], on="quote_id")
    own = [t in str(c).split("; ") for t, c in zip(st["target"], st["speaker_country"],
                                                  strict=True)]
    # The sample's ministers name their own countries (Japan, Australia) as partners.
    assert sum(own) >= 3
    assert (st.loc[own, "stance"] == "neutral").all()
    assert st.loc[own, "evidence"].str.startswith("own target of the speaker").all()
    other = [not o for o in own]
    assert st.loc[other, "stance"].tolist() == base.stance.loc[other, "stance"].tolist()


def test_run_refuses_an_unknown_own_targets_before_any_work(monkeypatch):
    from analysis import pipeline
    from analysis.paths import SAMPLE_CORPUS_DIR

    # Found in review: the value was checked only after extraction.
    monkeypatch.setattr(pipeline, "load_corpus",
                        lambda *a, **k: pytest.fail("loaded the corpus"))
    with pytest.raises(ValueError, match=r"own_targets 'drop' not known; allowed: score, "
                                         r"not_against, neutral"):
        run(SAMPLE_CORPUS_DIR, own_targets="drop")


def test_sample_end_to_end_figures_are_pinned(sample_run):
    # Corpus-level regression figures (README "Accuracy"): stance and sentiment of the
    # extracted quotations against our gold for the sample article, default method.
    from analysis.evaluate import compare_sentiment_gold, compare_stance_gold
    from analysis.paths import ANNOTATIONS_DIR

    result, _ = sample_run
    stance = compare_stance_gold(result.stance,
                                 pd.read_csv(ANNOTATIONS_DIR / "sample_stance.csv"))
    # 24: 21 before the occasion rule and the holder of a view (2026-12-02), 23 while the
    # extracted quotation started after "the White House's position that" (a noun of a
    # proposition is now part of the reported words).
    assert (int(stance["right"].sum()), len(stance)) == (24, 24)
    assert stance["predicted"].notna().all()
    sentiment = compare_sentiment_gold(result.quotes,
                                       pd.read_csv(ANNOTATIONS_DIR / "sample_sentiment.csv"))
    # 15: the two misses that are not span differences or quotations not found are a
    # span that also holds "strong" and a factual plan read as positive.
    assert (int(sentiment["right"].sum()), len(sentiment)) == (15, 19)


# Found by a read-only robustness review: a native library's panic (pyo3 raises a
# BaseException) ended the whole run; one document's failure must be recorded instead.
def test_a_panic_in_one_document_is_recorded_not_raised(monkeypatch):
    import analysis.quotes as quotes_module
    from analysis.pipeline import extract_all

    class Panic(BaseException):
        pass

    real = quotes_module.extract_quotes

    def flaky(docs, **kw):
        if docs["text"].str.contains("BOOM").any():
            raise Panic("native panic")
        return real(docs, **kw)

    monkeypatch.setattr(quotes_module, "extract_quotes", flaky)
    texts = ["\u201cYes,\u201d Roe said.", "BOOM \u201cNo,\u201d Doe said."]
    docs = pd.DataFrame({"doc_id": ["a", "b"], "source": ["a", "b"], "text": texts,
                         "story_end": [len(t) for t in texts]})
    quotes, errors = extract_all(docs)
    assert quotes["doc_id"].tolist() == ["a"]
    assert errors["doc_id"].tolist() == ["b"] and "Panic" in errors["reason"].iloc[0]


def test_an_interrupt_is_not_swallowed(monkeypatch):
    import analysis.quotes as quotes_module
    from analysis.pipeline import extract_all

    def interrupted(docs, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(quotes_module, "extract_quotes", interrupted)
    docs = pd.DataFrame({"doc_id": ["a"], "source": ["a"], "text": ["Text."], "story_end": [5]})
    with pytest.raises(KeyboardInterrupt):
        extract_all(docs)


# Found by a user review: the manifest recorded the input path relative to a working
# directory it does not name.
def test_manifest_records_the_resolved_input_path(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("“We act,” Ana Roe said.", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("a.txt")
    assert result.manifest["input"] == "a.txt"
    assert result.manifest["input_resolved"] == str((tmp_path / "a.txt").resolve())


# Found by a review of extending the configuration: the manifest named the package version
# but not the checkout, so a result could not be traced to the code and configuration that
# made it when either had been edited.
def test_manifest_records_the_checkout_and_its_edited_files(tmp_path, monkeypatch):
    import subprocess

    from analysis import pipeline

    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    (repo / "data" / "a.yml").write_text("x: 1\n", encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.email=t@t", "-c", "user.name=t"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "c"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True,
                            check=True).stdout.strip()
    (repo / "data" / "a.yml").write_text("x: 2\n", encoding="utf-8")
    monkeypatch.setattr(pipeline, "PROJECT_ROOT", repo)
    assert pipeline._source_revision() == {"git_commit": commit, "edited": ["data/a.yml"]}
    monkeypatch.setattr(pipeline, "PROJECT_ROOT", tmp_path / "not-a-checkout")
    assert pipeline._source_revision() == {"git_commit": None, "edited": None}


def test_a_broken_configuration_is_refused_before_extraction(tmp_path, monkeypatch):
    # Found by a review of extending the configuration: a bad targets file or codebook was
    # reported only after every document had been extracted.
    from analysis import pipeline
    from analysis.config import ConfigError

    bad = tmp_path / "targets.yml"
    bad.write_text("targets: [1, 2\n", encoding="utf-8")
    monkeypatch.setattr("analysis.targets.TARGETS_FILE", bad)
    called = []
    monkeypatch.setattr(pipeline, "extract_all", lambda *a, **k: called.append(1))
    (tmp_path / "a.txt").write_text("“We act,” Ana Roe said.", encoding="utf-8")
    with pytest.raises(ConfigError, match="targets.yml"):
        pipeline.run(tmp_path / "a.txt")
    assert called == []


def test_run_records_whether_the_codebook_rules_applied():
    from analysis.paths import SAMPLE_CORPUS_DIR

    result = run(SAMPLE_CORPUS_DIR, codebook_rules=False)
    assert result.manifest["codebook_rules"] is False
    # Without the rules, "U.N." as the setting of peacekeeping takes the tone around it.
    un = result.stance[result.stance["mention"] == "U.N."].iloc[0]
    assert (un.stance, un.evidence.startswith("setting")) == ("favor", False)
