"""JournalRedisBackend: journal records in Redis, in the key layout Optuna's JournalRedisBackend uses.

Layout (Optuna's, so either library reads a journal the other wrote):

* ``{prefix}:log_number``: the number of the last record (``-1`` before the first).
* ``{prefix}:log:{n}``: record ``n`` (from 0), one JSON object without its newline.

pyhpo appends a whole batch in one Lua script (INCRBY plus one SET per record, run atomically by the server),
and reads with one script that returns the last record number and every record from a cursor to the current
end. The cursor is a record index.

A missing record key below ``log_number`` is never the end of the log. On one server every append is atomic
(pyhpo's script, Optuna's ``EVAL``), so a gap is a lost key (evicted, deleted, a partial restore): it is
reported as :class:`~pyhpo.exceptions.JournalCorruptionError` naming the index, the key and what the journal
holds after it, after a short recheck in case a writer in cluster mode (INCRBY, then SET) is between its two
commands. With ``use_cluster=True`` that window is normal, so the reader waits for the record (reading nothing
past it) and reports the gap only when it outlasts ``_CLUSTER_GAP_GRACE`` seconds.
"""

from __future__ import annotations

import re
import time
from typing import Any

from pyhpo._experimental import experimental_class
from pyhpo.exceptions import JournalCorruptionError
from pyhpo.storages.journal._base import BaseJournalBackend

__all__ = ["JournalRedisBackend"]

# KEYS: none (the prefix is an argument, as in Optuna's script). ARGV[1] = prefix, ARGV[2..] = records.
_APPEND = """
local prefix = ARGV[1]
redis.call('setnx', prefix .. ':log_number', -1)
local last = redis.call('incrby', prefix .. ':log_number', #ARGV - 1)
local first = last - (#ARGV - 1) + 1
for i = 2, #ARGV do
  redis.call('set', prefix .. ':log:' .. (first + i - 2), ARGV[i])
end
return last
"""

# ARGV[1] = prefix, ARGV[2] = first record index, ARGV[3] = most records to return.
# Returns {last record number, {records first..stop}}: one atomic view of the counter and the keys.
_READ = """
local prefix = ARGV[1]
local last = tonumber(redis.call('get', prefix .. ':log_number') or '-1')
local first = tonumber(ARGV[2])
local stop = math.min(last, first + tonumber(ARGV[3]) - 1)
if stop < first then
  return {last, {}}
end
local keys = {}
for i = first, stop do
  keys[#keys + 1] = prefix .. ':log:' .. i
end
return {last, redis.call('mget', unpack(keys))}
"""

# Records returned per read call: bounded so a huge journal streams in pieces.
_READ_BATCH = 4096

# Standalone server: how long a gap is rechecked before it is reported (only a cluster-mode writer sharing the
# server can leave one for a moment). Cluster mode: how long a reader waits for a reserved record.
_GAP_RECHECKS = (0.05, 0.2, 0.5)
_CLUSTER_GAP_GRACE = 60.0
_GAP_SURVEY = 16 * _READ_BATCH  # records after a gap looked at for the error message

_PASSWORD = re.compile(r"(?<=://)([^:/@]*):[^@/]*@")


