/* Writing artifacts safely: a whole tree into place at once, or nothing. */
#ifndef XENSHM_OUTPUT_H
#define XENSHM_OUTPUT_H

#include <stdio.h>

#include "topology.h"

/* Marker a build leaves in its directory, so a later build may replace it. */
#define BUILD_MARKER ".xenshm-compose"

/*
 * Writes every artifact of t into dir, atomically: into a temporary
 * directory beside it, renamed into place. On any error dir is left as it
 * was and nothing partial remains. Returns 0, or -1 after printing why.
 */
int build_tree(const struct topology *t, const char *dir);

/* Opens a temporary file beside path; output_commit renames it over path. */
FILE *output_open(const char *path, char **tmp);
int output_commit(FILE *f, char *tmp, const char *path);	/* frees tmp */
void output_abort(FILE *f, char *tmp);				/* frees tmp */

#endif
