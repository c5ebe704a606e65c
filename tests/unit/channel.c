/*
 * guest/xenshm_channel.h over normal memory: layout and validation, the
 * ring's order, wrap-around and limits, a peer's corrupt counters, and two
 * threads exchanging numbered, checksummed messages through a ring and a
 * mailbox, as two guests would.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "unit.h"
#include "xenshm_channel.h"
#include "xenshm_msg.h"

#define REGION (64 * 1024)
#define MESSAGES 200000u
#define CALLS 20000u

static uint32_t region[REGION / 4];

/* message k, of a length that varies with k, up to max bytes */
static uint32_t make_msg(unsigned char *m, uint32_t k, uint32_t max)
{
	uint32_t n = XSM_MIN + (k * 7919u) % (max - XSM_MIN + 1);

	xsm_make(m, k, n);
	return n;
}

/* 1 when m is message k, whole */
static int good_msg(const unsigned char *m, uint32_t n, uint32_t k)
{
	return !xsm_check(m, n, k);
}

static void test_layout(void)
{
	struct xsc o, b;

	memset(region, 0xa5, sizeof(region));
	EXPECT("channel: attach before the owner initialized is not ready",
	       xsc_attach(&b, region, REGION, XSC_KIND_RING) == XSC_NOT_READY);
	EXPECT("channel: a slot count that is not a power of two is invalid",
	       xsc_ring_init(&o, region, REGION, 64, 3) == XSC_INVALID);
	EXPECT("channel: a slot without room past its head is invalid",
	       xsc_ring_init(&o, region, REGION, 8, 4) == XSC_INVALID);
	EXPECT("channel: a ring larger than the region does not fit",
	       xsc_ring_init(&o, region, REGION, 1024, 64) == XSC_TOO_BIG);
	EXPECT("channel: an unaligned base is invalid",
	       xsc_ring_init(&o, (volatile char *)region + 2, REGION - 4, 64, 4) == XSC_INVALID);
	EXPECT("channel: ring init", xsc_ring_init(&o, region, REGION, 256, 64) == XSC_OK);
	EXPECT("channel: init zeroes what it uses and writes the header",
	       region[0] == XSC_MAGIC && region[1] == XSC_VERSION && region[2] == XSC_KIND_RING &&
	       region[3] == 192 + 256 * 64 && region[4] == 256 && region[5] == 64 && region[6] == 1 &&
	       region[16] == 0 &&
	       region[(192 + 256 * 64) / 4 - 1] == 0 && region[(192 + 256 * 64) / 4] == 0xa5a5a5a5u);
	EXPECT("channel: attach as a ring", xsc_attach(&b, region, REGION, XSC_KIND_RING) == XSC_OK &&
	       b.slot == 256 && b.nslots == 64);
	EXPECT("channel: attach as a mailbox is another layout",
	       xsc_attach(&b, region, REGION, XSC_KIND_MAILBOX) == XSC_BAD_LAYOUT);
	EXPECT("channel: attach with a region smaller than the channel is another layout",
	       xsc_attach(&b, region, 1024, XSC_KIND_RING) == XSC_BAD_LAYOUT);
	region[1] = 2;
	EXPECT("channel: another layout version is refused",
	       xsc_attach(&b, region, REGION, XSC_KIND_RING) == XSC_BAD_VERSION);
	region[1] = XSC_VERSION;
	region[5] = 65;
	EXPECT("channel: a header whose sizes disagree is refused",
	       xsc_attach(&b, region, REGION, XSC_KIND_RING) == XSC_BAD_LAYOUT);
	region[5] = 64;
	EXPECT("channel: attach again", xsc_attach(&b, region, REGION, XSC_KIND_RING) == XSC_OK &&
	       xsc_send(&b, "x", 1) == XSC_OK);
	EXPECT("channel: laid out again, the epoch goes up",
	       xsc_ring_init(&o, region, REGION, 256, 64) == XSC_OK && region[6] == 2);
	EXPECT("channel: a side attached to the earlier layout is told to attach again",
	       xsc_send(&b, "x", 1) == XSC_RESET &&
	       xsc_attach(&b, region, REGION, XSC_KIND_RING) == XSC_OK &&
	       xsc_send(&b, "x", 1) == XSC_OK);
	EXPECT("channel: a status has words", strcmp(xsc_strerror(XSC_BAD_VERSION),
						      "the channel has another layout version") == 0);
}

