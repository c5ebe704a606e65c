/* SIZE, ADDR and the seed's "ADDR+SIZE = ID" form, parsed exactly or refused. */
#ifndef XENSHM_UNITS_H
#define XENSHM_UNITS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Each parser returns 0 and fills *out, or -1 and sets *why to a static
 * message that completes "'TEXT' is not a valid size: ...".
 */
int parse_number(const char *s, uint64_t *out, const char **why);	/* decimal or 0x hex */
int parse_size(const char *s, uint64_t *out, const char **why);	/* number [K|M|G|T|KiB..] */
int parse_addr(const char *s, uint64_t *out, const char **why);	/* number, no unit */
/* hex page number without 0x, as in xl's iomem "START,NUM@GFN" */
int parse_hex_pfn(const char *s, size_t n, uint64_t *out);

/* The seed's short form "ADDR+SIZE = ID": byte offsets of each part in the text. */
struct short_form {
	size_t addr_off, addr_len;
	size_t size_off, size_len;
	size_t id_off, id_len;
};
/* Splits text at '+' and '='; -1 when it has not that shape. */
int split_short_form(const char *s, struct short_form *sf);

#endif
