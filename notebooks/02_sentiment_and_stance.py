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
# # 02 · Sentiment and stance toward targets
#
# **Question.** What tone does each quotation take, and what position does it take toward each
# actor it names? Sentence sentiment is not stance: "we support the United States approach ...
# with regard to curbing North Korea's illegal and belligerent behavior" favours one target and
# opposes the other.
#
# Sentiment is VADER's (with the documented security-vocabulary supplement in
# `data/lexicons/`); stance is scored per (quotation, target mention) by the default method, with
# the evidence behind each decision. Targets and their aliases are in `data/config/targets.yml`.

# %% tags=["parameters"]
corpus = "../data/raw/sample"
encoding = "utf-8"  # of the corpus files; a list such as "utf-8,cp1252" is tried per file
stance_method = "cnn"  # "cnn" (default), "hybrid", "model", "rules", "neural", "transformer"
second_method = "hybrid"  # also scored, to show where the method matters; None skips it
own_targets = "not_against"  # own side never "against" (default); "score": like any target; "neutral"
group = "speaker"
max_groups = 20
tables_dir = "../reports/tables"
figures_dir = "../reports/figures"

# %%
from pathlib import Path

from IPython.display import display
from sklearn.metrics import cohen_kappa_score

from analysis.compare import stance_shares
from analysis.evaluate import compare_stance_methods
from analysis.pipeline import run
from analysis.plots import save_figure, stance_matrix
from analysis.stance import score_stance
from analysis.targets import find_mentions

Path(tables_dir).mkdir(parents=True, exist_ok=True)

# %% [markdown]
# ## Sentiment of each quotation

# %%
result = run(corpus, stance_method=stance_method, own_targets=own_targets, encoding=encoding)
quotes, stance = result.quotes, result.stance
quotes[[group, "kind", "sentiment_compound", "sentiment_label", "text"]]

# %% [markdown]
# ## Stance toward each target mention, with its evidence

# %%
stance.merge(quotes[["quote_id", group]], on="quote_id")[
    [group, "target", "mention", "stance", "p_favor", "p_against", "p_neutral", "evidence"]]

# %% [markdown]
# ## Speaker × target stance matrix
#
# Net stance = share of *favor* − share of *against* among the speaker's mentions of the target
# (−1 to 1), annotated with the number of mentions. A minister's mentions of their own country
# are scored under our codebook but never called "against" (`own_targets = "not_against"`,
# the default: the methods read a threat-laden sentence's tone as stance toward the speaker's
# own side); `"score"` scores them like any other target (for opposition critics), and
# `"neutral"` counts them as neutral (a speaker's account of their own side as no stance toward
# it), the convention of many stance schemes. Decide before comparing groups.

# %%
shares = stance_shares(stance, quotes, by=group, n_boot=0)
shares.to_csv(f"{tables_dir}/02_stance_by_{group}.csv", index=False)
ax = stance_matrix(shares[shares["stance"] == "net"], x="target", y=group,
                   max_groups=max_groups, title=f"Net stance by {group} and target")
save_figure(ax, f"02_stance_matrix_by_{group}", directory=figures_dir)

# %% [markdown]
# ## Does the method matter?
#
# The same target mentions scored by a second method (`second_method`). The default `cnn`, a
# small network distilled from a fine-tuned MiniLM, is the more accurate on US political news
# (NewsMTSC); `hybrid`, a linear model with rules for security phrasing ("call on X to",
# "deterrence against X"), was written with this article in view and gets more of it right
# (`data/models/MODEL_CARD.md`). Both name the words behind each decision. Mentions where two
# methods disagree are the ones to check by hand first; on a new corpus, a hand-labelled
# sample of them says which method to trust (`analysis.reliability.stance_coding_sheet`).

# %%
if second_method and second_method != stance_method and len(stance):
    mentions = find_mentions(quotes, result.documents)
    second = score_stance(mentions, quotes, result.documents, method=second_method,
                          own_targets=own_targets)
    agreement = compare_stance_methods(stance, second)
    agreement.to_csv(f"{tables_dir}/02_stance_method_agreement.csv", index=False)
    first_col, second_col = f"stance_{stance_method}", f"stance_{second_method}"
    print(f"{stance_method} and {second_method} agree on {agreement['agree'].sum()} of "
          f"{len(agreement)} mentions; Cohen's kappa "
          f"{cohen_kappa_score(agreement[first_col], agreement[second_col]):.2f}")
    display(agreement[~agreement["agree"]])
else:
    print("second method skipped (none given, the same as stance_method, or no mentions)")
