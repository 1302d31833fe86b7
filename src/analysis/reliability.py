"""Intercoder reliability: coding sheets for human coders and Krippendorff's alpha.

Workflow: :func:`coding_sheet` writes one CSV per coder (one row per quotation,
an empty column per code plus ``severity`` and ``urgency``); coders fill it in;
:func:`read_coding_sheet` reads a filled sheet back; :func:`alpha_by_code`
computes alpha per code between the coders and between each coder and the
package's automatic coding. :func:`krippendorff_alpha` is the general function on
long-form data (unit, coder, value), computed with the ``krippendorff`` package.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.evaluate import STANCE_LABELS

LEVELS = ("nominal", "ordinal", "interval", "ratio")
#: Columns of a coding sheet before the code columns.
SHEET_ID_COLUMNS = ("quote_id", "doc_id", "speaker", "text")
#: Columns after the code columns: per-quotation scores and a free note.
SHEET_SCORE_COLUMNS = ("severity", "urgency")
#: Level of measurement used for each score column in :func:`alpha_by_code`.
SCORE_LEVELS = {"severity": "ordinal", "urgency": "nominal"}
_TRUE = {"1", "x", "yes", "y", "true", "t"}
_FALSE = {"0", "no", "n", "false", "f", ""}


def _code_list(codes) -> list[str]:
    """Code ids from a list, a mapping (keys) or a codebook object with ``.codes``."""
    if hasattr(codes, "codes") and isinstance(codes.codes, Mapping):
        codes = codes.codes
    if isinstance(codes, Mapping):
        codes = list(codes)
    if isinstance(codes, str) or not isinstance(codes, Iterable):
        raise TypeError("codes must be a list of code ids, a mapping or a codebook, "
                        f"got {type(codes).__name__}")
    out = list(dict.fromkeys(str(c) for c in codes))
    if not out:
        raise ValueError("codes is empty: a coding sheet needs at least one code column")
    clash = [c for c in out if c in (*SHEET_ID_COLUMNS, *SHEET_SCORE_COLUMNS, "note")]
    if clash:
        raise ValueError(f"code id(s) {clash} clash with the sheet's own columns")
    return out


def coding_sheet(quotes: pd.DataFrame, codes, path: str | Path | None = None) -> pd.DataFrame:
    """Blank coding sheet for human coders, one row per quotation.

    Parameters
    ----------
    quotes : DataFrame
        Quotes table with ``quote_id``, ``doc_id``, ``text`` and optionally
        ``speaker`` (blank when absent).
    codes : list of str, mapping or codebook
        Code ids, one empty column each (a :class:`~analysis.framing.Codebook`
        or its ``codes`` mapping works too).
    path : str or Path, optional
        When given, the sheet is also written there as UTF-8 CSV (folders are
        created).

    Returns
    -------
    DataFrame
        ``quote_id``, ``doc_id``, ``speaker``, ``text``, one empty column per
        code, ``severity``, ``urgency``, ``note``, in the quotes' order. Coders
        write 1 (or x / yes) in a code column when the code applies and may leave
        it blank otherwise; ``severity`` 0-3; ``urgency`` 0/1.
    """
    missing = [c for c in ("quote_id", "doc_id", "text") if c not in quotes.columns]
    if missing:
        raise KeyError(f"coding_sheet: quotes lack column(s) {missing}; "
                       f"available: {list(quotes.columns)}")
    code_ids = _code_list(codes)
    sheet = pd.DataFrame({
        "quote_id": quotes["quote_id"].astype(str).to_numpy(),
        "doc_id": quotes["doc_id"].astype(str).to_numpy(),
        "speaker": (quotes["speaker"].astype(object).where(quotes["speaker"].notna(), "")
                    .to_numpy() if "speaker" in quotes.columns else ""),
        "text": quotes["text"].astype(str).to_numpy(),
    })
    for col in [*code_ids, *SHEET_SCORE_COLUMNS, "note"]:
        sheet[col] = ""
    if path is not None:
        _write_sheet(sheet, path)
    return sheet


def _write_sheet(sheet: pd.DataFrame, path: str | Path) -> None:
    """Write a coding sheet as UTF-8 CSV, creating its folder."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.to_csv(path, index=False, encoding="utf-8")


