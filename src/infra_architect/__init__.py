"""infra-architect: from a system's requirements to a validated infrastructure design."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("infra-architect")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
