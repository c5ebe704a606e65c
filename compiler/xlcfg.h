/*
 * An xl config as Xen's own parser reads it: libxlutil (opened on first use)
 * holds the values; a scan of the same text, which libxlutil accepted,
 * gives what its API does not: which keys there are, and where each key and
 * list item is, for diagnostics. The compiler's one file that sees a Xen
 * header is xlcfg.c (STYLE.md 6 keeps the runtime's to runtime/xen.c).
 */
#ifndef XENSHM_XLCFG_H
#define XENSHM_XLCFG_H

#include <stdbool.h>
#include <stddef.h>

#include "srcpos.h"
#include "util.h"

enum xl_kind { XLK_NUMBER, XLK_STRING, XLK_LIST };

struct xl_key {
	char *name;
	struct srcpos pos;	/* the key of its last `=` (libxlutil keeps the last) */
	enum xl_kind kind;	/* of that value */
	struct srcpos *items;	/* a list's items, those of `+=` after it appended */
	size_t nitems, items_alloc;
	bool nested;		/* a list holds a list */
};

/*
 * Bounds on hostile input (docs/limits.md): xl configs are a few KiB with
 * tens of keys, and libxlutil finds a key by walking them all, so a config
 * of a million keys would cost a million walks.
 */
#define XLCFG_MAX_BYTES ((size_t)1 << 20)
#define XLCFG_MAX_KEYS 4096

struct xlcfg {
	struct source src;	/* the text, for excerpts */
	void *cfg;		/* libxlutil's XLU_Config */
	struct xl_key *keys;	/* in the order they first appear */
	size_t nkeys, alloc;
	struct strmap index;	/* key name -> index in keys */
	char *import_json;	/* the XL_IMPORT_TAG comment's text after the tag, or NULL */
	struct srcpos import_pos;
};

/*
 * Reads path and parses it with libxlutil. Returns 0, or -1 with why in
 * *err (caller frees): I/O, the library missing, or a syntax error, which
 * libxlutil has printed on stderr with its line.
 */
int xlcfg_read(struct xlcfg *x, const char *path, char **err);
void xlcfg_release(struct xlcfg *x);

const struct xl_key *xlcfg_key(const struct xlcfg *x, const char *name);
/* a scalar's text (numbers too: xl keeps every atom as text), or NULL */
const char *xlcfg_string(const struct xlcfg *x, const char *name);
/* a scalar read as libxlutil's xlu_cfg_get_long does (strtol, base 0); false when not one */
bool xlcfg_long(const struct xlcfg *x, const char *name, long *out);
/* a list's items; an item that is itself a list is NULL. Caller frees the array, not the items. */
size_t xlcfg_list(const struct xlcfg *x, const char *name, const char ***items);

#endif
