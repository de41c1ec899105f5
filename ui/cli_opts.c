/* Option values the commands share, parsed one way everywhere. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "actions/backend.h"
#include "core/units.h"
#include "ui/cli.h"

int rr_cli_parse_backend(const char *arg, int *backend)
{
	enum rr_backend b;

	if (rr_backend_parse(arg, &b) < 0)
		return -EINVAL;
	*backend = (int)b;
	return 0;
}

int rr_cli_parse_via(const char *arg, enum rr_via *via)
{
	if (!strcmp(arg, "dm-raid"))
		*via = RR_VIA_DMRAID;
	else if (!strcmp(arg, "mdadm"))
		*via = RR_VIA_MDADM;
	else if (!strcmp(arg, "auto"))
		*via = RR_VIA_AUTO;
	else
		return -EINVAL;
	return 0;
}

int rr_cli_parse_kib(const char *arg, unsigned min, unsigned max, unsigned *kib)
{
	uint64_t v;
	char *end;

	/* a bare number is KiB, as mdadm's --chunk; "64K", "1M" are sizes */
	v = strtoull(arg, &end, 10);
	if (end == arg)
		return -EINVAL;
	if (*end) {
		if (rr_parse_size(arg, &v) < 0 || v % 1024)
			return -EINVAL;
		v /= 1024;
	}
	if (v < min || v > max || (v & (v - 1)))
		return -ERANGE;
	*kib = (unsigned)v;
	return 0;
}
