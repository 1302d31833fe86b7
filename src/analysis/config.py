"""Loading of the configuration files researchers edit (YAML and CSV in ``data/``).

YAML is read with :func:`yaml.safe_load` only: configuration never runs code.
Each loader names the file and the reason when it refuses a file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml


class ConfigError(ValueError):
    """A configuration file is missing, unreadable or malformed."""


def load_yaml(path: str | Path, *, expect: type = dict) -> Any:
    """Read a YAML file with the safe loader.

    Parameters
    ----------
    path : str or Path
        The file.
    expect : type, default dict
        The type the top level must have.

    Returns
    -------
    object
        The parsed document.

    Raises
    ------
    ConfigError
        When the file is missing, is not valid UTF-8 YAML, or its top level is not
        of type ``expect``.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, expect):
        raise ConfigError(
            f"{path}: top level must be a {expect.__name__}, got {type(data).__name__}"
        )
    return data


def file_sha256(path: str | Path) -> str:
    """SHA-256 hex digest of a file's bytes (recorded in run manifests)."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