static void test_ring(void)
{
	struct xsc p, c;
	unsigned char m[64], got[64];
	uint32_t k, n, len = 0, sent = 0, recvd = 0, ok = 1;

	xsc_ring_init(&p, region, REGION, 64, 8);
	xsc_attach(&c, region, REGION, XSC_KIND_RING);
	EXPECT("ring: empty at first", xsc_recv(&c, got, sizeof(got), &len) == XSC_AGAIN);
	EXPECT("ring: a message larger than a slot is too big",
	       xsc_send(&p, m, xsc_ring_max(&p) + 1) == XSC_TOO_BIG);
	for (k = 0; k < 8; k++)
		ok &= xsc_send(&p, m, make_msg(m, sent++, xsc_ring_max(&p))) == XSC_OK;
	EXPECT("ring: holds as many messages as slots", ok);
	EXPECT("ring: full then", xsc_send(&p, m, 12) == XSC_AGAIN);
	EXPECT("ring: a short buffer keeps the message",
	       xsc_recv(&c, got, 4, &len) == XSC_SHORT && len > 4 &&
	       xsc_recv(&c, got, sizeof(got), &len) == XSC_OK && good_msg(got, len, recvd++));
	/* around the ring many times, with every length */
	for (k = 0; k < 1000; k++) {
		n = make_msg(m, sent, xsc_ring_max(&p));
		if (xsc_send(&p, m, n) == XSC_OK)
			sent++;
		if (k % 3 != 2) {
			if (xsc_recv(&c, got, sizeof(got), &len) != XSC_OK || !good_msg(got, len, recvd++))
				ok = 0;
		}
	}
	while (xsc_recv(&c, got, sizeof(got), &len) == XSC_OK)
		ok &= good_msg(got, len, recvd++);
	EXPECT("ring: in order and whole around the ring, every length", ok && recvd == sent);

	region[XSC_OFF_PROD / 4] = region[XSC_OFF_CONS / 4] + 9;
	EXPECT("ring: a head past the slots is corrupt, on both sides",
	       xsc_recv(&c, got, sizeof(got), &len) == XSC_CORRUPT && xsc_send(&p, m, 12) == XSC_CORRUPT);
	region[XSC_OFF_PROD / 4] = region[XSC_OFF_CONS / 4] + 1;
	region[(XSC_OFF_DATA + (region[XSC_OFF_CONS / 4] & 7) * 64) / 4] = 57;
	EXPECT("ring: a length past the slot is corrupt",
	       xsc_recv(&c, got, sizeof(got), &len) == XSC_CORRUPT);
	region[XSC_OFF_PROD / 4] = 0xffffffffu;
	region[XSC_OFF_CONS / 4] = 0xffffffffu;
	ok = xsc_send(&p, m, make_msg(m, 7, xsc_ring_max(&p))) == XSC_OK &&
	     xsc_recv(&c, got, sizeof(got), &len) == XSC_OK && good_msg(got, len, 7) &&
	     region[XSC_OFF_CONS / 4] == 0;
	EXPECT("ring: the counters wrap at 2^32", ok);
}

static struct xsc tp, tc;
static uint32_t thread_bad;

static void *producer(void *arg)
{
	unsigned char m[256];
	uint32_t k, n;

	(void)arg;
	for (k = 0; k < MESSAGES; k++) {
		n = make_msg(m, k, xsc_ring_max(&tp));
		while (xsc_send(&tp, m, n) == XSC_AGAIN)
			;
	}
	return NULL;
}

static void test_ring_threads(void)
{
	pthread_t t;
	unsigned char got[256];
	uint32_t k = 0, len = 0, bad = 0;
	int st;

	xsc_ring_init(&tp, region, REGION, 256, 16);
	xsc_attach(&tc, region, REGION, XSC_KIND_RING);
	pthread_create(&t, NULL, producer, NULL);
	while (k < MESSAGES) {
		st = xsc_recv(&tc, got, sizeof(got), &len);
		if (st == XSC_AGAIN)
			continue;
		if (st != XSC_OK || !good_msg(got, len, k))
			bad++;
		k++;
	}
	pthread_join(t, NULL);
	EXPECT("ring: two threads, 200000 numbered and checksummed messages, all in order and whole",
	       bad == 0 && k == MESSAGES);
}

static void *server(void *arg)
{
	unsigned char req[128], resp[128];
	uint32_t k, len = 0, i;

	(void)arg;
	for (k = 0; k < CALLS; k++) {
		int st;
		while ((st = xsc_serve(&tp, req, sizeof(req), &len)) == XSC_AGAIN)
			;
		if (st != XSC_OK || !good_msg(req, len, k)) {
			thread_bad++;
			len = 12;
		}
		for (i = 0; i < len; i++)	/* the answer: the request reversed */
			resp[i] = req[len - 1 - i];
		xsc_reply(&tp, resp, len);
	}
	return NULL;
}

static void test_mailbox(void)
{
	pthread_t t;
	unsigned char m[128], got[128];
	uint32_t k, n, len, i, bad = 0;
	struct xsc c;

	EXPECT("mailbox: init", xsc_mailbox_init(&tp, region, REGION, 126) == XSC_OK && tp.slot == 128);
	EXPECT("mailbox: attach", xsc_attach(&c, region, REGION, XSC_KIND_MAILBOX) == XSC_OK);
	EXPECT("mailbox: asking for an answer without a request is invalid",
	       xsc_response(&c, got, sizeof(got), &len) == XSC_INVALID);
	EXPECT("mailbox: a request larger than the buffer is too big",
	       xsc_request(&c, m, 129) == XSC_TOO_BIG);
	n = make_msg(m, 0, 128);
	EXPECT("mailbox: a second request before the answer is busy",
	       xsc_request(&c, m, n) == XSC_OK && xsc_request(&c, m, n) == XSC_BUSY);
	thread_bad = 0;
	pthread_create(&t, NULL, server, NULL);
	for (k = 0; k < CALLS; k++) {
		int st;
		len = 0;
		while ((st = xsc_response(&c, got, sizeof(got), &len)) == XSC_AGAIN)
			;
		for (i = 0; i < n && st == XSC_OK && len == n; i++)
			if (got[i] != m[n - 1 - i])
				break;
		if (len != n || i != n)
			bad++;
		if (k + 1 < CALLS && xsc_request(&c, m, n = make_msg(m, k + 1, 128)) != XSC_OK)
			bad++;
	}
	pthread_join(t, NULL);
	EXPECT("mailbox: two threads, 20000 calls, every answer the server's to that request",
	       bad == 0 && thread_bad == 0);
}

void test_channel(void)
{
	test_layout();
	test_ring();
	test_ring_threads();
	test_mailbox();
}
