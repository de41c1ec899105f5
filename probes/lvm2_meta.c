/* A small, bounded parser of LVM2 text metadata (the format lvm2 writes in
 * the metadata areas and in /etc/lvm/backup; grammar of libdm-config):
 *
 *     item    := WORD '=' value | WORD '{' item* '}'
 *     value   := scalar | '[' [scalar {',' scalar}] ']'
 *     scalar  := INT | FLOAT | "string" (backslash escapes the next byte)
 *     '#' starts a comment up to the end of the line.
 *
 * The text comes from a disk that may be damaged or hostile, so: sections
 * nest at most RR_META_MAX_DEPTH deep (the only recursion), the node count
 * is capped, every number is range-checked, and the extraction below
 * checks every reference (PV and LV names, extent ranges) before the model
 * is handed out. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "probes/lvm2.h"

#define RR_META_MAX_DEPTH 16	/* lvm2 writes 5 levels */
#define RR_META_MAX_NODES (1u << 20)
#define RR_META_MAX_PVS 65536
#define RR_META_MAX_LVS 65536
#define RR_META_MAX_SEGS 65536	/* per LV */
#define RR_META_MAX_STRIPES 1024	/* lvm2 allows 128 */

enum cnode_type { CN_INT, CN_FLOAT, CN_STR, CN_ARRAY, CN_SECTION };

struct cnode {
	char *key;		/* NULL for array elements */
	enum cnode_type type;
	int64_t i;
	char *s;		/* CN_STR, CN_FLOAT text */
	struct cnode *child;	/* CN_ARRAY elements, CN_SECTION members */
	struct cnode *next;
};

struct parser {
	const char *p, *end;
	size_t nodes;
	unsigned line;
	char *why;
};

enum tok { T_EOF, T_LBRACE, T_RBRACE, T_LBRACKET, T_RBRACKET, T_EQ, T_COMMA,
	   T_STR, T_WORD, T_ERR };

struct token {
	enum tok t;
	const char *s;		/* T_WORD: start in the text */
	size_t len;
	char *str;		/* T_STR: unescaped, malloc'd */
};

