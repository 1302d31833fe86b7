"""pyproject.toml and environment.yml must list the same dependencies."""

from __future__ import annotations

import re
import tomllib

import yaml

from analysis.paths import PROJECT_ROOT

_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _normalise(spec: str) -> tuple[str, str]:
    name, rest = _REQ.match(spec).groups()
    return re.sub(r"[-_.]+", "-", name).lower(), rest.replace(" ", "")


def _pyproject() -> dict[str, str]:
    data = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    specs = list(data["project"]["dependencies"])
    for name, extra in data["project"]["optional-dependencies"].items():
        # The transformer extra (PyTorch) is for pip users only, as pyproject.toml says.
        if name != "transformer":
            specs += extra
    return dict(_normalise(s) for s in specs)


def _environment() -> dict[str, str]:
    data = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    specs = []
    for dep in data["dependencies"]:
        if isinstance(dep, dict):
            specs += [s for s in dep["pip"] if not s.startswith("-e")]
        else:
            specs.append(dep)
    # python and pip are conda's own, not package dependencies.
    return {k: v for k, v in map(_normalise, specs) if k not in {"python", "pip"}}


def test_environment_yml_matches_pyproject():
    assert _environment() == _pyproject()


def test_environment_installs_the_package():
    data = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip = next(d["pip"] for d in data["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip
