/* md superblocks for people and programs: the probe driver (every
 * location, primary first), mdadm --examine style text, JSON and the
 * verdict line.  The text keeps mdadm 4.2's labels, order and number
 * formats (examine_super0/examine_super1) so an operator can put the two
 * side by side; labels are deliberately not translated. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/i18n.h"
#include "core/msg.h"
#include "probes/md.h"

/* ---- names ---------------------------------------------------------- */

const char *rr_md_version_name(enum rr_md_version v)
{
	switch (v) {
	case RR_MD_V0_90: return "0.90";
	case RR_MD_V1_0: return "1.0";
	case RR_MD_V1_1: return "1.1";
	case RR_MD_V1_2: return "1.2";
	}
	return "?";
}

/* mdadm maps.c pers[], first name for each number. */
const char *rr_md_level_name(int32_t level)
{
	switch (level) {
	case RR_MD_LEVEL_LINEAR: return "linear";
	case 0: return "raid0";
	case 1: return "raid1";
	case 4: return "raid4";
	case 5: return "raid5";
	case RR_MD_LEVEL_MULTIPATH: return "multipath";
	case 6: return "raid6";
	case 10: return "raid10";
	case RR_MD_LEVEL_FAULTY: return "faulty";
	case RR_MD_LEVEL_CONTAINER: return "container";
	}
	return NULL;
}

struct layout_name {
	uint32_t value;
	const char *name;
};

/* mdadm maps.c r5layout[] / r6layout[] / r0layout[], first name per value. */
static const struct layout_name r5_layouts[] = {
	{ 0, "left-asymmetric" }, { 1, "right-asymmetric" },
	{ 2, "left-symmetric" }, { 3, "right-symmetric" },
	{ 4, "parity-first" }, { 5, "parity-last" },
};

static const struct layout_name r6_layouts[] = {
	{ 0, "left-asymmetric" }, { 1, "right-asymmetric" },
	{ 2, "left-symmetric" }, { 3, "right-symmetric" },
	{ 4, "parity-first" }, { 5, "parity-last" },
	{ 8, "ddf-zero-restart" }, { 9, "ddf-N-restart" }, { 10, "ddf-N-continue" },
	{ 16, "left-asymmetric-6" }, { 17, "right-asymmetric-6" },
	{ 18, "left-symmetric-6" }, { 19, "right-symmetric-6" },
	{ 20, "parity-first-6" },
};

static const struct layout_name r0_layouts[] = {
	{ 1, "original" }, { 2, "alternate" }, { 0, "dangerous" },
};

static const char *lookup(const struct layout_name *t, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].name;
	return "-unknown-";
}

#define LOOKUP(t, v) lookup((t), sizeof(t) / sizeof((t)[0]), (v))

/* mdadm util.c print_r10_layout(), without its leading space:
 * near copies in the low byte, far (or offset, bit 16) copies in the next. */
static void r10_layout(uint32_t layout, char *buf, size_t size)
{
	unsigned near = layout & 255, far = (layout >> 8) & 255;
	int n = 0;

	buf[0] = '\0';
	if (near != 1)
		n = snprintf(buf, size, "near=%u", near);
	if (far != 1 && n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "%s%s=%u", n ? ", " : "",
			 (layout & 0x10000) ? "offset" : "far", far);
	if (near * far == 1)
		snprintf(buf, size, "NO REDUNDANCY");
}

const char *rr_md_layout_name(int32_t level, uint32_t layout, bool raid0_layout,
			      char *buf, size_t size)
{
	switch (level) {
	case 4:
	case 5:
		return LOOKUP(r5_layouts, layout);
	case 6:
		return LOOKUP(r6_layouts, layout);
	case 10:
		r10_layout(layout, buf, size);
		return buf;
	case 0:
		return raid0_layout ? LOOKUP(r0_layouts, layout) : NULL;
	}
	return NULL;
}

/* ---- formatting helpers --------------------------------------------- */

