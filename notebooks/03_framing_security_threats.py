# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · How do ministers frame security threats?
#
# **Question.** Do speakers from different countries and portfolios frame the same security
# threats differently: more severe or less, more military, more about rules and values, more
# about alliances?
#
# Each quotation is coded with the codebook in `data/codebooks/security_frames.yml` (threat
# types, responses called for, severity 0-3, urgency; grounding in its README). Rates and means
# come with bootstrap intervals that resample **documents**, because quotations from one article
# are not independent. On the one-article sample corpus there are none: a group with one
# document gets no interval (`interval` says "none: one document"); they appear on a real
# corpus. This notebook draws the
# framing, severity, stance and distinctive-word figures into `reports/figures/` (notebooks 01,
# 02 and 90 draw the others; `REPRODUCE.md` lists them all).

# %% tags=["parameters"]
corpus = "../data/raw/sample"
encoding = "utf-8"  # of the corpus files; a list such as "utf-8,cp1252" is tried per file
stance_method = "cnn"  # as `analysis run --method`, so the figures match its stance table
own_targets = "not_against"  # as `analysis run --own-targets`
group = "speaker"          # grouping column: speaker, speaker_country, speaker_role, outlet, ...
compare_by = "speaker_country"  # column for tests of difference and distinctive words
n_boot = 2000
seed = 0
max_groups = 20            # draw only the most-quoted groups
stop_words = "english"     # left out of distinctive words; None keeps every word
tables_dir = "../reports/tables"
figures_dir = "../reports/figures"

# %%
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import display

from analysis.compare import (
    code_indicators,
    distinctive_words,
    group_rates,
    stance_shares,
    test_difference,
)
from analysis.framing import load_codebook
from analysis.pipeline import run
from analysis.plots import (
    code_heatmap,
    distinctive_words_plot,
    save_figure,
    severity_sentiment_by_group,
    stance_matrix,
)
from analysis.reliability import coding_sheet

Path(tables_dir).mkdir(parents=True, exist_ok=True)

# %% [markdown]
# ## Run the pipeline: quotations, sentiment, stance, frames

# %%
result = run(corpus, stance_method=stance_method, own_targets=own_targets, encoding=encoding)
quotes, stance, frames = result.quotes, result.stance, result.frames
result.manifest["documents"]

# %%
frames.merge(quotes[["quote_id", group]], on="quote_id")[
    [group, "code", "evidence"]].head(40)

# %% [markdown]
# ## Rate of each frame code by group
#
# The rate is the share of the group's quotations that carry the code.

# %%
codebook = load_codebook()
indicators = code_indicators(quotes, frames, codes=codebook.codes)
rates = group_rates(indicators, by=group, n_boot=n_boot, seed=seed)
rates.to_csv(f"{tables_dir}/frame_rates_by_{group}.csv", index=False)
rates.head(12)

# %%
fig, ax = plt.subplots(figsize=(11, 0.5 * min(quotes[group].nunique(), max_groups) + 3))
code_heatmap(rates, x="code", y=group, ax=ax, max_groups=max_groups,
             title=f"Share of quotations with each frame, by {group}")
save_figure(ax, f"03_frame_rates_by_{group}", directory=figures_dir)

# %% [markdown]
# ## Severity and sentiment by group, with document-bootstrap intervals

# %%
severity = group_rates(quotes, by=group, value="severity", code_col=None,
                       n_boot=n_boot, seed=seed)
sentiment = group_rates(quotes, by=group, value="sentiment_compound", code_col=None,
                        n_boot=n_boot, seed=seed)
means = pd.concat([severity, sentiment], ignore_index=True)
means.to_csv(f"{tables_dir}/severity_sentiment_by_{group}.csv", index=False)
means[[group, "statistic", "estimate", "ci_low", "ci_high", "n", "n_docs"]]

# %%
axes = severity_sentiment_by_group(means, y=group, max_groups=max_groups)
save_figure(axes[0], f"03_severity_sentiment_by_{group}", directory=figures_dir)

# %% [markdown]
# ## Stance toward each target, by group
#
# Net stance = share *favor* − share *against* among the group's mentions of the target.

# %%
shares = stance_shares(stance, quotes, by=group, n_boot=n_boot, seed=seed)
shares.to_csv(f"{tables_dir}/stance_by_{group}.csv", index=False)
net = shares[shares["stance"] == "net"]
net[[group, "target", "estimate", "ci_low", "ci_high", "n"]]

# %%
ax = stance_matrix(net, x="target", y=group, max_groups=max_groups,
                   title=f"Net stance toward each target, by {group}")
save_figure(ax, f"03_stance_matrix_by_{group}", directory=figures_dir)

# %% [markdown]
# ## Do groups differ? Tests across all groups, with Holm correction
#
# Permutation tests of each code's rate across the groups of `compare_by`, Holm-corrected. They
# shuffle whole documents when every document belongs to one group; when some article quotes
# several groups they can only shuffle quotations, warn, and say `permutation (rows, ...)`:
# those p-values assume independent quotations. A code with one document gets no p-value;
# fewer than two groups are refused with the reason.

# %%
n_compared = quotes[compare_by].nunique()
print(f"{n_compared} groups in {compare_by!r}"
      + ("" if n_compared >= 2 else ": the tests and distinctive words below need two or more"))

# %%
if n_compared >= 2:
    tests = test_difference(indicators, by=compare_by, method="permutation", seed=seed)
    tests.to_csv(f"{tables_dir}/frame_tests_by_{compare_by}.csv", index=False)
    display(tests)

# %% [markdown]
# ## Distinctive words of each group
#
# Log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and Quinn 2008): each
# group's words against all other groups, as z-scores.

# %%
if n_compared >= 2:
    words = distinctive_words(quotes.dropna(subset=[compare_by]), by=compare_by, top=15,
                              stop_words=stop_words)
    words.to_csv(f"{tables_dir}/distinctive_words_by_{compare_by}.csv", index=False)
    display(words.head(20))

# %%
if n_compared >= 2:
    groups = sorted(words["group"].unique())
    fig, axes = plt.subplots(1, len(groups), figsize=(4.5 * len(groups), 4.5), squeeze=False,
                             layout="constrained")
    for ax, name in zip(axes[0], groups, strict=True):
        distinctive_words_plot(words, group=name, top=10, ax=ax)
    save_figure(fig, f"03_distinctive_words_by_{compare_by}", directory=figures_dir)

# %% [markdown]
# ## Intercoder reliability: a coding sheet for human coders
#
# Each coder fills in a copy (1 where a code applies, severity 0-3, urgency 0/1). Read the copies
# back with `analysis.reliability.read_coding_sheet` and compute Krippendorff's alpha per code,
# between coders and between each coder and the package, with `alpha_by_code`
# (notebook 90 does this for our own hand-coding of the sample article).

# %%
sheet = coding_sheet(quotes, codebook, path=f"{tables_dir}/coding_sheet.csv")
sheet.head()
