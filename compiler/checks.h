/* The checks: each reads the resolved model and reports what is wrong; the runner. */
#ifndef XENSHM_CHECKS_H
#define XENSHM_CHECKS_H

#include "checklist.h"

struct topology;
struct diag_set;

/*
 * Checks only read the model, so the order they run in changes nothing;
 * tests run them reversed to prove it.
 */
enum check_order { CHECKS_IN_ORDER, CHECKS_REVERSED };

/* Runs every check of checks.def that has a function on a resolved topology. */
void checks_run(const struct topology *t, struct diag_set *d, enum check_order order);

#endif
