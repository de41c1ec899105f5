#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/journal.h"
#include "core/msg.h"

static const char *const state_names[] = { "intent", "done", "failed", "undone" };

const char *rr_step_state_name(enum rr_step_state s)
{
	return (unsigned)s < 4 ? state_names[s] : "?";
}

static int parse_state(const char *s, enum rr_step_state *out)
{
	for (int i = 0; i < 4; i++)
		if (s && !strcmp(s, state_names[i])) {
			*out = (enum rr_step_state)i;
			return 0;
		}
	return -EINVAL;
}

struct rr_step *rr_journal_find(struct rr_journal_view *v, uint64_t seq)
{
	for (size_t i = 0; i < v->nsteps; i++)
		if (v->steps[i].seq == seq)
			return &v->steps[i];
	return NULL;
}

static const char *str_of(json_object *o, const char *key)
{
	json_object *x;

	return json_object_object_get_ex(o, key, &x) && json_object_is_type(x, json_type_string)
		? json_object_get_string(x) : NULL;
}

static void set_owned(json_object **slot, json_object *o)
{
	json_object_put(*slot);
	*slot = o ? json_object_get(o) : NULL;
}

static void fold(struct rr_journal_view *v, json_object *rec)
{
	json_object *x;
	enum rr_step_state st;
	struct rr_step *s;
	int64_t seq;

	if (!json_object_object_get_ex(rec, "seq", &x) || !json_object_is_type(x, json_type_int) ||
	    (seq = json_object_get_int64(x)) <= 0 || parse_state(str_of(rec, "state"), &st) < 0) {
		v->bad_lines++;
		return;
	}
	s = rr_journal_find(v, (uint64_t)seq);
	if (!s) {
		if (st != RR_STEP_INTENT || !str_of(rec, "action")) {
			v->bad_lines++;	/* a state change for an unknown step */
			return;
		}
		v->steps = rr_xrealloc(v->steps, (v->nsteps + 1) * sizeof(*v->steps));
		s = &v->steps[v->nsteps++];
		memset(s, 0, sizeof(*s));
		s->seq = (uint64_t)seq;
		s->action = rr_xstrdup(str_of(rec, "action"));
	}
	s->state = st;
	free(s->time);
	s->time = rr_xstrdup(str_of(rec, "time"));
	if (json_object_object_get_ex(rec, "args", &x) && json_object_is_type(x, json_type_object)) {
		if (st == RR_STEP_INTENT || !s->args) {
			set_owned(&s->args, x);
		} else {
			/* Later records add what the step learnt while
			 * running (devices, commands). */
			json_object_object_foreach(x, k, val)
				json_object_object_add(s->args, k, json_object_get(val));
		}
	}
	if (json_object_object_get_ex(rec, "resources", &x) && json_object_is_type(x, json_type_array))
		set_owned(&s->resources, x);
	if (st == RR_STEP_FAILED) {
		free(s->error);
		s->error = rr_xstrdup(str_of(rec, "error"));
	}
}

static int cmp_seq(const void *a, const void *b)
{
	const struct rr_step *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int rr_journal_read(const char *path, struct rr_journal_view *v)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	memset(v, 0, sizeof(*v));
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while ((n = getline(&line, &cap, f)) >= 0) {
		json_object *rec;

		if (n == 0 || line[0] == '\n')
			continue;
		rec = json_tokener_parse(line);
		if (!rec || !json_object_is_type(rec, json_type_object)) {
			v->bad_lines++;
			json_object_put(rec);
			continue;
		}
		fold(v, rec);
		json_object_put(rec);
	}
	free(line);
	fclose(f);
	if (v->nsteps > 1)
		qsort(v->steps, v->nsteps, sizeof(*v->steps), cmp_seq);
	return 0;
}

void rr_journal_view_free(struct rr_journal_view *v)
{
	for (size_t i = 0; i < v->nsteps; i++) {
		free(v->steps[i].action);
		free(v->steps[i].time);
		free(v->steps[i].error);
		json_object_put(v->steps[i].args);
		json_object_put(v->steps[i].resources);
	}
	free(v->steps);
	memset(v, 0, sizeof(*v));
}
