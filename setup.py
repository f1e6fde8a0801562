"""Only what pyproject.toml cannot say: the cffi module of the C journal engine."""
from setuptools import setup

setup(cffi_modules=["csrc/ffi_build.py:ffibuilder"])
