/* Text measured in terminal columns, not bytes: the translations (Russian
 * is two bytes a letter) and device names must line up in tables on the
 * wizard and on the command line alike.  Bytes the locale cannot decode
 * count as one column and show as '?'. */
#ifndef RR_TEXT_H
#define RR_TEXT_H

#include <stddef.h>
#include <wchar.h>

/* The next character of s as a wide char, its width in columns (>= 0),
 * and the bytes it took (>= 1). */
size_t rr_text_next(const char *s, wchar_t *wc, int *w);
/* Columns s takes. */
int rr_text_width(const char *s);
/* s in exactly w columns into buf: padded with blanks, or cut with '~'
 * at the end when longer. */
const char *rr_text_pad(const char *s, int w, char *buf, size_t n);
/* s in at most w columns, cut in the middle ("/dev/disk/by-~/member3")
 * when longer: the end of a path says most. */
const char *rr_text_mid(const char *s, int w, char *buf, size_t n);
/* Cells padded to their widths, one blank apart, into buf; a width of 0
 * leaves that cell (normally the last) as it is. */
const char *rr_text_cols(char *buf, size_t n, const char *const *cells, const int *widths, size_t ncells);

#endif
