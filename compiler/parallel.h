/* Two halves of one job on the machine's two cores, for large topologies. */
#ifndef XENSHM_PARALLEL_H
#define XENSHM_PARALLEL_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Runs fn(a) and fn(b), at once on two threads when 'worth' is true (the
 * caller's judgement: a thread costs tens of microseconds), else one after
 * the other; returns when both are done. The two must share no mutable
 * state but what they synchronise themselves.
 */
void run_pair(void (*fn)(void *), void *a, void *b, bool worth);

/* false when XENSHM_THREADS=1 asks for one thread: the same results, for tests and tight hosts */
bool threads_allowed(void);

/* Work enough for a second thread: a topology of this many VMs and mappings together. */
#define PARALLEL_MIN_ITEMS 4096

#endif