static void perr(struct parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void perr(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (ps->why)
		return;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	ps->why = rr_xasprintf(_("metadata text line %u: %s"), ps->line, msg ? msg : "?");
	free(msg);
}

static void free_nodes(struct cnode *n)
{
	/* Siblings iteratively; children recurse at most RR_META_MAX_DEPTH
	 * (+1 for arrays) deep because the parser built no deeper tree. */
	while (n) {
		struct cnode *next = n->next;

		free_nodes(n->child);
		free(n->key);
		free(n->s);
		free(n);
		n = next;
	}
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int is_word(char c)
{
	return c && !is_space(c) && !strchr("#{}[]=,\"'", c);
}

static struct token next_token(struct parser *ps)
{
	struct token t = { .t = T_EOF };

	for (;;) {
		while (ps->p < ps->end && is_space(*ps->p)) {
			if (*ps->p == '\n')
				ps->line++;
			ps->p++;
		}
		if (ps->p < ps->end && *ps->p == '#') {
			while (ps->p < ps->end && *ps->p != '\n')
				ps->p++;
			continue;
		}
		break;
	}
	if (ps->p >= ps->end)
		return t;
	switch (*ps->p) {
	case '{': t.t = T_LBRACE; ps->p++; return t;
	case '}': t.t = T_RBRACE; ps->p++; return t;
	case '[': t.t = T_LBRACKET; ps->p++; return t;
	case ']': t.t = T_RBRACKET; ps->p++; return t;
	case '=': t.t = T_EQ; ps->p++; return t;
	case ',': t.t = T_COMMA; ps->p++; return t;
	case '"':
	case '\'': {
		char q = *ps->p++;
		const char *s = ps->p;
		size_t n = 0;
		char *o;

		/* First pass: find the end and the unescaped length. */
		while (s < ps->end && *s != q) {
			if (*s == '\\') {
				if (++s >= ps->end)
					break;
			}
			if (*s == '\n')
				ps->line++;
			s++;
			n++;
		}
		if (s >= ps->end) {
			perr(ps, "%s", _("unterminated string"));
			t.t = T_ERR;
			return t;
		}
		o = t.str = rr_xmalloc(n + 1);
		while (ps->p < s) {
			if (*ps->p == '\\')
				ps->p++;
			*o++ = *ps->p++;
		}
		*o = '\0';
		ps->p++;	/* closing quote */
		t.t = T_STR;
		t.len = n;
		return t;
	}
	default:
		if (!is_word(*ps->p)) {
			perr(ps, _("unexpected character 0x%02x"), (unsigned char)*ps->p);
			t.t = T_ERR;
			return t;
		}
		t.s = ps->p;
		while (ps->p < ps->end && is_word(*ps->p))
			ps->p++;
		t.len = (size_t)(ps->p - t.s);
		t.t = T_WORD;
		return t;
	}
}

static struct cnode *new_node(struct parser *ps, enum cnode_type type)
{
	struct cnode *n;

	if (ps->nodes >= RR_META_MAX_NODES) {
		perr(ps, "%s", _("too many entries"));
		return NULL;
	}
	ps->nodes++;
	n = rr_xcalloc(1, sizeof(*n));
	n->type = type;
	return n;
}

/* INT: optional '-', decimal digits, within int64.  FLOAT: digits with one
 * '.', kept as text (lvm2 metadata has none, libdm-config allows them). */
static struct cnode *word_scalar(struct parser *ps, const struct token *t)
{
	const char *s = t->s, *e = t->s + t->len;
	int neg = 0, dots = 0, digits = 0;
	uint64_t v = 0;
	struct cnode *n;

	if (s < e && *s == '-') {
		neg = 1;
		s++;
	}
	for (const char *c = s; c < e; c++) {
		if (*c == '.') {
			dots++;
		} else if (*c >= '0' && *c <= '9') {
			digits++;
		} else {
			perr(ps, _("\"%.*s\" is not a value"), (int)(t->len > 64 ? 64 : t->len), t->s);
			return NULL;
		}
	}
	if (!digits || dots > 1) {
		perr(ps, _("\"%.*s\" is not a value"), (int)(t->len > 64 ? 64 : t->len), t->s);
		return NULL;
	}
	if (dots) {
		if (!(n = new_node(ps, CN_FLOAT)))
			return NULL;
		n->s = rr_xasprintf("%.*s", (int)t->len, t->s);
		return n;
	}
	for (; s < e; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (v > (UINT64_MAX - d) / 10) {
			perr(ps, "%s", _("number out of range"));
			return NULL;
		}
		v = v * 10 + d;
	}
	if (v > (uint64_t)INT64_MAX + (uint64_t)neg) {
		perr(ps, "%s", _("number out of range"));
		return NULL;
	}
	if (!(n = new_node(ps, CN_INT)))
		return NULL;
	n->i = neg ? (int64_t)(0 - v) : (int64_t)v;
	return n;
}

/* A scalar from token t (consumed: t->str is taken over or freed). */
static struct cnode *scalar(struct parser *ps, struct token *t)
{
	struct cnode *n;

	if (t->t == T_STR) {
		if (!(n = new_node(ps, CN_STR))) {
			free(t->str);
			return NULL;
		}
		n->s = t->str;
		t->str = NULL;
		return n;
	}
	if (t->t == T_WORD)
		return word_scalar(ps, t);
	if (t->t != T_ERR)
		perr(ps, "%s", _("a value was expected"));
	return NULL;
}

static struct cnode *array(struct parser *ps)
{
	struct cnode *a = new_node(ps, CN_ARRAY), **tail;
	struct token t;

	if (!a)
		return NULL;
	tail = &a->child;
	t = next_token(ps);
	if (t.t == T_RBRACKET)
		return a;
	for (;;) {
		struct cnode *v = scalar(ps, &t);

		if (!v)
			goto fail;
		*tail = v;
		tail = &v->next;
		t = next_token(ps);
		if (t.t == T_RBRACKET)
			return a;
		if (t.t != T_COMMA) {
			free(t.str);
			perr(ps, "%s", _("',' or ']' expected in a list"));
			goto fail;
		}
		t = next_token(ps);
	}
fail:
	free_nodes(a);
	return NULL;
}

/* Items up to '}' (inside a section) or the end of the text (top). */
static struct cnode *items(struct parser *ps, unsigned depth, int top)
{
	struct cnode *head = NULL, **tail = &head;

	for (;;) {
		struct token t = next_token(ps), op;
		struct cnode *n = NULL;
		char *key;

		if (t.t == T_EOF) {
			if (top)
				return head;
			perr(ps, "%s", _("'}' missing at the end of the text"));
			goto fail;
		}
		if (t.t == T_RBRACE && !top)
			return head;
		if (t.t != T_WORD) {
			free(t.str);
			if (t.t != T_ERR)
				perr(ps, "%s", _("a name was expected"));
			goto fail;
		}
		key = rr_xasprintf("%.*s", (int)t.len, t.s);
		op = next_token(ps);
		if (op.t == T_LBRACE) {
			if (depth >= RR_META_MAX_DEPTH) {
				perr(ps, "%s", _("sections nested too deep"));
			} else if ((n = new_node(ps, CN_SECTION))) {
				n->child = items(ps, depth + 1, 0);
				if (ps->why) {
					free_nodes(n);
					n = NULL;
				}
			}
		} else if (op.t == T_EQ) {
			struct token v = next_token(ps);

			if (v.t == T_LBRACKET)
				n = array(ps);
			else
				n = scalar(ps, &v);
		} else {
			free(op.str);
			if (op.t != T_ERR)
				perr(ps, _("'=' or '{' expected after \"%s\""), key);
		}
		if (!n) {
			free(key);
			goto fail;
		}
		n->key = key;
		*tail = n;
		tail = &n->next;
	}
fail:
	free_nodes(head);
	return NULL;
}

/* ---- lookups in the tree ---- */

static const struct cnode *find(const struct cnode *sec, const char *key)
{
	for (const struct cnode *n = sec ? sec->child : NULL; n; n = n->next)
		if (n->key && !strcmp(n->key, key))
			return n;
	return NULL;
}

static const struct cnode *find_section(const struct cnode *sec, const char *key)
{
	const struct cnode *n = find(sec, key);

	return n && n->type == CN_SECTION ? n : NULL;
}

/* 1 found, 0 absent, -1 wrong type or negative. */
static int get_u64(const struct cnode *sec, const char *key, uint64_t *v)
{
	const struct cnode *n = find(sec, key);

	if (!n)
		return 0;
	if (n->type != CN_INT || n->i < 0)
		return -1;
	*v = (uint64_t)n->i;
	return 1;
}

static const char *get_str(const struct cnode *sec, const char *key)
{
	const struct cnode *n = find(sec, key);

	return n && n->type == CN_STR ? n->s : NULL;
}

/* A list of strings ("status", "flags").  Absent: empty.  -1 when it is
 * not a list of strings. */
static int get_str_list(const struct cnode *sec, const char *key, char ***out, size_t *count)
{
	const struct cnode *n = find(sec, key);
	size_t k = 0;

	*out = NULL;
	*count = 0;
	if (!n)
		return 0;
	if (n->type != CN_ARRAY)
		return -1;
	for (const struct cnode *e = n->child; e; e = e->next) {
		if (e->type != CN_STR)
			return -1;
		k++;
	}
	if (!k)
		return 0;
	*out = rr_xcalloc(k, sizeof(**out));
	for (const struct cnode *e = n->child; e; e = e->next)
		(*out)[(*count)++] = rr_xstrdup(e->s);
	return 0;
}

static int has_word(char **list, size_t n, const char *w)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], w))
			return 1;
	return 0;
}