def read_coding_sheet(path: str | Path) -> pd.DataFrame:
    """Read a filled coding sheet written by :func:`coding_sheet`.

    Every cell is read as text (so ``quote_id`` and blanks survive); use
    :func:`alpha_by_code` to interpret the values.
    """
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def krippendorff_alpha(
    data: pd.DataFrame,
    coder_col: str = "coder",
    unit_col: str = "unit",
    value_col: str = "value",
    level: str = "nominal",
) -> float:
    """Krippendorff's alpha from long-form codings (one row per unit and coder).

    Parameters
    ----------
    data : DataFrame
        Columns ``coder_col``, ``unit_col``, ``value_col``; missing values (a
        coder who skipped a unit) may be absent rows or NaN.
    coder_col, unit_col, value_col : str
        Column roles.
    level : {"nominal", "ordinal", "interval", "ratio"}
        Level of measurement. Nominal values may be any labels; the other levels
        need numbers (ordinal uses their order).

    Returns
    -------
    float
        Alpha; NaN when there is no variation at all (every pairable value the
        same), where alpha is undefined.

    Raises
    ------
    ValueError
        Unknown level, fewer than two coders, a coder giving two values to one
        unit, non-numeric values for a non-nominal level, or no unit coded by
        two coders.

    Notes
    -----
    Computed by the ``krippendorff`` package (Castro), which follows Krippendorff
    (2011), "Computing Krippendorff's Alpha-Reliability". Units coded by one
    coder only do not count. Alpha says nothing about *which* codes disagree;
    read it with the confusion of values and the number of units.
    """
    import krippendorff

    if level not in LEVELS:
        raise ValueError(f"krippendorff_alpha: level {level!r} unknown; allowed: {list(LEVELS)}")
    missing = [c for c in (coder_col, unit_col, value_col) if c not in data.columns]
    if missing:
        raise KeyError(f"krippendorff_alpha: column(s) {missing} not found; "
                       f"available: {list(data.columns)}")
    data = data.loc[data[value_col].notna(), [coder_col, unit_col, value_col]]
    dup = data.duplicated([coder_col, unit_col])
    if dup.any():
        first = data.loc[dup].iloc[0]
        raise ValueError(f"krippendorff_alpha: coder {str(first[coder_col])!r} gives more "
                         f"than one value to unit {str(first[unit_col])!r}")
    coders = pd.unique(data[coder_col])
    if len(coders) < 2:
        raise ValueError(f"krippendorff_alpha needs at least two coders in {coder_col!r}; "
                         f"found {len(coders)}: {list(coders)}")
    if level == "nominal":
        values, _ = pd.factorize(data[value_col], sort=True)
        values = values.astype(np.float64)
    else:
        values = pd.to_numeric(data[value_col], errors="coerce")
        bad = values.isna()
        if bad.any():
            raise ValueError(f"krippendorff_alpha: level {level!r} needs numeric values; "
                             f"{value_col!r} has {data.loc[bad, value_col].unique()[:5].tolist()}")
        values = values.to_numpy(dtype=np.float64)
    matrix = (pd.DataFrame({"c": data[coder_col].to_numpy(), "u": data[unit_col].to_numpy(),
                            "v": values})
              .pivot(index="c", columns="u", values="v"))
    pairable = matrix.notna().sum(axis=0).to_numpy() >= 2
    if not pairable.any():
        raise ValueError("krippendorff_alpha: no unit was coded by two or more coders")
    observed = matrix.to_numpy(dtype=np.float64)
    paired_values = observed[:, pairable]
    if np.unique(paired_values[~np.isnan(paired_values)]).size < 2:
        return float("nan")  # no variation: expected disagreement is 0, alpha undefined
    return float(krippendorff.alpha(reliability_data=observed, level_of_measurement=level))


