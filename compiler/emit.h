/* Back ends: each takes the checked model read-only and never validates. */
#ifndef XENSHM_EMIT_H
#define XENSHM_EMIT_H

#include <jansson.h>
#include <stdio.h>

#include "topology.h"

enum config_format { CONFIG_YAML, CONFIG_JSON };

/*
 * The normalized topology: a valid v1 file with every default folded in,
 * every owner, size and address explicit, and x- keys for what is derived
 * (start order, roles, members). Returns 0, -1 on a write error.
 */
int emit_config(const struct topology *t, enum config_format fmt, FILE *f);

/* The same as a JSON tree (new reference). */
json_t *config_json(const struct topology *t);

/* Writes a JSON tree as block YAML through libyaml; 0 or -1. */
int yaml_write_json(json_t *doc, FILE *f);

#endif