static void free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static void remark(struct rr_lvm_vg *vg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void remark(struct rr_lvm_vg *vg, const char *fmt, ...)
{
	va_list ap;
	char *s;

	/* A hostile text could produce one remark per segment: keep the
	 * list readable and bounded. */
	if (vg->nremarks >= 64)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		return;
	if (vg->nremarks == 63) {
		free(s);
		s = rr_xstrdup(_("more problems in the metadata were not listed"));
	}
	vg->remarks = rr_xrealloc(vg->remarks, (vg->nremarks + 1) * sizeof(*vg->remarks));
	vg->remarks[vg->nremarks++] = s;
}

static size_t count_sections(const struct cnode *sec)
{
	size_t k = 0;

	for (const struct cnode *n = sec ? sec->child : NULL; n; n = n->next)
		k += n->type == CN_SECTION;
	return k;
}

/* ---- the model ---- */

static int read_pvs(const struct cnode *vgn, struct rr_lvm_vg *vg, char **why)
{
	const struct cnode *sec = find_section(vgn, "physical_volumes");
	size_t k = count_sections(sec);

	if (!sec) {
		*why = rr_xstrdup(_("the metadata has no physical_volumes section"));
		return -EINVAL;
	}
	if (k > RR_META_MAX_PVS) {
		*why = rr_xasprintf(_("the metadata lists %zu physical volumes, too many"), k);
		return -EINVAL;
	}
	vg->pvs = rr_xcalloc(k ? k : 1, sizeof(*vg->pvs));
	for (const struct cnode *n = sec->child; n; n = n->next) {
		struct rr_lvm_pv *pv;
		const char *id;

		if (n->type != CN_SECTION)
			continue;
		pv = &vg->pvs[vg->npvs++];
		pv->name = rr_xstrdup(n->key);
		for (size_t i = 0; i + 1 < vg->npvs; i++)
			if (!strcmp(vg->pvs[i].name, pv->name)) {
				*why = rr_xasprintf(_("physical volume %s is listed twice"), pv->name);
				return -EINVAL;
			}
		if (!(id = get_str(n, "id"))) {
			*why = rr_xasprintf(_("physical volume %s has no id"), pv->name);
			return -EINVAL;
		}
		pv->id = rr_xstrdup(id);
		if (get_str(n, "device"))
			pv->device = rr_xstrdup(get_str(n, "device"));
		if (get_str_list(n, "status", &pv->status, &pv->nstatus) < 0 ||
		    get_str_list(n, "flags", &pv->flags, &pv->nflags) < 0 ||
		    get_u64(n, "dev_size", &pv->dev_size) < 0 ||
		    get_u64(n, "ba_start", &pv->ba_start) < 0 ||
		    get_u64(n, "ba_size", &pv->ba_size) < 0 ||
		    get_u64(n, "pe_start", &pv->pe_start) != 1 ||
		    get_u64(n, "pe_count", &pv->pe_count) != 1) {
			*why = rr_xasprintf(_("physical volume %s: a field is missing or malformed"),
					    pv->name);
			return -EINVAL;
		}
		pv->missing = has_word(pv->status, pv->nstatus, "MISSING") ||
			      has_word(pv->flags, pv->nflags, "MISSING");
	}
	return 0;
}

static const char *const striped_types[] = { "striped", "linear", NULL };

static int is_striped(const char *type)
{
	for (size_t i = 0; striped_types[i]; i++)
		if (!strcmp(type, striped_types[i]))
			return 1;
	return 0;
}

/* Read one segment section.  Structural problems of one LV do not lose the
 * VG: they make the segment unhandled, with a remark. */
static void read_seg(const struct cnode *n, struct rr_lvm_vg *vg, struct rr_lvm_lv *lv,
		     struct rr_lvm_seg *seg, const struct cnode ***names)
{
	const char *type = get_str(n, "type");
	const struct cnode *st;
	uint64_t sc, ss = 0;
	size_t k = 0;

	seg->type = rr_xstrdup(type ? type : "striped");
	if (get_u64(n, "start_extent", &seg->start_extent) != 1 ||
	    get_u64(n, "extent_count", &seg->extent_count) != 1) {
		remark(vg, _("LV %s, %s: start_extent or extent_count is missing or malformed"),
		       lv->name, n->key);
		seg->extent_count = 0;
		return;
	}
	if (!is_striped(seg->type)) {
		remark(vg, _("LV %s: segment type \"%s\" is not handled (only linear and striped are)"),
		       lv->name, seg->type);
		return;
	}
	st = find(n, "stripes");
	if (get_u64(n, "stripe_count", &sc) != 1 || !sc || sc > RR_META_MAX_STRIPES ||
	    get_u64(n, "stripe_size", &ss) < 0 || !st || st->type != CN_ARRAY) {
		remark(vg, _("LV %s, %s: stripe_count, stripe_size or stripes is missing or malformed"),
		       lv->name, n->key);
		return;
	}
	for (const struct cnode *e = st->child; e; e = e->next)
		k++;
	if (k != 2 * sc || seg->extent_count % sc || (sc > 1 && !ss) || ss > UINT32_MAX) {
		remark(vg, _("LV %s, %s: the stripes list does not match stripe_count %" PRIu64
			     " (or stripe_size is wrong)"), lv->name, n->key, sc);
		return;
	}
	seg->stripe_count = (uint32_t)sc;
	seg->stripe_size = sc > 1 ? ss : 0;
	seg->areas = rr_xcalloc(sc, sizeof(*seg->areas));
	/* Keep the area names for resolution once every LV is known. */
	*names = rr_xcalloc(sc, sizeof(**names));
	k = 0;
	for (const struct cnode *e = st->child; e; e = e->next->next, k++) {
		const struct cnode *ext = e->next;

		if (e->type != CN_STR || ext->type != CN_INT || ext->i < 0) {
			remark(vg, _("LV %s, %s: stripe %zu is not a name and an extent"),
			       lv->name, n->key, k);
			free(seg->areas);
			seg->areas = NULL;
			free(*names);
			*names = NULL;
			return;
		}
		(*names)[k] = e;
		seg->areas[k].start = (uint64_t)ext->i;
	}
	seg->nareas = sc;
	seg->handled = 1;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct rr_lvm_seg *x = a, *y = b;

	return x->start_extent < y->start_extent ? -1 : x->start_extent > y->start_extent;
}

/* Segments in LV order; names[i] follows segs[i] while sorting. */
struct seg_pair {
	struct rr_lvm_seg seg;
	const struct cnode **names;
};

static int read_lv(const struct cnode *n, struct rr_lvm_vg *vg, struct rr_lvm_lv *lv,
		   const struct cnode ****lv_names, char **why)
{
	const char *id = get_str(n, "id");
	size_t k = count_sections(n), i = 0;
	uint64_t segcount, next = 0;
	struct seg_pair *pairs;
	const struct cnode ***names;

	lv->name = rr_xstrdup(n->key);
	if (!id) {
		*why = rr_xasprintf(_("LV %s has no id"), lv->name);
		return -EINVAL;
	}
	lv->id = rr_xstrdup(id);
	if (get_str_list(n, "status", &lv->status, &lv->nstatus) < 0 ||
	    get_str_list(n, "flags", &lv->flags, &lv->nflags) < 0) {
		*why = rr_xasprintf(_("LV %s: status or flags is malformed"), lv->name);
		return -EINVAL;
	}
	lv->visible = has_word(lv->status, lv->nstatus, "VISIBLE");
	if (k > RR_META_MAX_SEGS) {
		*why = rr_xasprintf(_("LV %s has %zu segments, too many"), lv->name, k);
		return -EINVAL;
	}
	lv->handled = 1;
	if (get_u64(n, "segment_count", &segcount) != 1 || segcount != k) {
		remark(vg, _("LV %s: segment_count does not match its %zu segments"), lv->name, k);
		lv->handled = 0;
	}
	pairs = rr_xcalloc(k ? k : 1, sizeof(*pairs));
	for (const struct cnode *s = n->child; s; s = s->next)
		if (s->type == CN_SECTION) {
			read_seg(s, vg, lv, &pairs[i].seg, &pairs[i].names);
			i++;
		}
	/* lvm2 requires segments to tile the LV from extent 0. */
	qsort(pairs, k, sizeof(*pairs), seg_cmp);
	lv->segs = rr_xcalloc(k ? k : 1, sizeof(*lv->segs));
	names = rr_xcalloc(k ? k : 1, sizeof(*names));
	for (i = 0; i < k; i++) {
		lv->segs[i] = pairs[i].seg;
		names[i] = pairs[i].names;
		if (!lv->segs[i].handled)
			lv->handled = 0;
		if (lv->segs[i].start_extent != next) {
			remark(vg, _("LV %s: segments do not follow each other at extent %" PRIu64),
			       lv->name, next);
			lv->handled = 0;
		}
		if (__builtin_add_overflow(lv->segs[i].start_extent, lv->segs[i].extent_count, &next)) {
			remark(vg, _("LV %s: extent numbers overflow"), lv->name);
			lv->handled = 0;
			next = 0;
		}
	}
	lv->nsegs = k;
	lv->extent_count = next;
	*lv_names = names;
	free(pairs);
	return 0;
}

long rr_lvm_vg_find_lv(const struct rr_lvm_vg *vg, const char *name)
{
	for (size_t i = 0; i < vg->nlvs; i++)
		if (!strcmp(vg->lvs[i].name, name))
			return (long)i;
	return -1;
}

static long find_pv_name(const struct rr_lvm_vg *vg, const char *name)
{
	for (size_t i = 0; i < vg->npvs; i++)
		if (!strcmp(vg->pvs[i].name, name))
			return (long)i;
	return -1;
}

/* Compare uuids ignoring dashes (lvm2 writes them dashed in the text,
 * undashed in the PV header). */
static int same_id(const char *a, const char *b)
{
	for (;;) {
		while (*a == '-')
			a++;
		while (*b == '-')
			b++;
		if (*a != *b)
			return 0;
		if (!*a)
			return 1;
		a++;
		b++;
	}
}

long rr_lvm_vg_find_pv_by_id(const struct rr_lvm_vg *vg, const char *id)
{
	for (size_t i = 0; i < vg->npvs; i++)
		if (same_id(vg->pvs[i].id, id))
			return (long)i;
	return -1;
}

struct claim {
	size_t pv, lv, seg;
	uint64_t start, count;
};

static int claim_cmp(const void *a, const void *b)
{
	const struct claim *x = a, *y = b;

	if (x->pv != y->pv)
		return x->pv < y->pv ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

static void mark_unhandled(struct rr_lvm_lv *lv, struct rr_lvm_seg *seg)
{
	seg->handled = 0;
	lv->handled = 0;
}

/* Resolve stripe names to PVs or LVs, check every extent range, and check
 * that no two segments claim the same PV extents. */
static void resolve(struct rr_lvm_vg *vg, const struct cnode ****names)
{
	struct claim *cl = NULL;
	size_t ncl = 0, cap = 0;

	for (size_t l = 0; l < vg->nlvs; l++) {
		struct rr_lvm_lv *lv = &vg->lvs[l];

		for (size_t s = 0; s < lv->nsegs; s++) {
			struct rr_lvm_seg *seg = &lv->segs[s];
			uint64_t per;

			if (!seg->handled)
				continue;
			per = seg->extent_count / seg->stripe_count;
			for (size_t a = 0; a < seg->nareas; a++) {
				const char *nm = names[l][s][a]->s;
				struct rr_lvm_area *ar = &seg->areas[a];
				long pv = find_pv_name(vg, nm), sub;
				uint64_t end, limit;

				if (pv >= 0) {
					ar->kind = RR_LVM_AREA_PV;
					ar->index = (size_t)pv;
					limit = vg->pvs[pv].pe_count;
				} else if ((sub = rr_lvm_vg_find_lv(vg, nm)) >= 0 && (size_t)sub != l) {
					ar->kind = RR_LVM_AREA_LV;
					ar->index = (size_t)sub;
					/* sub-LV extents are known once all
					 * LVs are read: checked below */
					limit = vg->lvs[sub].extent_count;
				} else {
					remark(vg, _("LV %s: stripe %zu refers to \"%s\", which is neither a PV nor an LV of this VG"),
					       lv->name, a, nm);
					mark_unhandled(lv, seg);
					break;
				}
				if (__builtin_add_overflow(ar->start, per, &end) || end > limit) {
					remark(vg, _("LV %s: extents %" PRIu64 "-%" PRIu64 " of %s lie beyond its %" PRIu64 " extents"),
					       lv->name, ar->start, ar->start + per - 1, nm, limit);
					mark_unhandled(lv, seg);
					break;
				}
				if (ar->kind != RR_LVM_AREA_PV || !per)
					continue;
				if (ncl == cap) {
					cap = cap ? cap * 2 : 64;
					cl = rr_xrealloc(cl, cap * sizeof(*cl));
				}
				cl[ncl++] = (struct claim){ ar->index, l, s, ar->start, per };
			}
		}
	}
	if (ncl)
		qsort(cl, ncl, sizeof(*cl), claim_cmp);
	/* p: the claim reaching furthest so far on the same PV, so a long
	 * range overlapping several later ones flags each of them. */
	for (size_t i = 1, far = 0; i < ncl; i++) {
		struct claim *p = &cl[far], *c = &cl[i];

		if (p->pv != c->pv) {
			far = i;
			continue;
		}
		if (c->start + c->count > p->start + p->count)
			far = i;
		if (p->start + p->count > c->start) {
			remark(vg, _("LVs %s and %s both use extent %" PRIu64 " of %s"),
			       vg->lvs[p->lv].name, vg->lvs[c->lv].name, c->start,
			       vg->pvs[c->pv].name);
			mark_unhandled(&vg->lvs[p->lv], &vg->lvs[p->lv].segs[p->seg]);
			mark_unhandled(&vg->lvs[c->lv], &vg->lvs[c->lv].segs[c->seg]);
		}
	}
	free(cl);
}

static int read_vg(const struct cnode *root, struct rr_lvm_vg *vg, char **why)
{
	const struct cnode *vgn = NULL, *lvs;
	const char *s;
	const struct cnode ****names = NULL;
	size_t k;
	uint64_t v;
	int r;

	/* lvm2 (import_vsn1.c) checks these before anything else. */
	s = get_str(root, "contents");
	if (!s || strcmp(s, "Text Format Volume Group")) {
		*why = rr_xstrdup(_("the text is not LVM2 volume group metadata (contents field)"));
		return -EINVAL;
	}
	if (get_u64(root, "version", &v) != 1 || v != 1) {
		*why = rr_xstrdup(_("the metadata text format version is not 1"));
		return -EINVAL;
	}
	for (const struct cnode *n = root->child; n; n = n->next)
		if (n->type == CN_SECTION) {
			vgn = n;
			break;
		}
	if (!vgn) {
		*why = rr_xstrdup(_("the metadata has no volume group section"));
		return -EINVAL;
	}
	vg->name = rr_xstrdup(vgn->key);
	if ((s = get_str(root, "creation_host")))
		vg->creation_host = rr_xstrdup(s);
	if ((s = get_str(root, "description")))
		vg->description = rr_xstrdup(s);
	if (get_u64(root, "creation_time", &vg->creation_time) < 0)
		vg->creation_time = 0;
	if (!(s = get_str(vgn, "id"))) {
		*why = rr_xstrdup(_("the volume group has no id"));
		return -EINVAL;
	}
	vg->id = rr_xstrdup(s);
	if (get_u64(vgn, "seqno", &vg->seqno) != 1) {
		*why = rr_xstrdup(_("the volume group has no valid seqno"));
		return -EINVAL;
	}
	if (get_u64(vgn, "extent_size", &vg->extent_size) != 1 || !vg->extent_size ||
	    vg->extent_size > UINT32_MAX) {
		*why = rr_xstrdup(_("the volume group has no valid extent_size"));
		return -EINVAL;
	}
	if ((s = get_str(vgn, "format")))
		vg->format = rr_xstrdup(s);
	if ((s = get_str(vgn, "system_id")))
		vg->system_id = rr_xstrdup(s);
	if ((s = get_str(vgn, "lock_type")))
		vg->lock_type = rr_xstrdup(s);
	if (get_str_list(vgn, "status", &vg->status, &vg->nstatus) < 0 ||
	    get_str_list(vgn, "flags", &vg->flags, &vg->nflags) < 0) {
		*why = rr_xstrdup(_("the volume group's status or flags is malformed"));
		return -EINVAL;
	}
	if ((r = read_pvs(vgn, vg, why)) < 0)
		return r;
	for (size_t i = 0; i < vg->npvs; i++) {
		uint64_t end;

		if (__builtin_mul_overflow(vg->pvs[i].pe_count, vg->extent_size, &end) ||
		    __builtin_add_overflow(end, vg->pvs[i].pe_start, &end)) {
			*why = rr_xasprintf(_("physical volume %s: pe_count is out of range"),
					    vg->pvs[i].name);
			return -EINVAL;
		}
		if (vg->pvs[i].dev_size && end > vg->pvs[i].dev_size)
			remark(vg, _("physical volume %s: its extents end at sector %" PRIu64
				     ", past its dev_size %" PRIu64), vg->pvs[i].name, end,
			       vg->pvs[i].dev_size);
	}
	lvs = find_section(vgn, "logical_volumes");
	k = count_sections(lvs);
	if (k > RR_META_MAX_LVS) {
		*why = rr_xasprintf(_("the metadata lists %zu LVs, too many"), k);
		return -EINVAL;
	}
	vg->lvs = rr_xcalloc(k ? k : 1, sizeof(*vg->lvs));
	names = rr_xcalloc(k ? k : 1, sizeof(*names));
	r = 0;
	for (const struct cnode *n = lvs ? lvs->child : NULL; n && !r; n = n->next) {
		if (n->type != CN_SECTION)
			continue;
		if (rr_lvm_vg_find_lv(vg, n->key) >= 0) {
			*why = rr_xasprintf(_("LV %s is listed twice"), n->key);
			r = -EINVAL;
			break;
		}
		r = read_lv(n, vg, &vg->lvs[vg->nlvs], &names[vg->nlvs], why);
		vg->nlvs++;
	}
	if (!r) {
		/* Extents on an LV are limited by extent * extent_size. */
		for (size_t l = 0; l < vg->nlvs && !r; l++) {
			uint64_t sec;

			if (__builtin_mul_overflow(vg->lvs[l].extent_count, vg->extent_size, &sec)) {
				*why = rr_xasprintf(_("LV %s is too large"), vg->lvs[l].name);
				r = -EINVAL;
			}
		}
	}
	if (!r)
		resolve(vg, names);
	for (size_t l = 0; l < vg->nlvs; l++) {
		for (size_t s2 = 0; names[l] && s2 < vg->lvs[l].nsegs; s2++)
			free(names[l][s2]);
		free(names[l]);
	}
	free(names);
	return r;
}

int rr_lvm_meta_parse(const char *text, size_t len, struct rr_lvm_vg *vg, char **why)
{
	struct parser ps = { .p = text, .line = 1 };
	struct cnode root = { .type = CN_SECTION };
	int r;

	memset(vg, 0, sizeof(*vg));
	*why = NULL;
	if (len > RR_LVM_META_MAX) {
		*why = rr_xasprintf(_("the metadata text is %zu bytes, larger than %u"), len,
				    RR_LVM_META_MAX);
		return -EINVAL;
	}
	/* lvm2's text ends at its NUL. */
	ps.end = text + strnlen(text, len);
	root.child = items(&ps, 0, 1);
	if (ps.why) {
		*why = ps.why;
		return -EINVAL;
	}
	r = read_vg(&root, vg, why);
	free_nodes(root.child);
	if (r < 0)
		rr_lvm_vg_free(vg);
	return r;
}

void rr_lvm_vg_free(struct rr_lvm_vg *vg)
{
	if (!vg)
		return;
	for (size_t i = 0; i < vg->npvs; i++) {
		struct rr_lvm_pv *pv = &vg->pvs[i];

		free(pv->name);
		free(pv->id);
		free(pv->device);
		free_list(pv->status, pv->nstatus);
		free_list(pv->flags, pv->nflags);
	}
	free(vg->pvs);
	for (size_t i = 0; i < vg->nlvs; i++) {
		struct rr_lvm_lv *lv = &vg->lvs[i];

		for (size_t s = 0; s < lv->nsegs; s++) {
			free(lv->segs[s].type);
			free(lv->segs[s].areas);
		}
		free(lv->segs);
		free(lv->name);
		free(lv->id);
		free_list(lv->status, lv->nstatus);
		free_list(lv->flags, lv->nflags);
	}
	free(vg->lvs);
	free_list(vg->remarks, vg->nremarks);
	free_list(vg->status, vg->nstatus);
	free_list(vg->flags, vg->nflags);
	free(vg->name);
	free(vg->id);
	free(vg->format);
	free(vg->system_id);
	free(vg->lock_type);
	free(vg->creation_host);
	free(vg->description);
	memset(vg, 0, sizeof(*vg));
}