def _parse_cell(value, *, coder: str, unit: str, column: str, kind: str) -> float:
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)
    text = text.strip().lower()
    if kind == "binary":
        if text in _TRUE:
            return 1.0
        if text in _FALSE:
            return 0.0
        allowed = sorted(_TRUE | (_FALSE - {""}))
    else:
        if text == "":
            return np.nan
        try:
            return float(text)
        except ValueError:
            allowed = ["a number", "blank"]
    raise ValueError(f"coder {coder!r}, quote_id {unit!r}, column {column!r}: value {value!r} "
                     f"not understood; allowed: {allowed}")


def _sheet_long(sheet: pd.DataFrame, coder: str, codes: list[str]) -> pd.DataFrame:
    """Filled sheet -> long rows (coder, unit, variable, value), skipped rows left out."""
    if "quote_id" not in sheet.columns:
        raise KeyError(f"coding sheet of {coder!r} has no quote_id column")
    present_scores = [c for c in SHEET_SCORE_COLUMNS if c in sheet.columns]
    rows = []
    for _, row in sheet.iterrows():
        unit = str(row["quote_id"])
        cells = [row[c] for c in codes if c in sheet.columns] + [row[c] for c in present_scores]
        if all(pd.isna(v) or str(v).strip() == "" for v in cells):
            continue  # a row the coder did not reach: missing, not "no code"
        for code in codes:
            if code not in sheet.columns:
                continue
            rows.append((coder, unit, code,
                         _parse_cell(row[code], coder=coder, unit=unit, column=code,
                                     kind="binary")))
        for col in present_scores:
            kind = "binary" if SCORE_LEVELS[col] == "nominal" else "number"
            val = row[col]
            if kind == "binary" and (pd.isna(val) or str(val).strip() == ""):
                val_f = np.nan  # urgency left blank: not coded
            else:
                val_f = _parse_cell(val, coder=coder, unit=unit, column=col, kind=kind)
            rows.append((coder, unit, col, val_f))
    return pd.DataFrame(rows, columns=["coder", "unit", "variable", "value"])


def _package_long(frames: pd.DataFrame | None, scores: pd.DataFrame | None, units,
                  codes: list[str], name: str) -> pd.DataFrame:
    parts = []
    if frames is not None:
        missing = [c for c in ("quote_id", "code") if c not in frames.columns]
        if missing:
            raise KeyError(f"alpha_by_code: package frames lack column(s) {missing}")
        found = set(zip(frames["quote_id"].astype(str), frames["code"].astype(str), strict=True))
        parts.append(pd.DataFrame(
            [(name, u, c, float((u, c) in found)) for u in units for c in codes],
            columns=["coder", "unit", "variable", "value"]))
    if scores is not None:
        if "quote_id" not in scores.columns:
            raise KeyError("alpha_by_code: package scores lack column 'quote_id'")
        sc = scores.assign(quote_id=scores["quote_id"].astype(str)).set_index("quote_id")
        for col in SHEET_SCORE_COLUMNS:
            if col in sc.columns:
                vals = pd.to_numeric(sc[col].reindex(list(units)).astype(object)
                                     .replace({True: 1, False: 0}), errors="coerce")
                parts.append(pd.DataFrame({"coder": name, "unit": list(units), "variable": col,
                                           "value": vals.to_numpy(dtype=float)}))
    if not parts:
        return pd.DataFrame(columns=["coder", "unit", "variable", "value"])
    return pd.concat(parts, ignore_index=True)


