/* Text for people: quoting user input, sizes and addresses, did-you-mean. */
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A ring of result buffers, so several formatted values can share one printf. */
static const char *ring_put(char *s)
{
	static char *ring[8];
	static unsigned next;

	free(ring[next]);
	ring[next] = s;
	next = (next + 1) % ARRAY_SIZE(ring);
	return s;
}

#define QUOTE_MAX 64	/* characters of user text shown in one message */

const char *q(const char *s)
{
	size_t n = strlen(s), i, o = 0, shown = 0;
	char *out = xmalloc(QUOTE_MAX * 4 + 8);

	for (i = 0; i < n && shown < QUOTE_MAX; i++, shown++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else if (c == '\t') {
			out[o++] = '\\';
			out[o++] = 't';
		} else if (c < 0x20 || c == 0x7f || c >= 0x80) {
			/* bytes >= 0x80 too: names and IDs are ASCII when valid */
			o += (size_t)sprintf(out + o, "\\x%02x", c);
		} else if (c == '\'' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)c;
		} else {
			out[o++] = (char)c;
		}
	}
	if (i < n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return ring_put(out);
}

const char *hsize(unsigned long long b)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	int u = -1;

	while (u + 1 < (int)ARRAY_SIZE(units) && b && !(b & 1023)) {
		b >>= 10;
		u++;
	}
	if (u < 0)
		return ring_put(xasprintf("%llu byte%s", b, b == 1 ? "" : "s"));
	return ring_put(xasprintf("%llu %s", b, units[u]));
}

const char *haddr(uint64_t v)
{
	return ring_put(xasprintf("0x%08llx", (unsigned long long)v));
}

void suggest_init(struct suggest *s, const char *word)
{
	s->word = word;
	s->best = NULL;
	s->best_d = (strlen(word) > 4 ? 3 : 2) + 1;
}

void suggest_consider(struct suggest *s, const char *candidate)
{
	unsigned d = edit_distance(s->word, candidate, s->best_d);

	if (d < s->best_d) {
		s->best_d = d;
		s->best = candidate;
	}
}

const char *suggest_result(const struct suggest *s)
{
	return s->best;
}
