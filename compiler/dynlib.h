/*
 * Libraries that only some commands need, opened when one of them runs:
 * Xen's (up, down, ps) and Graphviz's (graph to SVG, PNG or PDF). A `check`
 * run in an editor or on every commit then maps none of their 25 objects
 * (2 MB of its peak RSS, whatever the input).
 */
#ifndef XENSHM_DYNLIB_H
#define XENSHM_DYNLIB_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Opens the libraries sonames[0..nlibs) (global, so that their plugins and
 * one another find them; never closed) and sets the i-th function pointer
 * of fns, a struct of nfns function pointers, to the function names[i],
 * looked up as the dynamic linker would have bound it: an LD_PRELOAD library
 * that defines it wins, as over a linked library. False on the first
 * failure, with why in err: a library or function missing.
 */
bool dynlib_open(const char *const *sonames, size_t nlibs, const char *const *names,
		 void *fns, size_t nfns, char *err, size_t errlen);

/* the arguments for a struct FNS of function pointers and their names NAMES */
#define DYNLIB_FNS(fns, names) (names), &(fns), sizeof(names) / sizeof((names)[0])

#endif
