/*
 * xenshm_channel.h: message channels laid out inside one shared region, for
 * every member of it, bare metal or Linux, arm64 or x86_64.
 *
 * Header-only C99, freestanding: it needs <stdint.h> and <stddef.h> and
 * nothing of libc. The region may be Device memory (Arm `iomem` mappings):
 * every access to it is a naturally aligned 32-bit volatile load or store,
 * never memcpy/memset, an exclusive or an atomic, and an explicit barrier
 * orders each publish and each consume. Byte-exact layout: docs/channel.md.
 *
 * Two kinds:
 *   ring     single producer, single consumer, fixed-size slots;
 *   mailbox  one request and one response at a time (client and server).
 * The region's owner initializes the channel (xsc_*_init: zeroes it, lays it
 * out, writes the magic last); every other member attaches (xsc_attach),
 * which validates magic, layout version, kind and sizes, so a peer that lays
 * out something else is refused instead of misread. Each init bumps an epoch:
 * a side that attached to an earlier layout (what a warm reboot leaves) gets
 * XSC_RESET and attaches again. Nothing a peer writes is trusted: counters
 * and lengths are checked before use (XSC_CORRUPT).
 */
#ifndef XENSHM_CHANNEL_H
#define XENSHM_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#define XSC_MAGIC 0x31435358u		/* "XSC1" in memory */
#define XSC_VERSION 1u			/* layout version */
#define XSC_KIND_RING 1u
#define XSC_KIND_MAILBOX 2u

/* byte offsets of the 32-bit words (docs/channel.md) */
#define XSC_OFF_MAGIC 0u
#define XSC_OFF_VERSION 4u
#define XSC_OFF_KIND 8u
#define XSC_OFF_SIZE 12u	/* bytes of the region the channel uses */
#define XSC_OFF_SLOT 16u	/* ring: bytes per slot; mailbox: bytes per buffer */
#define XSC_OFF_NSLOTS 20u	/* ring: slots, a power of two; mailbox: 1 */
#define XSC_OFF_EPOCH 24u	/* how many times the owner laid it out, never 0 */
#define XSC_OFF_PROD 64u	/* ring: head; mailbox: request sequence and length */
#define XSC_OFF_PROD_LEN 68u
#define XSC_OFF_CONS 128u	/* ring: tail; mailbox: response sequence and length */
#define XSC_OFF_CONS_LEN 132u
#define XSC_OFF_DATA 192u	/* slots (ring), request then response buffer (mailbox) */
#define XSC_SLOT_HEAD 8u	/* a ring slot: length word, reserved word, payload */

enum xsc_status {
	XSC_OK = 0,
	XSC_AGAIN = -1,		/* ring empty or full, no answer yet: poll again */
	XSC_TOO_BIG = -2,	/* the message does not fit a slot or buffer */
	XSC_SHORT = -3,		/* the caller's buffer is smaller than the message */
	XSC_NOT_READY = -4,	/* no magic yet: the owner has not initialized it */
	XSC_BAD_VERSION = -5,	/* another layout version */
	XSC_BAD_LAYOUT = -6,	/* another kind, or sizes that do not fit the region */
	XSC_CORRUPT = -7,	/* a peer wrote counters or a length out of range */
	XSC_BUSY = -8,		/* mailbox: the previous request has no answer yet */
	XSC_INVALID = -9,	/* bad arguments: alignment, sizes */
	XSC_RESET = -10,	/* the owner laid the channel out again: attach again */
};

struct xsc {
	volatile uint32_t *w;	/* the region, 4-byte aligned */
	uint32_t size, kind, slot, nslots;
	uint32_t seq;		/* mailbox: this side's last request or answer */
	uint32_t pending;	/* mailbox client: a request awaits its answer */
	uint32_t epoch;		/* the layout this side works with */
};

/* ---- barriers and accesses: the only code that touches the region ---- */

#if defined(__aarch64__)
/* dmb sy orders Device and Normal accesses alike, for every observer */
static inline void xsc_publish_barrier(void) { __asm__ volatile("dmb sy" ::: "memory"); }
static inline void xsc_consume_barrier(void) { __asm__ volatile("dmb sy" ::: "memory"); }
static inline void xsc_full_barrier(void) { __asm__ volatile("dmb sy" ::: "memory"); }
#elif defined(__x86_64__)
/* sfence also orders write-combining and uncached stores; lfence the loads */
static inline void xsc_publish_barrier(void) { __asm__ volatile("sfence" ::: "memory"); }
static inline void xsc_consume_barrier(void) { __asm__ volatile("lfence" ::: "memory"); }
static inline void xsc_full_barrier(void) { __asm__ volatile("mfence" ::: "memory"); }
#else
#error "xenshm_channel.h: arm64 and x86_64 only"
#endif

