"""Tests of analysis.stance_transformer (optional extra ``transformer``).

They build a tiny, randomly initialised BERT and its tokenizer in a temporary folder, so they
need PyTorch and transformers but no model files; without the extra they are skipped.
"""

from __future__ import annotations

import inspect
import json

import numpy as np
import pandas as pd
import pytest

torch = pytest.importorskip("torch", reason="optional extra 'transformer' not installed "
                            "(pip install -e '.[transformer]')")
transformers = pytest.importorskip("transformers", reason="optional extra 'transformer' not "
                                   "installed (pip install -e '.[transformer]')")

from analysis.stance_transformer import TransformerStanceClassifier  # noqa: E402

ROWS = [
    ("The minister praised Japan warmly.", "Japan", "favor"),
    ("Critics condemned Iran harshly.", "Iran", "against"),
    ("The talks were held in Oslo.", "Oslo", "neutral"),
    ("Leaders thanked Chile warmly.", "Chile", "favor"),
    ("The report blamed Syria harshly.", "Syria", "against"),
    ("Delegates from Peru arrived.", "Peru", "neutral"),
]


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory):
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder = tmp_path_factory.mktemp("tiny_bert")
    words = sorted({w.strip(".").lower() for text, _, _ in ROWS for w in text.split()})
    vocab = ["[PAD]", "[unused0]", "[unused1]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", *words]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    # transformers 5 builds the tokenizer from a vocabulary dict; 4.x from the file.
    if "vocab" in inspect.signature(BertTokenizerFast.__init__).parameters:
        tokenizer = BertTokenizerFast(vocab={w: i for i, w in enumerate(vocab)})
    else:  # pragma: no cover - transformers 4.x
        tokenizer = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"))
    tokenizer.save_pretrained(str(folder))
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=32, max_position_embeddings=64)
    BertModel(config).save_pretrained(str(folder))
    return folder


def _frame(rows=ROWS):
    df = pd.DataFrame([{"text": t, "target_start": t.index(g), "target_end": t.index(g) + len(g),
                        "y": y} for t, g, y in rows])
    return df[["text", "target_start", "target_end"]], df["y"].to_numpy()


def test_fit_predict_follow_sklearn_conventions(tiny_base):
    X, y = _frame()
    model = TransformerStanceClassifier(base_model=tiny_base, epochs=60, learning_rate=1e-2,
                                        batch_size=3, seed=0)
    assert model.fit(X, y) is model
    assert list(model.classes_) == ["against", "favor", "neutral"]
    proba = model.predict_proba(X)
    assert proba.shape == (6, 3) and np.allclose(proba.sum(axis=1), 1)
    # A tiny network learns six rows by heart: the fit really trains.
    assert (model.predict(X) == y).mean() >= 5 / 6


def test_save_load_roundtrip_uses_safetensors_not_pickle(tiny_base, tmp_path):
    X, y = _frame()
    model = TransformerStanceClassifier(base_model=tiny_base, epochs=2, batch_size=3).fit(X, y)
    folder = model.save(tmp_path / "tm", meta={"note": "test"})
    assert (folder / "model.safetensors").exists()
    assert not list(folder.rglob("*.bin")) and not list(folder.rglob("*.pt"))
    again = TransformerStanceClassifier.load(folder)
    assert np.allclose(again.predict_proba(X), model.predict_proba(X), atol=1e-6)
    assert again.get_params()["epochs"] == 2


def test_load_without_a_trained_model_says_how_to_get_one(tmp_path):
    with pytest.raises(FileNotFoundError, match="make model-transformer"):
        TransformerStanceClassifier.load(tmp_path)


def test_needs_two_classes(tiny_base):
    X, _ = _frame()
    with pytest.raises(ValueError, match="at least two classes"):
        TransformerStanceClassifier(base_model=tiny_base, epochs=1).fit(X, ["favor"] * 6)


def test_target_markers_stay_whole_tokens(tiny_base):
    # Found while building: the tokenizer split "[unused0]" into four pieces, so the target's
    # tokens were never found and its pooled vector was zero.
    X, y = _frame()
    model = TransformerStanceClassifier(base_model=tiny_base, epochs=1, batch_size=3).fit(X, y)
    ids = model._encode(X.head(1))[0]
    m0, m1 = model.tokenizer_.convert_tokens_to_ids(["[unused0]", "[unused1]"])
    assert ids.count(m0) == 1 and ids.count(m1) == 1
    assert model.tokenizer_.convert_ids_to_tokens(ids[ids.index(m0) + 1:ids.index(m1)]) == \
        ["japan"]


