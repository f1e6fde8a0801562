"""JournalRedisBackend: journal records in Redis, in the key layout Optuna's JournalRedisBackend uses.

Layout (Optuna's, so either library reads a journal the other wrote):

* ``{prefix}:log_number``: the number of the last record (``-1`` before the first).
* ``{prefix}:log:{n}``: record ``n`` (from 0), one JSON object without its newline.

pyhpo appends a whole batch in one Lua script (INCRBY plus one SET per record, run atomically by the server),
and reads with one script that returns every record from a cursor to the current end. The cursor is a record
index.
"""

from __future__ import annotations

from typing import Any

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
_READ = """
local prefix = ARGV[1]
local last = tonumber(redis.call('get', prefix .. ':log_number') or '-1')
local first = tonumber(ARGV[2])
local stop = math.min(last, first + tonumber(ARGV[3]) - 1)
if stop < first then
  return {}
end
local keys = {}
for i = first, stop do
  keys[#keys + 1] = prefix .. ':log:' .. i
end
return redis.call('mget', unpack(keys))
"""

# Records returned per read call: bounded so a huge journal streams in pieces.
_READ_BATCH = 4096


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
                "JournalRedisBackend needs the redis package: pip install 'pyhpo[redis]'."
            ) from err
        if not isinstance(url, str) or not url:
            raise ValueError(f"url must be a Redis URL such as 'redis://localhost:6379/0', got {url!r}.")
        self._url = url
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
        if cursor < 0:
            raise ValueError(f"cursor must be a non-negative record index, got {cursor!r}.")
        if self._use_cluster:
            raw = self._read_plain(cursor)
        else:
            raw = self._read_script(args=[self._prefix, cursor, _READ_BATCH])
        lines = []
        for item in raw:
            if item is None:
                break  # A cluster writer has reserved the number but not yet written the record.
            lines.append(item)
        if not lines:
            return b"", cursor
        return b"\n".join(lines) + b"\n", cursor + len(lines)

    def _read_plain(self, cursor: int) -> list[Any]:
        last = self._redis.get(f"{self._prefix}:log_number")
        if last is None:
            return []
        stop = min(int(last), cursor + _READ_BATCH - 1)
        if stop < cursor:
            return []
        return list(self._redis.mget([self._key(i) for i in range(cursor, stop + 1)]))

    def append_chunk(self, data: bytes, *, durable: bool = True) -> None:
        if not data:
            return
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
            self._append_script(args=[self._prefix, *records])
        # Durability is the server's persistence policy (appendfsync); nothing to force from here.

    def _key(self, number: int) -> str:
        return f"{self._prefix}:log:{number}"

    def _journal_location(self) -> str:
        return f"{self._url} (key prefix {self._prefix!r})"

    def _line_offset(self, cursor: int, byte_in_chunk: int, line_in_chunk: int) -> int:
        return cursor + line_in_chunk
