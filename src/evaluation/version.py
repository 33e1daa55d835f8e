"""The installed version of the package, read once from its metadata."""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("transfer-evaluation")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0+unknown"
