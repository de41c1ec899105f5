/* Writing files whole: the loops every writer needs (EINTR, short
 * writes) and the directory fsync that makes a rename durable.  Reading
 * is rr_pread_exact in probes/devread.h. */
#ifndef RR_FILEIO_H
#define RR_FILEIO_H

#include <stddef.h>
#include <stdint.h>

/* pwrite until len bytes are out.  0 or -errno (-EIO: nothing written). */
int rr_pwrite_exact(int fd, const void *buf, size_t len, uint64_t off);
/* The same at the file position (a stream being saved). */
int rr_write_exact(int fd, const void *buf, size_t len);
/* fsync the directory that holds path (after creating or renaming in it). */
int rr_fsync_dir_of(const char *path);

#endif
