/* The pipeline every command starts with: read, load, check. */
#ifndef XENSHM_COMPILE_H
#define XENSHM_COMPILE_H

#include "diag.h"
#include "srcpos.h"
#include "topology.h"

struct compile {
	struct source src;
	struct topology t;
	struct diag_set d;
};

/*
 * Reads path ("-" for stdin), loads and checks it; for_up adds the checks
 * that only `up` needs. Returns 0 when the file was read (diagnostics, if
 * any, are in c->d), or EXIT_USAGE after printing an I/O error.
 */
int compile_file(struct compile *c, const char *path, const struct diag_config *cfg, bool for_up);
void compile_release(struct compile *c);

#endif
