"""Rendering an article with its quotations highlighted, for JupyterLab.

:func:`highlight_quotes` returns HTML; show it in a notebook with
``IPython.display.HTML``. Colours come from a seaborn palette, one per speaker,
in order of first appearance, so the same corpus always renders the same way.
"""

from __future__ import annotations

import html

import pandas as pd
import seaborn as sns

_UNKNOWN = "(no speaker)"


def speaker_colours(speakers, palette: str = "Set2") -> dict[str, str]:
    """Map each speaker (in order of first appearance) to a hex colour."""
    order = list(dict.fromkeys(s if isinstance(s, str) and s else _UNKNOWN for s in speakers))
    base = sns.color_palette(palette)
    # A named palette repeats its colours past its length; beyond it, light
    # evenly spaced hues keep every speaker distinct.
    colours = (base if len(order) <= len(base)
               else sns.husl_palette(len(order), l=0.8, s=0.7)).as_hex()
    return dict(zip(order, colours, strict=False))


def highlight_quotes(text: str, quotes: pd.DataFrame, *, story_end: int | None = None,
                     palette: str = "Set2") -> str:
    """HTML of ``text`` with each quotation highlighted and coloured by speaker.

    Parameters
    ----------
    text : str
        The document text.
    quotes : DataFrame
        Quotations of this document, with ``start``, ``end``, ``kind`` and
        ``speaker`` (the quotes contract). Overlapping spans are drawn in order
        of their start; a span that starts inside an earlier one is clipped.
    story_end : int, optional
        Text after this offset (non-story boilerplate) is shown greyed out.
    palette : str
        seaborn palette name.

    Returns
    -------
    str
        An HTML fragment: a legend and the article, paragraphs preserved. The
        speaker's mention is underlined; hovering a quotation shows its kind and
        speaker.
    """
    story_end = len(text) if story_end is None else story_end
    rows = quotes.sort_values(["start", "end"]).to_dict(orient="records")
    colours = speaker_colours([r.get("speaker") for r in rows], palette)
    marks = []  # (start, end, opening tag, closing tag)
    pos = 0
    for r in rows:
        start, end = max(int(r["start"]), pos), int(r["end"])
        if start >= end:
            continue
        speaker = r.get("speaker")
        speaker = speaker if isinstance(speaker, str) and speaker else _UNKNOWN
        title = html.escape(f"{r.get('kind', '')}: {speaker}", quote=True)
        marks.append((start, end, f'<mark style="background:{colours[speaker]}" '
                      f'title="{title}">', "</mark>"))
        pos = end
    for r in rows:
        s, e = r.get("speaker_start"), r.get("speaker_end")
        if pd.notna(s) and pd.notna(e) and not any(a < int(e) and int(s) < b
                                                   for a, b, *_ in marks):
            marks.append((int(s), int(e), "<u>", "</u>"))
    marks.sort()
    out, pos = [], 0
    for start, end, open_tag, close_tag in marks:
        if start < pos:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(open_tag + html.escape(text[start:end]) + close_tag)
        pos = end
    body = "".join(out) + html.escape(text[pos:story_end])
    tail = html.escape(text[story_end:])
    legend = " ".join(
        f'<span style="background:{c};padding:0 4px">{html.escape(s)}</span>'
        for s, c in colours.items()
    )
    return (f'<div style="line-height:1.6"><p><b>Speakers:</b> {legend}</p>'
            f'<div style="white-space:pre-wrap">{body}'
            f'<span style="color:#999">{tail}</span></div></div>')
