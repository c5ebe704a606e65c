/* Small helpers every stage uses: dying allocators, growable arrays, string sets. */
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void die_oom(void)
{
	fputs("xenshm-compose: out of memory\n", stderr);
	exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		die_oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	va_list again;
	char *s;
	int n;

	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (n < 0)
		die_oom();
	s = xmalloc((size_t)n + 1);
	vsnprintf(s, (size_t)n + 1, fmt, again);
	va_end(again);
	return s;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void grow_array(void **arr, size_t *alloc, size_t need, size_t elem)
{
	size_t n = *alloc;

	if (need <= n)
		return;
	if (n < 8)
		n = 8;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			die_oom();
		n *= 2;
	}
	if (n > SIZE_MAX / elem)
		die_oom();
	*arr = xrealloc(*arr, n * elem);
	*alloc = n;
}

/* FNV-1a: short keys, good enough spread, no dependency */
static uint32_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ull;
	}
	return (uint32_t)(h ^ (h >> 32));
}

void strmap_init(struct strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void strmap_release(struct strmap *m)
{
	free(m->slots);
	strmap_init(m);
}

static size_t find_slot(const struct strmap *m, const char *key, uint32_t hash)
{
	size_t i = hash & (m->cap - 1);

	while (m->slots[i].key && (m->slots[i].hash != hash || strcmp(m->slots[i].key, key)))
		i = (i + 1) & (m->cap - 1);
	return i;
}

bool strmap_get(const struct strmap *m, const char *key, size_t *val)
{
	size_t i;

	if (!m->cap)
		return false;
	i = find_slot(m, key, hash_str(key));
	if (!m->slots[i].key)
		return false;
	*val = m->slots[i].val;
	return true;
}

static void strmap_rehash(struct strmap *m, size_t cap)
{
	struct strmap old = *m;
	size_t i;

	m->cap = cap;
	m->slots = xcalloc(cap, sizeof(*m->slots));
	for (i = 0; i < old.cap; i++)
		if (old.slots[i].key)
			m->slots[find_slot(m, old.slots[i].key, old.slots[i].hash)] = old.slots[i];
	free(old.slots);
}

bool strmap_add(struct strmap *m, const char *key, size_t val)
{
	uint32_t hash = hash_str(key);
	struct strmap_slot *e;

	/* values index arrays of at most SOURCE_MAX_BYTES entries: 32 bits hold them */
	if (val > UINT32_MAX)
		die_oom();
	if ((m->count + 1) * 2 > m->cap)
		strmap_rehash(m, m->cap ? m->cap * 2 : 16);
	e = &m->slots[find_slot(m, key, hash)];
	if (e->key)
		return false;
	*e = (struct strmap_slot){ key, (uint32_t)val, hash };
	m->count++;
	return true;
}

unsigned edit_distance(const char *a, const char *b, unsigned cap)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	unsigned row[64], best;

	/* keys are short; anything longer is not a typo of a known key */
	if (lb >= ARRAY_SIZE(row) || la >= 64)
		return cap;
	for (j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		unsigned diag = row[0];
		row[0] = (unsigned)i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			unsigned up = row[j];
			unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
			unsigned v = diag + cost;
			if (row[j] + 1 < v)
				v = row[j] + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best >= cap)
			return cap;
	}
	return row[lb] < cap ? row[lb] : cap;
}

bool align_up(uint64_t x, uint64_t a, uint64_t *out)
{
	uint64_t r = x + (a - 1);

	if (r < x)
		return false;
	*out = r & ~(a - 1);
	return true;
}
