"""Stance by a small convolutional network distilled from the ``neural`` model (default install).

The ``cnn`` stance method. Each word piece of the sentence is an embedding (the fine-tuned
MiniLM's input embeddings, projected to 128 dimensions) plus an embedding of its distance
to the target (inside; 1, 2, 3, 4, 5-6, 7-9, 10-14, 15-24, 25+ pieces to the left or to the
right). One convolution over three neighbouring pieces, then three pools: the maximum over the
sentence, the maximum within three pieces of the target, and the mean over the target's
pieces; a linear layer gives the three classes. It is trained (``make model-cnn``, PyTorch)
on NewsMTSC train plus about 21,000 further name and pronoun mentions in the same training
sentences, labelled by the ``neural`` method (knowledge distillation), for six epochs whose
last three are averaged (stochastic weight averaging). Inference is plain NumPy and Hugging
Face ``tokenizers``: no PyTorch, no ONNX Runtime. The default stance method.

Weights ship in ``data/models/stance_cnn/`` as NPZ (``allow_pickle=False``) with a JSON
description holding SHA-256 checksums, verified on load.

Evidence: the logit of a class is a sum over the pooled features, and each feature is a ReLU
of a sum of one term per piece of a three-piece window. Each feature's push toward the
predicted class (its value times its weight for that class minus its mean weight over
classes) is split over the pieces of its window in proportion to their terms: for a
max-pooled feature, the window it came from; for the mean over the target, the windows
centred on the target (the masked target's own slot keeps only its share). The bias's share
is left out. The evidence lists the words with the largest push.

Limits
------
* A three-piece window and max pooling see local phrasing; long-distance structure ("X,
  whom the senator had praised for years, was ...") is beyond it, as is sarcasm.
* Distilled from a model trained on US political news (NewsMTSC); check it on a
  hand-labelled sample of your own corpus (see ``data/models/MODEL_CARD.md``).
* Sentences longer than 128 word pieces are cut to a window of 128 pieces around the target.
* The evidence splits each feature by the linear terms before its ReLU; it shows where the
  network looked and which words carried the signal, not a proof of why.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path

import numpy as np

from ._model_files import load_once, open_model_folder
from .paths import MODELS_DIR
from .stance_transformer import _rows, blank_reserved

__all__ = ["CNN_DIR", "CnnStanceModel", "load_cnn", "DISTANCE_EDGES", "encode_rows"]

#: Where the distilled model ships (``make model-cnn`` rewrites it).
CNN_DIR = MODELS_DIR / "stance_cnn"
WEIGHTS_NAME = "stance_cnn.npz"
TOKENIZER_NAME = "tokenizer.json"
SPEC_NAME = "stance_cnn.json"
_FORMAT = "analysis.stance_cnn/1"
#: Lower edges of the distance buckets (in word pieces) on each side of the target.
DISTANCE_EDGES = (1, 2, 3, 4, 5, 7, 10, 15, 25)
#: Pieces each side of the target that the window pool sees.
WINDOW = 3
#: Longest input in word pieces; a longer sentence is cut to a window around the target.
MAX_PIECES = 128
#: Number of position ids: 0 padding, 1 target, then the left buckets, then the right ones.
N_POSITIONS = 2 + 2 * len(DISTANCE_EDGES)
_ARRAYS = ("embedding", "position", "conv_weight", "conv_bias", "head_weight", "head_bias")


def _buckets(distance: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.asarray(DISTANCE_EDGES), distance, side="right") - 1


# Position id of a piece at each distance (1 .. MAX_PIECES - 1) left or right of the target.
_LEFT_POS = 2 + _buckets(np.arange(MAX_PIECES))
_RIGHT_POS = 2 + len(DISTANCE_EDGES) + _buckets(np.arange(MAX_PIECES))
_TARGET_POS = np.ones(MAX_PIECES, dtype=np.int64)


def encode_rows(tokenizer, rows, mask_target: bool = True,
                ) -> list[tuple[np.ndarray, np.ndarray, int, int, np.ndarray]]:
    """Word-piece ids, position ids, target piece range and piece offsets of each row.

    Parameters
    ----------
    tokenizer : tokenizers.Tokenizer
        Without padding or truncation.
    rows : iterable of (text, target_start, target_end)
    mask_target : bool, default True
        Replace the target's pieces by one ``[MASK]`` piece, so that the network judges the
        context and cannot learn a prior about who the target is (in US news, one
        politician mostly negative, countries mostly neutral), which would travel badly to
        other news.

    Returns
    -------
    list of (ids, positions, t0, t1, offsets)
        ``t0``..``t1`` (inclusive) are the pieces overlapping the target; ``offsets`` (an
        array of shape (pieces, 2)) are the pieces' character spans in the text. Shared by
        training and inference, so both see the same input.
    """
    out = []
    mask = np.asarray([tokenizer.token_to_id("[MASK]")], dtype=np.int64)
    cache: dict[str, tuple] = {}  # several targets, one sentence
    for text, s, e in rows:
        s, e = int(s), int(e)
        if text not in cache:
            enc = tokenizer.encode(blank_reserved(text), add_special_tokens=False)
            ids = np.asarray(enc.ids, dtype=np.int64)
            offsets = np.asarray(enc.offsets, dtype=np.int64).reshape(-1, 2)
            # Piece starts and ends never decrease, so bisection finds the target's pieces.
            cache[text] = (ids, offsets, offsets[:, 0].tolist(), offsets[:, 1].tolist())
        ids, offsets, starts, ends = cache[text]
        if not len(ids):  # nothing the tokenizer keeps (rows are validated non-empty)
            ids, offsets = np.zeros(1, dtype=np.int64), np.asarray([[s, e]], dtype=np.int64)
            starts, ends = [s], [e]
        # The pieces overlapping the target: the first ending after its start to the last
        # starting before its end.
        t0, t1 = bisect.bisect_right(ends, s), bisect.bisect_left(starts, e) - 1
        if t0 > t1:  # a target of spaces or symbols the tokenizer drops: the nearest piece
            t0 = t1 = int(np.argmin(np.abs(offsets[:, 0] - s)))
        if mask_target:
            ids = np.concatenate((ids[:t0], mask, ids[t1 + 1:]))
            span = offsets[t0:t0 + 1].copy()
            span[0, 1] = offsets[t1, 1]
            offsets = np.concatenate((offsets[:t0], span, offsets[t1 + 1:]))
            t1 = t0
        lo, hi = 0, len(ids)
        if hi > MAX_PIECES:
            # A window around the target; a target longer than the window keeps its start.
            room = MAX_PIECES - (t1 - t0 + 1)
            lo = max(0, min(t0 - room // 2 if room > 0 else t0, hi - MAX_PIECES))
            hi = lo + MAX_PIECES
        row_ids, row_offsets = ids[lo:hi], offsets[lo:hi]
        t0, t1 = max(t0 - lo, 0), min(t1 - lo, len(row_ids) - 1)
        pos = np.concatenate((_LEFT_POS[t0:0:-1], _TARGET_POS[:t1 - t0 + 1],
                              _RIGHT_POS[1:len(row_ids) - t1]))
        out.append((row_ids, pos, t0, t1, row_offsets))
    return out


def pad_batch(encoded) -> dict[str, np.ndarray]:
    """Pad encoded rows to one length: ids, pos, mask (real pieces), target and window masks."""
    n, length = len(encoded), max(len(r[0]) for r in encoded)
    batch = {k: np.zeros((n, length), dtype=np.int64) for k in ("ids", "pos")}
    for k in ("mask", "target", "window"):
        batch[k] = np.zeros((n, length), dtype=np.float32)
    # First and last piece of each row's target and of its window (NumPy inference gathers
    # these few pieces instead of masking whole rows).
    spans = np.zeros((n, 4), dtype=np.int64)
    for i, (ids, pos, t0, t1, _) in enumerate(encoded):
        m = len(ids)
        batch["ids"][i, :m], batch["pos"][i, :m], batch["mask"][i, :m] = ids, pos, 1.0
        batch["target"][i, t0:t1 + 1] = 1.0
        w0, w1 = max(0, t0 - WINDOW), min(m, t1 + WINDOW + 1) - 1
        batch["window"][i, w0:w1 + 1] = 1.0
        spans[i] = t0, t1, w0, w1
    batch["spans"] = spans
    return batch


class CnnStanceModel:
    """Inference-only distilled stance network: NumPy weights, tokenizer and class names.

    Load it with :meth:`load` (or :func:`load_cnn`); it is trained by
    :func:`analysis.train_stance.train_cnn`, not fitted here.

    Parameters
    ----------
    directory : str or Path
        Folder holding ``stance_cnn.npz``, ``stance_cnn.json`` and ``tokenizer.json``.
    batch_size : int, default 32
        Rows computed together (small batches stay in the processor's cache). Rows are padded with zeros that the network masks out, so
        a row's result does not depend on its neighbours (a test pins this).

    Attributes
    ----------
    classes_ : ndarray of str
    spec_ : dict
        The JSON description (training data, settings, checksums, cross-checks).
    """

    def __init__(self, directory: str | Path = CNN_DIR, batch_size: int = 32):
        try:
            from tokenizers import Tokenizer
        except ImportError as exc:  # a default dependency: a broken install
            raise ImportError(f"the cnn stance method needs tokenizers ({exc}); reinstall the "
                              "package: pip install -e .") from exc
        directory = Path(directory)
        spec = open_model_folder(directory, SPEC_NAME, (WEIGHTS_NAME, TOKENIZER_NAME), _FORMAT,
                                 ("classes",), "make model-cnn")
        try:
            with np.load(directory / WEIGHTS_NAME, allow_pickle=False) as npz:
                arrays = {k: npz[k].astype(np.float32) for k in _ARRAYS}
        except (KeyError, ValueError, OSError) as exc:
            raise ValueError(f"{directory / WEIGHTS_NAME}: not a cnn weights file ({exc})") from exc
        try:
            self.tokenizer_ = Tokenizer.from_file(str(directory / TOKENIZER_NAME))
        except Exception as exc:  # the library raises a bare Exception for a bad file
            raise ValueError(f"{directory / TOKENIZER_NAME}: not a tokenizer file ({exc})") from exc
        self.tokenizer_.no_padding()
        self.tokenizer_.no_truncation()
        self.directory = directory
        self.spec_ = spec
        self.classes_ = np.asarray(spec["classes"], dtype=object)
        self.batch_size = int(batch_size)
        # As in training, where the setting defaults to True.
        self._mask_target = bool(spec.get("params", {}).get("mask_target", True))
        out_ch, in_ch, width = arrays["conv_weight"].shape
        dim = arrays["embedding"].shape[1]
        if (dim + arrays["position"].shape[1] != in_ch or arrays["conv_bias"].shape != (out_ch,)
                or arrays["head_weight"].shape[1] != 3 * out_ch
                or arrays["head_weight"].shape[0] != len(spec["classes"])
                or arrays["position"].shape[0] != N_POSITIONS):
            raise ValueError(f"{directory / WEIGHTS_NAME}: array shapes do not fit together "
                             "(embedding + position widths, convolution, output layer)")
        # The convolution is linear before its ReLU, so each piece's share of it can be
        # computed once per vocabulary entry and position id: one contiguous (entries,
        # channels) table per window offset, so that a look-up copies one block. Inference
        # then adds three looked-up rows per piece instead of multiplying.
        w = arrays["conv_weight"].transpose(2, 1, 0)  # (width, in, out)
        zero = np.zeros((1, out_ch), dtype=np.float32)  # one more row stands for padding
        self._tok_table = [np.concatenate([arrays["embedding"] @ w[k, :dim], zero])
                           for k in range(width)]
        self._pos_table = [np.concatenate([arrays["position"] @ w[k, dim:], zero])
                           for k in range(width)]
        self._conv_b, self._width = arrays["conv_bias"], width
        self._head, self._head_b = arrays["head_weight"], arrays["head_bias"]
        # A feature's push toward a class is measured against its mean weight over classes.
        self._head_centred = self._head - self._head.mean(0)

    @classmethod
    def load(cls, directory: str | Path = CNN_DIR, **kwargs) -> CnnStanceModel:
        return cls(directory, **kwargs)

    def encode(self, X):
        """Encoded rows (see :func:`encode_rows`)."""
        return encode_rows(self.tokenizer_, _rows(X), self._mask_target)

    def _shifted(self, batch) -> tuple[np.ndarray, np.ndarray]:
        """Token and position ids of the piece at each offset of each window centre:
        (width, rows, pieces); the zero rows of the tables where a window runs off the
        sentence or into padding (as the zero padding of training)."""
        pad_id, pad_pos = len(self._tok_table[0]) - 1, len(self._pos_table[0]) - 1
        ids = np.where(batch["mask"] > 0, batch["ids"], pad_id)
        pos = np.where(batch["mask"] > 0, batch["pos"], pad_pos)
        n, length = ids.shape
        half = self._width // 2
        out_ids = np.full((self._width, n, length), pad_id)
        out_pos = np.full((self._width, n, length), pad_pos)
        for k in range(self._width):
            shift = k - half  # window centre i takes piece i + shift
            src, dst = slice(max(shift, 0), length + min(shift, 0)), \
                slice(max(-shift, 0), length - max(shift, 0))
            out_ids[k, :, dst], out_pos[k, :, dst] = ids[:, src], pos[:, src]
        return out_ids, out_pos

    def _forward(self, batch, keep_terms: bool = False):
        """Logits, pooled features, where each max-pooled feature came from, and (when
        ``keep_terms``, for the evidence) each window offset's term of the convolution and
        its ReLU output."""
        mask = batch["mask"]
        ids, pos = self._shifted(batch)
        # The convolution as sums of looked-up rows, one per offset in the window.
        terms = [self._tok_table[k].take(ids[k], axis=0) + self._pos_table[k].take(pos[k], axis=0)
                 for k in range(self._width)]
        pre = terms[0] + self._conv_b
        for term in terms[1:]:
            pre += term
        h = np.maximum(pre, 0.0, out=pre)  # (n, length, channels)
        # The target's pieces and the window around it are a few pieces of each row: gather
        # them (in order, so ties go to the first piece, as in a masked arg-max).
        t0, t1, w0, w1 = batch["spans"].T
        ht, tn = self._gather(h, t0, t1)
        tmean = (ht * tn[..., None]).sum(1) / tn.sum(1, dtype=np.float32)[:, None]
        hw, wn = self._gather(h, w0, w1)
        # ReLU output is >= 0, so -1 marks positions a pool must not pick.
        hw[~wn] = -1.0
        local = hw.argmax(1)
        wmx = np.take_along_axis(hw, local[:, None], 1)[:, 0]
        arg_win = w0[:, None] + local
        h[mask == 0] = -1.0
        arg_all = h.argmax(1)
        mx = np.take_along_axis(h, arg_all[:, None], 1)[:, 0]
        feats = np.concatenate([mx, wmx, tmean], axis=1)
        # h is -1 only at padding, never at the target's pieces, which the evidence reads.
        return feats @ self._head.T + self._head_b, feats, arg_all, arg_win, \
            ((terms, h) if keep_terms else None)

    @staticmethod
    def _gather(h, first, last) -> tuple[np.ndarray, np.ndarray]:
        """Pieces ``first[i]..last[i]`` of each row of ``h`` (rows, span, channels), padded to
        the longest span, and which of them are real (rows, span)."""
        n, length, _ = h.shape
        span = np.arange(int((last - first).max()) + 1)
        real = span[None, :] <= (last - first)[:, None]
        at = np.minimum(first[:, None] + span, length - 1) + (np.arange(n) * length)[:, None]
        return h.reshape(n * length, -1)[at], real

    def _batches(self, encoded):
        # Rows of similar length together, so little padding is multiplied.
        order = np.argsort([len(r[0]) for r in encoded], kind="stable")
        for i in range(0, len(order), self.batch_size):
            idx = order[i:i + self.batch_size]
            yield idx, pad_batch([encoded[j] for j in idx])

    def predict_proba(self, X) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        return self.predict_proba_explain(X, explain=False)[0]

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def predict_proba_explain(self, X, top: int = 3, explain: bool = True):
        """Probabilities and, when ``explain``, one evidence string per row.

        The evidence names the words whose features push hardest toward the predicted class
        (see the module docstring for how pushes are credited)."""
        rows = _rows(X)
        encoded = encode_rows(self.tokenizer_, rows, self._mask_target)
        proba = np.zeros((len(rows), len(self.classes_)))
        evidence = [""] * len(rows)
        words: dict[str, tuple] = {}  # per sentence, shared by its targets
        for idx, batch in self._batches(encoded):
            logits, feats, arg_all, arg_win, terms = self._forward(batch, explain)
            logits = logits.astype(np.float64)  # probabilities that sum to 1 in float64
            z = np.exp(logits - logits.max(1, keepdims=True))
            proba[idx] = z / z.sum(1, keepdims=True)
            if not explain:
                continue
            predicted = proba[idx].argmax(1)
            credit = self._credit(feats, (arg_all, arg_win), terms, batch, predicted)
            texts = [rows[j][0] for j in idx]
            for text in texts:
                if text not in words:
                    words[text] = _words(text)
            shown = _top_words(texts, [words[t] for t in texts],
                               [encoded[j][4] for j in idx], credit, batch["mask"] > 0, top)
            for k, j in enumerate(idx):
                c = int(predicted[k])
                evidence[j] = (f"cnn -> {self.classes_[c]} ({proba[j, c]:.2f}): "
                               f"{shown[k] or 'no word stands out'}")
        return proba, evidence

    def _credit(self, feats, args, terms, batch, predicted) -> np.ndarray:
        """Each piece's push toward the predicted class, for a batch: (rows, pieces).

        A feature is a ReLU of a sum of one term per piece of a window (plus a bias, left
        out), so a max-pooled feature's push is split over the pieces of the window it came
        from in proportion to their terms, and a target-mean feature's push over the windows
        centred on the target's pieces the same way (the masked target's own slot keeps its
        share; the words around it take the rest)."""
        n, length = batch["mask"].shape
        ch, half = len(self._conv_b), self._width // 2
        terms, h = terms
        push = feats * self._head_centred[predicted]
        row_base = (np.arange(n) * length)[:, None]
        flat, weight = [], []
        for part, arg in enumerate(args):
            value = feats[:, part * ch:(part + 1) * ch]
            # A feature at zero pushes nothing; its share is zero, wherever it points.
            ratio = np.where(value > 0, push[:, part * ch:(part + 1) * ch]
                             / np.where(value > 0, value, 1.0), 0.0)
            # Where in the flattened (rows, pieces, channels) terms each feature's centre is.
            at = (row_base + arg) * ch + np.arange(ch)
            for k in range(self._width):
                piece = arg + k - half
                ok = (piece >= 0) & (piece < length)
                # The term of the piece at offset k of centre ``arg`` (terms are by centre).
                term = terms[k].ravel().take(at)
                flat.append(row_base + np.clip(piece, 0, length - 1))
                weight.append(np.where(ok, ratio * term, 0.0))
        rr, tt = np.nonzero(batch["target"])
        if len(rr):
            value = h[rr, tt]  # (target pieces, channels)
            share_push = (push[:, 2 * ch:] / np.maximum(batch["target"].sum(1), 1.0)[:, None])[rr]
            live = value > 0
            ratio = np.where(live, share_push / np.where(live, value, 1.0), 0.0)
            for k in range(self._width):
                piece = tt + k - half
                ok = (piece >= 0) & (piece < length)
                w = (ratio * terms[k][rr, tt]).sum(1)
                flat.append(rr[ok] * length + piece[ok])
                weight.append(w[ok])
        return np.bincount(np.concatenate([f.ravel() for f in flat]),
                           np.concatenate([w.ravel() for w in weight]),
                           minlength=n * length).reshape(n, length)


def _top_words(texts, words, offsets, credit, real, top) -> list[str]:
    """The ``top`` words with the largest positive credit in each row of a batch, formatted.

    A piece belongs to the word it starts in; pieces of punctuation belong to no word and are
    not shown. All rows are handled in one pass: each row's character offsets are shifted
    by ``row * stride`` so that one sorted array holds every row's words.
    """
    n = len(texts)
    n_words = np.asarray([len(w[0]) for w in words])
    if not n_words.sum():
        return [""] * n
    stride = max(len(t) for t in texts) + 1
    word_row = np.repeat(np.arange(n), n_words)
    first = np.concatenate(([0], np.cumsum(n_words)[:-1]))
    starts = np.concatenate([w[0] for w in words]) + word_row * stride
    ends = np.concatenate([w[1] for w in words]) + word_row * stride
    piece_row = np.repeat(np.arange(n), [len(o) for o in offsets])
    piece_start = np.concatenate([o[:, 0] for o in offsets]) + piece_row * stride
    g = np.searchsorted(starts, piece_start, side="right") - 1
    keep = (g >= first[piece_row]) & (piece_start < ends[np.maximum(g, 0)])
    per_word = np.bincount(g[keep], credit[real][keep], minlength=len(starts))
    table = np.full((n, int(n_words.max())), -np.inf)
    table[word_row, np.arange(len(starts)) - first[word_row]] = per_word
    best = np.argsort(-table, axis=1)[:, :top]
    out = []
    for r, text in enumerate(texts):
        w_starts, w_ends = words[r]
        out.append("; ".join(f"{text[w_starts[w]:w_ends[w]]} ({table[r, w]:+.2f})"
                             for w in best[r] if table[r, w] > 0))
    return out


_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def _words(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of the words of ``text``."""
    spans = np.asarray([m.span() for m in _WORD.finditer(text)], dtype=np.int64).reshape(-1, 2)
    return spans[:, 0], spans[:, 1]


def load_cnn(directory: str | Path = CNN_DIR) -> CnnStanceModel:
    """The shipped cnn stance model (default :data:`CNN_DIR`), loaded once per process.

    Raises
    ------
    FileNotFoundError
        When the folder lacks the weights, the tokenizer or the description.
    """
    return load_once(CnnStanceModel, directory)
