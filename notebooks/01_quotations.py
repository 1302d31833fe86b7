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
# # 01 · Quotations and their speakers
#
# **Question.** Who is quoted in the corpus, how (direct quotation, partial quotation inside
# reported speech, or reported speech without marks), and with which role and country?
#
# Every figure below rests on the quotation table built here. Its columns are the package's
# stable contract (see the README). Run on another corpus by changing `corpus` in the next
# cell (a `.txt` file, a folder of `.txt` files, or a `.jsonl`/`.csv`/`.parquet` table with
# `doc_id` and `text`).

# %% tags=["parameters"]
corpus = "../data/raw/sample"
encoding = "utf-8"  # of the corpus files; a list such as "utf-8,cp1252" is tried per file
show_doc = None  # doc_id of the article to render; None renders the first
max_groups = 20  # draw only the most-quoted speakers
figures_dir = "../reports/figures"
tables_dir = "../reports/tables"

# %%
from pathlib import Path

import pandas as pd
from IPython.display import HTML, display

from analysis.corpus import load_corpus
from analysis.display import highlight_quotes
from analysis.pipeline import document_status, extract_all
from analysis.plots import quote_counts, save_figure

pd.set_option("display.max_colwidth", 80)
Path(tables_dir).mkdir(parents=True, exist_ok=True)

# %% [markdown]
# ## Load the corpus and extract quotations
#
# Every document is accounted for: found = with quotations + without + errors.

# %%
loaded = load_corpus(corpus, encoding=encoding)
quotes, extraction_errors = extract_all(loaded.documents)
errors = pd.concat([loaded.errors, extraction_errors], ignore_index=True)
status = document_status(loaded.documents[["doc_id", "source"]], quotes, errors)
status["status"].value_counts()

# %%
errors

# %%
quotes[["doc_id", "kind", "speaker", "speaker_type", "speaker_role", "speaker_country", "cue",
        "text"]]

# %% [markdown]
# ## The article with each quotation highlighted, coloured by speaker
#
# Hover a highlight to see its kind and speaker; the speaker's mention is underlined.
# Greyed text at the end is non-story boilerplate (e.g. a subscription footer).

# %%
documents = loaded.documents
doc = documents[documents["doc_id"] == show_doc].iloc[0] if show_doc else documents.iloc[0]
display(HTML(highlight_quotes(doc["text"], quotes[quotes["doc_id"] == doc["doc_id"]],
                              story_end=int(doc["story_end"]))))

# %% [markdown]
# ## Quotations by speaker and kind
#
# A `speaker_type` of `description` is a description no one person of its article was found
# for ("the minister said"); on a corpus of many articles such rows share their words and are
# pooled here, so read them as "unidentified", not as one speaker.

# %%
counts = (quotes.fillna({"speaker": "(unknown)"})
          .groupby(["speaker", "speaker_role", "speaker_country", "kind"], dropna=False)
          .size().rename("n").reset_index())
counts.to_csv(f"{tables_dir}/01_quotations_by_speaker.csv", index=False)
counts

# %%
ax = quote_counts(data=quotes, y="speaker", hue="kind", max_groups=max_groups)
save_figure(ax, "01_quotations_by_speaker_and_kind", directory=figures_dir)
