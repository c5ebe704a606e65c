/* Text for people: quoting user input, sizes and addresses, did-you-mean. */
#ifndef XENSHM_TEXT_H
#define XENSHM_TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * The formatters return a string that lives until 8 more calls of any of
 * them (one ring of static buffers), so several fit in one printf; they
 * never allocate.
 */

/* User text for a message: escaped (no control characters reach the terminal) and shortened. */
const char *q(const char *s);

/* Human size: "2 MiB", "4 KiB", "12345 bytes". */
const char *hsize(unsigned long long bytes);

/*
 * v's digits written at out, no NUL; returns how many: decimal (at most
 * 20), lower-case hex with at least min digits (at most 16).
 */
size_t dec_into(char *out, uint64_t v);
size_t hex_into(char *out, uint64_t v, int min);

/* "0x5000000": a number in hex, as messages give addresses. */
const char *hex(uint64_t v);

/* "0x05000000": eight digits at least, as artifacts write addresses (Xen docs do). */
const char *haddr(uint64_t v);

/*
 * The nearest-name suggester, for every "did you mean": feed it the
 * candidates, then ask for the best. A candidate is close enough within 2
 * edits of a word of up to 4 characters, 3 edits beyond.
 */
struct suggest {
	const char *word;
	const char *best;
	unsigned best_d;
};
void suggest_init(struct suggest *s, const char *word);
void suggest_consider(struct suggest *s, const char *candidate);
/* the nearest candidate, or NULL when none was close enough */
const char *suggest_result(const struct suggest *s);

#endif