def alpha_by_code(
    sheets: Mapping[str, pd.DataFrame],
    package: pd.DataFrame | None = None,
    *,
    codes=None,
    package_scores: pd.DataFrame | None = None,
    package_name: str = "package",
) -> pd.DataFrame:
    """Krippendorff's alpha per code, between coders and between each coder and the package.

    Parameters
    ----------
    sheets : mapping coder name -> DataFrame
        Filled coding sheets (as from :func:`read_coding_sheet`). In a code
        column, 1 / x / yes / true mean the code applies, 0 / no / false / blank
        that it does not; a row whose code, severity and urgency cells are all
        blank counts as not coded (missing). ``severity`` is a number (blank =
        missing), ``urgency`` 0/1 (blank = missing).
    package : DataFrame, optional
        The package's frames table (``quote_id``, ``code``) for the
        coder-vs-package rows.
    codes : list of str, mapping or codebook, optional
        Codes to assess; default: the sheet columns between ``text`` and
        ``severity`` of the first sheet.
    package_scores : DataFrame, optional
        Quotes table with ``quote_id``, ``severity``, ``urgency`` from the
        package, for the score rows of coder-vs-package comparisons.
    package_name : str
        Label of the package in the ``comparison`` column.

    Returns
    -------
    DataFrame
        ``variable`` (code id, ``severity`` or ``urgency``), ``comparison``
        (``"all coders"`` or ``"<coder> vs package"``), ``level``, ``alpha``,
        ``n_units`` (units with two or more values), ``n_coders``,
        ``share_present`` (share of values = 1 for binary variables; NaN for
        severity). Codes are nominal (0/1), severity ordinal, urgency nominal.

    Notes
    -----
    Alpha for a rare code is unstable: with few positive units one disagreement
    moves it a lot, and it is NaN when no coder ever used the code (no
    variation). Report ``n_units`` and ``share_present`` alongside.
    """
    if not sheets:
        raise ValueError("alpha_by_code: no coding sheets given")
    first = next(iter(sheets.values()))
    if codes is None:
        cols = list(first.columns)
        start = cols.index("text") + 1 if "text" in cols else 0
        stop = cols.index("severity") if "severity" in cols else len(cols)
        code_ids = [c for c in cols[start:stop] if c not in SHEET_ID_COLUMNS]
    else:
        code_ids = _code_list(codes)
    long = pd.concat([_sheet_long(s, str(name), code_ids) for name, s in sheets.items()],
                     ignore_index=True)
    coders = [str(c) for c in sheets]
    comparisons: list[tuple[str, list[str]]] = []
    if len(coders) >= 2:
        comparisons.append(("all coders", coders))
    if package is not None or package_scores is not None:
        units = sorted(long["unit"].unique())
        long = pd.concat([long, _package_long(package, package_scores, units, code_ids,
                                              package_name)], ignore_index=True)
        comparisons += [(f"{c} vs {package_name}", [c, package_name]) for c in coders]
    if not comparisons:
        raise ValueError("alpha_by_code needs two coders, or one coder and the package")
    variables = [*code_ids, *[c for c in SHEET_SCORE_COLUMNS if c in set(long["variable"])]]
    rows = []
    for var in variables:
        level = SCORE_LEVELS.get(var, "nominal")
        part = long.loc[(long["variable"] == var) & long["value"].notna()]
        for label, members in comparisons:
            sub = part.loc[part["coder"].isin(members)]
            n_units = int((sub.groupby("unit")["coder"].nunique() >= 2).sum())
            alpha = np.nan
            if n_units and sub["coder"].nunique() >= 2:
                alpha = krippendorff_alpha(sub, "coder", "unit", "value", level=level)
            share = float(sub["value"].mean()) if level == "nominal" and len(sub) else np.nan
            rows.append({"variable": var, "comparison": label, "level": level, "alpha": alpha,
                         "n_units": n_units, "n_coders": int(sub["coder"].nunique()),
                         "share_present": share})
    return pd.DataFrame(rows)


