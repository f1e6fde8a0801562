"""The C journal engine through its one Python wrapper, ``pyhpo.storages.journal._engine.Engine``.

Build the extension in place first: ``python csrc/ffi_build.py`` (from the root of a clone).
"""

from __future__ import annotations

import errno
import fcntl
import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from pyhpo.exceptions import JournalCorruptionError
from pyhpo.storages.journal import _engine
from pyhpo.storages.journal._engine import Engine

# Every test runs once per journal engine (tests/storages/journal/conftest.py: journal_engine).
pytestmark = pytest.mark.usefixtures("journal_engine")


def line(i: int, size: int = 40) -> bytes:
    body = f'{{"op_code":0,"i":{i},"pad":"'.encode()
    return body + b"x" * max(0, size - len(body) - 3) + b'"}\n'


def hold_ofd_lock(path: pathlib.Path) -> subprocess.Popen[bytes]:
    """Start a child that takes the journal's OFD write lock with fcntl() and sleeps; wait until it holds it."""
    code = textwrap.dedent(
        f"""
        import fcntl, os, struct, sys, time
        fd = os.open({str(path)!r}, os.O_RDWR)
        fcntl.fcntl(fd, fcntl.F_OFD_SETLKW, struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0))
        sys.stdout.write("locked\\n"); sys.stdout.flush()
        time.sleep(60)
        """
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    assert child.stdout is not None
    assert child.stdout.readline() == b"locked\n"
    return child


@pytest.fixture
def journal(tmp_path: pathlib.Path) -> pathlib.Path:
    return tmp_path / "journal.log"


def test_appended_batches_read_back_in_order(journal: pathlib.Path) -> None:
    with Engine(journal) as engine:
        batches = [line(0), line(1) + line(2), line(3, size=500)]
        ends = [engine.append(batch, sync=False) for batch in batches]
        everything = b"".join(batches)
        assert ends == [len(batches[0]), len(batches[0] + batches[1]), len(everything)]
        assert engine.read(0) == everything
        assert engine.read(ends[0]) == everything[ends[0] :]
        assert engine.read(ends[-1]) == b""
        assert engine.size() == len(everything)
        assert engine.lock_mode == "ofd"
    assert journal.read_bytes() == everything


def test_sync_append_writes_the_same_bytes(journal: pathlib.Path) -> None:
    with Engine(journal) as engine:
        engine.append(line(0), sync=True)
        engine.append(line(1), sync=False)
    assert journal.read_bytes() == line(0) + line(1)


def test_opening_creates_the_file_only_when_asked(journal: pathlib.Path) -> None:
    with pytest.raises(FileNotFoundError) as info:
        Engine(journal, create=False)
    assert info.value.filename == str(journal)
    assert not journal.exists()
    Engine(journal).close()
    assert journal.exists() and journal.stat().st_size == 0


def test_reader_sees_only_complete_lines(journal: pathlib.Path) -> None:
    with Engine(journal) as engine:
        end = engine.append(line(0), sync=False)
        with open(journal, "ab") as raw:  # another writer, halfway through its line
            raw.write(line(1)[:10])
            raw.flush()
            assert engine.read(0) == line(0)
            assert engine.read(end) == b""
            raw.write(line(1)[10:])
            raw.flush()
        assert engine.read(end) == line(1)


def test_line_longer_than_the_read_buffer_is_read_whole(
    journal: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_engine, "_INITIAL_READ_CAPACITY", 16)
    with Engine(journal) as engine:
        big = line(1, size=5000)
        engine.append(line(0, size=12) + big + line(2, size=12), sync=False)
        first = engine.read(0)
        assert first == line(0, size=12)  # what fits in 16 bytes
        # The next line does not fit: the buffer doubles until it does, and keeps that size.
        assert engine.read(len(first)) == big + line(2, size=12)
        assert 5000 < engine._capacity <= 2 * 5000 + 32


def test_reading_from_the_middle_of_a_line_is_corruption(journal: pathlib.Path) -> None:
    with Engine(journal) as engine:
        engine.append(line(0) + line(1), sync=False)
        with pytest.raises(JournalCorruptionError) as info:
            engine.read(5)
        assert (info.value.path, info.value.offset, info.value.line_number) == (str(journal), 5, 1)


def test_reading_past_a_truncated_end_is_corruption(journal: pathlib.Path) -> None:
    with Engine(journal) as engine:
        end = engine.append(line(0) + line(1), sync=False)
        os.truncate(journal, len(line(0)))
        with pytest.raises(JournalCorruptionError, match="shorter than the reader's position") as info:
            engine.read(end)
        assert info.value.offset == end


@pytest.mark.parametrize(("limit", "kept_lines"), [(4 * 50 + 100, 2), (4 * 50 + 130, 2), (4 * 50 + 150, 3)])
def test_failed_write_keeps_only_the_complete_lines_that_reached_the_file(
    journal: pathlib.Path, limit: int, kept_lines: int
) -> None:
    # RLIMIT_FSIZE makes write() stop at `limit` bytes (Python ignores SIGXFSZ, so the write fails with EFBIG).
    code = textwrap.dedent(
        f"""
        import errno, resource
        from pyhpo.storages.journal._engine import Engine
        engine = Engine({str(journal)!r})
        engine.append({line(0, 50) * 4!r}, sync=False)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, resource.RLIM_INFINITY))
        try:
            engine.append(b"".join({[line(i, 50) for i in range(10, 15)]!r}), sync=False)
        except OSError as err:
            assert err.errno == errno.EFBIG and err.filename == {str(journal)!r}, err
        else:
            raise AssertionError("the write did not fail")
        resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        engine.append({line(99, 50)!r}, sync=False)
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    expected = line(0, 50) * 4 + b"".join(line(i, 50) for i in range(10, 10 + kept_lines)) + line(99, 50)
    assert journal.read_bytes() == expected


def test_appending_to_a_replaced_file_fails_with_estale(journal: pathlib.Path) -> None:
    with Engine(journal) as engine:
        engine.append(line(0), sync=False)
        other = journal.with_name("other.log")
        other.write_bytes(line(9))
        os.rename(other, journal)
        with pytest.raises(OSError) as info:
            engine.append(line(1), sync=False)
        assert info.value.errno == errno.ESTALE
        assert info.value.filename == str(journal)
    assert journal.read_bytes() == line(9)


def test_appending_to_a_deleted_file_fails_with_estale(journal: pathlib.Path) -> None:
    with Engine(journal) as engine:
        journal.unlink()
        with pytest.raises(OSError) as info:
            engine.append(line(0), sync=False)
        assert info.value.errno == errno.ESTALE
    assert not journal.exists()


def test_errors_become_the_matching_oserror_subclass_with_the_path(tmp_path: pathlib.Path) -> None:
    missing = tmp_path / "no-such-folder" / "journal.log"
    with pytest.raises(FileNotFoundError) as info:
        Engine(missing)
    assert info.value.filename == str(missing)
    with pytest.raises(IsADirectoryError) as dir_info:
        Engine(tmp_path)
    assert dir_info.value.filename == str(tmp_path)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(OSError) as fifo_info:
        Engine(fifo)
    assert fifo_info.value.errno == errno.EINVAL and fifo_info.value.filename == str(fifo)


def test_refused_kernel_lock_tells_the_user_to_pass_lock_obj() -> None:
    for err in (errno.ENOLCK, errno.EOPNOTSUPP):
        with pytest.raises(OSError, match="lock_obj=JournalFileOpenLock") as info:
            _engine._raise(err, "/nfs/journal.log")
        assert info.value.errno == err and info.value.filename == "/nfs/journal.log"


def test_bad_arguments_are_refused_before_c_sees_them(journal: pathlib.Path) -> None:
    with pytest.raises(TypeError, match="str or os.PathLike"):
        Engine(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="NUL"):
        Engine("bad\0path")
    with Engine(journal) as engine:
        with pytest.raises(ValueError, match="complete lines"):
            engine.append(b'{"a":1}', sync=False)
        with pytest.raises(TypeError, match="bytes"):
            engine.append('{"a":1}\n', sync=False)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="non-negative int"):
            engine.read(-1)
    assert journal.read_bytes() == b""
    with pytest.raises(ValueError, match="closed journal"):
        engine.read(0)


def test_descriptor_is_above_stdio_and_close_on_exec_even_with_0_1_2_closed(journal: pathlib.Path) -> None:
    code = textwrap.dedent(
        f"""
        import os
        from pyhpo.storages.journal._engine import Engine
        for fd in (0, 1, 2):
            os.close(fd)
        engine = Engine({str(journal)!r})
        engine.append(b'{{"ok":1}}\\n', sync=False)
        found = []
        for name in os.listdir("/proc/self/fd"):
            try:
                target = os.readlink(f"/proc/self/fd/{{name}}")
            except OSError:
                continue
            if target == {str(journal)!r}:
                with open(f"/proc/self/fdinfo/{{name}}") as info:
                    flags = int(info.read().split("flags:")[1].split()[0], 8)
                found.append((int(name), bool(flags & os.O_CLOEXEC)))
        with open({str(journal) + ".result"!r}, "w") as out:
            out.write(repr(found))
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    found = eval(pathlib.Path(str(journal) + ".result").read_text())
    assert len(found) == 1
    fd, cloexec = found[0]
    assert fd >= 3 and cloexec
    assert journal.read_bytes() == b'{"ok":1}\n'


def test_lock_wait_interrupted_by_a_signal_raises_the_handlers_exception(journal: pathlib.Path) -> None:
    engine = Engine(journal)
    holder = hold_ofd_lock(journal)

    class Interrupted(Exception):
        pass

    def on_alarm(signum: int, frame: object) -> None:
        raise Interrupted

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        started = time.monotonic()
        with pytest.raises(Interrupted):
            engine.append(line(0), sync=False)
        assert time.monotonic() - started < 5
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        holder.kill()
        holder.wait()
    assert journal.read_bytes() == b""
    engine.append(line(1), sync=False)  # the lock died with its holder
    assert journal.read_bytes() == line(1)
    engine.close()


def test_lock_wait_resumes_after_a_signal_whose_handler_returns(journal: pathlib.Path) -> None:
    engine = Engine(journal)
    holder = hold_ofd_lock(journal)
    calls = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: calls.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        threading.Timer(0.5, holder.kill).start()
        engine.append(line(0), sync=False)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        holder.kill()
        holder.wait()
    assert calls == [signal.SIGALRM]
    assert journal.read_bytes() == line(0)
    engine.close()


def test_threads_sharing_one_engine_never_interleave(journal: pathlib.Path) -> None:
    engine = Engine(journal)

    def work(t: int) -> None:
        for i in range(300):
            engine.append(line(t * 1000 + i, size=100) * 3, sync=False)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = engine.read(0).splitlines(keepends=True)
    assert len(lines) == 4 * 300 * 3
    assert sorted(set(lines)) == sorted({line(t * 1000 + i, size=100) for t in range(4) for i in range(300)})
    engine.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")
def test_forked_child_opens_its_own_handle_and_never_deadlocks(journal: pathlib.Path) -> None:
    engine = Engine(journal)
    engine.append(line(0), sync=False)
    engine._append_guard.acquire()  # another thread is mid-append at fork time
    pid = os.fork()
    if pid == 0:  # child
        try:
            signal.alarm(20)
            for i in range(200):
                engine.append(line(1000 + i), sync=False)
            code = 0 if engine.lock_mode == "ofd" else 3
        except BaseException:  # noqa: BLE001 (a child must never return into pytest)
            code = 2
        os._exit(code)
    engine._append_guard.release()
    for i in range(200):
        engine.append(line(1 + i), sync=False)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    lines = engine.read(0).splitlines(keepends=True)
    assert sorted(lines) == sorted([line(i) for i in range(201)] + [line(1000 + i) for i in range(200)])
    engine.close()


def test_ofd_lock_taken_by_fcntl_excludes_the_engine(journal: pathlib.Path) -> None:
    engine = Engine(journal)
    holder = hold_ofd_lock(journal)
    done = threading.Event()
    worker = threading.Thread(target=lambda: (engine.append(line(0), sync=False), done.set()))
    worker.start()
    assert not done.wait(0.3)  # blocked in the kernel
    assert journal.read_bytes() == b""
    holder.kill()
    holder.wait()
    assert done.wait(5)
    worker.join()
    assert journal.read_bytes() == line(0)
    engine.close()


# A test-only LD_PRELOAD shim: makes F_OFD_SETLKW fail with the errno in PJ_FAKE_OFD_ERRNO, to drive the
# flock() fallback (kernels before 3.15) and the "lock refused" error (NFS without lockd) on this kernel.
FAKE_OFD_SHIM = r"""
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
static int fake(int cmd) {
    const char *e = getenv("PJ_FAKE_OFD_ERRNO");
    if (cmd == F_OFD_SETLKW && e != NULL) { errno = atoi(e); return -1; }
    return 0;
}
#define FORWARD(name) \
    int name(int fd, int cmd, ...) { \
        static int (*real)(int, int, ...); \
        if (real == NULL) real = (int (*)(int, int, ...))dlsym(RTLD_NEXT, #name); \
        va_list ap; va_start(ap, cmd); void *arg = va_arg(ap, void *); va_end(ap); \
        if (fake(cmd) < 0) return -1; \
        return real(fd, cmd, arg); \
    }
FORWARD(fcntl)
FORWARD(fcntl64)
"""


@pytest.fixture(scope="module")
def fake_ofd_shim(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    folder = tmp_path_factory.mktemp("shim")
    (folder / "shim.c").write_text(FAKE_OFD_SHIM)
    built = subprocess.run(
        ["cc", "-shared", "-fPIC", "-O2", "-o", str(folder / "shim.so"), str(folder / "shim.c"), "-ldl"],
        capture_output=True,
        text=True,
        check=False,
    )
    if built.returncode != 0:
        pytest.skip(f"cannot build the LD_PRELOAD shim: {built.stderr[:200]}")
    return folder / "shim.so"


def run_with_fake_ofd(shim: pathlib.Path, err: int, code: str) -> subprocess.Popen[str]:
    env = dict(os.environ, LD_PRELOAD=str(shim), PJ_FAKE_OFD_ERRNO=str(err))
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_kernel_without_ofd_locks_falls_back_to_flock_which_excludes(
    journal: pathlib.Path, fake_ofd_shim: pathlib.Path
) -> None:
    journal.write_bytes(b"")
    fd = os.open(journal, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another writer on the same (old) kernel holds the lock
    child = run_with_fake_ofd(
        fake_ofd_shim,
        errno.EINVAL,
        f"""
        from pyhpo.storages.journal._engine import Engine
        engine = Engine({str(journal)!r})
        print("opened", flush=True)
        engine.append({line(0)!r}, sync=False)
        print(engine.lock_mode, flush=True)
        """,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "opened\n"
        time.sleep(0.3)
        assert child.poll() is None and journal.read_bytes() == b"", "flock must exclude"
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 0, err
    assert out == "flock\n"
    assert journal.read_bytes() == line(0)


@pytest.mark.parametrize("err", [errno.ENOLCK, errno.EOPNOTSUPP])
def test_refused_kernel_lock_end_to_end_names_lock_obj_and_writes_nothing(
    journal: pathlib.Path, fake_ofd_shim: pathlib.Path, err: int
) -> None:
    child = run_with_fake_ofd(
        fake_ofd_shim,
        err,
        f"""
        from pyhpo.storages.journal._file import JournalFileBackend
        try:
            JournalFileBackend({str(journal)!r}).append_logs([{{"op_code": 0}}])
        except OSError as exc:
            print(exc.errno, exc.filename, exc.strerror, sep="|")
        """,
    )
    out, stderr = child.communicate(timeout=30)
    assert child.returncode == 0, stderr
    number, filename, message = out.strip().split("|")
    assert (int(number), filename) == (err, str(journal))
    assert "Pass lock_obj=JournalFileOpenLock(path)" in message
    assert journal.read_bytes() == b""
