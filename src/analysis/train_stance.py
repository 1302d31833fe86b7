"""Train the shipped stance model on NewsMTSC and write it to ``data/models/``.

Run ``python -m analysis.train_stance`` (``make model``). Reads ``newsmtsc_train.jsonl``
from the evaluation folder (:func:`analysis.paths.eval_dir`), fits
:class:`analysis.stance.TargetStanceClassifier` with the settings in :data:`SHIPPED_PARAMS`
and writes ``stance_model.npz`` + ``stance_model.json``. Fitting is deterministic
(newton-cg on a fixed, sorted vocabulary), so retraining reproduces the shipped coefficients.

It also prints (and records in the model's JSON) grouped 5-fold cross-validated macro-F1 on
the training set (folds grouped by source article, so sentences of one article never
straddle train and test); this is the only figure used to choose between variants. The development sets are never
used here. ``--no-cv`` skips the CV (the coefficients do not depend on it).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import eval_file
from .stance import MODEL_FILE, TargetStanceClassifier
from .text import DAYS_AND_MONTHS

TRAIN_FILE_NAME = "newsmtsc_train.jsonl"
#: NewsMTSC polarity -> our stance labels.
LABEL_MAP = {"negative": "against", "positive": "favor", "neutral": "neutral"}
#: Hyper-parameters of the shipped model (chosen by grouped CV on train; see MODEL_CARD.md).
SHIPPED_PARAMS = {"C": 2.0, "min_df": 2, "class_weight": "balanced", "groups": "WVPCBEXRDSOQA",
                  "char_weight": 0.0, "char_C": 3.0, "char_window": 80,
                  "char_ngram_range": (2, 5), "char_min_df": 5}


def load_newsmtsc(path: str | Path) -> pd.DataFrame:
    """Read a NewsMTSC JSONL file and add ``stance`` (mapped label) and ``group`` (article).

    Returns
    -------
    DataFrame
        id, text, target, target_start, target_end, label, stance, group.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"{path}: NewsMTSC file not found; set ANALYSIS_EVAL_DIR to the folder holding it"
        )
    df = pd.read_json(path, lines=True)
    unknown = set(df["label"]) - set(LABEL_MAP)
    if unknown:
        raise ValueError(f"{path}: unknown label(s) {sorted(unknown)}; allowed: {sorted(LABEL_MAP)}")
    df["stance"] = df["label"].map(LABEL_MAP)
    # Ids look like "<corpus>_<article>_<story>_<sentence>_<target>..."; the first three
    # parts name the source article.
    df["group"] = df["id"].astype(str).map(lambda i: "_".join(i.split("_")[:3]))
    return df


def train(train_path: str | Path | None = None, params: dict | None = None,
          ) -> TargetStanceClassifier:
    """Fit the stance model on NewsMTSC train with the shipped (or given) parameters."""
    df = load_newsmtsc(train_path or eval_file(TRAIN_FILE_NAME))
    model = TargetStanceClassifier(**(params or SHIPPED_PARAMS))
    return model.fit(df[["text", "target_start", "target_end"]], df["stance"])


