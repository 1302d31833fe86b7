"""Shared test fixtures: a headless plotting backend, closed figures, eval data lookup."""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from analysis.paths import EVAL_DIR_ENV, SAMPLE_CORPUS_DIR, eval_file  # noqa: E402

SAMPLE_DOC_ID = "japan_australia_2plus2"
SAMPLE_TEXT_FILE = SAMPLE_CORPUS_DIR / f"{SAMPLE_DOC_ID}.txt"
# Sentences written for the stance network tests (no evaluation data): against, favor, neutral.
STANCE_ROWS = pd.DataFrame({
    "text": ["Critics slammed Smith for the failed policy.",
             "Voters praised Jones for her steady leadership.",
             "Brown arrived in Ohio on Tuesday."],
    "target_start": [16, 15, 0], "target_end": [21, 20, 5]})


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def require_eval(name: str):
    """Path of an evaluation file, or skip the test saying where it was looked for."""
    path = eval_file(name)
    if not path.exists():
        pytest.skip(f"evaluation data {name} not found at {path}; set {EVAL_DIR_ENV} "
                    "to the folder holding it (default ../shared/data/eval)")
    return path


@pytest.fixture
def sample_corpus_dir():
    return SAMPLE_CORPUS_DIR
