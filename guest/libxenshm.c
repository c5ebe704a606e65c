/* libxenshm: find a shared region by ID (device tree, then xenstore) and map it. */
#define _POSIX_C_SOURCE 200809L	/* O_CLOEXEC, sysconf */
#include "libxenshm.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libfdt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xenstore.h>

#define FDT_PATH "/sys/firmware/fdt"
#define FDT_MAX (16u << 20)

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return code;
}

static uint64_t cells(const fdt32_t *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

int xenshm_dt_list(const void *fdt, size_t len, struct xenshm_info *out, size_t max, size_t *n,
		   char *err, size_t errlen)
{
	int node, parent, ac, sc, rlen, idlen;
	const fdt32_t *reg;
	const char *id;

	*n = 0;
	if (len < sizeof(struct fdt_header) || fdt_check_header(fdt) || fdt_totalsize(fdt) > len)
		return fail(err, errlen, XENSHM_EFORMAT, "the device tree is not a valid flattened tree");
	for (node = fdt_node_offset_by_compatible(fdt, -1, "xen,shared-memory-v1"); node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "xen,shared-memory-v1")) {
		id = fdt_getprop(fdt, node, "xen,id", &idlen);
		reg = fdt_getprop(fdt, node, "reg", &rlen);
		parent = fdt_parent_offset(fdt, node);
		ac = parent >= 0 ? fdt_address_cells(fdt, parent) : -1;
		sc = parent >= 0 ? fdt_size_cells(fdt, parent) : -1;
		if (!id || idlen < 2 || id[idlen - 1] || idlen > XENSHM_ID_MAX || !reg || ac < 1 || ac > 2 ||
		    sc < 1 || sc > 2 || rlen < (int)sizeof(*reg) * (ac + sc))
			return fail(err, errlen, XENSHM_EFORMAT,
				    "device tree node '%s' (xen,shared-memory-v1) has no usable xen,id or reg",
				    fdt_get_name(fdt, node, NULL));
		if (*n < max) {
			memcpy(out[*n].id, id, (size_t)idlen);
			out[*n].base = cells(reg, ac);
			out[*n].size = cells(reg + ac, sc);
			out[*n].source = "device tree";
		}
		(*n)++;
	}
	if (node != -FDT_ERR_NOTFOUND)
		return fail(err, errlen, XENSHM_EFORMAT, "the device tree does not parse: %s",
			    fdt_strerror(node));
	return 0;
}

/* the flattened tree the kernel booted with; NULL (and *len 0) when there is none */
static void *read_fdt(size_t *len)
{
	const char *path = getenv("XENSHM_FDT") ? getenv("XENSHM_FDT") : FDT_PATH;
	struct stat st;
	void *buf = NULL;
	size_t got = 0;
	ssize_t r;
	int fd;

	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	/* sysfs reports no size for fdt: read up to FDT_MAX */
	if (fstat(fd, &st) == 0 && (buf = malloc(FDT_MAX))) {
		while (got < FDT_MAX && (r = read(fd, (char *)buf + got, FDT_MAX - got)) > 0)
			got += (size_t)r;
	}
	close(fd);
	*len = got;
	return buf;
}

static int dt_find(const char *id, struct xenshm_info *info, int *found, char *err, size_t errlen)
{
	struct xenshm_info *all = NULL;
	size_t len, n = 0, i;
	void *fdt = read_fdt(&len);
	int ret = 0;

	*found = 0;
	if (!fdt)
		return 0;	/* no device tree: x86, or not readable */
	ret = xenshm_dt_list(fdt, len, NULL, 0, &n, err, errlen);
	if (!ret && n) {
		all = calloc(n, sizeof(*all));
		if (!all)
			ret = fail(err, errlen, XENSHM_ENOMEM, "out of memory");
		else
			ret = xenshm_dt_list(fdt, len, all, n, &n, err, errlen);
	}
	for (i = 0; !ret && i < n; i++)
		if (!strcmp(all[i].id, id)) {
			*info = all[i];
			*found = 1;
			break;
		}
	free(all);
	free(fdt);
	return ret;
}