def grouped_cv(df: pd.DataFrame, params: dict, n_splits: int = 5) -> dict[str, float]:
    """Grouped k-fold macro-F1 on all rows and on rows whose sentence names several targets."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import GroupKFold

    X = df[["text", "target_start", "target_end"]]
    y = df["stance"].to_numpy()
    pred = np.empty(len(df), dtype=object)
    for tr, te in GroupKFold(n_splits).split(X, y, df["group"]):
        m = TargetStanceClassifier(**params).fit(X.iloc[tr], y[tr])
        pred[te] = m.predict(X.iloc[te])
    multi = (df["text"].map(df["text"].value_counts()) > 1).to_numpy()
    return {"cv_macro_f1": float(f1_score(y, pred, average="macro")),
            "cv_multi_target_macro_f1": float(f1_score(y[multi], pred[multi], average="macro"))}


#: Settings of the optional transformer model (fixed before it was first trained; no search).
TRANSFORMER_PARAMS = {"epochs": 3, "learning_rate": 5e-5, "batch_size": 32, "max_length": 128,
                      "weight_decay": 0.01, "warmup": 0.1}
#: One fine-tuned member per seed; their probabilities are averaged (model card).
TRANSFORMER_SEEDS = (0, 1)


def train_transformer(train_path: str | Path | None = None, out: str | Path | None = None,
                      n_threads: int | None = None, seeds=TRANSFORMER_SEEDS,
                      verbose: bool = True) -> Path:
    """Fine-tune the optional transformer stance model on NewsMTSC train and save it.

    Needs the ``transformer`` extra; about 20 minutes per seed on two CPU cores. Writes one
    sub-folder ``seed_<n>`` per seed into ``out`` (default
    :data:`analysis.stance_transformer.TRANSFORMER_DIR`, git-ignored).
    """
    from .stance_transformer import TRANSFORMER_DIR, TransformerStanceClassifier

    path = Path(train_path or eval_file(TRAIN_FILE_NAME))
    df = load_newsmtsc(path)
    out = Path(out or TRANSFORMER_DIR)
    for seed in seeds:
        model = TransformerStanceClassifier(**TRANSFORMER_PARAMS, seed=seed,
                                            n_threads=n_threads, verbose=verbose)
        model.fit(df[["text", "target_start", "target_end"]], df["stance"])
        meta = {"train_file": path.name, "label_map": LABEL_MAP, "n_train": int(len(df)),
                "trained": _dt.date.today().isoformat()}
        model.save(out / f"seed_{seed}", meta=meta)
        if verbose:
            print(f"wrote {out / f'seed_{seed}'}", flush=True)
    return out


#: Settings of the distilled ``cnn`` model (see :mod:`analysis.stance_cnn`).
CNN_PARAMS = {"embedding_dim": 128, "position_dim": 24, "channels": 192, "width": 3,
              "dropout": 0.3, "learning_rate": 2e-3, "weight_decay": 1e-4, "batch_size": 64,
              "epochs": 6, "teacher_weight": 0.5, "gold_teacher_mix": 0.0, "temperature": 1.0,
              "average_epochs": 3, "mask_target": True, "seed": 0}

_PRONOUNS = re.compile(r"\b(?:he|she|him|her|his|they|them|their)\b", re.IGNORECASE)
_TITLE = r"(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Prof|St)\."
_CAPITALISED = r"(?:[A-Z][\w'’\-]*\.?|" + _TITLE + r")"
# Words of a name run are separated by spaces or tabs, never by a line break.
_NAME_RUN = re.compile(r"\b" + _CAPITALISED + r"(?:[ \t]+" + _CAPITALISED + r")*")
#: Capitalised words that open sentences or name days and months, not entities.
_NOT_NAMES = frozenset("""The A An But And Or If In On At For With As By From To Of This That
These Those It Its He She They We I You His Her Their Our My Your When While After Before Since
Although Though Yet So Then There Here What Who Why How Where Which Mr. Mrs. Ms. Dr.""".split()) \
    | DAYS_AND_MONTHS


def extra_mentions(df: pd.DataFrame) -> pd.DataFrame:
    """Name and pronoun mentions in the sentences of ``df`` that ``df`` does not annotate.

    Runs of capitalised words (leading function words, a final possessive 's and one-letter
    words removed) and third-person pronouns, minus any overlapping an annotated target. They
    are the unlabelled rows that the teacher labels for distillation.

    Returns
    -------
    DataFrame
        text, target_start, target_end, target, group; one row per new mention.
    """
    out = []
    for text, rows in df.groupby("text", sort=False):
        taken = list(zip(rows["target_start"], rows["target_end"], strict=True))
        found = []
        for m in _NAME_RUN.finditer(text):
            # (start, end) of each word, so that the spans stay exact whatever the spacing.
            words = [(w.start() + m.start(), w.end() + m.start())
                     for w in re.finditer(r"\S+", m.group())]
            last = text[words[-1][0]:words[-1][1]]
            if not re.fullmatch(_TITLE, last):
                words[-1] = (words[-1][0], words[-1][0] + len(last.rstrip(".")))
            while words and text[words[0][0]:words[0][1]] in _NOT_NAMES:
                words = words[1:]
            if words and re.search(r"['’]s$", text[words[-1][0]:words[-1][1]]):
                words[-1] = (words[-1][0], words[-1][1] - 2)
            if not words or words[-1][1] <= words[-1][0]:
                continue
            last = text[words[-1][0]:words[-1][1]]
            if "’" in last or "'" in last:
                continue
            first = text[words[0][0]:words[0][1]]
            if len(words) == 1 and (first in _NOT_NAMES or len(first) < 2):
                continue
            found.append((words[0][0], words[-1][1]))
        found += [(m.start(), m.end()) for m in _PRONOUNS.finditer(text)]
        for s, e in found:
            if text[s:e] and not any(s < b and a < e for a, b in taken):
                out.append({"text": text, "target_start": s, "target_end": e,
                            "target": text[s:e], "group": rows["group"].iloc[0]})
    cols = ["text", "target_start", "target_end", "target", "group"]
    return pd.DataFrame(out, columns=cols).drop_duplicates(["text", "target_start", "target_end"])


def _neural_embeddings(directory: Path) -> np.ndarray:
    """The word-piece embedding table of the shipped ``neural`` ONNX model, dequantised."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(directory / "model.onnx")).graph
    init = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    stem = "enc.embeddings.word_embeddings.weight"
    if stem in init:
        return init[stem].astype(np.float32)
    q = init[stem + "_quantized"].astype(np.float32)
    return (q - init[stem + "_zero_point"].astype(np.float32)) * init[stem + "_scale"]