def sheet_from_codes(quotes: pd.DataFrame, coded: pd.DataFrame, codes) -> pd.DataFrame:
    """A filled coding sheet from codes already given per quotation.

    Turns hand-coded gold (or any coder's table) into the sheet format that
    :func:`alpha_by_code` reads, so an existing annotation can be compared with
    other coders or the package.

    Parameters
    ----------
    quotes : DataFrame
        The quotations (``quote_id``, ``doc_id``, ``text``...), as for
        :func:`coding_sheet`.
    coded : DataFrame
        ``quote_id``, ``codes`` (list of code ids, or a ``;``-joined string),
        ``severity`` and ``urgency``; quotations absent here stay blank (not
        coded).
    codes : list of str, mapping or codebook
        As for :func:`coding_sheet`.

    Returns
    -------
    DataFrame
        The coding sheet with ``1`` in each code column that applies, ``0``
        elsewhere, and the severity and urgency (0/1) filled in.
    """
    sheet = coding_sheet(quotes, codes)
    code_ids = [c for c in sheet.columns
                if c not in ("quote_id", "doc_id", "speaker", "text", "severity", "urgency",
                             "note")]
    dup = coded["quote_id"][coded["quote_id"].duplicated()]
    if len(dup):
        raise ValueError(f"coded table: quote_id(s) {sorted(set(dup))[:5]} appear more than once")
    by_id = coded.set_index("quote_id")
    for i, quote_id in enumerate(sheet["quote_id"]):
        if quote_id not in by_id.index:
            continue
        row = by_id.loc[quote_id]
        given = row["codes"]
        if isinstance(given, str):
            given = given.split(";")
        elif given is None or (isinstance(given, float) and pd.isna(given)):
            given = []
        given = {str(c).strip() for c in given} - {""}
        unknown = given - set(code_ids)
        if unknown:
            raise ValueError(f"quotation {quote_id!r}: unknown code(s) {sorted(unknown)}; "
                             f"known: {code_ids}")
        for code in code_ids:
            sheet.loc[sheet.index[i], code] = "1" if code in given else "0"
        sheet.loc[sheet.index[i], "severity"] = _cell_int(row["severity"], quote_id, "severity")
        sheet.loc[sheet.index[i], "urgency"] = _cell_flag(row["urgency"], quote_id)
    return sheet


def _cell_int(value, quote_id, name) -> str:
    """A whole number as sheet text; blank stays blank (not coded)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
        return ""
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"quotation {quote_id!r}: {name} {value!r} is not a number") from None
    if not number.is_integer():
        raise ValueError(f"quotation {quote_id!r}: {name} {value!r} is not a whole number")
    return str(int(number))


def _cell_flag(value, quote_id) -> str:
    """A yes/no value as "1"/"0"; blank stays blank. Text such as "false" is read, not cast."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value).strip().lower()
    if text in _TRUE:
        return "1"
    if text in _FALSE:
        return "0"
    raise ValueError(f"quotation {quote_id!r}: urgency {value!r} is not one of "
                     f"{sorted(_TRUE | (_FALSE - {''}))}")


# --------------------------------------------------------------------------- stance sheets

#: Columns of a stance coding sheet, in order.
STANCE_SHEET_COLUMNS = ("unit_id", "doc_id", "quote_id", "speaker", "target", "mention",
                        "mention_start", "mention_end", "context", "stance", "note")


