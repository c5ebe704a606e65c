/* Back ends: each takes the checked model read-only and never validates. */
#ifndef XENSHM_EMIT_H
#define XENSHM_EMIT_H

#include <stdbool.h>
#include <stdio.h>

#include "topology.h"

enum config_format { CONFIG_YAML, CONFIG_JSON };

/*
 * The normalized topology: a valid v1 file with every default folded in,
 * every owner, size and address explicit, and x- keys for what is derived
 * (start order, roles, members). Returns 0, -1 on a write error.
 */
int emit_config(const struct topology *t, enum config_format fmt, FILE *f);

/*
 * "sha256:HEX" of the normalized topology (compact config JSON): what the
 * runtime compares to tell "up to date" from "changed". Caller frees.
 */
char *topology_hash(const struct topology *t);

/* Quoting for each output language; every result is caller-freed. */
char *xl_quote(const char *s);		/* "..." as libxlutil reads it back */
char *dot_quote(const char *s);		/* "..." for a Graphviz ID or label */
char *dts_quote(const char *s);		/* "..." for a dtc string property */
char *comment_text(const char *s);	/* one line, safe in C/dts/xl/sh comments */

/*
 * The back ends. Each writes one artifact to f and returns 0, or -1 on a
 * write error. hash is topology_hash(t).
 */
int emit_xl(const struct topology *t, const struct vm *vm, const char *hash, FILE *f);
int emit_plan_json(const struct topology *t, const char *hash, FILE *f);
int emit_plan_sh(const struct topology *t, const char *hash, FILE *f);
int emit_plan_text(const struct topology *t, const char *hash, bool scrub, FILE *f);
int emit_dot(const struct topology *t, FILE *f);
int emit_host_dtsi(const struct topology *t, const char *hash, FILE *f);
int emit_dom0less_dtsi(const struct topology *t, const char *hash, FILE *f);
int emit_guest_dtsi(const struct topology *t, const struct vm *vm, const char *hash, FILE *f);
int emit_guest_dtb(const struct topology *t, const struct vm *vm, const char *hash, FILE *f);
int emit_guest_header(const struct topology *t, const struct vm *vm, const char *hash, FILE *f);

/* Which artifacts a topology has (host pool only for arm64 iomem, etc.). */
bool wants_host_dtsi(const struct topology *t);
bool wants_dom0less_dtsi(const struct topology *t);

/* Where build puts a VM's partial device tree; xl configs name it relative to DIR. */
#define GUEST_DTB_PATH "guest/%s/xenshm.dtb"
/* opens the comment of each generated xl config that `import` reads (emit_xl.c) */
#define XL_IMPORT_TAG "xenshm-compose-import:"

/* ferror-and-flush result of a back end */
int emit_status(FILE *f);

#endif
