/*
 * pyhpo journal engine. The reasons behind each system call are in csrc/NOTES.md; the comments here say what
 * the code relies on.
 */
#if defined(_WIN32)
/* Windows has none of the calls below (flock, fcntl, pread, ftruncate on descriptors): there pyhpo uses its
 * portable engine (pyhpo/storages/journal/_engine_py.py). Failing here makes the optional build fall back. */
#error "the pyhpo C journal engine is POSIX-only; Windows uses the portable Python engine"
#endif
#define _GNU_SOURCE /* F_OFD_SETLKW on Linux; harmless elsewhere */
#define _FILE_OFFSET_BITS 64 /* journals over 2 GiB on 32-bit builds */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

struct pj_journal {
    int fd;         /* O_RDWR | O_APPEND | O_CLOEXEC (O_RDONLY when read_only), always >= 3 */
    int read_only;  /* the errno that refused opening for writing (EACCES, EROFS, EPERM), or 0 */
    int lock_mode;  /* PJ_LOCK_*: which kernel lock works here, found on the first locked append */
    dev_t dev;      /* identity of the open file, to compare with what the path names now */
    ino_t ino;
    uint64_t clean_end; /* a size at which the file is known to end with '\n' (our last append's end) */
    char path[];    /* as given to pj_open; stat()ed to detect a replaced file */
};

/* Size of the blocks read backwards when looking for the last newline of a torn tail. */
#define PJ_SCAN_BLOCK 4096

/* The last c in the n bytes at s, or NULL. memrchr is a GNU extension that macOS lacks; this loop runs only on
 * the torn-tail and failed-write paths, and on one read buffer per poll, where glibc's would not be faster by
 * more than the cost of the read. */
static const char *last_byte(const char *s, char c, size_t n) {
    while (n > 0) {
        if (s[--n] == c) return s + n;
    }
    return NULL;
}

/* Make written data durable. Linux and the BSDs: fdatasync (the data and the size, not the timestamps).
 * Apple: fsync only hands the data to the drive, whose volatile cache may reorder or lose it on power loss;
 * F_FULLFSYNC asks the drive to flush it (what SQLite does with its fullfsync pragma). File systems that refuse
 * F_FULLFSYNC (some network and FAT volumes) get fsync, the best they offer. */
static int sync_data(int fd) {
#if defined(__APPLE__)
    if (fcntl(fd, F_FULLFSYNC) == 0) return 0;
    return fsync(fd);
#else
    return fdatasync(fd);
#endif
}

static int fsync_parent_dir(const char *path) {
    size_t n = strlen(path);
    char *dir = malloc(n + 2);
    if (dir == NULL) return -ENOMEM;
    memcpy(dir, path, n + 1);
    char *slash = strrchr(dir, '/');
    if (slash == NULL) {
        strcpy(dir, ".");
    } else if (slash == dir) {
        dir[1] = '\0'; /* a file in "/" */
    } else {
        *slash = '\0';
    }
    int dfd;
    do {
        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    } while (dfd < 0 && errno == EINTR);
    int rc = 0;
    if (dfd < 0) {
        rc = -errno;
    } else {
        while (fsync(dfd) < 0) {
            if (errno == EINTR) continue;
            /* Some file systems cannot sync a directory; that is no reason to refuse the journal. */
            if (errno != EINVAL && errno != EROFS) rc = -errno;
            break;
        }
        close(dfd);
    }
    free(dir);
    return rc;
}

/* Move fd to 3 or above: a journal on 0, 1 or 2 would receive a stray printf() or be read as stdin. */
static int move_above_stdio(int fd) {
    if (fd >= 3) return fd;
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    int err = errno;
    close(fd);
    return moved < 0 ? -err : moved;
}

