/* Free address space as an ordered list of holes: first-fit placement, low or high. */
#ifndef XENSHM_FREELIST_H
#define XENSHM_FREELIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topology.h"

/*
 * Holes are kept in address order in a doubly linked list (indices into one
 * array), so a placement costs the holes it walks past, not the number of
 * things placed: with one alignment in use, the first hole nearly always fits.
 */
struct freelist {
	struct hole {
		uint64_t lo, hi;	/* [lo, hi) */
		size_t prev, next;	/* SIZE_MAX: none */
	} *h;
	size_t n, alloc, head, tail;
};

/*
 * The parts of spaces (ascending, disjoint) not covered by any of the
 * obstacles (any order, may overlap; sorted in place).
 */
void freelist_init(struct freelist *fl, const struct range *spaces, size_t nspaces,
		   struct range *obstacles, size_t nobstacles);
void freelist_release(struct freelist *fl);

/* Lowest (or highest) address aligned to align where size fits; takes it. */
bool freelist_take_low(struct freelist *fl, uint64_t size, uint64_t align, uint64_t *out);
bool freelist_take_high(struct freelist *fl, uint64_t size, uint64_t align, uint64_t *out);

/* Total free bytes and the largest hole, for "needs X, Y free" messages. */
void freelist_stats(const struct freelist *fl, uint64_t *total, uint64_t *largest);

#endif
