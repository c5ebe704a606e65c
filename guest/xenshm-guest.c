/*
 * xenshm-guest: talk through a shared region from a Linux guest.
 *
 *   xenshm-guest list [ID...]               the regions in this guest's device
 *                                           tree; with IDs, those, wherever found
 *                                           (xenstore lets a guest read a region's
 *                                           record, not list them all)
 *   xenshm-guest send [OPTS] ID [TEXT...]   TEXT as one message, or
 *                                           --count N numbered, checked ones
 *   xenshm-guest recv [OPTS] ID             print messages (--count N: check N)
 *   xenshm-guest bench [OPTS] ID send|recv  throughput between two guests
 *   xenshm-guest bench --local              the same between two threads here
 * OPTS: --init (lay the ring out: the region's owner does), --count N,
 *       --size BYTES (bench message size), --slot BYTES, --slots N,
 *       --timeout S (default 120; 0: wait for ever)
 *
 * Messages of --count and bench carry their number, length and an FNV-1a
 * checksum (xenshm_msg.h), so the receiver checks every one: order, loss,
 * corruption.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* aligned_alloc, clock_gettime */
#endif
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libxenshm.h"
#include "xenshm_channel.h"
#include "xenshm_msg.h"

#define MSG_MAX 4096u

struct opts {
	int init;
	uint32_t count, size, slot, slots, timeout_s;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A wait for the other side: spin while it is short (a ring's latency), sleep
 * a millisecond per turn once it has lasted 10 ms, so a guest left waiting for
 * its peer (an owner not booted yet) gives its physical CPU back to the
 * hypervisor instead of burning it. The clock is read every 256 turns only,
 * and never for a wait shorter than that.
 */
struct wait {
	double since;	/* 0 until the wait has lasted 256 turns */
	unsigned turns;
};

static void wait_turn(struct wait *w)
{
	static const struct timespec ms = { 0, 1000000 };

	if (++w->turns % 256)
		return;
	if (!w->since)
		w->since = now();
	else if (now() - w->since > 0.01)
		nanosleep(&ms, NULL);
}

/* the deadline s seconds from now; 0 is none */
static double deadline(uint32_t s)
{
	return s ? now() + s : 1e300;
}

static int usage(void)
{
	fputs("usage: xenshm-guest list [ID...]\n"
	      "       xenshm-guest send [--init] [--count N] [--timeout S] ID [TEXT...]\n"
	      "       xenshm-guest recv [--init] [--count N] [--timeout S] ID\n"
	      "       xenshm-guest bench [--init] [--count N] [--size B] ID send|recv\n"
	      "       xenshm-guest bench --local [--count N] [--size B]\n"
	      "options: --slot BYTES (default 4096), --slots N (default 64)\n", stderr);
	return 64;
}

static uint32_t region_bytes;	/* of the region the ring is in, for attaching again */

/* after XSC_RESET: the owner laid the ring out anew; waits for it and attaches */
static int reattach(struct xsc *c, double end)
{
	int st;

	struct wait w = { 0, 0 };

	fputs("xenshm-guest: the owner laid the ring out again: starting over\n", stderr);
	while ((st = xsc_attach(c, c->w, region_bytes, XSC_KIND_RING)) == XSC_NOT_READY && now() < end)
		wait_turn(&w);
	return st;
}

/* the ring in region base: laid out (--init) or attached, waiting for the owner */
static int ring(struct xsc *c, volatile void *base, uint64_t size, const struct opts *o)
{
	uint32_t sz = size > UINT32_MAX ? UINT32_MAX : (uint32_t)size;
	struct wait w = { 0, 0 };
	double end = deadline(o->timeout_s);
	int st;

	region_bytes = sz;
	if (o->init)
		st = xsc_ring_init(c, base, sz, o->slot, o->slots);
	else
		while ((st = xsc_attach(c, base, sz, XSC_KIND_RING)) == XSC_NOT_READY && now() < end)
			wait_turn(&w);
	if (st)
		fprintf(stderr, "xenshm-guest: %s\n", xsc_strerror(st));
	return st;
}

/* sends count checked messages of size bytes (or the text); returns 0 or a status */
static int sender(struct xsc *c, const struct opts *o, const char *text, double *secs)
{
	unsigned char m[MSG_MAX];
	double t0 = now(), end = deadline(o->timeout_s);
	struct wait w;
	uint32_t k, n;
	int st;

	for (k = 0; k < (text ? 1 : o->count); k++) {
		n = text ? (uint32_t)strlen(text) : o->size;
		if (text)
			memcpy(m, text, n);
		else
			xsm_make(m, k, n);
		for (w = (struct wait){ 0, 0 }; (st = xsc_send(c, m, n)) == XSC_AGAIN; wait_turn(&w))
			if (now() > end) {
				fprintf(stderr, "xenshm-guest: timed out sending message %u\n", k);
				return 1;
			}
		if (st == XSC_RESET && !(st = reattach(c, end))) {
			k = UINT32_MAX;	/* the new ring starts over at message 0 */
			continue;
		}
		if (st) {
			fprintf(stderr, "xenshm-guest: message %u: %s\n", k, xsc_strerror(st));
			return 1;
		}
	}
	*secs = now() - t0;
	return 0;
}

/* receives count messages, checking each; prints text ones */
static int receiver(struct xsc *c, const struct opts *o, int print, double *secs, uint32_t *bad)
{
	unsigned char m[MSG_MAX + 1];
	double t0 = 0, end = deadline(o->timeout_s);
	struct wait w;
	uint32_t k, len = 0;
	const char *why;
	int st;

	*bad = 0;
	for (k = 0; !o->count || k < o->count; k++) {
		for (w = (struct wait){ 0, 0 }; (st = xsc_recv(c, m, MSG_MAX, &len)) == XSC_AGAIN; wait_turn(&w))
			if (now() > end) {
				fprintf(stderr, "xenshm-guest: timed out after %u messages\n", k);
				return 1;
			}
		if (st == XSC_RESET && !(st = reattach(c, end))) {
			k = UINT32_MAX;	/* the new ring starts over at message 0 */
			*bad = 0;
			continue;
		}
		if (st) {
			fprintf(stderr, "xenshm-guest: message %u: %s\n", k, xsc_strerror(st));
			return 1;
		}
		if (!k)
			t0 = now();
		end = deadline(o->timeout_s);	/* the timeout runs from the last message */
		if (print) {
			m[len] = '\0';
			printf("%s\n", (char *)m);
			fflush(stdout);
		} else if ((why = xsm_check(m, len, k))) {
			if (!(*bad)++)
				fprintf(stderr, "xenshm-guest: message %u: %s\n", k, why);
		}
	}
	*secs = now() - t0;
	return 0;
}

static void report(const char *what, uint32_t count, uint32_t size, double secs)
{
	if (secs <= 0)
		secs = 1e-9;
	printf("%s: %u messages of %u bytes in %.3f s: %.0f messages/s, %.2f MB/s\n", what, count, size,
	       secs, count / secs, (double)count * size / secs / 1e6);
}

struct local {
	struct xsc c;
	struct opts o;
	double secs;
	int ret;
};

static void *local_sender(void *arg)
{
	struct local *l = arg;

	l->ret = sender(&l->c, &l->o, NULL, &l->secs);
	return NULL;
}

/* bench --local: two threads over normal memory, the ring as between guests */
static int bench_local(struct opts *o)
{
	size_t bytes = XSC_OFF_DATA + (size_t)o->slot * o->slots;
	void *mem = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
	struct local l;
	struct xsc rc;
	pthread_t t;
	uint32_t bad;
	double secs;
	int ret;

	if (!mem)
		return 1;
	o->init = 1;
	l.o = *o;
	if (ring(&l.c, mem, bytes, o) || xsc_attach(&rc, mem, (uint32_t)bytes, XSC_KIND_RING)) {
		free(mem);
		return 1;
	}
	pthread_create(&t, NULL, local_sender, &l);
	ret = receiver(&rc, o, 0, &secs, &bad);
	pthread_join(t, NULL);
	free(mem);
	if (ret || l.ret || bad) {
		fprintf(stderr, "xenshm-guest: bench failed (%u bad messages)\n", bad);
		return 1;
	}
	report("bench local (two threads, normal memory)", o->count, o->size, secs);
	return 0;
}

static void list_one(const struct xenshm_info *r)
{
	printf("%-16s 0x%" PRIx64 " 0x%" PRIx64 " (%s)\n", r->id, r->base, r->size, r->source);
}

/* the regions of the device tree, or the ones named, from wherever they are found */
static int list(char **ids, int nids)
{
	struct xenshm_info all[64];
	char err[256];
	size_t n, i;
	int k, ret = 0;

	for (k = 0; k < nids; k++) {
		if (xenshm_find(ids[k], &all[0], err, sizeof(err))) {
			fprintf(stderr, "xenshm-guest: %s\n", err);
			ret = 1;
		} else {
			list_one(&all[0]);
		}
	}
	if (nids)
		return ret;
	if (xenshm_list(all, 64, &n, err, sizeof(err))) {
		fprintf(stderr, "xenshm-guest: %s\n", err);
		return 1;
	}
	for (i = 0; i < n && i < 64; i++)
		list_one(&all[i]);
	return 0;
}

static int num(const char *s, uint32_t *v)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(s, &end, 0);
	if (errno || end == s || *end || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0, 0, 64, 4096, 64, 120 };
	struct xenshm shm;
	struct xsc c;
	const char *cmd, *id = NULL, *dir = NULL;
	char err[256], text[MSG_MAX + 1] = "";
	int i, local = 0, ret;
	uint32_t bad = 0;
	double secs = 0;

	if (argc < 2)
		return usage();
	cmd = argv[1];
	if (!strcmp(cmd, "list"))
		return list(argv + 2, argc - 2);
	for (i = 2; i < argc; i++) {
		uint32_t *v = !strcmp(argv[i], "--count") ? &o.count : !strcmp(argv[i], "--size") ? &o.size :
			      !strcmp(argv[i], "--slot") ? &o.slot : !strcmp(argv[i], "--slots") ? &o.slots :
			      !strcmp(argv[i], "--timeout") ? &o.timeout_s : NULL;
		if (v) {
			if (++i == argc || num(argv[i], v))
				return usage();
		} else if (!strcmp(argv[i], "--init")) {
			o.init = 1;
		} else if (!strcmp(argv[i], "--local")) {
			local = 1;
		} else if (!id) {
			id = argv[i];
		} else if (!strcmp(cmd, "bench") && !dir) {
			dir = argv[i];
		} else if (!strcmp(cmd, "send") && strlen(text) + strlen(argv[i]) + 1 < sizeof(text)) {
			if (*text)
				strcat(text, " ");
			strcat(text, argv[i]);
		} else {
			return usage();
		}
	}
	if (o.slot <= XSC_SLOT_HEAD || o.size < XSM_MIN || o.size > MSG_MAX ||
	    o.size > o.slot - XSC_SLOT_HEAD)
		return usage();
	if (!strcmp(cmd, "bench") && local) {
		if (!o.count)
			o.count = 100000;
		return id ? usage() : bench_local(&o);
	}
	if (!id || (strcmp(cmd, "send") && strcmp(cmd, "recv") && strcmp(cmd, "bench")) ||
	    (!strcmp(cmd, "bench") && (!dir || (strcmp(dir, "send") && strcmp(dir, "recv")))))
		return usage();
	if (xenshm_open(id, &shm, err, sizeof(err))) {
		fprintf(stderr, "xenshm-guest: %s\n", err);
		return 1;
	}
	ret = ring(&c, shm.base, shm.info.size, &o);
	if (!ret && !strcmp(cmd, "send")) {
		if (!o.count && !*text)
			o.count = 1;
		ret = sender(&c, &o, *text ? text : NULL, &secs);
		if (!ret && !*text)
			printf("sent %u checked messages through '%s'\n", o.count, id);
	} else if (!ret && !strcmp(cmd, "recv")) {
		ret = receiver(&c, &o, !o.count, &secs, &bad);
		if (!ret && o.count)
			printf("RESULT recv %s: %u messages, %u bad -> %s\n", id, o.count, bad,
			       bad ? "FAIL" : "PASS");
	} else if (!ret) {
		if (!o.count)
			o.count = 100000;
		if (!strcmp(dir, "send"))
			ret = sender(&c, &o, NULL, &secs);
		else if (!(ret = receiver(&c, &o, 0, &secs, &bad)) && !bad)
			report("bench", o.count, o.size, secs);
	}
	xenshm_close(&shm);
	return ret || bad;
}
