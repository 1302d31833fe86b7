"""Tests of analysis.stance_neural: the shipped 8-bit ONNX stance model (default install)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from analysis.stance import predict_stance_rows
from analysis.stance_neural import (
    MODEL_NAME,
    NEURAL_DIR,
    SPEC_NAME,
    TOKENIZER_NAME,
    NeuralStanceModel,
    load_neural,
)

from .conftest import STANCE_ROWS

# Three clear rows (against, favor, neutral) written for the network tests.
ROWS = STANCE_ROWS


@pytest.fixture(scope="module")
def neural():
    return load_neural()


def test_shipped_model_is_described_and_its_checksums_hold(neural):
    from analysis.config import file_sha256

    spec = json.loads((NEURAL_DIR / SPEC_NAME).read_text(encoding="utf-8"))
    assert spec["classes"] == ["against", "favor", "neutral"]
    assert spec["quantisation"]["per_channel"] is True
    for name in (MODEL_NAME, TOKENIZER_NAME):
        assert file_sha256(NEURAL_DIR / name) == spec["sha256"][name]
    assert list(neural.classes_) == spec["classes"]


def test_predicts_clear_cases_with_calibrated_probabilities(neural):
    proba = neural.predict_proba(ROWS)
    assert proba.shape == (3, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(neural.predict(ROWS)) == ["against", "favor", "neutral"]
    # Pinned from the shipped model; a changed model or tokenizer moves them.
    np.testing.assert_allclose(np.diag(proba), [0.98, 1.00, 0.94], atol=0.02)


def test_a_rows_result_does_not_depend_on_the_other_rows(neural):
    # Batched dynamic quantisation made each row depend on its batch (bug found in review).
    one = np.vstack([neural.predict_proba(ROWS.iloc[[i]]) for i in range(len(ROWS))])
    np.testing.assert_array_equal(one, neural.predict_proba(ROWS))
    rev = neural.predict_proba(ROWS.iloc[::-1])
    np.testing.assert_array_equal(rev[::-1], one)


def test_markers_are_single_tokens_and_wrap_the_target(neural):
    ids = neural.encode(ROWS.iloc[[0]])[0]
    m0, m1 = (neural.tokenizer_.token_to_id(m) for m in ("[unused0]", "[unused1]"))
    assert ids.count(m0) == 1 and ids.count(m1) == 1
    inside = ids[ids.index(m0) + 1:ids.index(m1)]
    assert neural.tokenizer_.decode(inside) == "smith"


def test_long_sentence_keeps_its_target(neural):
    text = "word " * 400 + "Critics slammed Smith."
    s = text.index("Smith")
    ids = neural.encode([(text, s, s + 5)])[0]
    m0, m1 = (neural.tokenizer_.token_to_id(m) for m in ("[unused0]", "[unused1]"))
    # Cutting the end would lose the target: a window around it is encoded instead.
    assert neural.tokenizer_.decode(ids[ids.index(m0) + 1:ids.index(m1)]) == "smith"
    assert ids.count(neural.tokenizer_.token_to_id("word")) < 100
    assert neural.predict([(text, s, s + 5)])[0] == "against"


def test_empty_input(neural):
    assert neural.predict_proba(ROWS.iloc[:0]).shape == (0, 3)


def test_missing_files_are_named(tmp_path):
    shutil.copyfile(NEURAL_DIR / SPEC_NAME, tmp_path / SPEC_NAME)
    with pytest.raises(FileNotFoundError, match=f"{MODEL_NAME}, {TOKENIZER_NAME}"):
        NeuralStanceModel(tmp_path)


def test_wrong_format_is_refused(tmp_path):
    for name in (MODEL_NAME, TOKENIZER_NAME):
        (tmp_path / name).symlink_to(NEURAL_DIR / name)
    spec = json.loads((NEURAL_DIR / SPEC_NAME).read_text(encoding="utf-8"))
    spec["format"] = "something else/9"
    (tmp_path / SPEC_NAME).write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(ValueError, match="format 'something else/9'"):
        NeuralStanceModel(tmp_path)


def test_method_neural_gives_probabilities_and_relation_cues_apply():
    rows = pd.DataFrame({"text": ["Critics slammed Smith for the failed policy.",
                                  "We call on China to respect international law."],
                         "target": ["Smith", "China"]})
    out = predict_stance_rows(rows, method="neural")
    assert list(out["stance"]) == ["against", "against"]
    assert out["evidence"][0].startswith("neural (no word-level evidence): against 0.98")
    # The network reads the demand as favor; the "call on X to" cue overrides it.
    assert out["evidence"][1].startswith("relation cue overrides model (model: favor")


def _copy_model(tmp_path):
    for name in (MODEL_NAME, TOKENIZER_NAME, SPEC_NAME):
        shutil.copyfile(NEURAL_DIR / name, tmp_path / name)
    return tmp_path


def test_malformed_description_names_the_file(tmp_path):
    folder = _copy_model(tmp_path)
    (folder / SPEC_NAME).write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=rf"{SPEC_NAME}: not valid JSON"):
        NeuralStanceModel(folder)
    (folder / SPEC_NAME).write_text(json.dumps({"format": "analysis.stance_neural/1"}),
                                    encoding="utf-8")
    with pytest.raises(ValueError, match=rf"{SPEC_NAME}: missing key\(s\) classes, max_length"):
        NeuralStanceModel(folder)


def test_altered_model_file_is_refused(tmp_path):
    folder = _copy_model(tmp_path)
    with open(folder / MODEL_NAME, "ab") as fh:
        fh.write(b"\0")
    with pytest.raises(ValueError, match=rf"{MODEL_NAME}: SHA-256 .* differs from"):
        NeuralStanceModel(folder)


def test_marker_strings_in_the_text_cannot_pose_as_markers(neural):
    text = "Critics [unused1] slammed Smith [unused0] badly."
    s = text.index("Smith")
    ids = neural.encode([(text, s, s + 5)])[0]
    m0, m1 = (neural.tokenizer_.token_to_id(m) for m in ("[unused0]", "[unused1]"))
    assert ids.count(m0) == 1 and ids.count(m1) == 1
    assert neural.tokenizer_.decode(ids[ids.index(m0) + 1:ids.index(m1)]) == "smith"


def test_transformer_method_takes_the_relation_cue_override_too(monkeypatch):
    # Needs no PyTorch: the loader is replaced by a stand-in that always says favor.
    import analysis.stance_transformer as st

    class Favor:
        classes_ = np.array(["against", "favor", "neutral"], dtype=object)

        def predict_proba(self, X):
            return np.tile([0.1, 0.8, 0.1], (len(X), 1))

    monkeypatch.setattr(st, "load_transformer", lambda: Favor())
    rows = pd.DataFrame({"text": ["We call on China to respect international law.",
                                  "The talks with China went on."],
                         "target": ["China", "China"]})
    out = predict_stance_rows(rows, method="transformer")
    assert list(out["stance"]) == ["against", "favor"]
    assert out["evidence"][0].startswith("relation cue overrides model (model: favor 0.80)")
    assert out["evidence"][1].startswith("transformer (no word-level evidence): against 0.10")


def test_checksums_for_both_files_are_required(tmp_path):
    # Found in review: an empty or partial "sha256" entry let an altered model load unchecked.
    folder = _copy_model(tmp_path)
    spec = json.loads((folder / SPEC_NAME).read_text(encoding="utf-8"))
    for bad in ({}, {TOKENIZER_NAME: spec["sha256"][TOKENIZER_NAME]}, ["x"]):
        (folder / SPEC_NAME).write_text(json.dumps({**spec, "sha256": bad}), encoding="utf-8")
        with pytest.raises(ValueError, match=rf"{SPEC_NAME}: 'sha256' must give"):
            NeuralStanceModel(folder)


def test_broken_tokenizer_file_is_named(tmp_path):
    from analysis.config import file_sha256

    folder = _copy_model(tmp_path)
    (folder / TOKENIZER_NAME).write_text('{"version": "1.0"}', encoding="utf-8")
    spec = json.loads((folder / SPEC_NAME).read_text(encoding="utf-8"))
    spec["sha256"][TOKENIZER_NAME] = file_sha256(folder / TOKENIZER_NAME)
    (folder / SPEC_NAME).write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(ValueError, match=rf"{TOKENIZER_NAME}: not a tokenizer file"):
        NeuralStanceModel(folder)


def test_very_long_target_keeps_both_markers(neural):
    # Found in review: a target longer than the model's 128 word pieces lost its closing
    # marker even in the narrowest window, so its pooled target vector was empty.
    target = "Smith " * 120
    text = "Critics slammed " + target + "again."
    s = text.index("Smith")
    e = s + len(target) - 1
    ids = neural.encode([(text, s, e)])[0]
    m0, m1 = (neural.tokenizer_.token_to_id(m) for m in ("[unused0]", "[unused1]"))
    assert len(ids) <= neural.max_length
    assert ids.count(m0) == 1 and ids.count(m1) == 1
    inside = ids[ids.index(m0) + 1:ids.index(m1)]
    assert inside and set(neural.tokenizer_.decode(inside).split()) == {"smith"}
    assert neural.predict_proba([(text, s, e)]).shape == (1, 3)


def test_special_token_strings_in_the_text_stay_text(neural):
    # Found in review: a literal "[SEP]" or "[PAD]" in the text became the special token, so
    # a sentence could end early or hold padding inside it.
    text = "Critics [SEP] slammed [CLS] Smith [PAD] badly [MASK]."
    s = text.index("Smith")
    ids = neural.encode([(text, s, s + 5)])[0]
    tok = neural.tokenizer_
    assert ids.count(tok.token_to_id("[CLS]")) == 1
    assert ids.count(tok.token_to_id("[SEP]")) == 2  # the ends of the two segments
    assert tok.token_to_id("[PAD]") not in ids and tok.token_to_id("[MASK]") not in ids