@experimental_class("3.1.0")
class JournalRedisBackend(BaseJournalBackend):
    """Journal backend storing records in Redis (Optuna's class name, signature and key layout).

    Args:
        url:
            Redis URL, e.g. ``redis://localhost:6379/0`` (password and database optional).
        use_cluster:
            ``True`` for a Redis Cluster. Scripts cannot touch keys of several hash slots there, so a batch
            is then written with plain commands (INCRBY, then SET per record) and is not atomic: a reader may
            briefly see a gap, which it waits out. As in Optuna.
        prefix:
            Prefix of every key, to keep several journals on one server apart.
    """

    def __init__(self, url: str, use_cluster: bool = False, prefix: str = "") -> None:
        try:
            import redis
        except ImportError as err:  # pragma: no cover - depends on the environment
            raise ImportError(
                "JournalRedisBackend needs the redis package: pip install 'pyhpo-opt[redis]'."
            ) from err
        if not isinstance(url, str) or not url:
            raise ValueError(f"url must be a Redis URL such as 'redis://localhost:6379/0', got {url!r}.")
        self._url = url
        self._gap: tuple[int, float] | None = None  # cluster mode: (missing index, when first seen)
        self._use_cluster = bool(use_cluster)
        self._prefix = prefix
        self._redis = redis.Redis.from_url(url)
        self._append_script = self._redis.register_script(_APPEND)
        self._read_script = self._redis.register_script(_READ)

    def __getstate__(self) -> dict[str, Any]:
        return {"url": self._url, "use_cluster": self._use_cluster, "prefix": self._prefix}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["url"], state["use_cluster"], state["prefix"])  # type: ignore[misc]

    def read_chunk(self, cursor: int) -> tuple[bytes, int]:
        """Return the records from index ``cursor`` on, as complete lines, and the index after them.

        Raises:
            JournalCorruptionError: A record key below ``log_number`` is missing (see the module docstring),
                or ``log_number`` is below records already read (the counter was reset or deleted).
        """
        if cursor < 0:
            raise ValueError(f"cursor must be a non-negative record index, got {cursor!r}.")
        last, raw = self._fetch(cursor)
        if last < cursor - 1:
            raise JournalCorruptionError(
                self._journal_location(),
                cursor,
                cursor + 1,
                f"the key {self._prefix + ':log_number'!r} says the last record is {last}, but records up to "
                f"{cursor - 1} were already read: the counter was reset or deleted",
            )
        lines = []
        for item in raw:
            if item is None:
                break
            lines.append(item)
        if lines:
            self._gap = None
            return b"\n".join(lines) + b"\n", cursor + len(lines)
        if raw and self._gap_filled(cursor, last):  # missing although log_number counts it, then written
            return self.read_chunk(cursor)
        return b"", cursor

    def _fetch(self, cursor: int) -> tuple[int, list[Any]]:
        """``(last record number, records from cursor)``, read in one atomic script on a single server."""
        if self._use_cluster:
            last = self._redis.get(f"{self._prefix}:log_number")
            if last is None:
                return -1, []
            stop = min(int(last), cursor + _READ_BATCH - 1)
            if stop < cursor:
                return int(last), []
            return int(last), list(self._redis.mget([self._key(i) for i in range(cursor, stop + 1)]))
        last, raw = self._read_script(args=[self._prefix, cursor, _READ_BATCH])
        return int(last), list(raw)

    def _gap_filled(self, index: int, last: int) -> bool:
        """The record at ``index`` is missing below ``last``: True once it is written, False to wait longer.

        Raises:
            JournalCorruptionError: The gap outlasted what a live writer can explain.
        """
        if self._use_cluster:
            # A cluster writer reserves numbers with INCRBY and then SETs them one by one: wait, but not forever.
            now = time.monotonic()
            if self._gap is None or self._gap[0] != index:
                self._gap = (index, now)
                return False
            if now - self._gap[1] < _CLUSTER_GAP_GRACE:
                return False
        elif self._gap is None or self._gap[0] != index:
            # Atomic appends leave no gap; only a cluster-mode writer on this server could, for a moment.
            # Rechecked once per gap: a storage that meets it again (every call after the first report)
            # raises at once.
            for delay in _GAP_RECHECKS:
                time.sleep(delay)
                if self._redis.exists(self._key(index)):
                    return True
            self._gap = (index, time.monotonic())
        raise JournalCorruptionError(
            self._journal_location(), index, index + 1, self._describe_gap(index, last)
        )

    def _describe_gap(self, index: int, last: int) -> str:
        """Say what is missing and what the journal holds after it (error path only)."""
        later = range(index + 1, min(last, index + _GAP_SURVEY) + 1)
        present: list[int] = []
        for start in range(0, len(later), _READ_BATCH):
            numbers = later[start : start + _READ_BATCH]
            values = self._redis.mget([self._key(i) for i in numbers])
            present.extend(n for n, value in zip(numbers, values) if value is not None)
        span = f"{len(later)} records after it ({index + 1}..{later[-1]})" if later else ""
        if not later:
            after = "it is the last record"
        elif not present:
            after = f"none of the {span} exists either"
        else:
            after = f"{len(present)} of the {span} exist, the first at index {present[0]}"
        return (
            f"record {index} is missing: the key {self._key(index)!r} does not exist, but "
            f"{self._prefix + ':log_number'!r} says records 0..{last} were written; {after}. A lost key "
            "(evicted under maxmemory, deleted, partly restored) is not the end of the log: the records "
            "from here on cannot be replayed in order"
        )

    def append_chunk(self, data: bytes, *, durable: bool = True) -> tuple[int, int] | None:
        """Append the records of ``data`` in one round trip (a script numbers them on the server).

        Returns:
            The record indexes where the batch begins and just past it.
        """
        if not data:
            return None
        if not data.endswith(b"\n"):
            raise ValueError("data must be complete lines, each ending with b'\\n'.")
        records = data[:-1].split(b"\n")
        if self._use_cluster:
            self._redis.setnx(f"{self._prefix}:log_number", -1)
            last = int(self._redis.incrby(f"{self._prefix}:log_number", len(records)))
            first = last - len(records) + 1
            for index, record in enumerate(records):
                self._redis.set(self._key(first + index), record)
        else:
            last = int(self._append_script(args=[self._prefix, *records]))
        # Durability is the server's persistence policy (appendfsync); nothing to force from here.
        return last - len(records) + 1, last + 1

    def _key(self, number: int) -> str:
        return f"{self._prefix}:log:{number}"

    def _journal_location(self) -> str:
        url = _PASSWORD.sub(r"\1:***@", self._url)  # error messages must not carry the URL's password
        return f"{url} (key prefix {self._prefix!r})"

    def _line_offset(self, cursor: int, byte_in_chunk: int, line_in_chunk: int) -> int:
        return cursor + line_in_chunk
