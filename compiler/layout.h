/* Semantics of spec section 3: linking, start order, owners, guest maps, placement. */
#ifndef XENSHM_LAYOUT_H
#define XENSHM_LAYOUT_H

#include "topology.h"

/* Resolves names: VM index, depends_on, regions and their members. No diagnostics. */
void layout_link(struct topology *t);

/* An edge of the start-order graph: 'from' must be created before 'to'. */
struct order_edge {
	struct vm *from, *to;
	const struct srcpos *pos;	/* the depends_on item or owner value */
	const struct region *region;	/* owner edges; NULL for depends_on */
};

/* A cycle, starting at its earliest VM in the file. */
struct order_cycle {
	struct order_edge *edges;	/* in cycle order; caller frees with layout_cycles_free */
	size_t nedges;
	const struct order_edge *closing;	/* the edge back to the first VM (layout's use) */
};

/*
 * Sorts the VMs (spec 3: Kahn, earliest-in-file first) over depends_on and
 * explicit owners, picks default owners, then sorts again with them.
 * Fills t->start_order (file order when there is a cycle) and every
 * region's owner. Returns the cycles found, one per strongly connected part.
 */
void layout_start_order(struct topology *t, struct order_cycle **cycles, size_t *ncycles);
void layout_cycles_free(struct order_cycle *cycles, size_t n);

/* A guest-physical range with a name for messages. */
struct named_range {
	uint64_t base, size;
	const char *name;
};

#define MAX_RESERVED 16
#define MAX_WINDOWS 3

/* Fills vm->ram from its memory size, type and the arch. */
void layout_vm_ram(const struct topology *t, struct vm *vm);
/* The reserved guest ranges of this VM (arch, GIC version, type); returns count. */
size_t layout_reserved(const struct topology *t, const struct vm *vm, struct named_range *out);
/* Where auto-placed mappings may go, in the order tried; returns count. */
size_t layout_windows(const struct topology *t, const struct vm *vm, struct range *out);
/* The address space above the VM's RAM where libxl/Xen advertise extended regions. */
size_t layout_extended_space(const struct topology *t, const struct vm *vm, struct named_range *out);

/*
 * Places the VM's mappings that have no `at` (and a known size); marks the
 * ones that found no room by leaving them unplaced. Returns how many failed.
 */
size_t layout_place_guest(const struct topology *t, struct vm *vm);

/* Host placement of a region that does not fit: what it needed and what was left. */
struct pool_failure {
	struct region *region;
	uint64_t free_total, largest_free;
};

/*
 * Places the regions without `host` in the pool (spec 3), fixed ranges
 * first. Returns the failures (caller frees).
 */
struct pool_failure *layout_place_hosts(struct topology *t, size_t *nfail);

/* Does the backend put regions in the pool? */
bool layout_uses_pool(const struct topology *t);

#endif