def stance_coding_sheet(stance: pd.DataFrame, quotes: pd.DataFrame, *, n: int | None = None,
                        random_state: int = 0, path: str | Path | None = None) -> pd.DataFrame:
    """Blank sheet for hand-coding the stance of quotations toward the targets they name.

    The check the model card asks for before trusting a stance method on a new corpus: code
    a random sample of the pipeline's (quotation, target mention) rows by hand, then score
    each method against it with :func:`analysis.evaluate.score_stance_sheet`. The sheet is
    blind: it carries no prediction, probability or evidence.

    Parameters
    ----------
    stance : DataFrame
        Stance table of :func:`analysis.stance.score_stance` or ``analysis run``
        (``doc_id, quote_id, target, mention, mention_start, mention_end``); rows of several
        methods are fine, each mention is listed once.
    quotes : DataFrame
        The quotes table (``quote_id, start, text``; ``speaker`` when present), for the
        context shown to the coder.
    n : int, optional
        Draw this many mentions at random (without replacement); default all.
    random_state : int
        Seed of the draw, so the sample can be reported and redrawn.
    path : str or Path, optional
        Also write the sheet there (UTF-8 CSV; folders are created).

    Returns
    -------
    DataFrame
        :data:`STANCE_SHEET_COLUMNS`, in text order: ``unit_id`` is
        ``doc_id:mention_start:mention_end``; ``context`` the quotation with the mention
        between ⟦ ⟧; ``stance`` (favor / against / neutral) and ``note`` are left blank.

    Raises
    ------
    ValueError
        A missing column, or ``n`` larger than the number of mentions.
    """
    need = {"stance": ("doc_id", "quote_id", "target", "mention", "mention_start",
                       "mention_end"), "quotes": ("quote_id", "start", "text")}
    for name, df in (("stance", stance), ("quotes", quotes)):
        missing = [c for c in need[name] if c not in df.columns]
        if missing:
            raise ValueError(f"stance_coding_sheet: {name} lacks column(s) {missing}; "
                             f"available: {list(df.columns)}")
    keys = ["doc_id", "mention_start", "mention_end"]
    rows = stance.drop_duplicates(keys)[list(need["stance"])].reset_index(drop=True)
    if n is not None:
        if n > len(rows):
            raise ValueError(f"stance_coding_sheet: n={n} but the stance table has "
                             f"{len(rows)} mentions")
        rows = rows.sample(n=n, random_state=random_state)
    rows = rows.sort_values(keys, kind="stable").reset_index(drop=True)
    q = quotes.drop_duplicates("quote_id").set_index("quote_id")
    contexts, speakers = [], []
    for r in rows.itertuples(index=False):
        if r.quote_id not in q.index:
            raise ValueError(f"stance_coding_sheet: quotation {r.quote_id!r} of mention "
                             f"{r.mention!r} is not in quotes")
        qr = q.loc[r.quote_id]
        text, s = str(qr["text"]), int(r.mention_start) - int(qr["start"])
        e = s + int(r.mention_end) - int(r.mention_start)
        contexts.append(f"{text[:s]}⟦{text[s:e]}⟧{text[e:]}" if 0 <= s <= e <= len(text)
                        else text)
        spk = qr.get("speaker", "")
        speakers.append("" if pd.isna(spk) else str(spk))
    sheet = rows.assign(
        unit_id=[f"{d}:{int(s)}:{int(e)}" for d, s, e in
                 zip(rows["doc_id"], rows["mention_start"], rows["mention_end"], strict=True)],
        speaker=speakers, context=contexts, stance="", note="")
    sheet = sheet[list(STANCE_SHEET_COLUMNS)]
    if path is not None:
        _write_sheet(sheet, path)
    return sheet


def read_stance_sheet(path: str | Path) -> pd.DataFrame:
    """Read a stance coding sheet filled in by a coder.

    Labels are read case-insensitively with spaces trimmed; a blank label means "not
    coded" (such rows are left out when scoring).

    Raises
    ------
    ValueError
        A missing column, or a label other than favor, against, neutral or blank, naming
        the file, the row (as a spreadsheet shows it, header = row 1) and the unit.
    """
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in ("unit_id", "doc_id", "mention_start", "mention_end", "stance")
               if c not in sheet.columns]
    if missing:
        raise ValueError(f"{path}: not a stance sheet, missing column(s) {missing}")
    labels = sheet["stance"].str.strip().str.lower()
    bad = ~labels.isin(("", *STANCE_LABELS))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"{path}: row {i + 2} (unit {sheet['unit_id'].iloc[i]}): stance "
                         f"{sheet['stance'].iloc[i].strip()!r} is not one of "
                         f"{', '.join(STANCE_LABELS)} or blank")
    sheet["stance"] = labels
    for c in ("mention_start", "mention_end"):
        sheet[c] = sheet[c].astype(int)
    return sheet