int pj_open(const char *path, int create, pj_journal **out) {
    if (path == NULL || out == NULL) return -EINVAL;
    if (path[0] == '\0') return -ENOENT;
    const int flags = O_RDWR | O_APPEND | O_CLOEXEC;
    int created = 0;
    int fd;
    do {
        if (create) {
            /* O_EXCL first, so we know whether this call created the file and owes the directory an fsync. */
            fd = open(path, flags | O_CREAT | O_EXCL, 0644);
            if (fd >= 0) {
                created = 1;
            } else if (errno == EEXIST) {
                fd = open(path, flags);
            }
        } else {
            fd = open(path, flags);
        }
    } while (fd < 0 && errno == EINTR);
    int read_only = 0;
    if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
        /* A journal we may not write (mode 0444, a read-only mount, an immutable file) can still be read, as
         * Optuna reads it; appends then fail at once with this errno. A file that is missing stays an error:
         * the errno of the write open says why it could not be created. */
        int write_errno = errno;
        do {
            fd = open(path, O_RDONLY | O_CLOEXEC);
        } while (fd < 0 && errno == EINTR);
        if (fd < 0) return -write_errno;
        read_only = write_errno;
    }
    if (fd < 0) return -errno;

    int rc = move_above_stdio(fd);
    if (rc < 0) goto fail_unlink;
    fd = rc;

    struct stat st;
    if (fstat(fd, &st) < 0) {
        rc = -errno;
        goto fail_close;
    }
    if (S_ISDIR(st.st_mode)) {
        rc = -EISDIR; /* open(O_RDWR) already refuses a directory; this keeps the promise explicit */
        goto fail_close;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = -EINVAL; /* a FIFO or device has no stable size or tail to repair */
        goto fail_close;
    }
    if (created) {
        rc = fsync_parent_dir(path);
        if (rc < 0) goto fail_close;
    }

    size_t n = strlen(path);
    pj_journal *j = malloc(sizeof *j + n + 1);
    if (j == NULL) {
        rc = -ENOMEM;
        goto fail_close;
    }
    j->fd = fd;
    j->read_only = read_only;
    j->lock_mode = PJ_LOCK_NONE;
    j->dev = st.st_dev;
    j->ino = st.st_ino;
    j->clean_end = UINT64_MAX;
    memcpy(j->path, path, n + 1);
    *out = j;
    return 0;

fail_close:
    close(fd);
fail_unlink:
    if (created) unlink(path); /* leave the disk as we found it */
    return rc;
}

static int lock_file(pj_journal *j) {
#ifdef F_OFD_SETLKW
    if (j->lock_mode != PJ_LOCK_FLOCK) {
        struct flock fl;
        memset(&fl, 0, sizeof fl);
        fl.l_type = F_WRLCK;
        fl.l_whence = SEEK_SET; /* l_start = l_len = 0: the whole file, however long it grows */
        if (fcntl(j->fd, F_OFD_SETLKW, &fl) == 0) {
            j->lock_mode = PJ_LOCK_OFD;
            return 0;
        }
        /* EINVAL means a kernel older than 3.15; anything else (EINTR, ENOLCK, ...) goes to the caller. */
        if (errno != EINVAL || j->lock_mode == PJ_LOCK_OFD) return -errno;
    }
#endif
    if (flock(j->fd, LOCK_EX) == 0) {
        j->lock_mode = PJ_LOCK_FLOCK;
        return 0;
    }
    return -errno;
}

static void unlock_file(pj_journal *j) {
#ifdef F_OFD_SETLKW
    if (j->lock_mode == PJ_LOCK_OFD) {
        struct flock fl;
        memset(&fl, 0, sizeof fl);
        fl.l_type = F_UNLCK;
        fl.l_whence = SEEK_SET;
        /* Unlocking cannot block; it can only fail for a bad descriptor, which close() would clean up. */
        (void)fcntl(j->fd, F_OFD_SETLK, &fl);
        return;
    }
#endif
    (void)flock(j->fd, LOCK_UN);
}

