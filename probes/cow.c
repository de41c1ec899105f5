/* dm-snapshot persistent COW store: header, exception areas, the chunk map,
 * and what `dmsetup status` would report for the snapshot.  The walk
 * follows the kernel's read_exceptions()/insert_exceptions() in
 * drivers/md/dm-snap-persistent.c, with every area location and count
 * bounded by the size of the device. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "probes/cow.h"
#include "probes/endian.h"

#define SECTOR 512u
#define EXC_SIZE 16u		/* struct disk_exception */
#define HDR_CHUNKS 1u		/* NUM_SNAPSHOT_HDR_CHUNKS */
#define READ_PIECE (1u << 20)	/* area chunks are read this much at a time */

static void cow_error(struct rr_member *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cow_error(struct rr_member *m, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (!m)
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s) {
		rr_member_error(m, "%s", s);
		free(s);
	}
}

void rr_cow_info_free(struct rr_cow_info *info)
{
	if (!info)
		return;
	free(info->map);
	free(info);
}

/* Sort by old chunk; equal old chunks keep the order they were written
 * in (seq), so the later write is the one kept. */
struct seq_exc {
	struct rr_cow_exception e;
	uint64_t seq;
};

static int exc_cmp(const void *a, const void *b)
{
	const struct seq_exc *x = a, *y = b;

	if (x->e.old_chunk != y->e.old_chunk)
		return x->e.old_chunk < y->e.old_chunk ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int rr_cow_lookup(const struct rr_cow_info *info, uint64_t old_chunk, uint64_t *new_chunk)
{
	uint64_t lo = 0, hi = info->nmap;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (info->map[mid].old_chunk == old_chunk) {
			*new_chunk = info->map[mid].new_chunk;
			return 1;
		}
		if (info->map[mid].old_chunk < old_chunk)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Walk the exception areas until the end marker.  Returns 0, or -errno
 * after a message (truncation is reported and the walk result kept). */
static int walk(struct rr_dev *dev, struct rr_member *m, struct rr_cow_info *info,
		struct seq_exc **out, uint64_t *nout)
{
	uint64_t chunk_bytes = (uint64_t)info->chunk_size * SECTOR;
	uint64_t stride = info->exceptions_per_area + 1, cap = 0, n = 0;
	struct seq_exc *v = NULL;
	uint8_t *piece = rr_xmalloc(chunk_bytes < READ_PIECE ? chunk_bytes : READ_PIECE);
	int full = 1, r = 0;

	info->next_free = HDR_CHUNKS + 1;
	for (uint64_t area = 0; full; area++) {
		/* area_location(): HDR_CHUNKS + stride * area; the area
		 * index is bounded because the location must be < cow_chunks */
		uint64_t loc = HDR_CHUNKS + stride * area;

		if (loc >= info->cow_chunks) {
			info->truncated = 1;
			cow_error(m, _("COW store: metadata area %" PRIu64 " would be at chunk %" PRIu64
				       ", past the end of the device (truncated copy?)"), area, loc);
			break;
		}
		info->areas = area + 1;
		full = 1;
		for (uint64_t off = 0; off < chunk_bytes && full; off += READ_PIECE) {
			uint64_t len = chunk_bytes - off < READ_PIECE ? chunk_bytes - off : READ_PIECE;

			r = rr_dev_pread(dev, piece, len, loc * chunk_bytes + off);
			if (r < 0) {
				cow_error(m, _("COW store: cannot read metadata area %" PRIu64 ": %s"),
					  area, strerror(-r));
				goto out;
			}
			for (uint64_t i = 0; i < len; i += EXC_SIZE) {
				uint64_t old_chunk = rr_le64(piece + i);
				uint64_t new_chunk = rr_le64(piece + i + 8);

				/* new_chunk 0 (the header) cannot be an
				 * exception: it ends the list. */
				if (!new_chunk) {
					full = 0;
					break;
				}
				info->nexceptions++;
				if (info->next_free <= new_chunk)
					info->next_free = new_chunk + 1;
				if (new_chunk >= info->cow_chunks || new_chunk % stride == HDR_CHUNKS) {
					info->bad_new++;
					continue;
				}
				if (n == cap) {
					cap = cap ? cap * 2 : 256;
					v = rr_xrealloc(v, cap * sizeof(*v));
				}
				v[n].e.old_chunk = old_chunk;
				v[n].e.new_chunk = new_chunk;
				v[n].seq = n;
				n++;
			}
		}
	}
	/* skip_metadata(): the next free chunk is never an area chunk */
	if (info->next_free % stride == HDR_CHUNKS)
		info->next_free++;
out:
	free(piece);
	*out = v;
	*nout = n;
	return r;
}

int rr_cow_read(struct rr_dev *dev, struct rr_member *m, struct rr_cow_info **out)
{
	const uint8_t *h;
	struct rr_cow_info *info;
	struct seq_exc *v = NULL;
	uint64_t n = 0, size = rr_dev_size(dev);
	uint32_t cs;
	int r;

	*out = NULL;
	if (rr_dev_get(dev, 0, 16, &h) < 0 || rr_le32(h) != RR_COW_MAGIC)
		return RR_PROBE_NONE;
	info = rr_xcalloc(1, sizeof(*info));
	info->valid = rr_le32(h + 4);
	info->version = rr_le32(h + 8);
	info->chunk_size = cs = rr_le32(h + 12);
	if (info->version != RR_COW_VERSION) {
		cow_error(m, _("COW store: version %" PRIu32 " is unknown (the kernel handles 1)"),
			  info->version);
		rr_cow_info_free(info);
		return -EINVAL;
	}
	if (!cs || (cs & (cs - 1)) || cs > RR_COW_MAX_CHUNK_SECTORS) {
		cow_error(m, _("COW store: chunk size %" PRIu32 " sectors is not a power of two up to %u"),
			  cs, RR_COW_MAX_CHUNK_SECTORS);
		rr_cow_info_free(info);
		return -EINVAL;
	}
	info->exceptions_per_area = (uint64_t)cs * SECTOR / EXC_SIZE;
	info->cow_chunks = size / ((uint64_t)cs * SECTOR);
	info->total_sectors = size / SECTOR;
	if (info->cow_chunks < HDR_CHUNKS + 1) {
		cow_error(m, _("COW store: the device (%" PRIu64 " bytes) is smaller than its header and first metadata area"),
			  size);
		rr_cow_info_free(info);
		return -EINVAL;
	}
	r = walk(dev, m, info, &v, &n);
	if (r < 0) {
		free(v);
		rr_cow_info_free(info);
		return r;
	}
	if (n)
		qsort(v, n, sizeof(*v), exc_cmp);
	/* one entry per old chunk, the last written winning */
	info->map = rr_xmalloc((n ? n : 1) * sizeof(*info->map));
	for (uint64_t i = 0; i < n; i++) {
		if (i + 1 < n && v[i + 1].e.old_chunk == v[i].e.old_chunk) {
			info->duplicates++;
			continue;
		}
		info->map[info->nmap++] = v[i].e;
	}
	free(v);
	/* persistent_usage(): what dmsetup status prints */
	info->used_sectors = info->next_free * cs;
	info->metadata_sectors = (info->areas + HDR_CHUNKS) * cs;
	if (info->bad_new)
		cow_error(m, P_("COW store: %" PRIu64 " exception points outside the data chunks of the device (left out)",
				"COW store: %" PRIu64 " exceptions point outside the data chunks of the device (left out)",
				info->bad_new), info->bad_new);
	if (info->duplicates)
		cow_error(m, P_("COW store: %" PRIu64 " origin chunk is remapped more than once (the last is used)",
				"COW store: %" PRIu64 " origin chunks are remapped more than once (the last is used)",
				info->duplicates), info->duplicates);
	if (!info->valid)
		cow_error(m, "%s", _("COW store: the snapshot is marked invalid (it overflowed or failed): the kernel refuses to use it"));
	*out = info;
	return RR_PROBE_FOUND;
}

int rr_cow_read_view(struct rr_dev *origin, struct rr_dev *cow, const struct rr_cow_info *info,
		     void *buf, size_t len, uint64_t off)
{
	uint64_t chunk_bytes = (uint64_t)info->chunk_size * SECTOR, end;
	uint8_t *out = buf;

	if (__builtin_add_overflow(off, len, &end) || end > rr_dev_size(origin))
		return -ERANGE;
	while (len) {
		uint64_t chunk = off / chunk_bytes, within = off % chunk_bytes, nc;
		size_t n = chunk_bytes - within < len ? (size_t)(chunk_bytes - within) : len;
		int r;

		if (rr_cow_lookup(info, chunk, &nc))
			r = rr_dev_pread(cow, out, n, nc * chunk_bytes + within);
		else
			r = rr_dev_pread(origin, out, n, off);
		if (r < 0)
			return r;
		out += n;
		off += n;
		len -= n;
	}
	return 0;
}

static int cow_probe(struct rr_dev *dev, struct rr_member *m)
{
	struct rr_cow_info *info;
	int r = rr_cow_read(dev, m, &info);

	if (r == RR_PROBE_FOUND)
		m->cow = info;
	return r;
}

static void cow_release(struct rr_member *m)
{
	rr_cow_info_free(m->cow);
	m->cow = NULL;
}

static void cow_print(FILE *out, const struct rr_member *m)
{
	const struct rr_cow_info *c = m->cow;

	if (!c)
		return;
	fputs("  --- dm-snapshot COW store (persistent) ---\n", out);
	fprintf(out, "  Magic               SnAp\n");
	fprintf(out, "  Valid               %" PRIu32 "\n", c->valid);
	fprintf(out, "  Version             %" PRIu32 "\n", c->version);
	fprintf(out, "  Chunk Size          %" PRIu32 " sectors\n", c->chunk_size);
	fprintf(out, "  Exceptions per area %" PRIu64 "\n", c->exceptions_per_area);
	fprintf(out, "  Metadata areas      %" PRIu64 "%s\n", c->areas, c->truncated ? " (truncated)" : "");
	fprintf(out, "  Exceptions          %" PRIu64 " (%" PRIu64 " mapped)\n", c->nexceptions, c->nmap);
	fprintf(out, "  Status              %" PRIu64 "/%" PRIu64 " %" PRIu64 "\n", c->used_sectors,
		c->total_sectors, c->metadata_sectors);
}

static void cow_to_json(json_object *dev, const struct rr_member *m)
{
	const struct rr_cow_info *c = m->cow;
	json_object *o;

	if (!c)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "valid", json_object_new_boolean(c->valid != 0));
	json_object_object_add(o, "version", json_object_new_uint64(c->version));
	json_object_object_add(o, "chunk_size_sectors", json_object_new_uint64(c->chunk_size));
	json_object_object_add(o, "exceptions_per_area", json_object_new_uint64(c->exceptions_per_area));
	json_object_object_add(o, "metadata_areas", json_object_new_uint64(c->areas));
	json_object_object_add(o, "exceptions", json_object_new_uint64(c->nexceptions));
	json_object_object_add(o, "mapped_chunks", json_object_new_uint64(c->nmap));
	json_object_object_add(o, "duplicates", json_object_new_uint64(c->duplicates));
	json_object_object_add(o, "bad_exceptions", json_object_new_uint64(c->bad_new));
	json_object_object_add(o, "truncated", json_object_new_boolean(c->truncated));
	json_object_object_add(o, "used_sectors", json_object_new_uint64(c->used_sectors));
	json_object_object_add(o, "total_sectors", json_object_new_uint64(c->total_sectors));
	json_object_object_add(o, "metadata_sectors", json_object_new_uint64(c->metadata_sectors));
	json_object_object_add(dev, "cow", o);
}

static char *cow_summary(const struct rr_member *m)
{
	const struct rr_cow_info *c = m->cow;

	if (!c)
		return NULL;
	if (!c->valid)
		return rr_xasprintf(_("dm-snapshot COW store, INVALID (%" PRIu64 " exceptions)"),
				    c->nexceptions);
	return rr_xasprintf(P_("dm-snapshot COW store, %" PRIu64 " exception, %" PRIu32 "-sector chunks",
			       "dm-snapshot COW store, %" PRIu64 " exceptions, %" PRIu32 "-sector chunks",
			       c->nexceptions), c->nexceptions, c->chunk_size);
}

const struct rr_probe rr_probe_cow = {
	.name = "cow",
	.probe = cow_probe,
	.print = cow_print,
	.to_json = cow_to_json,
	.summary = cow_summary,
	.release = cow_release,
};
