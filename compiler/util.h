/* Small helpers every stage uses: dying allocators, growable arrays, string sets. */
#ifndef XENSHM_UTIL_H
#define XENSHM_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The compiler dies on OOM (STYLE.md 7); the runtime must not use these. */
_Noreturn void die_oom(void);
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string; caller frees */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/*
 * count * size zeroed bytes; from 2 MiB in memory the kernel may back with
 * huge pages. Freed by big_free with the same count and size.
 */
void *big_calloc(size_t count, size_t size);
void big_free(void *p, size_t count, size_t size);

/* Grow *arr so it holds at least need elements of size elem. */
void grow_array(void **arr, size_t *alloc, size_t need, size_t elem);
#define ALLOC_GROW(arr, need, alloc) \
	grow_array((void **)&(arr), &(alloc), (need), sizeof(*(arr)))

/*
 * An arena: the model's objects and strings, bump-allocated from chunks of
 * 2 MiB the kernel may back with huge pages, and freed all at once. At 32 752
 * VMs the model is half a million small objects: malloc's headers, its work
 * and a page fault per 4 KiB were a third of `check`. Sanitizer builds take
 * each object from malloc instead, so that AddressSanitizer still guards it.
 */
struct arena {
	struct arena_chunk *chunks;	/* newest first */
	char *next, *end;		/* the free part of the newest */
	void **objects;			/* sanitizer builds: every object, to free */
	size_t nobjects, objects_alloc;
};
/* n zeroed bytes, aligned for any type; never NULL (dies on OOM) */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
void *arena_memdup(struct arena *a, const void *p, size_t n);
void arena_release(struct arena *a);

/*
 * A set of strings mapping to a size_t (an index into the caller's array),
 * open addressing, for O(1) name and ID lookups. Keys are borrowed: they must
 * outlive the set.
 */
struct strmap_slot {
	const char *key;	/* NULL: free */
	uint32_t val;
	uint32_t hash;		/* compared before the strings: most probes touch one line */
};
struct strmap {
	struct strmap_slot *slots;
	size_t cap, count;
};
void strmap_init(struct strmap *m);
void strmap_release(struct strmap *m);
/* returns true and sets *val when found */
bool strmap_get(const struct strmap *m, const char *key, size_t *val);
/* inserts when absent; returns false (and leaves the map as it was) when present */
bool strmap_add(struct strmap *m, const char *key, size_t val);

/*
 * Names to indices of the caller's array, for the model's largest lookups
 * (VM names, region IDs): a slot is 8 bytes, the index and the key's hash,
 * and a key is read back from the caller's array through key(ctx, index)
 * instead of being stored. At 65 504 region IDs the table is 1 MiB
 * instead of strmap's 2 MiB, at the load's peak of memory.
 */
struct keyindex {
	struct keyslot {
		uint32_t val1;	/* the index + 1; 0: free */
		uint32_t hash;
	} *slots;
	size_t cap, count;
	const char *(*key)(const void *ctx, size_t val);
	const void *ctx;
};
void keyindex_init(struct keyindex *m, const char *(*key)(const void *ctx, size_t val),
		   const void *ctx);
void keyindex_release(struct keyindex *m);
/* returns true and sets *val when found */
bool keyindex_get(const struct keyindex *m, const char *key, size_t *val);
/*
 * Inserts val (key(ctx, val) must already read key) when key is absent;
 * returns false, leaving the index as it was, when present.
 */
bool keyindex_add(struct keyindex *m, const char *key, size_t val);

/*
 * qsort for the many short arrays of per-VM work (a VM's mappings, its
 * obstacles): an insertion sort up to 16 elements, where qsort's setup and
 * merge cost several times the sort, qsort beyond. Equal elements keep
 * their order here and may not in qsort: give cmp a total order, or sort
 * where ties do not matter.
 */
void sort_small(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));

/* Levenshtein distance, capped at 'cap' (returns cap when >= cap). */
unsigned edit_distance(const char *a, const char *b, unsigned cap);

/* Round x up to a multiple of the power of two a; false on overflow. */
bool align_up(uint64_t x, uint64_t a, uint64_t *out);
static inline bool is_pow2(uint64_t x) { return x && !(x & (x - 1)); }

#endif