/* pread exactly len bytes unless the file ends first; returns the count read or -errno. */
static ssize_t pread_full(int fd, char *buf, size_t len, uint64_t offset) {
    size_t got = 0;
    while (got < len) {
        ssize_t r = pread(fd, buf + got, len - got, (off_t)(offset + got));
        if (r < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        if (r == 0) break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

static int truncate_to(int fd, uint64_t size) {
    while (ftruncate(fd, (off_t)size) < 0) {
        if (errno != EINTR) return -errno;
    }
    return 0;
}

/* Every record a journal writer emits starts with these bytes: Optuna and pyhpo write the op code first, in
 * either spelling (`{"op_code":0` or `{"op_code": 0`). */
static const char record_start[] = "{\"op_code\":";
#define PJ_RECORD_START_LEN (sizeof record_start - 1)

/*
 * Under the lock: if the file does not end with '\n', a writer died mid-write. Cut its bytes back to just after
 * the last '\n'. *cut is how many bytes went.
 *
 * Only bytes a journal writer could have left are ever cut, so a file that is not a journal (a config passed
 * by mistake, a binary) is refused with -EBADMSG and left alone. The tail must be
 *   - a prefix of one record: the first bytes match record_start as far as they go, and no byte is a control
 *     character (JSON escapes them, and a record holds no '\n', so this is at most one record's worth);
 *   - optionally followed by NUL bytes (blocks a file system extended but never filled before a power loss),
 *     which carry nothing; a tail of NULs alone is accepted only after a complete record;
 *   - after a complete line that ends like a record ('}', perhaps "}\r"), or at the start of the file.
 * The checks read only the tail and a few bytes around its start, and only when the file does not already
 * end with '\n': the common append never gets here.
 */
static int repair_tail(pj_journal *j, uint64_t size, uint64_t *cut) {
    char block[PJ_SCAN_BLOCK];
    uint64_t hi = size;
    uint64_t keep = 0;
    uint64_t nul_start = size; /* where the trailing run of NUL bytes begins */
    int in_nul_run = 1;
    *cut = 0;
    /* Sizes that end with a complete line only grow while writers hold the lock (a cut stops at a '\n'), so
     * the file still being as long as our last append left it means that append's '\n' is still last. */
    if (size == 0 || size == j->clean_end) return 0;
    while (hi > 0) {
        size_t n = hi < sizeof block ? (size_t)hi : sizeof block;
        uint64_t lo = hi - n;
        ssize_t r = pread_full(j->fd, block, n, lo);
        if (r < 0) return (int)r;
        if ((size_t)r != n) return -EIO; /* the file shrank while we held the lock: someone ignores it */
        if (hi == size && block[n - 1] == '\n') return 0; /* the common case: the tail is complete */
        const char *nl = last_byte(block, '\n', n);
        size_t from = nl != NULL ? (size_t)(nl - block) + 1 : 0;
        /* Check the tail's bytes in this block, last to first, so a binary file is refused at its first
         * control character instead of after a scan for a newline it may not have. */
        for (size_t i = n; i > from; i--) {
            unsigned char c = (unsigned char)block[i - 1];
            if (in_nul_run && c == 0) {
                nul_start = lo + i - 1;
                continue;
            }
            in_nul_run = 0;
            if (c < 0x20) return -EBADMSG;
        }
        if (nl != NULL) {
            keep = lo + from;
            break;
        }
        hi = lo;
    }
    if (nul_start == keep && keep == 0) return -EBADMSG; /* only NULs, and no record before them */

    /* Read the few bytes around the tail's start: the end of the line before it and the record's start. */
    char around[3 + PJ_RECORD_START_LEN];
    uint64_t at = keep >= 3 ? keep - 3 : 0;
    size_t before = (size_t)(keep - at);
    uint64_t want = before + (uint64_t)PJ_RECORD_START_LEN;
    if (want > size - at) want = size - at;
    ssize_t r = pread_full(j->fd, around, (size_t)want, at);
    if (r < 0) return (int)r;
    if ((uint64_t)r != want) return -EIO;
    if (keep > 0) {
        /* around[before - 1] is the '\n'; a record line ends with '}' (a "\r\n" converter adds a '\r'). */
        size_t k = before - 1;
        if (k > 0 && around[k - 1] == '\r') k--;
        if (k == 0 || around[k - 1] != '}') return -EBADMSG;
    }
    uint64_t record_bytes = nul_start - keep;
    size_t check = record_bytes < PJ_RECORD_START_LEN ? (size_t)record_bytes : PJ_RECORD_START_LEN;
    if (memcmp(around + before, record_start, check) != 0) return -EBADMSG;

    int rc = truncate_to(j->fd, keep);
    if (rc < 0) return rc;
    *cut = size - keep;
    return 0;
}

/* One write() per batch in practice; loop only for short writes and signals. */
static int write_all(int fd, const char *buf, size_t len, size_t *written) {
    *written = 0;
    while (*written < len) {
        ssize_t w = write(fd, buf + *written, len - *written);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -errno;
        }
        if (w == 0) return -EIO;
        *written += (size_t)w;
    }
    return 0;
}

int pj_append(pj_journal *j, const char *buf, size_t len, int sync, int lock, uint64_t *end, uint64_t *cut) {
    if (j == NULL || buf == NULL || end == NULL || cut == NULL) return -EINVAL;
    if (len == 0 || buf[len - 1] != '\n') return -EINVAL; /* only complete lines */
    *end = 0;
    *cut = 0;
    if (j->read_only) return -j->read_only; /* before the lock: nothing to wait for, nothing to change */
    int rc = 0;
    if (lock) {
        rc = lock_file(j);
        if (rc < 0) return rc; /* includes -EINTR: the caller decides whether to wait again */
    }

    /* The path must still name the file we hold: otherwise we would append to an orphan nobody reads.
     * A dev/ino that matches also means named.st_size is our file's size: one stat() serves both. */
    struct stat named;
    if (stat(j->path, &named) < 0) {
        rc = errno == ENOENT ? -ESTALE : -errno;
        goto out;
    }
    if (named.st_dev != j->dev || named.st_ino != j->ino) {
        rc = -ESTALE;
        goto out;
    }

    uint64_t size = (uint64_t)named.st_size;
    rc = repair_tail(j, size, cut);
    if (rc < 0) goto out;
    size -= *cut;

    size_t written;
    rc = write_all(j->fd, buf, len, &written);
    if (rc < 0) {
        /* Keep the complete lines that reached the file (a reader may already have them), drop the rest. */
        const char *nl = written > 0 ? last_byte(buf, '\n', written) : NULL;
        uint64_t keep = size + (nl != NULL ? (uint64_t)(nl - buf) + 1 : 0);
        if (truncate_to(j->fd, keep) == 0) j->clean_end = keep;
        *end = keep;
        goto out;
    }
    *end = size + len;
    j->clean_end = *end;

out:
    if (lock) unlock_file(j);
    /* Sync after unlocking: readers take no lock, so the batch is visible from write() on either way, and
     * durability only needs our own call to return after the data is on disk. Other writers append while we
     * wait for the disk, and one fdatasync then often covers several batches (group commit). */
    if (rc == 0 && sync) {
        while (sync_data(j->fd) < 0) {
            if (errno == EINTR) continue;
            rc = -errno; /* the batch stays: readers may have seen it; the caller learns it is not durable */
            break;
        }
    }
    return rc;
}

int64_t pj_read(pj_journal *j, uint64_t offset, char *buf, size_t cap) {
    if (j == NULL || buf == NULL || cap == 0) return -EINVAL;
    /* Read the byte before offset too: it must be '\n', or the file was cut or rewritten under the reader. */
    char before = '\n';
    struct iovec iov[2] = {{&before, 1}, {buf, cap}};
    int first = offset > 0 ? 0 : 1;
    uint64_t at = offset > 0 ? offset - 1 : 0;
    ssize_t got;
#if defined(__APPLE__)
    /* preadv needs macOS 11; two preads work everywhere (one extra system call per poll, on Apple only). */
    (void)iov;
    got = 0;
    if (!first) {
        do {
            got = pread(j->fd, &before, 1, (off_t)at);
        } while (got < 0 && errno == EINTR);
        if (got < 0) return -errno;
    }
    if (first || got == 1) {
        ssize_t rest;
        do {
            rest = pread(j->fd, buf, cap, (off_t)offset);
        } while (rest < 0 && errno == EINTR);
        if (rest < 0) return -errno;
        got += rest;
    }
#else
    do {
        got = preadv(j->fd, iov + first, 2 - first, (off_t)at);
    } while (got < 0 && errno == EINTR);
    if (got < 0) return -errno;
#endif
    /* A short read means the end of the file. Were it ever anything else, we would only return fewer lines
     * now and the rest on the next call, so no second pread() is spent confirming the end. */
    if (offset > 0) {
        if (got == 0 || before != '\n') return -EBADMSG;
        got -= 1;
    }
    if (got == 0) return 0;
    const char *nl = last_byte(buf, '\n', (size_t)got);
    if (nl != NULL) return (int64_t)(nl - buf) + 1;
    return (size_t)got == cap ? -ENOBUFS : 0;
}

int64_t pj_size(pj_journal *j) {
    if (j == NULL) return -EINVAL;
    struct stat st;
    if (fstat(j->fd, &st) < 0) return -errno;
    return (int64_t)st.st_size;
}

int pj_read_only(pj_journal *j) {
    if (j == NULL) return -EINVAL;
    return j->read_only;
}

int pj_lock_mode(pj_journal *j) {
    if (j == NULL) return -EINVAL;
    return j->lock_mode;
}

int pj_close(pj_journal *j) {
    if (j == NULL) return -EINVAL;
    /* Never retry close() on EINTR: Linux has already released the descriptor. */
    int rc = close(j->fd) < 0 && errno != EINTR ? -errno : 0;
    free(j);
    return rc;
}