def test_ensemble_of_seeds_averages_and_loads_from_subfolders(tiny_base, tmp_path):
    from analysis.stance_transformer import TransformerEnsemble, available, load_transformer

    X, y = _frame()
    members = [TransformerStanceClassifier(base_model=tiny_base, epochs=2, batch_size=3,
                                           seed=s).fit(X, y) for s in (0, 1)]
    for s, m in enumerate(members):
        m.save(tmp_path / "tm" / f"seed_{s}")
    assert not available(tmp_path / "empty") and available(tmp_path / "tm")
    ens = load_transformer(tmp_path / "tm")
    assert isinstance(ens, TransformerEnsemble) and len(ens.members) == 2
    mean = (members[0].predict_proba(X) + members[1].predict_proba(X)) / 2
    assert np.allclose(ens.predict_proba(X), mean, atol=1e-6)
    with pytest.raises(FileNotFoundError, match="make model-transformer"):
        load_transformer(tmp_path / "empty")
    other = TransformerStanceClassifier(base_model=tiny_base, epochs=1, batch_size=3).fit(
        X, np.where(y == "neutral", "favor", y))
    with pytest.raises(ValueError, match="disagree on the classes"):
        TransformerEnsemble([members[0], other])


def test_long_sentences_long_targets_and_empty_input(tiny_base):
    # Found in review: a target past max_length lost its pooled vector, a very long target
    # made the tokenizer raise, and an empty input raised IndexError.
    X, y = _frame()
    model = TransformerStanceClassifier(base_model=tiny_base, epochs=1, batch_size=3,
                                        max_length=24).fit(X, y)
    long_text = "the minister praised " * 30 + "Japan warmly."
    s = long_text.index("Japan")
    ids = model._encode([(long_text, s, s + 5)])[0]
    m0, m1 = model.tokenizer_.convert_tokens_to_ids(["[unused0]", "[unused1]"])
    assert len(ids) <= 24 and m0 in ids and m1 in ids
    long_target = "Japan " * 80
    proba = model.predict_proba([(long_target + "rests.", 0, len(long_target) - 1)])
    assert proba.shape == (1, 3)
    assert model.predict_proba(X.iloc[:0]).shape == (0, 3)


def test_markers_stay_whole_tokens_after_loading(tiny_base, tmp_path):
    X, y = _frame()
    model = TransformerStanceClassifier(base_model=tiny_base, epochs=1, batch_size=3).fit(X, y)
    again = TransformerStanceClassifier.load(model.save(tmp_path / "m"))
    assert again.tokenizer_.tokenize("the [unused0] japan [unused1]") == \
        ["the", "[unused0]", "japan", "[unused1]"]


def test_export_onnx_matches_the_torch_model_and_ids(tiny_base, tmp_path):
    pytest.importorskip("onnx", reason="onnx (part of the 'transformer' extra) not installed")
    from analysis.stance_neural import NeuralStanceModel
    from analysis.stance_transformer import export_onnx

    X, y = _frame()
    model = TransformerStanceClassifier(base_model=tiny_base, epochs=60, learning_rate=1e-2,
                                        batch_size=3, seed=0).fit(X, y)
    folder = export_onnx(model.save(tmp_path / "seed_0"), tmp_path / "neural")
    neural = NeuralStanceModel(folder)
    assert neural.encode(X) == model._encode(X)
    # Also where the sentence is too long and the window fallback takes over.
    long = "the talks were held in oslo . " * 40 + "Critics condemned Iran harshly."
    at = long.index("Iran")
    assert neural.encode([(long, at, at + 4)]) == model._encode([(long, at, at + 4)])
    assert list(neural.classes_) == list(model.classes_)
    # 8-bit weights move the probabilities a little, not the decisions of a confident model.
    assert np.abs(neural.predict_proba(X) - model.predict_proba(X)).max() < 0.1
    assert list(neural.predict(X)) == list(model.predict(X))
    spec = json.loads((folder / "stance_neural.json").read_text(encoding="utf-8"))
    assert spec["source"]["member"] == "seed_0"
