"""``pyhpo.integration.dask``, as ``optuna.integration.dask``: :class:`DaskStorage`."""

from pyhpo.integration._dask import DaskStorage

__all__ = ["DaskStorage"]
