"""Tests of analysis.config: the YAML loader every configuration file goes through."""

from __future__ import annotations

import pytest

from analysis.config import ConfigError, load_yaml


# Found by a review of extending the configuration: a second block with the same key
# silently replaced the first (a whole frame code, every spelling of a role).
def test_repeated_keys_are_refused_with_their_line(tmp_path):
    path = tmp_path / "codes.yml"
    path.write_text("codes:\n  threat.crime:\n    cues: [a, b]\n  other: 1\n"
                    "  threat.crime:\n    cues: [c]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"codes.yml: key 'threat.crime' appears twice "
                                          r"\(lines 2 and 5\)"):
        load_yaml(path)


def test_the_same_key_in_different_mappings_is_fine(tmp_path):
    path = tmp_path / "ok.yml"
    path.write_text("a:\n  name: x\nb:\n  name: y\n", encoding="utf-8")
    assert load_yaml(path) == {"a": {"name": "x"}, "b": {"name": "y"}}


def test_yaml_still_runs_no_code(tmp_path):
    path = tmp_path / "evil.yml"
    path.write_text("a: !!python/object/apply:os.system ['echo hi']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_yaml(path)
