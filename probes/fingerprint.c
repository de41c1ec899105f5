#include <dirent.h>
#include <errno.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/i18n.h"
#include "core/sha256.h"
#include "probes/devread.h"
#include "probes/fingerprint.h"

#define SPAN (1u << 20)

static void hex(const uint8_t *d, char out[65])
{
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* Hash [off, off+len).  A member with bad sectors must still get a
 * fingerprint (it is exactly the member an operator needs to overlay), so
 * unreadable 4 KiB blocks are hashed as zeros and counted. */
static int hash_range(struct rr_dev *dev, uint64_t off, size_t len, char out[65], unsigned *bad)
{
	uint8_t *buf = malloc(len ? len : 1), dg[32];
	int r;

	if (!buf)
		return -ENOMEM;
	r = rr_dev_pread(dev, buf, len, off);
	if (r == -EIO) {
		r = 0;
		for (size_t pos = 0; pos < len; pos += 4096) {
			size_t n = len - pos < 4096 ? len - pos : 4096;

			if (rr_dev_pread(dev, buf + pos, n, off + pos) < 0) {
				memset(buf + pos, 0, n);
				(*bad)++;
			}
		}
	}
	if (r == 0) {
		rr_sha256(buf, len, dg);
		hex(dg, out);
	}
	free(buf);
	return r;
}

static void udev_serial(const char *path, char *out, size_t n)
{
	struct stat st;
	struct udev *u;
	struct udev_device *d;
	const char *s;

	out[0] = '\0';
	if (stat(path, &st) < 0 || !S_ISBLK(st.st_mode))
		return;
	u = udev_new();
	if (!u)
		return;
	d = udev_device_new_from_devnum(u, 'b', st.st_rdev);
	if (d) {
		s = udev_device_get_property_value(d, "ID_SERIAL");
		if (s)
			snprintf(out, n, "%s", s);
		udev_device_unref(d);
	}
	udev_unref(u);
}

int rr_fingerprint_compute(const char *path, struct rr_fingerprint *fp)
{
	struct rr_dev *dev;
	uint64_t size;
	size_t span;
	int r;

	memset(fp, 0, sizeof(*fp));
	r = rr_dev_open(path, &dev);
	if (r < 0)
		return r;
	size = rr_dev_size(dev);
	span = size < SPAN ? (size_t)size : SPAN;
	fp->size_bytes = size;
	r = hash_range(dev, 0, span, fp->head_sha256, &fp->unreadable_blocks);
	if (r == 0)
		r = hash_range(dev, size - span, span, fp->tail_sha256, &fp->unreadable_blocks);
	rr_dev_close(dev);
	udev_serial(path, fp->serial, sizeof(fp->serial));
	return r;
}

json_object *rr_fingerprint_to_json(const struct rr_fingerprint *fp)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "size_bytes", json_object_new_uint64(fp->size_bytes));
	json_object_object_add(o, "head_sha256", json_object_new_string(fp->head_sha256));
	json_object_object_add(o, "tail_sha256", json_object_new_string(fp->tail_sha256));
	if (fp->serial[0])
		json_object_object_add(o, "serial", json_object_new_string(fp->serial));
	if (fp->unreadable_blocks)
		json_object_object_add(o, "unreadable_blocks", json_object_new_int((int)fp->unreadable_blocks));
	return o;
}

static void get_str(json_object *o, const char *k, char *out, size_t n)
{
	json_object *x;

	out[0] = '\0';
	if (json_object_object_get_ex(o, k, &x) && json_object_is_type(x, json_type_string))
		snprintf(out, n, "%s", json_object_get_string(x));
}

int rr_fingerprint_from_json(json_object *o, struct rr_fingerprint *fp)
{
	json_object *x;

	memset(fp, 0, sizeof(*fp));
	if (!o || !json_object_object_get_ex(o, "size_bytes", &x))
		return -EINVAL;
	fp->size_bytes = json_object_get_uint64(x);
	get_str(o, "head_sha256", fp->head_sha256, sizeof(fp->head_sha256));
	get_str(o, "tail_sha256", fp->tail_sha256, sizeof(fp->tail_sha256));
	get_str(o, "serial", fp->serial, sizeof(fp->serial));
	return strlen(fp->head_sha256) == 64 ? 0 : -EINVAL;
}

const char *rr_fingerprint_mismatch(const struct rr_fingerprint *a, const struct rr_fingerprint *b)
{
	if (a->size_bytes != b->size_bytes)
		return _("the size differs");
	if (a->serial[0] && b->serial[0] && strcmp(a->serial, b->serial))
		return _("the disk serial differs");
	if (strcmp(a->head_sha256, b->head_sha256))
		return _("the first MiB differs");
	if (strcmp(a->tail_sha256, b->tail_sha256))
		return _("the last MiB differs");
	return NULL;
}

static int try_path(const struct rr_fingerprint *fp, const char *path, char *why, size_t wn)
{
	struct rr_fingerprint got;
	const char *bad;

	if (rr_fingerprint_compute(path, &got) < 0)
		return 0;
	bad = rr_fingerprint_mismatch(fp, &got);
	if (bad && why && wn && !why[0])
		snprintf(why, wn, "%s", bad);
	return bad == NULL;
}

int rr_fingerprint_find(const struct rr_fingerprint *fp, const char *const *hints, size_t nhints,
			char *out, size_t n, char *why_not, size_t wn)
{
	DIR *d;
	struct dirent *e;

	if (why_not && wn)
		why_not[0] = '\0';
	for (size_t i = 0; i < nhints; i++)
		if (hints[i] && try_path(fp, hints[i], why_not, wn)) {
			snprintf(out, n, "%s", hints[i]);
			return 0;
		}
	/* Device names change between boots: look at every block device
	 * (partitions included) of the right size. */
	d = opendir("/sys/class/block");
	if (!d)
		return -ENOENT;
	while ((e = readdir(d))) {
		char p[512], dev[300];
		unsigned long long sectors;
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/sys/class/block/%s/size", e->d_name);
		f = fopen(p, "re");
		if (!f)
			continue;
		if (fscanf(f, "%llu", &sectors) != 1)
			sectors = 0;
		fclose(f);
		if (sectors * 512 != fp->size_bytes)
			continue;
		snprintf(dev, sizeof(dev), "/dev/%s", e->d_name);
		if (try_path(fp, dev, NULL, 0)) {
			snprintf(out, n, "%s", dev);
			closedir(d);
			return 0;
		}
	}
	closedir(d);
	return -ENOENT;
}
