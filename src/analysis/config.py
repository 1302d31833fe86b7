"""Loading of the configuration files researchers edit (YAML and CSV in ``data/``).

YAML is read with PyYAML's safe loader only (configuration never runs code), which here
also refuses a key repeated in one mapping.
Each loader names the file and the reason when it refuses a file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml


class ConfigError(ValueError):
    """A configuration file is missing, unreadable or malformed."""


class _RepeatedKeyError(yaml.YAMLError):
    pass


class _StrictSafeLoader(yaml.SafeLoader):
    """The safe loader, refusing a key repeated in one mapping: YAML keeps the last value,
    so a second block with the same name (a frame code, a role) silently replaced the first."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node.start_mark.line + 1)
            except TypeError:  # an unhashable key: the constructor below says so
                continue
            if first != key_node.start_mark.line + 1:
                raise _RepeatedKeyError(f"key {key!r} appears twice (lines {first} and "
                                        f"{key_node.start_mark.line + 1})")
        return super().construct_mapping(node, deep=deep)


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
        data = yaml.load(text, Loader=_StrictSafeLoader)  # noqa: S506 (a SafeLoader)
    except _RepeatedKeyError as exc:
        raise ConfigError(f"{path}: {exc}; each key may appear once (merge the two)") from None
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