def _cnn_net(embeddings: np.ndarray, params: dict):
    """The PyTorch twin of :class:`analysis.stance_cnn.CnnStanceModel`'s forward pass."""
    import torch

    from .stance_cnn import N_POSITIONS

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = torch.nn.Embedding.from_pretrained(torch.from_numpy(embeddings),
                                                          freeze=True)
            self.proj = torch.nn.Linear(embeddings.shape[1], params["embedding_dim"])
            self.pos = torch.nn.Embedding(N_POSITIONS, params["position_dim"])
            self.conv = torch.nn.Conv1d(params["embedding_dim"] + params["position_dim"],
                                        params["channels"], params["width"],
                                        padding=params["width"] // 2)
            self.drop = torch.nn.Dropout(params["dropout"])
            self.head = torch.nn.Linear(3 * params["channels"], 3)

        def forward(self, ids, pos, mask, target, window):
            m = mask.unsqueeze(-1)
            # Padding is zero, as in NumPy inference, so a row never depends on its batch.
            x = torch.cat([self.proj(self.emb(ids)), self.pos(pos)], -1) * m
            h = torch.relu(self.conv(self.drop(x).transpose(1, 2))).transpose(1, 2)
            mx = torch.where(m > 0, h, -1.0).max(1).values
            wmx = torch.where(window.unsqueeze(-1) > 0, h, -1.0).max(1).values
            tm = target.unsqueeze(-1)
            tmean = (h * tm).sum(1) / tm.sum(1).clamp(min=1.0)
            return self.head(self.drop(torch.cat([mx, wmx, tmean], -1)))

    return Net()


def export_cnn(net, tokenizer_file: Path, out: Path, meta: dict) -> Path:
    """Write a trained network as the shipped NPZ + JSON + tokenizer of the ``cnn`` method."""
    import shutil

    import torch

    from .config import file_sha256
    from .stance_cnn import _FORMAT, SPEC_NAME, TOKENIZER_NAME, WEIGHTS_NAME

    out.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        # The projection folded into the table: one lookup at inference, no product.
        table = net.proj(net.emb.weight).numpy()
        arrays = {"embedding": table.astype(np.float16),
                  "position": net.pos.weight.numpy().astype(np.float32),
                  "conv_weight": net.conv.weight.numpy().astype(np.float32),
                  "conv_bias": net.conv.bias.numpy().astype(np.float32),
                  "head_weight": net.head.weight.numpy().astype(np.float32),
                  "head_bias": net.head.bias.numpy().astype(np.float32)}
    np.savez(out / WEIGHTS_NAME, **arrays)
    if tokenizer_file.resolve() != (out / TOKENIZER_NAME).resolve():
        shutil.copyfile(tokenizer_file, out / TOKENIZER_NAME)
    spec = {"format": _FORMAT, "classes": ["against", "favor", "neutral"], **meta,
            "sha256": {n: file_sha256(out / n) for n in (WEIGHTS_NAME, TOKENIZER_NAME)}}
    (out / SPEC_NAME).write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    return out


def _soften(probs: np.ndarray, temperature: float) -> np.ndarray:
    """Teacher probabilities at a temperature (1: unchanged; above 1: flatter)."""
    if temperature == 1.0:
        return probs
    z = np.log(np.clip(probs, 1e-12, None)) / temperature
    z = np.exp(z - z.max(1, keepdims=True))
    return z / z.sum(1, keepdims=True)


def train_cnn(train_path: str | Path | None = None, out: str | Path | None = None,
              params: dict | None = None, n_threads: int = 2, verbose: bool = True,
              teacher_probs: np.ndarray | None = None,
              teacher_gold: np.ndarray | None = None) -> Path:
    """Distil the ``neural`` model into the ``cnn`` stance model and write it.

    Training rows: NewsMTSC train (gold labels, balanced class weights) plus the further
    mentions :func:`extra_mentions` finds in the same sentences, with the ``neural`` method's
    probabilities as soft labels (weight ``teacher_weight``). The shipped weights are the
    running mean of the weights over the last ``average_epochs`` epochs (stochastic weight
    averaging), chosen over the final weights on a held-out fifth of train (see the model
    card). Needs the ``transformer`` extra (PyTorch, onnx) and the shipped neural model;
    labelling takes a few minutes, training about eight on two CPU cores. The development
    sets are never read. Same settings, same seed, same machine: the same weights.

    ``gold_teacher_mix`` (blend the gold rows' labels with the teacher's) and ``temperature``
    (flatten the teacher's probabilities) were tried on that held-out fifth and not adopted;
    they stay settable so that the comparison can be rerun.

    Parameters
    ----------
    teacher_probs : ndarray, optional
        Soft labels of the extra mentions (columns against, favor, neutral), to skip the
        labelling; computed with the shipped neural model when None.
    teacher_gold : ndarray, optional
        The teacher's probabilities on the gold rows (same columns), used when the setting
        ``gold_teacher_mix`` is above 0; computed when None.
    """
    import torch

    from .stance_cnn import CNN_DIR, encode_rows, pad_batch
    from .stance_neural import NEURAL_DIR, load_neural

    params = {**CNN_PARAMS, **(params or {})}
    # Checked before the minutes of labelling and training, not after.
    if not 0 <= params["average_epochs"] <= params["epochs"]:
        raise ValueError(f"average_epochs must lie between 0 and epochs ({params['epochs']}), "
                         f"got {params['average_epochs']}")
    if not params["temperature"] > 0:
        raise ValueError(f"temperature must be positive, got {params['temperature']}")
    path = Path(train_path or eval_file(TRAIN_FILE_NAME))
    gold = load_newsmtsc(path)
    extra = extra_mentions(gold)
    cols = ["text", "target_start", "target_end"]
    classes = ["against", "favor", "neutral"]
    mix = float(params["gold_teacher_mix"])
    if teacher_probs is None or (mix > 0 and teacher_gold is None):
        teacher = load_neural()
        order = [list(teacher.classes_).index(c) for c in classes]
        if teacher_probs is None:
            teacher_probs = teacher.predict_proba(extra[cols])[:, order]
        if mix > 0 and teacher_gold is None:
            teacher_gold = teacher.predict_proba(gold[cols])[:, order]
    y = gold["stance"].map(classes.index).to_numpy()
    teacher_probs = _soften(teacher_probs, params["temperature"])
    gold_soft = np.eye(3)[y]
    if mix > 0:
        # Standard distillation: the gold label blended with the teacher's view of the row.
        gold_soft = (1 - mix) * gold_soft + mix * _soften(teacher_gold, params["temperature"])
    soft = np.vstack([gold_soft, teacher_probs]).astype(np.float32)
    class_w = len(y) / (3 * np.bincount(y, minlength=3))
    weight = np.concatenate([class_w[y], np.full(len(extra), params["teacher_weight"])])
    rows = pd.concat([gold[cols], extra[cols]], ignore_index=True)

    torch.manual_seed(params["seed"])
    torch.set_num_threads(n_threads)
    rng = np.random.default_rng(params["seed"])
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(NEURAL_DIR / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    encoded = encode_rows(tokenizer, rows.itertuples(index=False, name=None),
                          params["mask_target"])
    net = _cnn_net(_neural_embeddings(NEURAL_DIR), params)
    opt = torch.optim.AdamW([p for p in net.parameters() if p.requires_grad],
                            lr=params["learning_rate"], weight_decay=params["weight_decay"])
    soft_t, weight_t = torch.from_numpy(soft), torch.from_numpy(weight.astype(np.float32))
    # Stochastic weight averaging (Izmailov et al. 2018) over the last ``average_epochs``
    # epochs: a running mean of the weights after steps 50, 100, ... of each of those epochs
    # (steps counted from each epoch's start); 0 keeps the final weights.
    averaged = None
    if params["average_epochs"]:
        from torch.optim.swa_utils import AveragedModel

        averaged = AveragedModel(net)
    first_averaged = params["epochs"] - params["average_epochs"]
    net.train()
    for epoch in range(params["epochs"]):
        order = rng.permutation(len(rows))
        total = 0.0
        for i in range(0, len(order), params["batch_size"]):
            idx = order[i:i + params["batch_size"]]
            b = {k: torch.from_numpy(v) for k, v in pad_batch([encoded[j] for j in idx]).items()}
            logp = torch.log_softmax(net(b["ids"], b["pos"], b["mask"], b["target"],
                                         b["window"]), -1)
            loss = -((soft_t[idx] * logp).sum(-1) * weight_t[idx]).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(idx)
            if averaged is not None and epoch >= first_averaged and (i // params["batch_size"]) % 50 == 49:
                averaged.update_parameters(net)
        if verbose:
            print(f"cnn epoch {epoch + 1}/{params['epochs']}: loss {total / len(rows):.4f}",
                  flush=True)
    if averaged is not None:
        if int(averaged.n_averaged) == 0:  # epochs under 50 steps: keep the final weights
            averaged.update_parameters(net)
        net = averaged.module  # no batch norm, so the averaged weights need no recalibration
    net.eval()
    meta = {"train_file": path.name, "label_map": LABEL_MAP, "n_train": int(len(gold)),
            "n_distilled": int(len(extra)), "teacher": "neural (data/models/stance_neural)",
            "params": params, "trained": _dt.date.today().isoformat()}
    return export_cnn(net, NEURAL_DIR / "tokenizer.json", Path(out or CNN_DIR), meta)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m analysis.train_stance", description=__doc__)
    ap.add_argument("--train", default=None, help="NewsMTSC train JSONL (default: eval folder)")
    ap.add_argument("--out", default=None,
                    help="output stem (.npz and .json) or, with --transformer, folder")
    ap.add_argument("--no-cv", action="store_true",
                    help="skip the grouped 5-fold CV figures (recorded in the JSON meta)")
    ap.add_argument("--transformer", action="store_true",
                    help="fine-tune the optional transformer model instead (extra "
                         "'transformer'; about 20 min per seed on two CPU cores)")
    ap.add_argument("--threads", type=int, default=None, help="PyTorch threads (--transformer)")
    ap.add_argument("--export-neural", metavar="MEMBER", nargs="?", const="seed_0", default=None,
                    help="export one fine-tuned transformer member (default seed_0) as the "
                         "8-bit ONNX model of the 'neural' method (extra 'transformer')")
    ap.add_argument("--cnn", action="store_true",
                    help="distil the neural model into the 'cnn' model (extra 'transformer'; "
                         "about 10 min on two CPU cores)")
    args = ap.parse_args(argv)
    if args.cnn:
        folder = train_cnn(args.train, args.out, n_threads=args.threads or 2)
        print(f"wrote {folder}")
        return 0
    if args.export_neural:
        from .stance_transformer import TRANSFORMER_DIR, export_onnx

        folder = export_onnx(TRANSFORMER_DIR / args.export_neural, args.out)
        print(f"wrote {folder}")
        return 0
    if args.transformer:
        folder = train_transformer(args.train, args.out, n_threads=args.threads)
        print(f"wrote {folder}")
        return 0
    args.out = args.out or str(MODEL_FILE)
    path = args.train or eval_file(TRAIN_FILE_NAME)
    meta = {"train_file": Path(path).name, "label_map": LABEL_MAP,
            "trained": _dt.date.today().isoformat()}
    if not args.no_cv:
        scores = grouped_cv(load_newsmtsc(path), SHIPPED_PARAMS)
        print(" ".join(f"{k}={v:.3f}" for k, v in scores.items()))
        meta.update(scores)
    model = train(path)
    meta["n_train"] = int(len(load_newsmtsc(path)))
    npz, js = model.save(args.out, meta=meta)
    print(f"wrote {npz} ({npz.stat().st_size / 1e6:.2f} MB) and {js} "
          f"({js.stat().st_size / 1e6:.2f} MB); {len(model.vocabulary_)} features")
    return 0


if __name__ == "__main__":
    sys.exit(main())
