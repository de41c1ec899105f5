#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "core/text.h"

size_t rr_text_next(const char *s, wchar_t *wc, int *w)
{
	mbstate_t st;
	size_t r;

	memset(&st, 0, sizeof(st));
	r = mbrtowc(wc, s, MB_CUR_MAX, &st);
	if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
		*wc = L'?';
		r = 1;
	}
	*w = wcwidth(*wc);
	if (*w < 0) {
		*wc = L'?';
		*w = 1;
	}
	return r;
}

int rr_text_width(const char *s)
{
	int total = 0, w;
	wchar_t wc;

	while (*s) {
		s += rr_text_next(s, &wc, &w);
		total += w;
	}
	return total;
}

/* Copy the head of s taking at most w columns; returns bytes copied
 * (never more than room), the columns in *used. */
static size_t head(const char *s, int w, char *buf, size_t room, int *used)
{
	size_t len = 0;
	int cw;
	wchar_t wc;

	*used = 0;
	while (*s) {
		size_t r = rr_text_next(s, &wc, &cw);

		if (*used + cw > w || len + r > room)
			break;
		memcpy(buf + len, s, r);
		len += r;
		*used += cw;
		s += r;
	}
	return len;
}

const char *rr_text_pad(const char *s, int w, char *buf, size_t n)
{
	size_t len;
	int used;

	if (!n)
		return buf;
	if (w < 0)
		w = 0;
	if (rr_text_width(s) <= w) {
		len = head(s, w, buf, n - 1, &used);
	} else {
		len = head(s, w > 0 ? w - 1 : 0, buf, n - 1, &used);
		if (w > 0 && len + 1 < n) {
			buf[len++] = '~';
			used++;
		}
	}
	for (; used < w && len + 1 < n; used++)
		buf[len++] = ' ';
	buf[len] = '\0';
	return buf;
}

const char *rr_text_mid(const char *s, int w, char *buf, size_t n)
{
	int total = rr_text_width(s), left, right, used, cw;
	size_t len;
	const char *t;
	wchar_t wc;

	if (!n)
		return buf;
	if (total <= w || w < 5) {
		if (total <= w)
			snprintf(buf, n, "%s", s);
		else
			rr_text_pad(s, w, buf, n);
		return buf;
	}
	/* a third for the head, the rest (the name) for the tail */
	left = (w - 1) / 3;
	right = w - 1 - left;
	len = head(s, left, buf, n - 1, &used);
	if (len + 1 < n)
		buf[len++] = '~';
	/* skip to where the last `right` columns start */
	t = s;
	for (int skip = total - right; *t && skip > 0; skip -= cw)
		t += rr_text_next(t, &wc, &cw);
	len += head(t, right, buf + len, n - 1 - len, &used);
	buf[len] = '\0';
	return buf;
}

const char *rr_text_cols(char *buf, size_t n, const char *const *cells, const int *widths, size_t ncells)
{
	size_t len = 0;

	if (!n)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < ncells && len + 1 < n; i++) {
		if (i)
			buf[len++] = ' ';
		buf[len] = '\0';
		if (widths[i] > 0)
			rr_text_pad(cells[i], widths[i], buf + len, n - len);
		else
			snprintf(buf + len, n - len, "%s", cells[i]);
		len += strlen(buf + len);
	}
	return buf;
}
