/* Back ends: each takes the checked model read-only and never validates. */
#ifndef XENSHM_EMIT_H
#define XENSHM_EMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

/*
 * Artifact text without printf: appended to a buffer of the back end's own
 * and handed to f in blocks. At 32 752 VMs printf's format walk, its strlen
 * and stdio's per-call work were a quarter of build's CPU
 * (docs/performance.md); these cost a copy. Errors are f's: textout_finish
 * reports them as emit_status does.
 */
#define TEXTOUT_BUF 4096
struct textout {
	FILE *f;
	size_t used;
	char buf[TEXTOUT_BUF];
};
void textout_init(struct textout *o, FILE *f);
/* hands what is buffered to f: before anything else writes to f */
void textout_flush(struct textout *o);
/* flushes, then emit_status(f) */
int textout_finish(struct textout *o);

void to_mem_slow(struct textout *o, const char *s, size_t n);
static inline void to_mem(struct textout *o, const char *s, size_t n)
{
	if (n > TEXTOUT_BUF - o->used) {
		to_mem_slow(o, s, n);
		return;
	}
	memcpy(o->buf + o->used, s, n);
	o->used += n;
}
static inline void to_ch(struct textout *o, char c)
{
	if (o->used == TEXTOUT_BUF)
		textout_flush(o);
	o->buf[o->used++] = c;
}
static inline void to_str(struct textout *o, const char *s)
{
	to_mem(o, s, strlen(s));
}
/* a string literal, its length known at compile time */
#define to_lit(o, s) to_mem((o), "" s, sizeof(s) - 1)
void to_dec(struct textout *o, uint64_t v);
/* lower-case hex digits, at least min of them, no "0x" */
void to_hex(struct textout *o, uint64_t v, int min);
/* s as xl_quote() (dot: as dot_quote()) returns it */
void to_quoted(struct textout *o, const char *s, bool dot);
/* s as comment_text() returns it */
void to_comment(struct textout *o, const char *s);

#endif
