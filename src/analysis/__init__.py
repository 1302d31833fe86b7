"""analysis: quotations, speakers, stance and security-threat framing in news.

Stages, each its own module, data flowing one way:
:mod:`analysis.corpus` -> :mod:`analysis.quotes` (with :mod:`analysis.speakers`)
-> :mod:`analysis.sentiment`, :mod:`analysis.targets`, :mod:`analysis.stance`
-> :mod:`analysis.framing` -> :mod:`analysis.compare` -> :mod:`analysis.plots`.
:mod:`analysis.pipeline` runs them all; :mod:`analysis.evaluate` scores them
against human annotation.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("analysis")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
