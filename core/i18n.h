/* Translation helpers: every user-visible string goes through _() or N_(). */
#ifndef RR_I18N_H
#define RR_I18N_H

#include <libintl.h>

/* Wrappers that never return NULL (the sanitizer builds warn about a
 * possibly-null format otherwise) and keep the format checking. */
__attribute__((format_arg(1), returns_nonnull))
static inline const char *rr_gettext(const char *s)
{
	const char *r = gettext(s);

	return r ? r : s;
}

__attribute__((format_arg(1), format_arg(2), returns_nonnull))
static inline const char *rr_ngettext(const char *s, const char *p, unsigned long n)
{
	const char *r = ngettext(s, p, n);

	return r ? r : n == 1 ? s : p;
}

#define _(s) rr_gettext(s)
#define N_(s) (s)
#define P_(s, p, n) rr_ngettext((s), (p), (n))

#endif
