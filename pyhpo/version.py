"""The installed version of pyhpo."""

__version__ = "0.1.0"
