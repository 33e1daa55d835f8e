"""transfer-evaluation: evaluate municipal integration networks in transfer projects.

Nothing is computed at import time; start from :mod:`evaluation.config.project` (load a project
file), :mod:`evaluation.io.ingest` (read survey exports) or the ``transfer-eval`` command.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("transfer-evaluation")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"

__all__ = ["__version__"]