static int xs_find(const char *id, struct xenshm_info *info, int *found, char *err, size_t errlen)
{
	struct xs_handle *xs;
	char path[128], *domid = NULL, *v = NULL, *dir = NULL, *end;
	unsigned int len;
	uint64_t begin, last;
	int ret = 0;

	*found = 0;
	if (getenv("XENSHM_NO_XENSTORE") || !(xs = xs_open(0)))
		return 0;	/* no xenstore to ask */
	domid = xs_read(xs, XBT_NULL, "domid", &len);
	if (!domid) {
		ret = fail(err, errlen, XENSHM_ENOREGION, "cannot read this guest's domid from xenstore: %s",
			   strerror(errno));
		goto out;
	}
	snprintf(path, sizeof(path), "/local/shared_mem/%s/mappings/%s", id, domid);
	v = xs_read(xs, XBT_NULL, path, &len);
	if (!v) {
		snprintf(path, sizeof(path), "/local/shared_mem/%s", id);
		dir = xs_read(xs, XBT_NULL, path, &len);
		if (dir || errno == EACCES)
			ret = fail(err, errlen, XENSHM_ENOTMEMBER,
				   "this guest (domain %s) is not a member of region '%s'", domid, id);
		else
			ret = fail(err, errlen, XENSHM_ENOREGION, "no region '%s' for this guest", id);
		goto out;
	}
	errno = 0;
	begin = strtoull(v, &end, 16);
	if (errno || end == v || *end != '-' || (last = strtoull(end + 1, &end, 16), errno) || *end ||
	    last < begin) {
		ret = fail(err, errlen, XENSHM_EFORMAT, "xenstore record %s reads '%s', not 0xBEGIN-0xEND",
			   path, v);
		goto out;
	}
	snprintf(info->id, sizeof(info->id), "%s", id);
	info->base = begin;
	info->size = last - begin + 1;
	info->source = "xenstore";
	*found = 1;
out:
	free(dir);
	free(v);
	free(domid);
	xs_close(xs);
	return ret;
}

static int valid_id(const char *id)
{
	size_t n = strlen(id);

	return n && n < XENSHM_ID_MAX && strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
						   "0123456789_-") == n;
}

int xenshm_find(const char *id, struct xenshm_info *info, char *err, size_t errlen)
{
	int found, ret;

	if (!valid_id(id))
		return fail(err, errlen, XENSHM_ENOREGION, "'%s' is not a region ID", id);
	ret = dt_find(id, info, &found, err, errlen);
	if (ret || found)
		return ret;
	ret = xs_find(id, info, &found, err, errlen);
	if (ret || found)
		return ret;
	return fail(err, errlen, XENSHM_ENOREGION,
		    "no region '%s' for this guest (neither in its device tree nor in xenstore)", id);
}

int xenshm_list(struct xenshm_info *out, size_t max, size_t *n, char *err, size_t errlen)
{
	size_t len;
	void *fdt = read_fdt(&len);
	int ret;

	*n = 0;
	if (!fdt)
		return 0;
	ret = xenshm_dt_list(fdt, len, out, max, n, err, errlen);
	free(fdt);
	return ret;
}

int xenshm_open(const char *id, struct xenshm *shm, char *err, size_t errlen)
{
	const char *path = getenv("XENSHM_DEVMEM") ? getenv("XENSHM_DEVMEM") : "/dev/mem";
	long page = sysconf(_SC_PAGESIZE);
	int ret, fd;

	memset(shm, 0, sizeof(*shm));
	ret = xenshm_find(id, &shm->info, err, errlen);
	if (ret)
		return ret;
	if (page <= 0 || shm->info.base % (uint64_t)page || !shm->info.size ||
	    shm->info.size > SIZE_MAX || shm->info.base > (uint64_t)INT64_MAX)
		return fail(err, errlen, XENSHM_EFORMAT, "region '%s' at 0x%" PRIx64 "+0x%" PRIx64
			    " is not a page-aligned range", id, shm->info.base, shm->info.size);
	fd = open(path, O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, XENSHM_EDEVMEM, "cannot open %s: %s%s", path, strerror(errno),
			    errno == EACCES || errno == EPERM ? " (run as root)" : "");
	shm->maplen = (size_t)shm->info.size;
	shm->map = mmap(NULL, shm->maplen, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)shm->info.base);
	close(fd);
	if (shm->map == MAP_FAILED) {
		shm->map = NULL;
		return fail(err, errlen, XENSHM_EDEVMEM, "cannot map region '%s' (0x%" PRIx64 "+0x%" PRIx64
			    ") through %s: %s", id, shm->info.base, shm->info.size, path, strerror(errno));
	}
	shm->base = shm->map;
	return 0;
}

void xenshm_close(struct xenshm *shm)
{
	if (shm && shm->map)
		munmap(shm->map, shm->maplen);
	if (shm)
		memset(shm, 0, sizeof(*shm));
}
