"""JournalRedisBackend: journal records in Redis, in the key layout Optuna's JournalRedisBackend uses.

Layout (Optuna's, so either library reads a journal the other wrote):

* ``{prefix}:log_number``: the number of the last record (``-1`` before the first).
* ``{prefix}:log:{n}``: record ``n`` (from 0), one JSON object without its newline.

pyhpo appends a whole batch in one Lua script (INCRBY plus one SET per record, run atomically by the server),
and reads with one script that returns the last record number and every record from a cursor to the current
end. The cursor is a record index. A storage's append also reads, in the same script, the records other
writers appended between its cursor and its batch (:meth:`JournalRedisBackend.append_and_read_chunk`), so a
storage call that writes costs one round trip however many processes share the journal. Scripts run on a
connection of the backend's own (one per process, reopened after a fork) with the commands encoded here:
redis-py's per-call machinery costs several times the round trip itself; any connection error falls back to
the redis-py client and its retries. An append sent again after its reply was lost is applied once: each writer
(process and thread) keeps the token of its last batch in ``{prefix}:pyhpo-writer:{id}`` (see ``_APPLY_ONCE``).

A missing record key below ``log_number`` is never the end of the log. On one server every append is atomic
(pyhpo's script, Optuna's ``EVAL``), so a gap is a lost key (evicted, deleted, a partial restore): it is
reported as :class:`~pyhpo.exceptions.JournalCorruptionError` naming the index, the key and what the journal
holds after it, after a short recheck in case a writer in cluster mode (INCRBY, then SET) is between its two
commands. With ``use_cluster=True`` that window is normal, so the reader waits for the record (reading nothing
past it) and reports the gap only when it outlasts ``_CLUSTER_GAP_GRACE`` seconds.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
import time
from typing import Any

from pyhpo._experimental import experimental_class
from pyhpo._runtime import after_fork
from pyhpo.exceptions import JournalCorruptionError
from pyhpo.storages.journal._base import BaseJournalBackend

__all__ = ["JournalRedisBackend"]

# Both append scripts take ARGV[1] = prefix, ARGV[2] = writer key, ARGV[3] = the call's token, and apply a
# batch once: the writer key (one per process and thread, expiring after an hour) keeps the token and first
# record index of the writer's last batch, so a call resent after a lost reply finds its token there and
# returns the batch's place instead of appending it again. A writer sends one call at a time, so its last
# batch is the only one that can be resent. RECORDS is the index of the first record in ARGV.
_APPLY_ONCE = """
local prefix = ARGV[1]
local n = #ARGV - RECORDS + 1
local seen = redis.call('get', ARGV[2])
local first
if seen and string.sub(seen, 1, #ARGV[3] + 1) == ARGV[3] .. ' ' then
  first = tonumber(string.sub(seen, #ARGV[3] + 2))
else
  redis.call('setnx', prefix .. ':log_number', -1)
  first = redis.call('incrby', prefix .. ':log_number', n) - n + 1
  for i = 1, n do
    redis.call('set', prefix .. ':log:' .. (first + i - 1), ARGV[i + RECORDS - 1])
  end
  redis.call('set', ARGV[2], ARGV[3] .. ' ' .. first, 'EX', 3600)
end
"""

# ARGV[4..] = records. Returns the number of the batch's last record.
_APPEND = _APPLY_ONCE.replace("RECORDS", "4") + "return first + n - 1\n"

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

# ARGV[4] = the reader's cursor, ARGV[5] = most records to return, ARGV[6..] = records. Appends like _APPEND,
# then returns {first record number of the batch, {records cursor..first-1}}: what other writers appended since
# the reader's cursor, read in the same atomic step. Only {first} when nothing came in between, or too much to
# return here (the reader then reads in pieces), or the cursor is past the batch.
_APPEND_READ = (
    _APPLY_ONCE.replace("RECORDS", "6")
    + """
local cursor = tonumber(ARGV[4])
if first <= cursor or first - cursor > tonumber(ARGV[5]) then
  return {first}
end
local keys = {}
for i = cursor, first - 1 do
  keys[#keys + 1] = prefix .. ':log:' .. i
end
return {first, redis.call('mget', unpack(keys))}
"""
)

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
        self._append_read_script = self._redis.register_script(_APPEND_READ)
        self._prefix_arg = _arg(prefix)
        self._no_script = redis.exceptions.NoScriptError
        self._connection_errors = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
        self._after_fork_in_child()
        after_fork(self)

    def _after_fork_in_child(self) -> None:
        # A forked child must not talk on its parent's socket, nor wait for a lock a parent thread held, nor
        # pass for its parent's writer (a call of one resent would be taken for the other's).
        self._connection: Any = None
        self._connection_lock = threading.Lock()
        self._writer = f"{self._prefix}:pyhpo-writer:{os.urandom(8).hex()}-"
        self._tokens = itertools.count()

    def _once_args(self) -> list[bytes]:
        """The writer key and a new token of an append: what makes resending it harmless."""
        return [(self._writer + str(threading.get_ident())).encode(), _arg(next(self._tokens))]

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
        data, next_cursor, _ = self.read_chunk_to_end(cursor)
        return data, next_cursor

    def read_chunk_to_end(self, cursor: int) -> tuple[bytes, int, bool]:
        """:meth:`read_chunk`, and whether the lines reach the last record ``log_number`` counted at the read.

        Raises:
            JournalCorruptionError: As :meth:`read_chunk`.
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
            return b"\n".join(lines) + b"\n", cursor + len(lines), cursor + len(lines) > last
        if raw and self._gap_filled(cursor, last):  # missing although log_number counts it, then written
            return self.read_chunk_to_end(cursor)
        return b"", cursor, cursor > last

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
        last, raw = self._run(self._read_script, [self._prefix_arg, _arg(cursor), _READ_BATCH_ARG])
        return int(last), list(raw)

    def _run(self, script: Any, args: list[bytes]) -> Any:
        """``script(args=args)`` in one round trip on this process's own connection.

        EVALSHA goes out encoded here (see ``_command``). NOSCRIPT (a restarted or flushed server) loads the
        script and sends again. A connection error drops the connection and hands the call to the redis-py
        client, so its retry policy applies as it does to every other command.
        """
        command = _command(b"EVALSHA", script.sha.encode(), b"0", *args)
        with self._connection_lock:
            connection = self._connection
            if connection is None:
                connection = self._connection = self._redis.connection_pool.make_connection()
            try:
                try:
                    connection.send_packed_command([command], check_health=False)
                    return connection.read_response()
                except self._no_script:
                    script.sha = self._redis.script_load(script.script)
                    command = _command(b"EVALSHA", script.sha.encode(), b"0", *args)
                    connection.send_packed_command([command], check_health=False)
                    return connection.read_response()
            except self._connection_errors:
                connection.disconnect()
        return script(args=args)

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
        records = _records(data)
        if self._use_cluster:
            self._redis.setnx(f"{self._prefix}:log_number", -1)
            last = int(self._redis.incrby(f"{self._prefix}:log_number", len(records)))
            first = last - len(records) + 1
            for index, record in enumerate(records):
                self._redis.set(self._key(first + index), record)
        else:
            last = int(self._run(self._append_script, [self._prefix_arg, *self._once_args(), *records]))
        # Durability is the server's persistence policy (appendfsync); nothing to force from here.
        return last - len(records) + 1, last + 1

    def append_and_read_chunk(
        self, data: bytes, cursor: int, *, durable: bool = True
    ) -> tuple[bytes, tuple[int, int] | None]:
        """Append ``data`` and read what other writers appended from ``cursor`` up to it, in one round trip.

        Returns:
            ``(lines, (start, end))``: ``lines`` are the records from ``cursor`` to ``start`` (the batch's first
            record), or ``b""`` when there are none, or more than one read returns, or one is missing (the
            caller's own read then takes them in pieces, or waits for or reports the gap).
        """
        if self._use_cluster or not data:
            return b"", self.append_chunk(data, durable=durable)
        if cursor < 0:
            raise ValueError(f"cursor must be a non-negative record index, got {cursor!r}.")
        records = _records(data)
        reply = self._run(
            self._append_read_script,
            [self._prefix_arg, *self._once_args(), _arg(cursor), _READ_BATCH_ARG, *records],
        )
        first = int(reply[0])
        span = (first, first + len(records))
        if len(reply) < 2 or None in reply[1]:
            return b"", span
        self._gap = None
        return b"\n".join(reply[1]) + b"\n", span

    def _key(self, number: int) -> str:
        return f"{self._prefix}:log:{number}"

    def _journal_location(self) -> str:
        url = _PASSWORD.sub(r"\1:***@", self._url)  # error messages must not carry the URL's password
        return f"{url} (key prefix {self._prefix!r})"

    def _line_offset(self, cursor: int, byte_in_chunk: int, line_in_chunk: int) -> int:
        return cursor + line_in_chunk


def _records(data: bytes) -> list[bytes]:
    """The records of a batch of complete lines, without their newlines."""
    if not data.endswith(b"\n"):
        raise ValueError("data must be complete lines, each ending with b'\\n'.")
    return data[:-1].split(b"\n")


def _arg(value: int | str) -> bytes:
    return str(value).encode()


_READ_BATCH_ARG = _arg(_READ_BATCH)


def _command(*args: bytes) -> bytes:
    """One command in the Redis protocol (RESP): an array of bulk strings."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        parts.append(b"$%d\r\n%b\r\n" % (len(arg), arg))
    return b"".join(parts)
