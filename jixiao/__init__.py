"""jixiao (绩效): budget-performance self-evaluation reports to one exact dataset.

The run and the command line live here; the stages are extract -> normalize -> export.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("jixiao")
except PackageNotFoundError:  # running from a checkout without install
    __version__ = "0.1.0"

__all__ = ["__version__"]
