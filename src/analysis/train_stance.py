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
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import eval_file
from .stance import MODEL_FILE, TargetStanceClassifier

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
    args = ap.parse_args(argv)
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
