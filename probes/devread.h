/* The one read layer.  Every byte a probe looks at comes through here:
 *  - reads are bounded by the device (or window) size; nothing past the end;
 *  - small structure reads are cached for the life of the handle, so probes
 *    that look at the same sectors (md 1.x at 4 KiB, LVM label in sector 1,
 *    ZFS labels, blkid) cost one read;
 *  - every byte fetched from the device is counted, so benchmarks can show
 *    how much a command read per member.
 * Devices are always opened O_RDONLY: this layer cannot write. */
#ifndef RR_DEVREAD_H
#define RR_DEVREAD_H

#include <stddef.h>
#include <stdint.h>

/* Largest single cached structure read (a ZFS label half is 256 KiB, an
 * LVM metadata area is commonly 1 MiB). */
#define RR_DEV_MAX_GET (4u << 20)
/* Cap on what one handle keeps cached. */
#define RR_DEV_CACHE_MAX (32u << 20)

struct rr_dev;

/* Open a block device or image file read-only.  0 or -errno. */
int rr_dev_open(const char *path, struct rr_dev **out);
/* pread until len bytes are in (EINTR and short reads retried).  At the
 * end of the file: zeros (zero_past_end, a sparse file shorter than its
 * logical size) or -EIO.  0 or -errno. */
int rr_pread_exact(int fd, void *buf, size_t len, uint64_t off, int zero_past_end);

/* A read-only view of [off, off+len) of parent (a partition inside a
 * whole-disk image).  Shares parent's file descriptor; parent must outlive
 * it.  name is what messages call it (e.g. "disk.img:p1"). */
int rr_dev_open_window(struct rr_dev *parent, uint64_t off, uint64_t len,
		       const char *name, struct rr_dev **out);

void rr_dev_close(struct rr_dev *dev);

const char *rr_dev_path(const struct rr_dev *dev);
uint64_t rr_dev_size(const struct rr_dev *dev);
/* Logical sector size of a block device, 512 for files. */
unsigned rr_dev_sector_size(const struct rr_dev *dev);
/* The file descriptor and window start, for libblkid only. */
int rr_dev_fd(const struct rr_dev *dev);
uint64_t rr_dev_base(const struct rr_dev *dev);
/* Bytes actually read from the device so far (cache misses only). */
uint64_t rr_dev_bytes_read(const struct rr_dev *dev);

/* Cached read of a structure: *out points at len bytes of the device at
 * off, valid until rr_dev_close.  len <= RR_DEV_MAX_GET.
 * 0, -ERANGE (outside the device), -EIO (or the read's errno),
 * -ENOBUFS (cache cap reached), -EINVAL. */
int rr_dev_get(struct rr_dev *dev, uint64_t off, size_t len, const uint8_t **out);

/* Uncached bulk read into buf (any length).  Same bounds and errors. */
int rr_dev_pread(struct rr_dev *dev, void *buf, size_t len, uint64_t off);

#endif
