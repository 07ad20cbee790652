"""The version of model-catalog (read by the build from here, and by the caches to invalidate themselves)."""

__version__ = "0.1.0"
