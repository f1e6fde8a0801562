/*
 * pyhpo journal engine: an append-only file of newline-terminated records.
 *
 * Writers append whole batches under an exclusive kernel lock on the journal file itself and repair the torn
 * tail a dead writer left behind. Readers take no lock: they read from a byte offset and get complete lines
 * only. The bytes are Optuna's journal format (JSON Lines, see docs/journal-format.md); this layer knows only
 * lines, plus the one fact that a record starts with '{"op_code":'.
 *
 * Every function returns >= 0 on success or a negative errno value. Besides the usual ones:
 *   -ESTALE   the path now names another file (replaced or deleted under an open handle); reopen.
 *   -ENOBUFS  pj_read: the line at the offset does not fit in the buffer; call again with a larger one.
 *   -EBADMSG  the bytes are not a journal where they should be: pj_read's offset is not at a line
 *             boundary (the file shrank or was rewritten), or pj_append found an incomplete last line that
 *             a journal writer cannot have left (not the start of a record, or not after one), which it
 *             refuses to cut: nothing is cut or written.
 *   -EINTR    pj_append: a signal arrived while waiting for the lock; nothing was written.
 *
 * A handle may be used by one thread at a time. The lock belongs to the open file description, so threads
 * sharing a handle do not exclude each other and a forked child must open its own handle.
 * The path must stay valid for the handle's life (pass an absolute path: it is stat()ed on every append).
 *
 * ffi_build.py hands the block between the two PJ_CDEF markers to cffi as its cdef: keep it plain C
 * declarations, no macros.
 */
#ifndef PYHPO_JOURNAL_H
#define PYHPO_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

/* PJ_CDEF_BEGIN */
typedef struct pj_journal pj_journal;

/* Lock modes reported by pj_lock_mode. */
enum {
    PJ_LOCK_NONE = 0,  /* no append has taken the kernel lock yet */
    PJ_LOCK_OFD = 1,   /* fcntl(F_OFD_SETLKW) on the whole file */
    PJ_LOCK_FLOCK = 2  /* flock(LOCK_EX): kernels without OFD locks */
};

/* Open (and with create != 0, create) the journal at path. *out is set only on success. An existing file that
 * may not be opened for writing (EACCES, EROFS, EPERM) is opened for reading: see pj_read_only. */
int pj_open(const char *path, int create, pj_journal **out);

/* Append len bytes (complete lines) as one batch. With lock != 0, under the kernel lock; with lock == 0 the
 * caller provides mutual exclusion (a lock file on NFS). With sync != 0, fdatasync before returning.
 * On success *end is the file size after the batch and *cut the number of torn-tail bytes removed first. */
int pj_append(pj_journal *j, const char *buf, size_t len, int sync, int lock, uint64_t *end, uint64_t *cut);

/* Read up to cap bytes from offset; return how many of them form complete lines (0 when none is complete). */
int64_t pj_read(pj_journal *j, uint64_t offset, char *buf, size_t cap);

/* Current size of the file in bytes, torn tail included. */
int64_t pj_size(pj_journal *j);

/* 0 if the journal is open for appending; else the errno that refused writing, which pj_append returns
 * (negated) without touching the file. */
int pj_read_only(pj_journal *j);

/* Which kernel lock appends use (PJ_LOCK_*). */
int pj_lock_mode(pj_journal *j);

/* Close the handle and free it, also on error. */
int pj_close(pj_journal *j);
/* PJ_CDEF_END */

#endif /* PYHPO_JOURNAL_H */
