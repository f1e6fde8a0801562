"""Optional imports that fail late: ``with try_import() as imports: import x`` then ``imports.check()``.

Optuna's private ``optuna._imports.try_import``, which optuna-dashboard and Optuna integrations use; pyhpo keeps
the same name and behaviour so that such code runs with ``optuna`` resolving to pyhpo. A floor-1 module: it
imports only the standard library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, final

if TYPE_CHECKING:
    import types

__all__ = ["try_import"]


@final
class try_import:  # Optuna's (lower-case) name
    """Swallow an ImportError (or SyntaxError) raised in the ``with`` block and re-raise it on :meth:`check`."""

    def __init__(self) -> None:
        self._deferred: tuple[Exception, str] | None = None

    def __enter__(self) -> try_import:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc_value: BaseException | None,
        traceback: types.TracebackType | None,
    ) -> bool | None:
        if isinstance(exc_value, (ImportError, SyntaxError)):
            if isinstance(exc_value, ImportError):
                message = (
                    f"Tried to import '{exc_value.name}' but failed. Please make sure that the package is "
                    f"installed correctly to use this feature. Actual error: {exc_value}."
                )
            else:
                message = (
                    "Tried to import a package but failed due to a syntax error in "
                    f"{exc_value.filename}. Please make sure that the Python version is correct to use this "
                    f"feature. Actual error: {exc_value}."
                )
            self._deferred = (exc_value, message)
            return True
        return None

    def is_successful(self) -> bool:
        """Whether every import in the block succeeded."""
        return self._deferred is None

    def check(self) -> None:
        """Raise the deferred error (as ImportError, chained to the original) if an import failed."""
        if self._deferred is not None:
            error, message = self._deferred
            raise ImportError(message) from error
