"""Execute the project's notebooks with papermill, from their jupytext sources.

The ``notebooks/*.py`` files (jupytext ``py:percent``) are the source of truth.
:func:`execute_notebook` reads one, runs it top to bottom with papermill in the
``notebooks/`` folder (as JupyterLab would), and writes the executed notebook
and an HTML copy to ``reports/notebooks/``. ``python -m analysis.reproduce``
runs every notebook; ``make all`` calls it.

Pass ``parameters`` to point a notebook at another corpus, e.g.
``execute_notebook("01_quotations", parameters={"corpus": "/data/my_articles"})``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from analysis.paths import NOTEBOOKS_DIR, REPORTS_DIR

#: The notebooks ``make all`` executes, in order.
NOTEBOOKS = [
    "01_quotations",
    "02_sentiment_and_stance",
    "03_framing_security_threats",
    "90_evaluation",
]
NOTEBOOK_OUTPUT_DIR = REPORTS_DIR / "notebooks"
#: Parameters that name files or folders. Relative values given by the caller are
#: read from the caller's working directory (the notebooks run inside notebooks/).
PATH_PARAMETERS = ("corpus", "tables_dir", "figures_dir")


def execute_notebook(name: str, *, parameters: dict | None = None,
                     output_dir: str | Path = NOTEBOOK_OUTPUT_DIR, html: bool = True,
                     kernel_name: str = "python3") -> Path:
    """Run one notebook and save the executed copy.

    Parameters
    ----------
    name : str
        Notebook stem in ``notebooks/``, e.g. ``"01_quotations"``.
    parameters : dict, optional
        Values that replace the notebook's ``parameters`` cell. Relative paths
        in ``corpus``, ``tables_dir`` and ``figures_dir`` are taken from the
        current working directory. Without ``tables_dir`` and ``figures_dir``,
        outputs go to ``reports/`` (replacing the sample's).
    output_dir : str or Path
        Where the executed ``.ipynb`` (and ``.html``) go.
    html : bool
        Also export HTML with nbconvert.
    kernel_name : str
        Jupyter kernel; the default runs the interpreter papermill runs in.

    Returns
    -------
    Path
        The executed notebook.

    Raises
    ------
    FileNotFoundError
        When ``notebooks/{name}.py`` does not exist.
    papermill.PapermillExecutionError
        When a cell fails; the message names the cell and the exception.
    """
    import jupytext
    import papermill
    from traitlets.config import Config

    source = NOTEBOOKS_DIR / f"{name}.py"
    if not source.exists():
        known = ", ".join(sorted(p.stem for p in NOTEBOOKS_DIR.glob("*.py")))
        raise FileNotFoundError(f"{source}: no such notebook; known: {known}")
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    parameters = {
        key: (str(Path(value).resolve()) if key in PATH_PARAMETERS and isinstance(value, str)
              else value)
        for key, value in (parameters or {}).items()
    }
    notebook = jupytext.read(source)
    notebook.metadata["kernelspec"] = {"name": kernel_name, "display_name": "Python 3",
                                       "language": "python"}
    output = output_dir / f"{name}.ipynb"
    with tempfile.TemporaryDirectory(prefix="analysis-kernel-") as sockets:
        # IPC sockets in a private folder instead of TCP ports: nothing else on the machine
        # can reach the kernel, and ipykernel has no unencrypted-TCP warning to print.
        config = Config()
        config.KernelManager.transport = "ipc"
        config.KernelManager.ip = str(Path(sockets) / "kernel")
        papermill.execute_notebook(
            notebook, str(output), parameters=parameters or {}, kernel_name=kernel_name,
            cwd=str(NOTEBOOKS_DIR), progress_bar=False, log_output=False, config=config,
        )
    if html:
        from nbconvert import HTMLExporter

        body, _ = HTMLExporter().from_filename(str(output))
        output.with_suffix(".html").write_text(body, encoding="utf-8")
    return output


def main(argv: list[str] | None = None) -> int:
    """Execute the notebooks named on the command line (default: all)."""
    parser = argparse.ArgumentParser(prog="python -m analysis.reproduce",
                                     description="Execute the notebooks into reports/.")
    parser.add_argument("names", nargs="*", default=NOTEBOOKS, help="notebook stems")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML export")
    args = parser.parse_args(argv)
    for name in args.names:
        t0 = time.perf_counter()
        out = execute_notebook(name, html=not args.no_html)
        print(f"{name}: {time.perf_counter() - t0:.1f} s -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
