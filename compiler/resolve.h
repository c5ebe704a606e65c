/* The resolve stage, spec 3: links, sizes in force, start order, owners, placement. */
#ifndef XENSHM_RESOLVE_H
#define XENSHM_RESOLVE_H

#include "topology.h"

/*
 * Resolves a loaded topology in place: every name linked, every region's
 * size and alignment in force, the start order and owners (with the cycles
 * found), every mapping placed in its guest and every pool region in the
 * host. What could not be done is recorded (cycles, mapping no_room,
 * region pool_miss, an unknown size left 0) for the checks to report.
 */
void resolve_topology(struct topology *t);

#endif
