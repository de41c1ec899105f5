/* Test helpers for fixtures made by real tools (../shared/fixtures and
 * tests/fixtures).  Compressed images are decompressed into a private
 * temporary directory at test time and removed by fx_cleanup(). */
#ifndef RR_TEST_FIXTURE_H
#define RR_TEST_FIXTURE_H

#include <stddef.h>

/* Absolute path of a file under the shared fixtures dir
 * (e.g. "kernel/md-1.2/member0.examine.txt"), malloc'd. */
char *fx_shared(const char *rel);
/* Absolute path of a file under the project's tests/fixtures. */
char *fx_local(const char *rel);
/* Decompress an .xz file (absolute path) into the temp dir; returns the
 * path of the decompressed copy (malloc'd), named after the file and its
 * folder (md-1.2/member0.img.xz -> md-1.2_member0.img) so that sets do not
 * collide.  Fails the test on error. */
char *fx_unxz(const char *xz_path);
/* Read a whole file into a NUL-terminated malloc'd buffer. */
char *fx_slurp(const char *path, size_t *len);
/* The private temporary directory (created on first use). */
const char *fx_tmpdir(void);
/* Remove the temp dir and everything in it. */
void fx_cleanup(void);

#endif
