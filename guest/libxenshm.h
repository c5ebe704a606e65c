/*
 * libxenshm: a Linux guest finds a shared region by its ID and maps it.
 *
 * Where the guest-physical range of region ID comes from, in this order:
 *   1. the device tree (/sys/firmware/fdt, the flattened tree the kernel
 *      booted with): a node compatible with "xen,shared-memory-v1" whose
 *      xen,id is ID, its reg read with its parent's cells; what dom0less
 *      Xen >= 4.17 gives its guests (/reserved-memory) and what the
 *      generated guest/VM/xenshm.dtb gives xl guests (/passthrough);
 *   2. xenstore: the record /local/shared_mem/ID/mappings/DOMID for the
 *      guest's own domid ("0xBEGIN-0xEND"), which members only may read.
 * Then /dev/mem maps it (O_SYNC: uncached, as the other members see it).
 */
#ifndef LIBXENSHM_H
#define LIBXENSHM_H

#include <stddef.h>
#include <stdint.h>

#define XENSHM_ID_MAX 16	/* Xen's limit, the NUL included */

struct xenshm_info {
	char id[XENSHM_ID_MAX];
	uint64_t base, size;	/* guest-physical */
	const char *source;	/* "device tree" or "xenstore" */
};

/* Errors: each function returns 0 or one of these, with a message in err. */
enum xenshm_error {
	XENSHM_ENOREGION = 1,	/* no region of that ID for this guest */
	XENSHM_ENOTMEMBER,	/* the region exists but this guest is not a member */
	XENSHM_EDEVMEM,		/* /dev/mem cannot be opened or mapped */
	XENSHM_EFORMAT,		/* a device tree or record that does not parse */
	XENSHM_ENOMEM,
};

/*
 * The regions a flattened device tree of len bytes describes, at most max
 * into out; *n is how many there are (which may exceed max).
 */
int xenshm_dt_list(const void *fdt, size_t len, struct xenshm_info *out, size_t max, size_t *n,
		   char *err, size_t errlen);

/* The regions this guest can find (device tree and xenstore), as above. */
int xenshm_list(struct xenshm_info *out, size_t max, size_t *n, char *err, size_t errlen);

/* Region ID's range, looked up as the header says. */
int xenshm_find(const char *id, struct xenshm_info *info, char *err, size_t errlen);

struct xenshm {
	struct xenshm_info info;
	volatile void *base;	/* the region, mapped */
	void *map;		/* what munmap takes */
	size_t maplen;
};

/* Finds region ID and maps it read-write; xenshm_close unmaps it. */
int xenshm_open(const char *id, struct xenshm *shm, char *err, size_t errlen);
void xenshm_close(struct xenshm *shm);

#endif
