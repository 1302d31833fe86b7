"""One printer for every benchmark line, so the format lives in one place.

Each line reads ``name: value (target: X) [ok|MISS]``; a figure with no target
prints ``[info]``.
"""

from __future__ import annotations


def report(name: str, value: float | None, target: str | None = None, ok: bool | None = None,
           fmt: str = "{:.3f}") -> str:
    """Print one benchmark figure beside its target and return the line.

    Parameters
    ----------
    name : str
        What was measured, with its unit, e.g. ``"direct exact F1"``.
    value : float or None
        The measurement; None prints ``n/a`` (e.g. data absent).
    target : str, optional
        The target as text, e.g. ``">= 0.95"``.
    ok : bool, optional
        Whether the target is met; None when there is no target.
    fmt : str
        Format for ``value``.
    """
    shown = "n/a" if value is None else fmt.format(value)
    if target is None:
        line = f"{name}: {shown} [info]"
    else:
        verdict = "ok" if ok else "MISS"
        line = f"{name}: {shown} (target: {target}) [{verdict}]"
    print(line, flush=True)
    return line
