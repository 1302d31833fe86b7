"""Tests of analysis.stance_cnn: the distilled convolutional stance model (default install)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from analysis.stance import predict_stance_rows
from analysis.stance_cnn import (
    CNN_DIR,
    MAX_PIECES,
    SPEC_NAME,
    TOKENIZER_NAME,
    WEIGHTS_NAME,
    CnnStanceModel,
    encode_rows,
    load_cnn,
)

from .conftest import STANCE_ROWS

# Three clear rows (against, favor, neutral) written for the network tests.
ROWS = STANCE_ROWS


@pytest.fixture(scope="module")
def cnn():
    return load_cnn()


def test_shipped_model_is_described_and_its_checksums_hold(cnn):
    from analysis.config import file_sha256

    spec = json.loads((CNN_DIR / SPEC_NAME).read_text(encoding="utf-8"))
    assert spec["classes"] == ["against", "favor", "neutral"]
    assert spec["teacher"].startswith("neural")
    for name in (WEIGHTS_NAME, TOKENIZER_NAME):
        assert file_sha256(CNN_DIR / name) == spec["sha256"][name]
    with np.load(CNN_DIR / WEIGHTS_NAME, allow_pickle=False) as npz:
        assert npz["embedding"].dtype == np.float16
        assert npz["embedding"].shape[1] == spec["params"]["embedding_dim"]


def test_predicts_clear_cases(cnn):
    proba = cnn.predict_proba(ROWS)
    assert proba.shape == (3, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert list(cnn.predict(ROWS)) == ["against", "favor", "neutral"]


def test_a_rows_result_does_not_depend_on_the_other_rows(cnn):
    # Padding is zero and masked, so neither batch partners nor their lengths matter.
    long_row = pd.DataFrame({"text": ["Brown, who had long been a quiet figure in the "
                                      "state party and rarely spoke, arrived in Ohio."],
                             "target_start": [0], "target_end": [5]})
    one = np.vstack([cnn.predict_proba(ROWS.iloc[[i]]) for i in range(len(ROWS))])
    mixed = cnn.predict_proba(pd.concat([long_row, ROWS, long_row], ignore_index=True))
    np.testing.assert_allclose(mixed[1:4], one, rtol=0, atol=1e-6)
    np.testing.assert_allclose(cnn.predict_proba(ROWS.iloc[::-1])[::-1], one, atol=1e-6)


def test_evidence_does_not_depend_on_the_other_rows_of_its_batch(cnn):
    # The evidence of a batch is worked out in one pass (review): a row's words must not
    # depend on its partners, whether they are longer, shorter or have no words at all.
    rows = pd.concat([pd.DataFrame({"text": ["Brown, who had long been a quiet figure in the "
                                             "state party and rarely spoke, arrived in Ohio.",
                                             "--- ???"],
                                    "target_start": [0, 0], "target_end": [5, 3]}),
                      ROWS], ignore_index=True)
    alone = [cnn.predict_proba_explain(rows.iloc[[i]])[1][0] for i in range(len(rows))]
    together = cnn.predict_proba_explain(rows)[1]
    assert together == alone
    assert together[1].endswith("no word stands out")
    assert all(e.count("; ") <= 2 for e in together)


def test_evidence_names_words_of_the_sentence(cnn):
    _, evidence = cnn.predict_proba_explain(ROWS)
    assert evidence[0].startswith("cnn -> against (")
    assert "slammed" in evidence[0]
    assert evidence[1].startswith("cnn -> favor (") and "praised" in evidence[1]


def test_positions_mark_the_target_and_distances(cnn):
    ids, pos, t0, t1, offsets = encode_rows(cnn.tokenizer_, [ROWS.iloc[0][
        ["text", "target_start", "target_end"]].tolist()])[0]
    text = ROWS["text"].iloc[0]
    assert text[offsets[t0][0]:offsets[t1][1]] == "Smith"
    assert pos[t0] == 1 and (pos[:t0] > 1).all() and (pos[t1 + 1:] > pos[:t0].max()).all()
    # The piece just left of the target is 1 piece away: the first left bucket.
    assert pos[t0 - 1] == 2


def test_long_sentence_keeps_its_target(cnn):
    text = "word " * 400 + "Critics slammed Smith."
    s = text.index("Smith")
    ids, pos, t0, t1, offsets = encode_rows(cnn.tokenizer_, [(text, s, s + 5)])[0]
    assert len(ids) == MAX_PIECES
    assert text[offsets[t0][0]:offsets[t1][1]] == "Smith"
    assert cnn.predict([(text, s, s + 5)])[0] == "against"


def test_empty_input(cnn):
    assert cnn.predict_proba(ROWS.iloc[:0]).shape == (0, 3)


def test_method_cnn_gives_probabilities_evidence_and_relation_cues():
    rows = pd.DataFrame({"id": ["a", "b"],
                         "text": ["Critics slammed Smith for the failed policy.",
                                  "We must strengthen our deterrence against Iran."],
                         "target": ["Smith", "Iran"]})
    out = predict_stance_rows(rows, method="cnn")
    assert out["stance"].tolist() == ["against", "against"]
    np.testing.assert_allclose(out[["p_favor", "p_against", "p_neutral"]].sum(axis=1), 1.0)
    assert out["evidence"].iloc[0].startswith("cnn -> against")
    assert out["evidence"].iloc[1].startswith("relation cue")


def test_missing_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing stance_cnn.json, stance_cnn.npz"):
        CnnStanceModel(tmp_path)


def _copy(tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(CNN_DIR, folder)
    return folder


def test_altered_weights_are_refused(tmp_path):
    folder = _copy(tmp_path)
    with open(folder / WEIGHTS_NAME, "ab") as f:
        f.write(b"x")
    with pytest.raises(ValueError, match="stance_cnn.npz: SHA-256"):
        CnnStanceModel(folder)


def test_wrong_format_and_missing_checksums_are_refused(tmp_path):
    folder = _copy(tmp_path)
    spec = json.loads((folder / SPEC_NAME).read_text(encoding="utf-8"))
    (folder / SPEC_NAME).write_text(json.dumps({**spec, "format": "other/1"}), encoding="utf-8")
    with pytest.raises(ValueError, match="format 'other/1'"):
        CnnStanceModel(folder)
    del spec["sha256"][TOKENIZER_NAME]
    (folder / SPEC_NAME).write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(ValueError, match="'sha256' must give"):
        CnnStanceModel(folder)
    (folder / SPEC_NAME).write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="stance_cnn.json: not valid JSON"):
        CnnStanceModel(folder)


def test_numpy_forward_matches_the_torch_network(tmp_path):
    # The network is trained in PyTorch and run in NumPy: the two must agree.
    torch = pytest.importorskip("torch", reason="PyTorch (the transformer extra) not installed")
    from analysis.stance_cnn import pad_batch
    from analysis.stance_neural import NEURAL_DIR
    from analysis.train_stance import CNN_PARAMS, _cnn_net, export_cnn

    torch.manual_seed(0)
    emb = np.random.default_rng(0).normal(size=(30522, 16)).astype(np.float32)
    net = _cnn_net(emb, {**CNN_PARAMS, "embedding_dim": 8, "position_dim": 4, "channels": 6})
    net.eval()
    folder = export_cnn(net, NEURAL_DIR / "tokenizer.json", tmp_path / "tiny",
                        {"params": {"embedding_dim": 8}, "teacher": "none"})
    tiny = CnnStanceModel(folder)
    rows = [tuple(r) for r in ROWS.itertuples(index=False)]
    got = tiny.predict_proba(rows)
    batch = {k: torch.from_numpy(v) for k, v in pad_batch(tiny.encode(rows)).items()}
    with torch.no_grad():
        want = torch.softmax(net(batch["ids"], batch["pos"], batch["mask"], batch["target"],
                                 batch["window"]), -1).numpy()
    # The exported table is float16: agreement to about three decimals.
    np.testing.assert_allclose(got, want, atol=2e-3)


def test_special_token_strings_in_the_text_stay_text(cnn):
    # Found in review: a literal "[MASK]" became the masked target's own piece.
    text = "Critics slammed [MASK] and [SEP] praised Smith."
    s = text.index("Smith")
    ids, _, t0, _, _ = encode_rows(cnn.tokenizer_, [(text, s, s + 5)])[0]
    mask_id = cnn.tokenizer_.token_to_id("[MASK]")
    assert list(ids).count(mask_id) == 1 and ids[t0] == mask_id
    assert cnn.tokenizer_.token_to_id("[SEP]") not in ids


def test_a_target_longer_than_the_window_keeps_its_start(cnn):
    # Found in review: with the target unmasked, a target over 128 pieces lost its start.
    name = "very long name " * 60
    text = "The " + name + "said no."
    ids, _, t0, t1, offsets = encode_rows(cnn.tokenizer_, [(text, 4, 4 + len(name) - 1)],
                                          mask_target=False)[0]
    assert len(ids) == MAX_PIECES and t0 == 0 and offsets[0][0] == 4


def test_evidence_of_a_masked_target_credits_its_context(cnn):
    # The network never sees the masked target's word, so the words around it take the
    # target-mean features' push; only the [MASK] slot's own share goes to the target.
    _, evidence = cnn.predict_proba_explain(ROWS.iloc[[0]])
    assert "slammed" in evidence[0]
    words = [w.split(" (")[0] for w in evidence[0].split(": ", 1)[1].split("; ")]
    assert words[0] != "Smith"


def test_weights_whose_shapes_do_not_fit_are_refused(tmp_path):
    from analysis.config import file_sha256

    folder = _copy(tmp_path)
    with np.load(folder / WEIGHTS_NAME, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["head_weight"] = arrays["head_weight"][:, :-1]
    np.savez(folder / WEIGHTS_NAME, **arrays)
    spec = json.loads((folder / SPEC_NAME).read_text(encoding="utf-8"))
    spec["sha256"][WEIGHTS_NAME] = file_sha256(folder / WEIGHTS_NAME)
    (folder / SPEC_NAME).write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(ValueError, match="stance_cnn.npz: array shapes do not fit"):
        CnnStanceModel(folder)


def test_weight_averaging_on_a_short_run_keeps_the_trained_weights(tmp_path):
    # Found in review: averaging every 50 steps left a run of fewer steps with the untrained
    # weights of the start; the final weights must count at least once.
    pytest.importorskip("torch", reason="PyTorch (the transformer extra) not installed")
    from analysis.train_stance import extra_mentions, load_newsmtsc, train_cnn

    lines = []
    for i, (verb, label) in enumerate([("praised", "positive"), ("attacked", "negative"),
                                       ("met", "neutral")] * 20):
        lines.append(json.dumps({"id": f"t_{i}_0_0_0", "text": f"The senator {verb} Smith {i}.",
                                 "target": "Smith", "target_start": len(f"The senator {verb} "),
                                 "target_end": len(f"The senator {verb} Smith"),
                                 "label": label}))
    path = tmp_path / "tiny.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    extra = extra_mentions(load_newsmtsc(path))
    probs = np.full((len(extra), 3), 1 / 3)
    common = {"epochs": 2, "batch_size": 16, "teacher_weight": 0.5}
    plain = train_cnn(path, tmp_path / "plain", params={**common, "average_epochs": 0},
                      teacher_probs=probs, verbose=False, n_threads=1)
    averaged = train_cnn(path, tmp_path / "avg", params={**common, "average_epochs": 1},
                         teacher_probs=probs, verbose=False, n_threads=1)
    with np.load(plain / "stance_cnn.npz") as a, np.load(averaged / "stance_cnn.npz") as b:
        for key in a.files:
            np.testing.assert_array_equal(a[key], b[key])
    assert json.loads((averaged / "stance_cnn.json").read_text())["params"]["average_epochs"] == 1
    # 60 steps an epoch: the weights after step 50 of the last epoch are kept, not the final.
    common["batch_size"] = 1
    plain = train_cnn(path, tmp_path / "plain1", params={**common, "average_epochs": 0},
                      teacher_probs=probs, verbose=False, n_threads=1)
    averaged = train_cnn(path, tmp_path / "avg1", params={**common, "average_epochs": 1},
                         teacher_probs=probs, verbose=False, n_threads=1)
    with np.load(plain / "stance_cnn.npz") as a, np.load(averaged / "stance_cnn.npz") as b:
        assert not np.array_equal(a["head_weight"], b["head_weight"])
    with pytest.raises(ValueError, match="average_epochs must lie between 0 and epochs"):
        train_cnn(path, tmp_path / "bad", params={**common, "average_epochs": 3},
                  teacher_probs=probs, verbose=False, n_threads=1)