static inline uint32_t xsc_get(const struct xsc *c, uint32_t off)
{
	return c->w[off / 4];
}

static inline void xsc_put(const struct xsc *c, uint32_t off, uint32_t v)
{
	c->w[off / 4] = v;
}

/* the little-endian word of up to 4 bytes at p */
static inline uint32_t xsc_word(const unsigned char *p, uint32_t n)
{
	uint32_t v = 0, i;

	for (i = 0; i < n && i < 4; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

/* n bytes from normal memory to the region at off, in whole 32-bit words */
static inline void xsc_copy_in(const struct xsc *c, uint32_t off, const void *src, uint32_t n)
{
	const unsigned char *p = (const unsigned char *)src;
	uint32_t i;

	for (i = 0; i < n; i += 4)
		xsc_put(c, off + i, xsc_word(p + i, n - i));
}

/* n bytes from the region at off to normal memory, read in whole 32-bit words */
static inline void xsc_copy_out(const struct xsc *c, uint32_t off, void *dst, uint32_t n)
{
	unsigned char *p = (unsigned char *)dst;
	uint32_t i, k, v;

	for (i = 0; i < n; i += 4) {
		v = xsc_get(c, off + i);
		for (k = 0; k < 4 && i + k < n; k++)
			p[i + k] = (unsigned char)(v >> (8 * k));
	}
}

static inline uint32_t xsc_round4(uint32_t n)
{
	return (n + 3u) & ~3u;
}

/* ---- layout ---- */

/* the bytes a channel of this shape takes; 0 when it cannot exist */
static inline uint64_t xsc_need(uint32_t kind, uint32_t slot, uint32_t nslots)
{
	if (kind == XSC_KIND_RING)
		return nslots && !(nslots & (nslots - 1)) && nslots <= 0x40000000u &&
		       slot > XSC_SLOT_HEAD && !(slot & 3u) ?
		       XSC_OFF_DATA + (uint64_t)slot * nslots : 0;
	if (kind == XSC_KIND_MAILBOX)
		return nslots == 1 && slot && !(slot & 3u) ? XSC_OFF_DATA + 2ull * slot : 0;
	return 0;
}

static inline int xsc_init(struct xsc *c, volatile void *base, uint32_t size, uint32_t kind,
			   uint32_t slot, uint32_t nslots)
{
	uint64_t need = xsc_need(kind, slot, nslots);
	uint32_t off, epoch;

	if (((uintptr_t)base & 3u) || !need)
		return XSC_INVALID;
	if (need > size)
		return XSC_TOO_BIG;
	c->w = (volatile uint32_t *)base;
	/* one more than the layout found there, so that its users see the change */
	epoch = xsc_get(c, XSC_OFF_MAGIC) == XSC_MAGIC ? xsc_get(c, XSC_OFF_EPOCH) + 1 : 1;
	if (!epoch)
		epoch = 1;
	c->size = (uint32_t)need;
	c->kind = kind;
	c->slot = slot;
	c->nslots = nslots;
	c->seq = c->pending = 0;
	c->epoch = epoch;
	xsc_put(c, XSC_OFF_MAGIC, 0);
	xsc_full_barrier();
	for (off = 4; off < c->size; off += 4)
		xsc_put(c, off, 0);
	xsc_put(c, XSC_OFF_VERSION, XSC_VERSION);
	xsc_put(c, XSC_OFF_KIND, kind);
	xsc_put(c, XSC_OFF_SIZE, c->size);
	xsc_put(c, XSC_OFF_SLOT, slot);
	xsc_put(c, XSC_OFF_NSLOTS, nslots);
	xsc_put(c, XSC_OFF_EPOCH, epoch);
	xsc_publish_barrier();
	xsc_put(c, XSC_OFF_MAGIC, XSC_MAGIC);
	xsc_publish_barrier();
	return XSC_OK;
}

/*
 * The owner: a ring of nslots (a power of two) slots of slot bytes each
 * (a multiple of 4, the 8-byte slot head included) at base, in a region of
 * size bytes. Zeroes what it uses, then publishes; any earlier content,
 * such as a warm reboot leaves, is gone.
 */
static inline int xsc_ring_init(struct xsc *c, volatile void *base, uint32_t size,
				uint32_t slot, uint32_t nslots)
{
	return xsc_init(c, base, size, XSC_KIND_RING, slot, nslots);
}

/* The owner: a mailbox whose request and response hold cap bytes each. */
static inline int xsc_mailbox_init(struct xsc *c, volatile void *base, uint32_t size, uint32_t cap)
{
	return xsc_init(c, base, size, XSC_KIND_MAILBOX, xsc_round4(cap), 1);
}

/* A member other than the owner: checks what the owner laid out. */
static inline int xsc_attach(struct xsc *c, volatile void *base, uint32_t size, uint32_t kind)
{
	uint32_t used, slot, nslots;
	uint64_t need;

	c->w = (volatile uint32_t *)base;
	c->size = c->kind = c->slot = c->nslots = c->seq = c->pending = c->epoch = 0;	/* unusable until attached */
	if (((uintptr_t)base & 3u) || size < XSC_OFF_DATA)
		return XSC_INVALID;
	if (xsc_get(c, XSC_OFF_MAGIC) != XSC_MAGIC)
		return XSC_NOT_READY;
	xsc_consume_barrier();
	if (xsc_get(c, XSC_OFF_VERSION) != XSC_VERSION)
		return XSC_BAD_VERSION;
	used = xsc_get(c, XSC_OFF_SIZE);
	slot = xsc_get(c, XSC_OFF_SLOT);
	nslots = xsc_get(c, XSC_OFF_NSLOTS);
	need = xsc_need(kind, slot, nslots);
	if (xsc_get(c, XSC_OFF_KIND) != kind || !need || need != used || used > size)
		return XSC_BAD_LAYOUT;
	c->size = used;
	c->kind = kind;
	c->slot = slot;
	c->nslots = nslots;
	c->seq = kind == XSC_KIND_MAILBOX ? xsc_get(c, XSC_OFF_PROD) : 0;
	c->epoch = xsc_get(c, XSC_OFF_EPOCH);
	return c->epoch ? XSC_OK : XSC_BAD_LAYOUT;
}

/* XSC_RESET when the owner has laid the channel out again since this side attached */
static inline int xsc_check_epoch(const struct xsc *c)
{
	return xsc_get(c, XSC_OFF_MAGIC) == XSC_MAGIC && xsc_get(c, XSC_OFF_EPOCH) == c->epoch ?
	       XSC_OK : XSC_RESET;
}

/* ---- ring ---- */

/* the largest message a slot holds */
static inline uint32_t xsc_ring_max(const struct xsc *c)
{
	return c->slot - XSC_SLOT_HEAD;
}

/* The producer: XSC_AGAIN while the ring is full. */
static inline int xsc_send(struct xsc *c, const void *msg, uint32_t len)
{
	uint32_t head = xsc_get(c, XSC_OFF_PROD), tail = xsc_get(c, XSC_OFF_CONS), off;

	if (xsc_check_epoch(c))
		return XSC_RESET;

	if (len > xsc_ring_max(c))
		return XSC_TOO_BIG;
	if (head - tail > c->nslots)
		return XSC_CORRUPT;
	if (head - tail == c->nslots)
		return XSC_AGAIN;
	/* the consumer's tail was read before the slot is overwritten */
	xsc_full_barrier();
	off = XSC_OFF_DATA + (head & (c->nslots - 1)) * c->slot;
	xsc_copy_in(c, off + XSC_SLOT_HEAD, msg, len);
	xsc_put(c, off, len);
	xsc_publish_barrier();
	xsc_put(c, XSC_OFF_PROD, head + 1);
	return XSC_OK;
}

/*
 * The consumer: the next message into buf (cap bytes), its length in *len;
 * XSC_AGAIN while the ring is empty, XSC_SHORT (the message stays) when cap
 * is too small.
 */
static inline int xsc_recv(struct xsc *c, void *buf, uint32_t cap, uint32_t *len)
{
	uint32_t head = xsc_get(c, XSC_OFF_PROD), tail = xsc_get(c, XSC_OFF_CONS), off, n;

	if (xsc_check_epoch(c))
		return XSC_RESET;

	if (head - tail > c->nslots)
		return XSC_CORRUPT;
	if (head == tail)
		return XSC_AGAIN;
	xsc_consume_barrier();
	off = XSC_OFF_DATA + (tail & (c->nslots - 1)) * c->slot;
	n = xsc_get(c, off);
	if (n > xsc_ring_max(c))
		return XSC_CORRUPT;
	*len = n;
	if (n > cap)
		return XSC_SHORT;
	xsc_copy_out(c, off + XSC_SLOT_HEAD, buf, n);
	/* the slot is read before the producer may reuse it */
	xsc_full_barrier();
	xsc_put(c, XSC_OFF_CONS, tail + 1);
	return XSC_OK;
}

/* ---- mailbox ---- */

/* The client: posts a request; XSC_BUSY while the previous one has no answer. */
static inline int xsc_request(struct xsc *c, const void *msg, uint32_t len)
{
	if (xsc_check_epoch(c))
		return XSC_RESET;
	if (len > c->slot)
		return XSC_TOO_BIG;
	if (xsc_get(c, XSC_OFF_CONS) != c->seq)
		return XSC_BUSY;
	xsc_full_barrier();
	xsc_copy_in(c, XSC_OFF_DATA, msg, len);
	xsc_put(c, XSC_OFF_PROD_LEN, len);
	xsc_publish_barrier();
	c->seq++;
	xsc_put(c, XSC_OFF_PROD, c->seq);
	c->pending = 1;
	return XSC_OK;
}

/*
 * The client: the answer to its last request; XSC_AGAIN until it is there,
 * XSC_INVALID when no request awaits one.
 */
static inline int xsc_response(struct xsc *c, void *buf, uint32_t cap, uint32_t *len)
{
	uint32_t n;

	if (!c->pending)
		return XSC_INVALID;
	if (xsc_check_epoch(c))
		return XSC_RESET;
	if (xsc_get(c, XSC_OFF_CONS) != c->seq || xsc_get(c, XSC_OFF_PROD) != c->seq)
		return XSC_AGAIN;
	xsc_consume_barrier();
	n = xsc_get(c, XSC_OFF_CONS_LEN);
	if (n > c->slot)
		return XSC_CORRUPT;
	*len = n;
	if (n > cap)
		return XSC_SHORT;
	xsc_copy_out(c, XSC_OFF_DATA + c->slot, buf, n);
	c->pending = 0;
	return XSC_OK;
}

/* The server: the pending request; XSC_AGAIN while there is none. */
static inline int xsc_serve(struct xsc *c, void *buf, uint32_t cap, uint32_t *len)
{
	uint32_t seq = xsc_get(c, XSC_OFF_PROD), n;

	if (xsc_check_epoch(c))
		return XSC_RESET;
	if (seq == xsc_get(c, XSC_OFF_CONS))
		return XSC_AGAIN;
	xsc_consume_barrier();
	n = xsc_get(c, XSC_OFF_PROD_LEN);
	if (n > c->slot)
		return XSC_CORRUPT;
	*len = n;
	if (n > cap)
		return XSC_SHORT;
	xsc_copy_out(c, XSC_OFF_DATA, buf, n);
	c->seq = seq;
	return XSC_OK;
}

/* The server: answers the request xsc_serve returned. */
static inline int xsc_reply(struct xsc *c, const void *msg, uint32_t len)
{
	if (xsc_check_epoch(c))
		return XSC_RESET;
	if (len > c->slot)
		return XSC_TOO_BIG;
	xsc_full_barrier();
	xsc_copy_in(c, XSC_OFF_DATA + c->slot, msg, len);
	xsc_put(c, XSC_OFF_CONS_LEN, len);
	xsc_publish_barrier();
	xsc_put(c, XSC_OFF_CONS, c->seq);
	return XSC_OK;
}

static inline const char *xsc_strerror(int status)
{
	switch (status) {
	case XSC_OK: return "ok";
	case XSC_AGAIN: return "nothing yet, poll again";
	case XSC_TOO_BIG: return "message too big for the channel";
	case XSC_SHORT: return "buffer too small for the message";
	case XSC_NOT_READY: return "the owner has not initialized the channel";
	case XSC_BAD_VERSION: return "the channel has another layout version";
	case XSC_BAD_LAYOUT: return "the channel is of another kind or does not fit the region";
	case XSC_CORRUPT: return "a peer wrote counters or a length out of range";
	case XSC_BUSY: return "the previous request has no answer yet";
	case XSC_INVALID: return "invalid arguments";
	case XSC_RESET: return "the owner laid the channel out again: attach again";
	default: return "unknown status";
	}
}

#endif
