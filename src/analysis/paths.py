"""Every path the package uses, in one place.

The project root is found from this file's location (``src/analysis/paths.py``),
so paths work from notebooks, the command line and tests alike, whatever the
current directory. Nothing here touches the disk on import.

The human-annotated evaluation sets live outside the repository (their licences
forbid copying them in). Code finds them through one setting: the environment
variable ``ANALYSIS_EVAL_DIR``, with ``../shared/data/eval`` beside the checkout
as the default.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Root of the checkout (the folder holding ``pyproject.toml``).
PROJECT_ROOT = Path(__file__).resolve().parents[2]

DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
SAMPLE_CORPUS_DIR = RAW_DIR / "sample"
PROCESSED_DIR = DATA_DIR / "processed"
CONFIG_DIR = DATA_DIR / "config"
ANNOTATIONS_DIR = DATA_DIR / "annotations"
CODEBOOKS_DIR = DATA_DIR / "codebooks"
LEXICONS_DIR = DATA_DIR / "lexicons"
MODELS_DIR = DATA_DIR / "models"

REPORTS_DIR = PROJECT_ROOT / "reports"
FIGURES_DIR = REPORTS_DIR / "figures"
TABLES_DIR = REPORTS_DIR / "tables"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"

# Configuration files researchers edit.
CUE_VERBS_FILE = CONFIG_DIR / "cue_verbs.yml"
ROSTER_FILE = CONFIG_DIR / "roster.csv"
TARGETS_FILE = CONFIG_DIR / "targets.yml"
BOILERPLATE_FILE = CONFIG_DIR / "boilerplate.yml"
FRAMES_CODEBOOK_FILE = CODEBOOKS_DIR / "security_frames.yml"

#: Environment variable that points at the evaluation sets.
EVAL_DIR_ENV = "ANALYSIS_EVAL_DIR"


def eval_dir() -> Path:
    """Folder holding the human-annotated evaluation sets.

    Returns
    -------
    pathlib.Path
        ``$ANALYSIS_EVAL_DIR`` when set, else ``../shared/data/eval`` beside the
        checkout. The folder may not exist; callers check and skip with a message.
    """
    env = os.environ.get(EVAL_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return (PROJECT_ROOT.parent / "shared" / "data" / "eval").resolve()


def eval_file(name: str) -> Path:
    """Path of one evaluation file, e.g. ``eval_file("polnear_dev.jsonl")``."""
    return eval_dir() / name
