/* Free address space as an ordered list of holes: first-fit placement, low or high. */
#include "freelist.h"

#include <stdlib.h>
#include <string.h>

#define NONE SIZE_MAX

static int cmp_base(const void *pa, const void *pb)
{
	const struct range *a = pa, *b = pb;

	if (a->base != b->base)
		return a->base < b->base ? -1 : 1;
	return 0;
}

/* Appends or inserts [lo, hi) after 'after' (NONE: at the head). */
static size_t insert_after(struct freelist *fl, size_t after, uint64_t lo, uint64_t hi)
{
	size_t i = fl->n, next = after == NONE ? fl->head : fl->h[after].next;

	ALLOC_GROW(fl->h, fl->n + 1, fl->alloc);
	fl->n++;
	fl->h[i] = (struct hole){ lo, hi, after, next };
	if (after == NONE)
		fl->head = i;
	else
		fl->h[after].next = i;
	if (next == NONE)
		fl->tail = i;
	else
		fl->h[next].prev = i;
	return i;
}

static void unlink_hole(struct freelist *fl, size_t i)
{
	struct hole *h = &fl->h[i];

	if (h->prev == NONE)
		fl->head = h->next;
	else
		fl->h[h->prev].next = h->next;
	if (h->next == NONE)
		fl->tail = h->prev;
	else
		fl->h[h->next].prev = h->prev;
}

void freelist_init(struct freelist *fl, const struct range *spaces, size_t nspaces,
		   struct range *obs, size_t nobs)
{
	size_t s, o = 0;

	memset(fl, 0, sizeof(*fl));
	fl->head = fl->tail = NONE;
	sort_small(obs, nobs, sizeof(*obs), cmp_base);	/* ties in base: either order gives these holes */
	for (s = 0; s < nspaces; s++) {
		uint64_t lo = spaces[s].base, hi = spaces[s].base + spaces[s].size;
		uint64_t c = lo;
		size_t k;

		if (hi < lo)	/* the space runs to the top of the address space */
			hi = UINT64_MAX;
		/* obstacles ending before this space can be skipped for good */
		while (o < nobs && obs[o].base + obs[o].size <= lo &&
		       obs[o].base + obs[o].size >= obs[o].base)
			o++;
		for (k = o; k < nobs && obs[k].base < hi && c < hi; k++) {
			uint64_t end = obs[k].base + obs[k].size;
			if (!obs[k].size)
				continue;
			if (end < obs[k].base)
				end = UINT64_MAX;
			if (obs[k].base > c)
				insert_after(fl, fl->tail, c, obs[k].base);
			if (end > c)
				c = end;
		}
		if (c < hi)
			insert_after(fl, fl->tail, c, hi);
	}
}

void freelist_release(struct freelist *fl)
{
	free(fl->h);
	memset(fl, 0, sizeof(*fl));
}

/* Replaces hole i by what is left around [at, at + size). */
static void carve(struct freelist *fl, size_t i, uint64_t at, uint64_t size)
{
	uint64_t lo = fl->h[i].lo, hi = fl->h[i].hi;

	if (at > lo && at + size < hi) {
		fl->h[i].hi = at;
		insert_after(fl, i, at + size, hi);
	} else if (at > lo) {
		fl->h[i].hi = at;
	} else if (at + size < hi) {
		fl->h[i].lo = at + size;
	} else {
		unlink_hole(fl, i);
	}
}

bool freelist_take_low(struct freelist *fl, uint64_t size, uint64_t align, uint64_t *out)
{
	size_t i;
	uint64_t c;

	for (i = fl->head; i != NONE; i = fl->h[i].next) {
		const struct hole *h = &fl->h[i];
		if (h->hi - h->lo < size || !align_up(h->lo, align, &c))
			continue;
		if (c < h->hi && h->hi - c >= size) {
			carve(fl, i, c, size);
			*out = c;
			return true;
		}
	}
	return false;
}

bool freelist_take_high(struct freelist *fl, uint64_t size, uint64_t align, uint64_t *out)
{
	size_t i;
	uint64_t c;

	for (i = fl->tail; i != NONE; i = fl->h[i].prev) {
		const struct hole *h = &fl->h[i];
		if (h->hi - h->lo < size)
			continue;
		c = (h->hi - size) & ~(align - 1);
		if (c >= h->lo) {
			carve(fl, i, c, size);
			*out = c;
			return true;
		}
	}
	return false;
}

void freelist_stats(const struct freelist *fl, uint64_t *total, uint64_t *largest)
{
	size_t i;

	*total = *largest = 0;
	for (i = fl->head; i != NONE; i = fl->h[i].next) {
		uint64_t n = fl->h[i].hi - fl->h[i].lo;
		*total += n;
		if (n > *largest)
			*largest = n;
	}
}
