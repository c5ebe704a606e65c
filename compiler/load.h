/* Front end: reads the YAML topology into the model, reporting schema-level checks. */
#ifndef XENSHM_LOAD_H
#define XENSHM_LOAD_H

#include "diag.h"
#include "topology.h"

/*
 * Reads t->src into t. Returns 0, or -1 after a fatal yaml-syntax problem
 * (the model is then incomplete and must not be checked).
 */
int load_topology(struct topology *t, struct diag_set *d);

#endif
