/* Spec 3's start order and owners: Kahn's sort over depends_on and owners, and its cycles. */
#ifndef XENSHM_ORDER_H
#define XENSHM_ORDER_H

#include "topology.h"

/*
 * Sorts the VMs (Kahn, earliest-in-file first) over depends_on and explicit
 * owners, picks default owners, then sorts again with them. Fills
 * t->start_order (file order when there is a cycle), each VM's start_index,
 * every mapped region's owner, and t->cycles: one per cycle, a cycle sharing
 * a VM with another being its own. Needs linked regions and VMs.
 */
void order_resolve(struct topology *t);

#endif
