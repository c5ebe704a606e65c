/* Small helpers every stage uses: dying allocators, growable arrays, string sets. */
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void die_oom(void)
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

#define SORT_SMALL_MAX 16
#define SORT_SMALL_ELEM 64

void sort_small(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char tmp[SORT_SMALL_ELEM], *v = base;
	size_t i, j;

	if (n > SORT_SMALL_MAX || size > sizeof(tmp)) {
		if (n > 1)
			qsort(base, n, size, cmp);
		return;
	}
	for (i = 1; i < n; i++) {
		if (cmp(v + (i - 1) * size, v + i * size) <= 0)
			continue;	/* in order already: the common case */
		memcpy(tmp, v + i * size, size);
		for (j = i; j && cmp(v + (j - 1) * size, tmp) > 0; j--)
			memcpy(v + j * size, v + (j - 1) * size, size);
		memcpy(v + j * size, tmp, size);
	}
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

#if defined(__SANITIZE_ADDRESS__)
#define ARENA_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_MALLOC 1
#endif
#endif

#define ARENA_CHUNK ((size_t)2 << 20)	/* a huge page on x86_64 and on arm64 with 4 KiB pages */
#define ARENA_ALIGN 16

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;		/* of the mapping, this header included */
};
_Static_assert(sizeof(struct arena_chunk) <= ARENA_ALIGN, "a chunk's header fits before its first object");

#ifndef ARENA_MALLOC
/*
 * A chunk of at least n bytes in whole granules (2 MiB for the arena's
 * chunks, a page for a large block of its own), aligned to 2 MiB so that the
 * kernel can back it with huge pages (transparent huge pages, asked for;
 * where they are not to be had it is ordinary zeroed memory). A large
 * block's tail past its last 2 MiB stays in small pages: a huge page there
 * would be resident for bytes nobody uses.
 */
static struct arena_chunk *chunk_map(size_t n, size_t granule)
{
	size_t size = (n + sizeof(struct arena_chunk) + granule - 1) & ~(granule - 1);
	char *p, *aligned;

	if (size < n)
		die_oom();
	p = mmap(NULL, size + ARENA_CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die_oom();
	aligned = (char *)(((uintptr_t)p + ARENA_CHUNK - 1) & ~(uintptr_t)(ARENA_CHUNK - 1));
	if (aligned > p)
		munmap(p, (size_t)(aligned - p));
	munmap(aligned + size, (size_t)(p + ARENA_CHUNK - aligned));
#ifdef MADV_HUGEPAGE
	madvise(aligned, size, MADV_HUGEPAGE);
#endif
	((struct arena_chunk *)aligned)->size = size;
	return (struct arena_chunk *)aligned;
}
#endif

#ifndef ARENA_MALLOC
/*
 * A large zeroed table (2 MiB or more) in memory the kernel may back with
 * huge pages: one fault instead of 512. The region index's last growth, at
 * 32 768 IDs, stalled the loader 6 ms on small-page faults, long enough
 * for the parser thread to fill its ring and wait.
 */
void *big_calloc(size_t count, size_t size)
{
	size_t n = count * size;

	if (size && n / size != count)
		die_oom();
	if (n < ARENA_CHUNK)
		return xcalloc(count, size);
	return (char *)chunk_map(n, 4096) + ARENA_ALIGN;
}

void big_free(void *p, size_t count, size_t size)
{
	struct arena_chunk *c;

	if (!p)
		return;
	if (count * size < ARENA_CHUNK) {
		free(p);
		return;
	}
	c = (struct arena_chunk *)((char *)p - ARENA_ALIGN);
	munmap(c, c->size);
}
#else
void *big_calloc(size_t count, size_t size)
{
	return xcalloc(count, size);
}

void big_free(void *p, size_t count, size_t size)
{
	(void)count;
	(void)size;
	free(p);
}
#endif

void *arena_alloc(struct arena *a, size_t n)
{
	char *p;

	if (n > SIZE_MAX / 2)
		die_oom();
	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
#ifdef ARENA_MALLOC
	p = xcalloc(1, n);
	ALLOC_GROW(a->objects, a->nobjects + 1, a->objects_alloc);
	a->objects[a->nobjects++] = p;
	return p;
#else
	if ((size_t)(a->end - a->next) < n) {
		struct arena_chunk *c;
		if (n > ARENA_CHUNK / 4) {
			/* a large block: a chunk of its own, behind the current one */
			c = chunk_map(n + ARENA_ALIGN, 4096);
			if (a->chunks) {
				c->next = a->chunks->next;
				a->chunks->next = c;
			} else {
				a->chunks = c;
			}
			return (char *)c + ARENA_ALIGN;
		}
		c = chunk_map(ARENA_CHUNK - ARENA_ALIGN, ARENA_CHUNK);
		c->next = a->chunks;
		a->chunks = c;
		a->next = (char *)c + ARENA_ALIGN;
		a->end = (char *)c + c->size;
	}
	p = a->next;
	a->next += n;
	return p;	/* fresh anonymous memory: already zero */
#endif
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);