static const char *const wdays[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
				       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

static bool utc(uint64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;

	if (t > (uint64_t)1 << 40 || (uint64_t)tt != t)
		return false;
	return gmtime_r(&tt, tm) != NULL;
}

/* ctime()'s layout, but UTC and English whatever the locale: mdadm on
 * the machine that made the fixtures ran with TZ=UTC. */
void rr_md_format_ctime(uint64_t t, char *buf, size_t size)
{
	struct tm tm;

	if (!utc(t, &tm)) {
		snprintf(buf, size, "(invalid time %" PRIu64 ")", t);
		return;
	}
	snprintf(buf, size, "%s %s %2d %02d:%02d:%02d %lld", wdays[tm.tm_wday % 7],
		 months[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (long long)tm.tm_year + 1900);
}

void rr_md_format_iso(uint64_t t, char *buf, size_t size)
{
	struct tm tm;

	if (!utc(t, &tm)) {
		snprintf(buf, size, "invalid");
		return;
	}
	snprintf(buf, size, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void rr_md_format_uuid(const uint8_t u[16], char buf[36])
{
	char *p = buf;

	for (int i = 0; i < 16; i++) {
		if (i && !(i & 3))
			*p++ = ':';
		p += sprintf(p, "%02x", u[i]);
	}
}

/* floor(bytes * 200 / unit) without overflow. */
static uint64_t centi(uint64_t bytes, uint64_t unit)
{
	return (bytes / unit) * 200 + (bytes % unit) * 200 / unit;
}

/* mdadm util.c human_size(): " (39.94 MiB 41.88 MB)" or "". */
static const char *human_size(uint64_t bytes, char *buf, size_t size)
{
	static const struct { uint64_t limit, bin, dec; const char *b, *d; } u[] = {
		{ 2ull << 30, 1ull << 20, 1000000ull, "MiB", "MB" },
		{ 2ull << 40, 1ull << 30, 1000000000ull, "GiB", "GB" },
		{ UINT64_MAX, 1ull << 40, 1000000000000ull, "TiB", "TB" },
	};

	buf[0] = '\0';
	if (bytes < 5000 * 1024)
		return buf;
	for (size_t i = 0; i < 3; i++) {
		if (bytes < u[i].limit || i == 2) {
			uint64_t cb = (centi(bytes, u[i].bin) + 1) / 2;
			uint64_t cd = (bytes / (u[i].dec / 200) + 1) / 2;

			snprintf(buf, size, " (%" PRIu64 ".%02u %s %" PRIu64 ".%02u %s)", cb / 100,
				 (unsigned)(cb % 100), u[i].b, cd / 100, (unsigned)(cd % 100), u[i].d);
			break;
		}
	}
	return buf;
}

/* Name of the host's block device major:minor, as mdadm's map_dev()
 * shows it in the 0.90 disk table ("/dev/loop0"); NULL if none.  These
 * are this host's devices, which need not be the array's members. */
static const char *host_devname(uint32_t major, uint32_t minor, char *buf, size_t size)
{
	char link[PATH_MAX], sys[64];
	const char *base;
	struct stat st;
	ssize_t n;

	snprintf(sys, sizeof(sys), "/sys/dev/block/%" PRIu32 ":%" PRIu32, major, minor);
	n = readlink(sys, link, sizeof(link) - 1);
	if (n <= 0)
		return NULL;
	link[n] = '\0';
	base = strrchr(link, '/');
	base = base ? base + 1 : link;
	n = snprintf(buf, size, "/dev/%s", base);
	if (n < 0 || (size_t)n >= size || stat(buf, &st) < 0 || !S_ISBLK(st.st_mode))
		return NULL;
	return buf;
}

/* The name as mdadm's "%.32s" shows it, control characters replaced so a
 * hostile name cannot drive the terminal. */
static void print_name(FILE *out, const char *name)
{
	for (const char *c = name; *c; c++)
		fputc((unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c, out);
}

/* ---- mdadm --examine text ------------------------------------------- */

/* Data disks per mirror-set for the "Array Size" line, as mdadm counts
 * them; 0 when there is nothing to print. */
static int64_t data_disks(const struct rr_md_sb *s, int64_t *denom)
{
	*denom = 1;
	switch (s->level) {
	case 1: return 1;
	case 4:
	case 5: return (int64_t)(int32_t)s->raid_disks - 1;
	case 6: return (int64_t)(int32_t)s->raid_disks - 2;
	case 10:
		*denom = (int64_t)(s->layout & 255) * ((s->layout >> 8) & 255);
		return (int32_t)s->raid_disks;
	}
	return 0;
}

static void print_array_size(FILE *out, const struct rr_md_sb *s, const char *suffix)
{
	int64_t denom, dd = data_disks(s, &denom);
	uint64_t bytes;
	char h[64];

	if (dd <= 0 || denom <= 0)
		return;
	if (s->component_size > (UINT64_MAX / 512) / (uint64_t)dd)
		return;		/* mdadm would overflow; nothing sensible to show */
	bytes = s->component_size * 512 * (uint64_t)dd / (uint64_t)denom;
	fprintf(out, "     Array Size : %" PRIu64 "%s%s\n", bytes >> 10, suffix,
		human_size(bytes, h, sizeof(h)));
}

static void print_layout_chunk(FILE *out, const struct rr_md_sb *s, bool raid0_layout)
{
	char b[64];
	const char *l;

	if ((s->level == 0 && raid0_layout) || s->level == 5 || s->level == 6 || s->level == 10) {
		l = rr_md_layout_name(s->level, s->layout, raid0_layout, b, sizeof(b));
		/* mdadm prints the raid10 layout right after the colon. */
		fprintf(out, "         Layout :%s%s\n",
			s->level == 10 && strcmp(l, "NO REDUNDANCY") == 0 ? "" : " ", l);
	}
	switch (s->level) {
	case 0:
	case 4:
	case 5:
	case 6:
	case 10:
		fprintf(out, "     Chunk Size : %dK\n", (int)(uint32_t)(s->chunk_bytes / 1024));
		break;
	case RR_MD_LEVEL_LINEAR:
		fprintf(out, "       Rounding : %dK\n", (int)(uint32_t)(s->chunk_bytes / 1024));
		break;
	}
	fputc('\n', out);
}

static void print_checksum(FILE *out, const struct rr_md_sb *s)
{
	if (!s->csum_computed)
		fprintf(out, "       Checksum : %" PRIx32 " - %s\n", s->csum_stored,
			_("cannot be verified"));
	else if (s->csum_mdadm == s->csum_stored)
		fprintf(out, "       Checksum : %" PRIx32 " - correct\n", s->csum_stored);
	else
		fprintf(out, "       Checksum : %" PRIx32 " - expected %" PRIx32 "\n",
			s->csum_stored, s->csum_mdadm);
}

static void print_sb0(FILE *out, const struct rr_md_sb *s)
{
	char t[64], h[64], uuid[36];

	fprintf(out, "          Magic : %08x\n", RR_MD_MAGIC);
	fprintf(out, "        Version : %d.%02d.%02d\n", (int)s->major_version,
		(int)s->minor_version, (int)s->patch_version);
	if (s->minor_version >= 90) {
		rr_md_format_uuid(s->array_uuid, uuid);
		fprintf(out, "           UUID : %s\n", uuid);
	} else {
		fprintf(out, "           UUID : %02x%02x%02x%02x\n", s->array_uuid[0],
			s->array_uuid[1], s->array_uuid[2], s->array_uuid[3]);
	}
	if (s->not_persistent)
		fprintf(out, "           Eedk : not persistent\n");
	rr_md_format_ctime(s->ctime, t, sizeof(t));
	fprintf(out, "  Creation Time : %s\n", t);
	fprintf(out, "     Raid Level : %s\n",
		rr_md_level_name(s->level) ? rr_md_level_name(s->level) : "-unknown-");
	if (s->level > 0) {
		fprintf(out, "  Used Dev Size : %d%s\n", (int)(uint32_t)(s->component_size / 2),
			human_size(s->component_size * 512, h, sizeof(h)));
		print_array_size(out, s, "");
	}
	fprintf(out, "   Raid Devices : %d\n", (int)s->raid_disks);
	fprintf(out, "  Total Devices : %d\n", (int)s->nr_disks);
	fprintf(out, "Preferred Minor : %d\n", (int)s->md_minor);
	fputc('\n', out);
	if (s->reshape_active) {
		fprintf(out, "  Reshape pos'n : %" PRIu64 "%s\n", s->reshape_position / 2,
			human_size(s->reshape_position << 9, h, sizeof(h)));
		if (s->delta_disks) {
			fprintf(out, "  Delta Devices : %d", (int)s->delta_disks);
			fprintf(out, " (%d->%d)\n", (int)(s->raid_disks - (uint32_t)s->delta_disks),
				(int)s->raid_disks);
		}
		if (s->new_level != s->level)
			fprintf(out, "      New Level : %s\n", rr_md_level_name(s->new_level) ?
				rr_md_level_name(s->new_level) : "-unknown-");
		if (s->new_layout != s->layout) {
			if (s->level == 5 || s->level == 6)
				fprintf(out, "     New Layout : %s\n",
					rr_md_layout_name(s->level, s->new_layout, false, t, sizeof(t)));
			if (s->level == 10)
				fprintf(out, "     New Layout : near=%u, %s=%u\n", s->new_layout & 255,
					(s->new_layout & 0x10000) ? "offset" : "far",
					(s->new_layout >> 8) & 255);
		}
		if (s->new_chunk_bytes != s->chunk_bytes)
			fprintf(out, "  New Chunksize : %d\n", (int)(uint32_t)s->new_chunk_bytes);
		fputc('\n', out);
	}
	rr_md_format_ctime(s->utime, t, sizeof(t));
	fprintf(out, "    Update Time : %s\n", t);
	fprintf(out, "          State : %s\n", s->clean ? "clean" : "active");
	if (s->bitmap.valid)
		fprintf(out, "Internal Bitmap : present\n");
	fprintf(out, " Active Devices : %d\n", (int)s->active_disks);
	fprintf(out, "Working Devices : %d\n", (int)s->working_disks);
	fprintf(out, " Failed Devices : %d\n", (int)s->failed_disks);
	fprintf(out, "  Spare Devices : %d\n", (int)s->spare_disks);
	print_checksum(out, s);
	fprintf(out, "         Events : %" PRIu64 "\n", s->events);
	fputc('\n', out);
	print_layout_chunk(out, s, false);
	fprintf(out, "      Number   Major   Minor   RaidDevice State\n");
	for (int d = -1; d < (int)s->ndisks_shown; d++) {
		const struct rr_md0_disk *dp = d < 0 ? &s->this_disk : &s->disks[d];
		uint32_t st = dp->state;
		uint32_t wonly = st & (1u << RR_MD0_DISK_WRITEMOSTLY);
		uint32_t ff = st & (1u << RR_MD0_DISK_FAILFAST);
		char nb[12], dn[PATH_MAX];
		const char *name;

		snprintf(nb, sizeof(nb), "%4d", d);
		fprintf(out, "%4s %5d   %5d    %5d    %5d     ", d < 0 ? "this" : nb,
			(int)dp->number, (int)dp->major, (int)dp->minor, (int)dp->raid_disk);
		st &= ~(wonly | ff);
		if (st & (1u << RR_MD0_DISK_FAULTY))
			fputs(" faulty", out);
		if (st & (1u << RR_MD0_DISK_ACTIVE))
			fputs(" active", out);
		if (st & (1u << RR_MD0_DISK_SYNC))
			fputs(" sync", out);
		if (st & (1u << RR_MD0_DISK_REMOVED))
			fputs(" removed", out);
		if (wonly)
			fputs(" write-mostly", out);
		if (ff)
			fputs(" failfast", out);
		if (st == 0)
			fputs(" spare", out);
		name = host_devname(dp->major, dp->minor, dn, sizeof(dn));
		if (name)
			fprintf(out, "   %s", name);
		fputc('\n', out);
		if (d == -1)
			fputc('\n', out);
	}
}

static void print_sb1(FILE *out, const struct rr_md_sb *s)
{
	/* mdadm clears the bitmap bit when the bitmap superblock is bad. */
	uint32_t fmap = s->feature_map & ~(s->bitmap.valid ? 0u : (uint32_t)RR_MD_FEAT_BITMAP);
	char t[64], h[64], uuid[36];

	fprintf(out, "          Magic : %08x\n", RR_MD_MAGIC);
	fprintf(out, "        Version : %s\n", rr_md_version_name(s->version));
	fprintf(out, "    Feature Map : 0x%" PRIx32 "\n", fmap);
	rr_md_format_uuid(s->array_uuid, uuid);
	fprintf(out, "     Array UUID : %s\n", uuid);
	fputs("           Name : ", out);
	print_name(out, s->name);
	fputc('\n', out);
	if (s->bitmap.valid && s->bitmap.nodes > 0) {
		fputs("   Cluster Name : ", out);
		print_name(out, s->bitmap.cluster_name);
		fprintf(out, "%*s\n", (int)(64 - strlen(s->bitmap.cluster_name)), "");
	}
	rr_md_format_ctime(s->ctime, t, sizeof(t));
	fprintf(out, "  Creation Time : %s\n", t);
	fprintf(out, "     Raid Level : %s\n",
		rr_md_level_name(s->level) ? rr_md_level_name(s->level) : "-unknown-");
	fprintf(out, "   Raid Devices : %d\n", (int)s->raid_disks);
	fputc('\n', out);
	fprintf(out, " Avail Dev Size : %" PRIu64 " sectors%s\n", s->data_size,
		human_size(s->data_size << 9, h, sizeof(h)));
	if (s->level > 0) {
		print_array_size(out, s, " KiB");
		if (s->component_size != s->data_size)
			fprintf(out, "  Used Dev Size : %" PRIu64 " sectors%s\n", s->component_size,
				human_size(s->component_size << 9, h, sizeof(h)));
	}
	if (s->data_offset)
		fprintf(out, "    Data Offset : %" PRIu64 " sectors\n", s->data_offset);
	if (s->new_offset && (s->feature_map & RR_MD_FEAT_NEW_OFFSET))
		fprintf(out, "     New Offset : %" PRIu64 " sectors\n",
			s->data_offset + (uint64_t)(int64_t)s->new_offset);
	fprintf(out, "   Super Offset : %" PRIu64 " sectors\n", s->super_offset);
	if (s->feature_map & RR_MD_FEAT_RECOVERY_OFFSET)
		fprintf(out, "Recovery Offset : %" PRIu64 " sectors\n", s->recovery_offset);
	if (s->space_known)
		fprintf(out, "   Unused Space : before=%" PRIu64 " sectors, after=%" PRIu64 " sectors\n",
			s->space_before, s->space_after);
	fprintf(out, "          State : %s\n", s->clean ? "clean" : "active");
	rr_md_format_uuid(s->device_uuid, uuid);
	fprintf(out, "    Device UUID : %s\n", uuid);
	fputc('\n', out);
	if (fmap & RR_MD_FEAT_BITMAP)
		fprintf(out, "Internal Bitmap : %" PRId64 " sectors from superblock\n",
			s->bitmap.offset_sectors);
	else if (fmap & (RR_MD_FEAT_PPL | RR_MD_FEAT_MULTIPLE_PPLS))
		fprintf(out, "            PPL : %u sectors at offset %d sectors from superblock\n",
			s->ppl_size, s->ppl_offset);
	if (s->reshape_active) {
		fprintf(out, "  Reshape pos'n : %" PRIu64 "%s\n", s->reshape_position / 2,
			human_size(s->reshape_position << 9, h, sizeof(h)));
		if (s->delta_disks) {
			fprintf(out, "  Delta Devices : %d", (int)s->delta_disks);
			fprintf(out, " (%d->%d)\n", (int)(s->raid_disks - (uint32_t)s->delta_disks),
				(int)s->raid_disks);
		}
		if (s->new_level != s->level)
			fprintf(out, "      New Level : %s\n", rr_md_level_name(s->new_level) ?
				rr_md_level_name(s->new_level) : "-unknown-");
		if (s->new_layout != s->layout && (s->level == 5 || s->level == 6 || s->level == 10)) {
			const char *l = rr_md_layout_name(s->level, s->new_layout, false, t, sizeof(t));

			fprintf(out, "     New Layout :%s%s\n",
				s->level == 10 && strcmp(l, "NO REDUNDANCY") == 0 ? "" : " ", l);
		}
		if (s->new_chunk_bytes != s->chunk_bytes)
			fprintf(out, "  New Chunksize : %dK\n", (int)(uint32_t)(s->new_chunk_bytes / 1024));
		fputc('\n', out);
	}
	if (s->devflags) {
		fputs("          Flags :", out);
		if (s->devflags & 1)
			fputs(" write-mostly", out);
		if (s->devflags & 2)
			fputs(" failfast", out);
		fputc('\n', out);
	}
	rr_md_format_ctime(s->utime, t, sizeof(t));
	fprintf(out, "    Update Time : %s\n", t);
	if (s->bblog_size && s->bblog_offset) {
		fprintf(out, "  Bad Block Log : %d entries available at offset %ld sectors",
			s->bblog_size * 512 / 8, (long)s->bblog_offset);
		if (s->feature_map & RR_MD_FEAT_BAD_BLOCKS)
			fputs(" - bad blocks present.", out);
		fputc('\n', out);
	}
	print_checksum(out, s);
	fprintf(out, "         Events : %" PRIu64 "\n", s->events);
	fputc('\n', out);
	print_layout_chunk(out, s, (s->feature_map & RR_MD_FEAT_RAID0_LAYOUT) != 0);
	fputs("   Device Role : ", out);
	switch (s->role_kind) {
	case RR_MD_ROLE_KIND_SPARE:
	case RR_MD_ROLE_KIND_FAULTY:
		fputs("spare\n", out);	/* mdadm says "spare" for both */
		break;
	case RR_MD_ROLE_KIND_JOURNAL:
		fputs("Journal\n", out);
		break;
	case RR_MD_ROLE_ACTIVE:
		fprintf(out, "%s device %d\n", s->replacement ? "Replacement" : "Active",
			(int)s->slot);
		break;
	}
	fprintf(out, "   Array State : %s ('A' == active, '.' == missing, 'R' == replacing)\n",
		s->array_state);
	if (s->state_inconsistent) {
		fputs("WARNING Array state is inconsistent - each number should appear only once\n",
		      out);
		for (uint32_t d = 0; d < s->nroles; d++)
			if (s->roles[d] >= RR_MD_ROLE_FAULTY)
				fprintf(out, " %u:-", d);
			else
				fprintf(out, " %u:%u", d, s->roles[d]);
		fputc('\n', out);
	}
}

static void print_sb(FILE *out, const struct rr_md_sb *s)
{
	if (s->version == RR_MD_V0_90)
		print_sb0(out, s);
	else
		print_sb1(out, s);
}

static void md_print(FILE *out, const struct rr_member *m)
{
	const struct rr_md_info *md = m->md;

	if (!md)
		return;
	for (size_t i = 0; i < md->nsb; i++) {
		if (i)
			fprintf(out, _("\nAnother md superblock (%s at byte %" PRIu64
				       "), older than the first:\n"),
				rr_md_version_name(md->sb[i].version), md->sb[i].sb_offset_bytes);
		print_sb(out, &md->sb[i]);
	}
}

/* ---- JSON ----------------------------------------------------------- */

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *jhex(uint32_t v)
{
	char b[16];

	snprintf(b, sizeof(b), "%" PRIx32, v);
	return json_object_new_string(b);
}

static json_object *role_json(const struct rr_md_sb *s)
{
	switch (s->role_kind) {
	case RR_MD_ROLE_ACTIVE: return json_object_new_int64(s->slot);
	case RR_MD_ROLE_KIND_SPARE: return json_object_new_string("spare");
	case RR_MD_ROLE_KIND_FAULTY: return json_object_new_string("faulty");
	case RR_MD_ROLE_KIND_JOURNAL: return json_object_new_string("journal");
	}
	return NULL;
}

static json_object *disk0_json(const struct rr_md0_disk *d)
{
	static const struct { unsigned bit; const char *name; } bits[] = {
		{ RR_MD0_DISK_FAULTY, "faulty" }, { RR_MD0_DISK_ACTIVE, "active" },
		{ RR_MD0_DISK_SYNC, "sync" }, { RR_MD0_DISK_REMOVED, "removed" },
		{ RR_MD0_DISK_WRITEMOSTLY, "write-mostly" }, { RR_MD0_DISK_FAILFAST, "failfast" },
	};
	json_object *o = json_object_new_object(), *st = json_object_new_array();

	json_object_object_add(o, "number", json_object_new_int64(d->number));
	json_object_object_add(o, "major", json_object_new_int64(d->major));
	json_object_object_add(o, "minor", json_object_new_int64(d->minor));
	json_object_object_add(o, "raid_disk", json_object_new_int64(d->raid_disk));
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (d->state & (1u << bits[i].bit))
			json_object_array_add(st, json_object_new_string(bits[i].name));
	json_object_object_add(o, "state", st);
	json_object_object_add(o, "state_raw", json_object_new_int64(d->state));
	return o;
}

static json_object *features_json(const struct rr_md_sb *s)
{
	json_object *f = json_object_new_object();
	json_object *bb = NULL, *rs = NULL, *ppl = NULL, *bm = NULL;
	char b[64];

	json_object_object_add(f, "raw", json_object_new_int64(s->feature_map));
	if (s->bitmap.present) {
		bm = json_object_new_object();
		json_object_object_add(bm, "offset_sectors", json_object_new_int64(s->bitmap.offset_sectors));
		json_object_object_add(bm, "valid", json_object_new_boolean(s->bitmap.valid));
		if (s->bitmap.valid) {
			json_object_object_add(bm, "version", json_object_new_int64(s->bitmap.version));
			json_object_object_add(bm, "chunk_bytes", json_object_new_int64(s->bitmap.chunk_bytes));
			json_object_object_add(bm, "sync_size_sectors",
					       json_object_new_uint64(s->bitmap.sync_size_sectors));
			json_object_object_add(bm, "events", json_object_new_uint64(s->bitmap.events));
			json_object_object_add(bm, "events_cleared", json_object_new_uint64(s->bitmap.events_cleared));
			json_object_object_add(bm, "nodes", json_object_new_int64(s->bitmap.nodes));
		}
	}
	json_object_object_add(f, "bitmap_offset",
			       s->bitmap.present ? json_object_new_int64(s->bitmap.offset_sectors) : NULL);
	json_object_object_add(f, "bitmap", bm);
	if (s->bblog_size && s->bblog_offset) {
		bb = json_object_new_object();
		json_object_object_add(bb, "offset_sectors", json_object_new_int64(s->bblog_offset));
		json_object_object_add(bb, "size_sectors", json_object_new_int64(s->bblog_size));
		json_object_object_add(bb, "shift", json_object_new_int64(s->bblog_shift));
		json_object_object_add(bb, "present",
				       json_object_new_boolean(s->feature_map & RR_MD_FEAT_BAD_BLOCKS));
	}
	json_object_object_add(f, "bad_blocks", bb);
	if (s->reshape_active) {
		rs = json_object_new_object();
		json_object_object_add(rs, "position_sectors", json_object_new_uint64(s->reshape_position));
		json_object_object_add(rs, "new_level", jstr(rr_md_level_name(s->new_level)));
		json_object_object_add(rs, "new_level_number", json_object_new_int64(s->new_level));
		json_object_object_add(rs, "new_layout",
				       jstr(rr_md_layout_name(s->level, s->new_layout, false, b, sizeof(b))));
		json_object_object_add(rs, "new_layout_number", json_object_new_int64(s->new_layout));
		json_object_object_add(rs, "new_chunk_kib", json_object_new_uint64(s->new_chunk_bytes / 1024));
		json_object_object_add(rs, "delta_disks", json_object_new_int64(s->delta_disks));
		json_object_object_add(rs, "backwards", json_object_new_boolean(s->reshape_backwards));
		json_object_object_add(rs, "new_offset_sectors",
				       (s->feature_map & RR_MD_FEAT_NEW_OFFSET) ?
				       json_object_new_int64(s->new_offset) : NULL);
	}
	json_object_object_add(f, "reshape", rs);
	json_object_object_add(f, "journal", json_object_new_boolean(s->feature_map & RR_MD_FEAT_JOURNAL));
	if (s->feature_map & (RR_MD_FEAT_PPL | RR_MD_FEAT_MULTIPLE_PPLS) && !s->bitmap.present) {
		ppl = json_object_new_object();
		json_object_object_add(ppl, "offset_sectors", json_object_new_int64(s->ppl_offset));
		json_object_object_add(ppl, "size_sectors", json_object_new_int64(s->ppl_size));
		json_object_object_add(ppl, "multiple",
				       json_object_new_boolean(s->feature_map & RR_MD_FEAT_MULTIPLE_PPLS));
	}
	json_object_object_add(f, "ppl", ppl);
	json_object_object_add(f, "recovery_offset",
			       (s->feature_map & RR_MD_FEAT_RECOVERY_OFFSET) ?
			       json_object_new_uint64(s->recovery_offset) : NULL);
	json_object_object_add(f, "replacement",
			       json_object_new_boolean(s->feature_map & RR_MD_FEAT_REPLACEMENT));
	json_object_object_add(f, "raid0_layout",
			       json_object_new_boolean(s->feature_map & RR_MD_FEAT_RAID0_LAYOUT));
	return f;
}

static json_object *sb_json(const struct rr_md_sb *s)
{
	json_object *o = json_object_new_object();
	char b[64], uuid[36];
	const char *layout;

	json_object_object_add(o, "version", json_object_new_string(rr_md_version_name(s->version)));
	if (s->version == RR_MD_V0_90) {
		snprintf(b, sizeof(b), "%d.%02d.%02d", (int)s->major_version, (int)s->minor_version,
			 (int)s->patch_version);
		json_object_object_add(o, "version_full", json_object_new_string(b));
		json_object_object_add(o, "byte_order",
				       json_object_new_string(s->big_endian ? "big" : "little"));
	}
	json_object_object_add(o, "superblock_offset_bytes", json_object_new_uint64(s->sb_offset_bytes));
	rr_md_format_uuid(s->array_uuid, uuid);
	json_object_object_add(o, "array_uuid", json_object_new_string(uuid));
	json_object_object_add(o, "name", s->version == RR_MD_V0_90 ? NULL :
			       json_object_new_string(s->name));
	json_object_object_add(o, "level", jstr(rr_md_level_name(s->level)));
	json_object_object_add(o, "level_number", json_object_new_int64(s->level));
	json_object_object_add(o, "raid_devices", json_object_new_int64(s->raid_disks));
	layout = rr_md_layout_name(s->level, s->layout,
				   s->version != RR_MD_V0_90 && (s->feature_map & RR_MD_FEAT_RAID0_LAYOUT),
				   b, sizeof(b));
	json_object_object_add(o, "layout", jstr(layout));
	json_object_object_add(o, "layout_number", json_object_new_int64(s->layout));
	json_object_object_add(o, "chunk_kib", json_object_new_uint64(s->chunk_bytes / 1024));
	json_object_object_add(o, "data_offset_sectors", json_object_new_uint64(s->data_offset));
	json_object_object_add(o, "data_size_sectors", json_object_new_uint64(s->data_size));
	json_object_object_add(o, "used_dev_size_sectors", json_object_new_uint64(s->component_size));
	json_object_object_add(o, "super_offset_sectors", json_object_new_uint64(s->super_offset));
	json_object_object_add(o, "events", json_object_new_uint64(s->events));
	json_object_object_add(o, "role", role_json(s));
	json_object_object_add(o, "replacement", json_object_new_boolean(s->replacement));
	json_object_object_add(o, "dev_number", json_object_new_int64(s->dev_number));
	if (s->version != RR_MD_V0_90) {
		rr_md_format_uuid(s->device_uuid, uuid);
		json_object_object_add(o, "device_uuid", json_object_new_string(uuid));
	}
	rr_md_format_iso(s->ctime, b, sizeof(b));
	json_object_object_add(o, "creation_time", json_object_new_string(b));
	rr_md_format_iso(s->utime, b, sizeof(b));
	json_object_object_add(o, "update_time", json_object_new_string(b));
	json_object_object_add(o, "array_state", json_object_new_string(s->array_state));
	json_object_object_add(o, "array_state_inconsistent",
			       json_object_new_boolean(s->state_inconsistent));
	json_object_object_add(o, "state", json_object_new_string(s->clean ? "clean" : "active"));
	json_object_object_add(o, "resync_offset", json_object_new_uint64(s->resync_offset));
	json_object_object_add(o, "checksum_ok", json_object_new_boolean(s->checksum_ok));
	json_object_object_add(o, "checksum", jhex(s->csum_stored));
	json_object_object_add(o, "checksum_expected", s->csum_computed ? jhex(s->csum_expected) : NULL);
	if (s->version == RR_MD_V0_90) {
		json_object *disks = json_object_new_array();

		json_object_object_add(o, "checksum_kernel_ok", json_object_new_boolean(s->checksum_kernel_ok));
		json_object_object_add(o, "total_devices", json_object_new_int64(s->nr_disks));
		json_object_object_add(o, "preferred_minor", json_object_new_int64(s->md_minor));
		json_object_object_add(o, "active_devices", json_object_new_int64(s->active_disks));
		json_object_object_add(o, "working_devices", json_object_new_int64(s->working_disks));
		json_object_object_add(o, "failed_devices", json_object_new_int64(s->failed_disks));
		json_object_object_add(o, "spare_devices", json_object_new_int64(s->spare_disks));
		json_object_object_add(o, "this_disk", disk0_json(&s->this_disk));
		/* The rows mdadm shows, and any used slot after them. */
		unsigned ndisks = s->ndisks_shown;

		for (unsigned i = ndisks; i < RR_MD0_DISKS; i++) {
			const struct rr_md0_disk *d = &s->disks[i];

			if (d->number || d->major || d->minor || d->raid_disk || d->state)
				ndisks = i + 1;
		}
		for (unsigned i = 0; i < ndisks; i++)
			json_object_array_add(disks, disk0_json(&s->disks[i]));
		json_object_object_add(o, "disks", disks);
		json_object_object_add(o, "reshape", NULL);
		if (s->reshape_active) {
			json_object *rs = features_json(s);

			json_object_object_add(o, "reshape", json_object_get(json_object_object_get(rs, "reshape")));
			json_object_put(rs);
		}
		json_object_object_add(o, "bitmap", s->bitmap.present ?
				       json_object_new_boolean(s->bitmap.valid) : NULL);
	} else {
		json_object *roles = json_object_new_array();

		json_object_object_add(o, "feature_map", features_json(s));
		json_object_object_add(o, "max_dev", json_object_new_int64(s->max_dev));
		/* Trailing spare entries (unused dev_numbers) are left out:
		 * the table has max_dev entries, mostly empty. */
		uint32_t nroles = s->nroles;

		while (nroles && s->roles[nroles - 1] == RR_MD_ROLE_SPARE)
			nroles--;
		for (uint32_t i = 0; i < nroles; i++) {
			uint16_t r = s->roles[i];

			json_object_array_add(roles, r == RR_MD_ROLE_SPARE ? json_object_new_string("spare") :
					      r == RR_MD_ROLE_FAULTY ? json_object_new_string("faulty") :
					      r == RR_MD_ROLE_JOURNAL ? json_object_new_string("journal") :
					      json_object_new_int64(r));
		}
		json_object_object_add(o, "roles", roles);
		if (s->space_known) {
			json_object *u = json_object_new_object();

			json_object_object_add(u, "before_sectors", json_object_new_uint64(s->space_before));
			json_object_object_add(u, "after_sectors", json_object_new_uint64(s->space_after));
			json_object_object_add(o, "unused_space", u);
		}
		json_object_object_add(o, "write_mostly", json_object_new_boolean(s->devflags & 1));
		json_object_object_add(o, "failfast", json_object_new_boolean(s->devflags & 2));
	}
	return o;
}

static void md_to_json(json_object *dev, const struct rr_member *m)
{
	const struct rr_md_info *md = m->md;
	json_object *o, *others;

	if (!md || !md->nsb)
		return;
	o = sb_json(&md->sb[0]);
	others = json_object_new_array();
	for (size_t i = 1; i < md->nsb; i++)
		json_object_array_add(others, sb_json(&md->sb[i]));
	json_object_object_add(o, "other_superblocks", others);
	json_object_object_add(dev, "md", o);
}

/* ---- verdict -------------------------------------------------------- */

static char *md_summary(const struct rr_member *m)
{
	const struct rr_md_sb *s = rr_md_primary(m->md);
	const char *level;
	char uuid[36], *role, *out;

	if (!s)
		return NULL;
	level = rr_md_level_name(s->level) ? rr_md_level_name(s->level) : _("unknown-level");
	rr_md_format_uuid(s->array_uuid, uuid);
	switch (s->role_kind) {
	case RR_MD_ROLE_ACTIVE:
		role = s->replacement ? rr_xasprintf(_("replacing slot %u"), s->slot)
				      : rr_xasprintf(_("slot %u"), s->slot);
		break;
	case RR_MD_ROLE_KIND_SPARE:
		role = rr_xstrdup(_("spare"));
		break;
	case RR_MD_ROLE_KIND_FAULTY:
		role = rr_xstrdup(_("faulty"));
		break;
	default:
		role = rr_xstrdup(_("journal"));
		break;
	}
	if (s->name[0])
		out = rr_xasprintf(_("md %s member of %s array %s (%s), %s, events %" PRIu64 "%s"),
				   rr_md_version_name(s->version), level, uuid, s->name, role,
				   s->events, s->checksum_ok ? "" : _(", bad checksum"));
	else
		out = rr_xasprintf(_("md %s member of %s array %s, %s, events %" PRIu64 "%s"),
				   rr_md_version_name(s->version), level, uuid, role, s->events,
				   s->checksum_ok ? "" : _(", bad checksum"));
	free(role);
	return out;
}

/* ---- the probe ------------------------------------------------------ */

void rr_md_sb_clear(struct rr_md_sb *sb)
{
	free(sb->roles);
	free(sb->array_state);
	sb->roles = NULL;
	sb->array_state = NULL;
}

static void md_release(struct rr_member *m)
{
	if (!m->md)
		return;
	for (size_t i = 0; i < m->md->nsb; i++)
		rr_md_sb_clear(&m->md->sb[i]);
	free(m->md->sb);
	free(m->md);
	m->md = NULL;
}

/* Primary first: the most recently updated, then the most events; the
 * order of discovery otherwise (stable insertion sort, n <= 4). */
static bool newer(const struct rr_md_sb *a, const struct rr_md_sb *b)
{
	if (a->utime != b->utime)
		return a->utime > b->utime;
	return a->events > b->events;
}

static int md_probe(struct rr_dev *dev, struct rr_member *m)
{
	static const enum rr_md_version order[] = { RR_MD_V1_1, RR_MD_V1_2, RR_MD_V1_0 };
	struct rr_md_sb found[4], tmp;
	size_t n = 0;
	int r, err = 0;

	for (size_t i = 0; i < 3; i++) {
		r = rr_md1_read(dev, m, order[i], &found[n]);
		if (r == RR_PROBE_FOUND) {
			/* On a tiny device the 1.0 place is the 1.2 place. */
			bool dup = false;

			for (size_t j = 0; j < n; j++)
				dup |= found[j].sb_offset_bytes == found[n].sb_offset_bytes;
			if (dup)
				rr_md_sb_clear(&found[n]);
			else
				n++;
		} else if (r < 0) {
			err = r;
		}
	}
	r = rr_md0_read(dev, m, &found[n]);
	if (r == RR_PROBE_FOUND)
		n++;
	else if (r < 0)
		err = r;
	if (!n)
		return err ? err : RR_PROBE_NONE;

	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && newer(&found[j], &found[j - 1]); j--) {
			tmp = found[j];
			found[j] = found[j - 1];
			found[j - 1] = tmp;
		}
	for (size_t i = 1; i < n; i++) {
		char t0[64], t1[64];

		rr_md_format_ctime(found[0].utime, t0, sizeof(t0));
		rr_md_format_ctime(found[i].utime, t1, sizeof(t1));
		rr_member_error(m, _("more than one md superblock: md %s at byte %" PRIu64
				     " (updated %s, events %" PRIu64 ") is used, md %s at byte %"
				     PRIu64 " (updated %s, events %" PRIu64 ") is probably stale"),
				rr_md_version_name(found[0].version), found[0].sb_offset_bytes, t0,
				found[0].events, rr_md_version_name(found[i].version),
				found[i].sb_offset_bytes, t1, found[i].events);
	}
	m->md = rr_xcalloc(1, sizeof(*m->md));
	m->md->sb = rr_xcalloc(n, sizeof(*m->md->sb));
	memcpy(m->md->sb, found, n * sizeof(*found));
	m->md->nsb = n;
	return RR_PROBE_FOUND;
}

const struct rr_probe rr_probe_md = {
	.name = "md",
	.probe = md_probe,
	.print = md_print,
	.to_json = md_to_json,
	.summary = md_summary,
	.release = md_release,
};
