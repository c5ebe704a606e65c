/*
 * A document writer: objects, arrays, strings and numbers written as they
 * come, with no tree in memory. The same walk over the model gives pretty
 * JSON (byte for byte what jansson's JSON_INDENT(2) | JSON_PRESERVE_ORDER
 * wrote), compact JSON straight into a SHA-256 (the topology hash), or
 * YAML byte for byte as libyaml's emitter wrote it. Errors are sticky:
 * check dw_close().
 */
#ifndef XENSHM_DOCWRITER_H
#define XENSHM_DOCWRITER_H

#include <nettle/sha2.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define DW_MAX_DEPTH 16
/* a SHA-256 in hex, with its NUL */
#define DW_SHA256_HEX (2 * SHA256_DIGEST_SIZE + 1)

/* DW_JSON_COMPACT: one line, no spaces, as jansson's JSON_COMPACT writes it */
enum dw_kind { DW_JSON, DW_JSON_SHA256, DW_JSON_COMPACT, DW_YAML };

/* YAML: a block mapping, a block sequence, a flow sequence (of scalars) */
enum dw_ykind { DW_Y_MAP, DW_Y_SEQ, DW_Y_FLOW };

struct dw_yctx {
	enum dw_ykind kind;
	bool pending;		/* opened, no item yet: empty ones are written {} or [] */
	bool first;		/* no item written yet */
	bool want_value;	/* mapping: a key was written */
	bool complex;		/* mapping: that key was written "? key" */
	bool mapping_value;	/* this container is a mapping's value */
};

struct dw {
	enum dw_kind kind;
	FILE *f;			/* DW_JSON, DW_YAML */
	struct sha256_ctx sha;		/* DW_JSON_SHA256 (nettle: SHA-NI or Arm's SHA-2 instructions) */
	char *buf;			/* bytes not yet handed on */
	size_t used, cap;
	bool segment;			/* dw_items' writer of a chunk: buf grows, handed on whole */
	int depth;
	bool items[DW_MAX_DEPTH];	/* the container at each depth has an item already */
	const char *key;		/* YAML: the key of the value being written */
	/* YAML: libyaml's emitter state */
	struct dw_yctx y[DW_MAX_DEPTH];
	int indent, indents[DW_MAX_DEPTH * 2];
	int nindents;
	size_t column;			/* in characters */
	bool whitespace, indention;
	int flow_level;
	bool after_key;			/* JSON: a key was written, its value comes next */
	int err;
};

/* opens a document of that kind: to f, or into the writer's own SHA-256 */
void dw_open(struct dw *w, enum dw_kind kind, FILE *f);
/* ends it; 0, or -1 when anything failed. hex: the SHA-256 for DW_JSON_SHA256 */
int dw_close(struct dw *w, char hex[DW_SHA256_HEX]);

void dw_object(struct dw *w);
/* block: YAML writes it one item a line (lists of mappings); else [a, b] */
void dw_array(struct dw *w, bool block);
void dw_end_object(struct dw *w);
void dw_end_array(struct dw *w);
void dw_key(struct dw *w, const char *key);
/* YAML: plain when no reader could take it for another type, or under a key
   whose values are our own numbers (memory, at, size, ...) */
void dw_string(struct dw *w, const char *s);
void dw_key_string(struct dw *w, const char *key, const char *s);	/* dw_key, then dw_string */
/* the same for a key and a string of our own that JSON writes as they are
   (words, numbers: no ", \ or control character), not scanned for escapes */
void dw_key_word(struct dw *w, const char *key, const char *s);
/* the same for "0x" and v in lower-case hex, at least min digits (text.h's hex, haddr) */
void dw_key_hex(struct dw *w, const char *key, uint64_t v, int min);
/* YAML: is s written plain, as the value of key (NULL: s is a key)? */
bool dw_yaml_plain(const char *key, const char *s);
void dw_int(struct dw *w, long long v);
/*
 * Writes the items [0, n) of the container just opened: item(w, i, arg)
 * writes item i (a value, or in an object a key and its value). With many
 * of them (item_bytes: about what one writes), on two threads: each
 * formats chunks of about 128 KiB into memory of its own, handed on in
 * order, so the document is byte for byte the one a loop writes, in
 * memory of four chunks at most. A chunk starts from the writer's state
 * after item 0, which must therefore be the state after any item: JSON
 * containers and YAML block sequences and mappings, not flow sequences,
 * whose lines wrap by column. item must read only what no other thread
 * writes. Inside a chunk (nested), or for items larger than a chunk,
 * a loop: their own long arrays go in chunks instead.
 */
void dw_items(struct dw *w, size_t n, size_t item_bytes,
	      void (*item)(struct dw *w, size_t i, const void *arg), const void *arg);
void dw_bool(struct dw *w, bool v);
void dw_null(struct dw *w);

#endif
