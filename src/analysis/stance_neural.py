"""Stance by the fine-tuned MiniLM transformer, run with ONNX Runtime (default install).

The ``neural`` stance method. It is one member of the optional ``transformer`` method
(:mod:`analysis.stance_transformer`, seed 0), exported to ONNX and its weights quantised to
8-bit integers (per output channel), so that it runs with the default install: ONNX Runtime
and Hugging Face ``tokenizers``, no PyTorch. The quantised model (about 23 MB), its
tokenizer and a JSON description ship in ``data/models/stance_neural/``; ``make model-neural``
rebuilds them from a model trained by ``make model-transformer``.

Input is the same as the transformer's: the sentence with the target mention wrapped in two
marker tokens, paired with the target string; the head reads the [CLS] vector, the mean of
all tokens and the mean of the target's tokens.

Limits
------
* Slow next to the default: about 75-110 (sentence, target) rows/s on one CPU core, against
  thousands for ``cnn`` and ``hybrid``. Fine for a corpus of tens of thousands of mentions, not millions.
* No word-level evidence: its ``evidence`` string gives the probabilities only, except where
  a relation cue decides (:mod:`analysis.stance`).
* Trained on US political news (NewsMTSC), which rarely phrases stance as diplomacy or
  deterrence does; on the sample article it gets 21 of 24, ``hybrid`` 23 and the default
  ``cnn`` 21, and on the unseen security sets written last 99 of 160 (``hybrid`` 88, ``cnn``
  85; see ``data/models/MODEL_CARD.md``). Check it on a hand-labelled sample of your corpus.
* Quantisation changes the probabilities slightly (macro-F1 within 0.01 of the unquantised
  member on the NewsMTSC dev sets); results can differ in the last digits across CPUs and
  ONNX Runtime versions (the run manifest records both library versions).
* Sentences longer than 128 word pieces are cut; when that would cut off the target, a window
  of characters around the target is used instead.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ._model_files import load_once, open_model_folder
from .paths import MODELS_DIR
from .stance_transformer import _MARKERS, _encode_rows, _rows, _target_slice

__all__ = ["NEURAL_DIR", "NeuralStanceModel", "load_neural"]

#: Where the quantised model ships (``make model-neural`` rewrites it).
NEURAL_DIR = MODELS_DIR / "stance_neural"
MODEL_NAME = "model.onnx"
TOKENIZER_NAME = "tokenizer.json"
SPEC_NAME = "stance_neural.json"
_FORMAT = "analysis.stance_neural/1"


class NeuralStanceModel:
    """Inference-only stance model: ONNX graph, tokenizer and class names.

    Load it with :meth:`load` (or :func:`load_neural`); it is trained and exported by
    :func:`analysis.stance_transformer.export_onnx`, not fitted here.

    Parameters
    ----------
    directory : str or Path
        Folder holding ``model.onnx``, ``tokenizer.json`` and ``stance_neural.json``.
    n_threads : int, default 1
        ONNX Runtime threads. One keeps results identical from run to run and leaves the
        other cores to the rest of the pipeline.

    Attributes
    ----------
    classes_ : ndarray of str
    spec_ : dict
        The JSON description (source model, quantisation, checksums).
    """

    def __init__(self, directory: str | Path = NEURAL_DIR, n_threads: int = 1):
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:  # both are default dependencies: a broken install
            raise ImportError(f"the neural stance method needs onnxruntime and tokenizers "
                              f"({exc}); reinstall the package: pip install -e .") from exc
        directory = Path(directory)
        spec = open_model_folder(directory, SPEC_NAME, (MODEL_NAME, TOKENIZER_NAME), _FORMAT,
                                 ("classes", "max_length"), "make model-neural")
        self.directory = directory
        self.spec_ = spec
        self.classes_ = np.asarray(spec["classes"], dtype=object)
        self.max_length = int(spec["max_length"])
        try:
            self.tokenizer_ = Tokenizer.from_file(str(directory / TOKENIZER_NAME))
        except Exception as exc:  # the library raises a bare Exception for a bad file
            raise ValueError(f"{directory / TOKENIZER_NAME}: not a tokenizer file ({exc})") from exc
        self.tokenizer_.no_padding()
        self.tokenizer_.enable_truncation(self.max_length, strategy="only_first")
        self._markers = tuple(self.tokenizer_.token_to_id(m) for m in _MARKERS)
        if None in self._markers:
            raise ValueError(f"{directory / TOKENIZER_NAME}: marker tokens {_MARKERS} missing")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = int(n_threads)
        opts.inter_op_num_threads = 1
        self.session_ = ort.InferenceSession(str(directory / MODEL_NAME), opts,
                                             providers=["CPUExecutionProvider"])

    @classmethod
    def load(cls, directory: str | Path = NEURAL_DIR, **kwargs) -> NeuralStanceModel:
        return cls(directory, **kwargs)

    def encode(self, X) -> list[list[int]]:
        """Word-piece ids of each row (sentence with markers, paired with the target)."""
        # One row at a time: encode_batch would start the library's own thread pool.
        return _encode_rows(
            _rows(X), lambda m, t: [self.tokenizer_.encode(a, b).ids
                                    for a, b in zip(m, t, strict=True)], self._markers[1])

    def _inputs(self, ids: list[int]) -> dict[str, np.ndarray]:
        x = np.asarray([ids], dtype=np.int64)
        tmask = np.zeros_like(x)
        span = _target_slice(ids, self._markers)
        if span is not None:
            tmask[0, span] = 1
        return {"ids": x, "att": np.ones_like(x), "tmask": tmask}

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``.

        Each row runs alone: dynamic quantisation scales the activations by the range of the
        whole input, so in a batch one row's result would depend on its neighbours."""
        ids_list = self.encode(X)
        out = np.zeros((len(ids_list), len(self.classes_)))
        for i, ids in enumerate(ids_list):
            logits = self.session_.run(None, self._inputs(ids))[0][0].astype(np.float64)
            z = np.exp(logits - logits.max())
            out[i] = z / z.sum()
        return out

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def load_neural(directory: str | Path = NEURAL_DIR) -> NeuralStanceModel:
    """The shipped neural stance model (default :data:`NEURAL_DIR`), loaded once per process.

    Raises
    ------
    FileNotFoundError
        When the folder lacks the model, its tokenizer or its description.
    """
    return load_once(NeuralStanceModel, directory)