	memcpy(p, s, n);
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void *arena_memdup(struct arena *a, const void *p, size_t n)
{
	void *q = arena_alloc(a, n);

	if (n)
		memcpy(q, p, n);
	return q;
}

void arena_release(struct arena *a)
{
	struct arena_chunk *c, *next;
	size_t i;

	for (c = a->chunks; c; c = next) {
		next = c->next;
		munmap(c, c->size);
	}
	for (i = 0; i < a->nobjects; i++)
		free(a->objects[i]);
	free(a->objects);
	memset(a, 0, sizeof(*a));
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
	big_free(m->slots, m->cap, sizeof(*m->slots));
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
	m->slots = big_calloc(cap, sizeof(*m->slots));
	for (i = 0; i < old.cap; i++)
		if (old.slots[i].key)
			m->slots[find_slot(m, old.slots[i].key, old.slots[i].hash)] = old.slots[i];
	big_free(old.slots, old.cap, sizeof(*old.slots));
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

void keyindex_init(struct keyindex *m, const char *(*key)(const void *ctx, size_t val),
		   const void *ctx)
{
	memset(m, 0, sizeof(*m));
	m->key = key;
	m->ctx = ctx;
}

void keyindex_release(struct keyindex *m)
{
	big_free(m->slots, m->cap, sizeof(*m->slots));
	keyindex_init(m, m->key, m->ctx);
}

static size_t keyindex_slot(const struct keyindex *m, const char *key, uint32_t hash)
{
	size_t i = hash & (m->cap - 1);

	while (m->slots[i].val1 &&
	       (m->slots[i].hash != hash || strcmp(m->key(m->ctx, m->slots[i].val1 - 1), key)))
		i = (i + 1) & (m->cap - 1);
	return i;
}

bool keyindex_get(const struct keyindex *m, const char *key, size_t *val)
{
	size_t i;

	if (!m->cap)
		return false;
	i = keyindex_slot(m, key, hash_str(key));
	if (!m->slots[i].val1)
		return false;
	*val = m->slots[i].val1 - 1;
	return true;
}

/* a free slot for each entry: the hashes are kept, no key is read */
static void keyindex_rehash(struct keyindex *m, size_t cap)
{
	struct keyindex old = *m;
	size_t i, j;

	m->cap = cap;
	m->slots = big_calloc(cap, sizeof(*m->slots));
	for (i = 0; i < old.cap; i++) {
		if (!old.slots[i].val1)
			continue;
		for (j = old.slots[i].hash & (cap - 1); m->slots[j].val1; j = (j + 1) & (cap - 1))
			;
		m->slots[j] = old.slots[i];
	}
	big_free(old.slots, old.cap, sizeof(*old.slots));
}

bool keyindex_add(struct keyindex *m, const char *key, size_t val)
{
	uint32_t hash = hash_str(key);
	struct keyslot *e;

	if (val >= UINT32_MAX)
		die_oom();
	if ((m->count + 1) * 2 > m->cap)
		keyindex_rehash(m, m->cap ? m->cap * 2 : 16);
	e = &m->slots[keyindex_slot(m, key, hash)];
	if (e->val1)
		return false;
	*e = (struct keyslot){ (uint32_t)val + 1, hash };
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
