"""Shipped network models: a JSON description with SHA-256 checksums, checked on load.

Shared by :mod:`analysis.stance_neural` and :mod:`analysis.stance_cnn`, whose folders hold
a description (format tag, classes, settings, checksums) beside the files it vouches for.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .config import file_sha256


def open_model_folder(directory: Path, spec_name: str, files: tuple[str, ...], fmt: str,
                      required: tuple[str, ...], rebuild: str) -> dict:
    """Read the description in ``directory / spec_name`` and verify the files' checksums.

    Parameters
    ----------
    directory : Path
        The model's folder.
    spec_name : str
        File name of the JSON description.
    files : tuple of str
        Files the description must vouch for (a SHA-256 each).
    fmt : str
        Expected ``format`` tag.
    required : tuple of str
        Keys the description must have besides ``format`` and ``sha256``.
    rebuild : str
        The make target that rebuilds the folder, named in errors.

    Returns
    -------
    dict
        The description.

    Raises
    ------
    FileNotFoundError
        When a file is missing (all missing ones are named).
    ValueError
        Invalid JSON, a wrong format tag, missing keys, malformed or mismatching checksums;
        the message names the file.
    """
    missing = [n for n in (spec_name, *files) if not (directory / n).exists()]
    if missing:
        raise FileNotFoundError(
            f"{directory}: no model here (missing {', '.join(missing)}); `{rebuild}` "
            "rebuilds it")
    path = directory / spec_name
    try:
        spec = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(spec, dict) or spec.get("format") != fmt:
        got = spec.get("format") if isinstance(spec, dict) else type(spec).__name__
        raise ValueError(f"{path}: format {got!r}, expected {fmt!r}")
    absent = [k for k in (*required, "sha256") if k not in spec]
    if absent:
        raise ValueError(f"{path}: missing key(s) {', '.join(absent)}")
    sums = spec["sha256"]
    if not (isinstance(sums, dict) and all(
            isinstance(sums.get(n), str) and re.fullmatch(r"[0-9a-f]{64}", sums[n])
            for n in files)):
        raise ValueError(f"{path}: 'sha256' must give a SHA-256 hex digest for "
                         f"{' and '.join(files)}")
    for name in files:
        got = file_sha256(directory / name)
        if got != sums[name]:
            raise ValueError(f"{directory / name}: SHA-256 {got[:12]}... differs from "
                             f"{sums[name][:12]}... recorded in {spec_name}; the file was "
                             f"altered or belongs to another export ({rebuild} rebuilds all)")
    return spec


_LOADED: dict[tuple[type, str], object] = {}


def load_once(cls, directory):
    """``cls(directory)``, built once per class and folder in this process."""
    key = (cls, str(Path(directory).resolve()))
    if key not in _LOADED:
        _LOADED[key] = cls(directory)
    return _LOADED[key]
