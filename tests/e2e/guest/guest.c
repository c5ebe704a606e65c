/*
 * Test guest: proves that its regions are shared by talking through them
 * with the channel library (guest/xenshm_channel.h), using only the
 * generated xenshm.h for where they are. Each outcome is one RESULT line on
 * the console.
 *
 * Built two ways: bare metal on arm64 (the vuart's PL011, MMU off), and as a
 * Linux program for x86_64 PVH guests (regions through /dev/mem, stdout).
 * -DNO_SCRUB is for dom0less, where nothing zeroes the regions between boots:
 * an owner that finds data there lays the region out anew instead of failing.
 * -DPLAIN_COUNT=N (with -DPLAIN_SIZE=B, -DPLAIN_SEND='"ID"') makes a peer of
 * xenshm-guest instead: one ring per region, laid out by its owner; this
 * guest sends N checked messages of B bytes through region ID and receives
 * and checks N through each other one (-DTIMEOUT_S=S: a Linux peer boots
 * slowly under emulation).
 *
 * Region layout (byte offsets; the MMU is off, so memory is Device memory
 * and the library makes only aligned 32-bit accesses):
 *   0       beacon: MAGIC once the channels are laid out, 4: the owner's token
 *   EDGE    per borrower j (the members but the owner, in member order), a
 *           slice: a ring owner -> borrower, then one borrower -> owner
 *   the last EDGE bytes: never touched (the suites write patterns there)
 *
 * A session: the borrower sends HELLO with a nonce of its own, new at every
 * boot; the owner answers WELCOME(nonce ^ token), then COUNT numbered,
 * checksummed messages of varying length (xenshm_msg.h); the borrower checks
 * each and sends COUNT back, which the owner checks. A borrower skips
 * whatever precedes its own WELCOME, so a message an earlier boot or an
 * earlier instance left in a ring cannot pass for one; a HELLO starts the
 * session over (a borrower created again while its owner runs), and a ring
 * laid out again (XSC_RESET: the owner booted again) makes the borrower
 * attach again and start over.
 */
#ifdef HOSTED
#define _POSIX_C_SOURCE 200809L	/* clock_gettime */
#endif
#include <stdint.h>

#ifdef HOSTED	/* -DHOSTED: a Linux program, not bare metal */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef DEVMEM	/* the unit tests give a file standing in for guest memory */
#define DEVMEM "/dev/mem"
#endif

static void putc_(char c)
{
	putchar(c);
	if (c == '\n')
		fflush(stdout);
}

static uint64_t ticks(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t freq(void)
{
	return 1000000000u;
}

static void barrier(void)
{
	__sync_synchronize();
}

/*
 * Between polls, give the CPU back now and then: a guest that only spins
 * starves whatever shares its CPU (dom0 and the guests, when the x86 suite
 * had one emulated CPU: RCU stalls; three processes on two cores in the
 * unit tests). Not at every poll: each block and wake is a chance for Xen
 * to move the vCPU to another emulated CPU, and under TCG vCPUs of two
 * domains taking turns on one CPU corrupt programs (docs/e2e.md, "The
 * x86_64 faults").
 */
static void relax(void)
{
	static unsigned polls;
	struct timespec ms = { 0, 1000000 };

	if (++polls % 64 == 0)
		nanosleep(&ms, NULL);
}

/* the region's guest-physical range, uncached, as the bare-metal build sees it */
static volatile uint32_t *map_region(uint64_t base, uint64_t size)
{
	int fd = open(DEVMEM, O_RDWR | O_SYNC);
	void *p = fd < 0 ? MAP_FAILED : mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
					     (off_t)base);

	if (fd >= 0)
		close(fd);
	return p == MAP_FAILED ? NULL : p;
}
#else
#define UART ((volatile uint32_t *)0x22000000UL)	/* GUEST_PL011_BASE */
/* vCPU 0's GICR_ISENABLER0 (GUEST_GICV3_GICR0_BASE, SGI frame) */
#define GICR_ISENABLER0 ((volatile uint32_t *)0x03030100UL)
#define VTIMER_PPI 27	/* GUEST_TIMER_VIRT_PPI */
#define POLL_HZ 100

static void putc_(char c)
{
	while (UART[0x18 / 4] & (1u << 5))	/* FR.TXFF */
		;
	UART[0] = (uint32_t)(unsigned char)c;
}

static uint64_t ticks(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static uint64_t freq(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

static void barrier(void)
{
	__asm__ volatile("dsb sy" ::: "memory");
}

/* bare metal, one vCPU each on arm64: nothing else to give the CPU to */
static void relax(void)
{
}

#ifndef PLAIN_COUNT	/* only an owner that serves on sleeps */
static int can_idle;

/*
 * Once its RESULT lines are out, the owner answers for as long as it runs,
 * mostly asleep: the virtual timer's interrupt, enabled in the vGIC (GICv3, as
 * both arm64 suites boot QEMU) but never taken (PSTATE.I stays masked), wakes
 * a WFI, on which Xen blocks a vCPU unless an enabled interrupt is pending.
 * Spinning instead would hold a CPU of the emulated machine for good.
 */
static void idle_start(void)
{
	uint64_t sre;

	__asm__ volatile("mrs %0, icc_sre_el1" : "=r"(sre));
	__asm__ volatile("msr icc_sre_el1, %0; isb" : : "r"(sre | 1));
	__asm__ volatile("mrs %0, icc_sre_el1" : "=r"(sre));
	if (!(sre & 1))
		return;	/* no system register interface: poll without sleeping */
	__asm__ volatile("msr icc_pmr_el1, %0; msr icc_igrpen1_el1, %1; isb" : : "r"(0xffUL), "r"(1UL));
	*GICR_ISENABLER0 = 1u << VTIMER_PPI;
	barrier();
	can_idle = 1;
}

/* acknowledges every interrupt pending at the CPU interface, so that the next WFI blocks */
static void idle_ack(void)
{
	uint64_t irq;

	for (;;) {
		__asm__ volatile("mrs %0, icc_iar1_el1" : "=r"(irq));
		if ((irq & 0xffffff) >= 1020)	/* spurious: nothing pending */
			return;
		__asm__ volatile("msr icc_eoir1_el1, %0; isb" : : "r"(irq));
	}
}

/* sleeps a tick of POLL_HZ on the virtual timer */
static void idle(void)
{
	if (!can_idle)
		return;
	__asm__ volatile("msr cntv_cval_el0, %0; msr cntv_ctl_el0, %1; isb" : : "r"(ticks() + freq() / POLL_HZ),
			 "r"(1UL));
	__asm__ volatile("wfi");
	__asm__ volatile("msr cntv_ctl_el0, %0; isb" : : "r"(0UL));
	idle_ack();
}
#endif

/* MMU off: guest-physical is the address */
static volatile uint32_t *map_region(uint64_t base, uint64_t size)
{
	(void)size;
	return (volatile uint32_t *)(uintptr_t)base;
}
#endif


#include "xenshm.h"
#include "xenshm_channel.h"
#include "xenshm_msg.h"

#define MAGIC 0x53484d31u	/* "SHM1" */
#ifndef TIMEOUT_S
#define TIMEOUT_S 120
#endif
#define COUNT 100		/* checked messages each way per borrower: the rings wrap */
#define SLOT 128		/* a ring slot: messages up to SLOT - XSC_SLOT_HEAD bytes */
#define MAX_SLOTS 16u
#define EDGE 64u
#define MAX_PEERS 8u		/* borrowers per region this guest serves */
#define HELLO 0xfffffff0u	/* control messages: [0] kind [4] length [8] value [12] checksum */
#define WELCOME 0xfffffff1u
#define CTL_LEN 16u
#define MSG_CAP 256u
#define STR_(x) #x
#define STR(x) STR_(x)

static void puts_(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			putc_('\r');
		putc_(*s);
	}
}

/* one borrower's two rings and session, as its owner or itself sees them */
struct peer {
	struct xsc down, up;	/* owner -> borrower, borrower -> owner */
	uint32_t nonce;		/* the borrower's: this boot's; the owner's copy: this session's */
	uint32_t sent, got;	/* checked messages sent and received in this session */
	int state;
};

enum { WAIT_BEACON, SEND_HELLO, WAIT_WELCOME, EXCHANGE, FINISHED };

struct region {
	const char *id;
	volatile uint32_t *w;
	uint64_t size;
	uint32_t members, me, owner;
	uint32_t token;		/* the owner's: published; a borrower's: the one it saw */
	uint32_t half, nslots;	/* each ring: bytes and slots */
	struct peer peer[MAX_PEERS];	/* the owner: one per borrower; a borrower: [0] */
	uint32_t npeers;
	int published;		/* the owner laid the region out and serves */
	int done;		/* its RESULT line is out */
};

static void result(struct region *r, const char *what, int pass)
{
	puts_("RESULT " XENSHM_VM " ");
	puts_(r->id);
	puts_(": ");
	puts_(what);
	puts_(pass ? " -> PASS\n" : " -> FAIL\n");
	r->done = 1;
}

#ifndef PLAIN_COUNT
static void puthex(uint32_t v)
{
	int i;

	puts_("0x");
	for (i = 7; i >= 0; i--)
		putc_("0123456789abcdef"[(v >> (i * 4)) & 15]);
}

static void ctl_make(unsigned char *m, uint32_t kind, uint32_t value)
{
	xsm_put32(m, kind);
	xsm_put32(m + 4, CTL_LEN);
	xsm_put32(m + 8, value);
	xsm_put32(m + 12, xsm_fnv(m, 12));
}

/* 1 when m (n bytes) is a whole control message of this kind; its value in *v */
static int ctl_is(const unsigned char *m, uint32_t n, uint32_t kind, uint32_t *v)
{
	if (n != CTL_LEN || xsm_get32(m) != kind || xsm_get32(m + 4) != CTL_LEN ||
	    xsm_get32(m + 12) != xsm_fnv(m, 12))
		return 0;
	*v = xsm_get32(m + 8);
	return 1;
}

/* message k's length: every length from XSM_MIN to a full slot comes round */
static uint32_t length(uint32_t k)
{
	return XSM_MIN + (k * 37u) % (SLOT - XSC_SLOT_HEAD - XSM_MIN + 1);
}

/* borrower j's slice: its ring down (owner -> borrower), then its ring up */
static volatile void *ring_at(const struct region *r, uint32_t j, int up)
{
	uint64_t slice = 2ull * r->half;

	return (volatile unsigned char *)r->w + EDGE + j * slice + (up ? r->half : 0);
}

/* the rings' size; 0 when the region is too small for them */
static int plan_rings(struct region *r)
{
	uint64_t borrowers = r->members - 1, half;

	if (!borrowers || borrowers > MAX_PEERS || r->size < 4 * EDGE)
		return 0;
	half = ((r->size - 2 * EDGE) / borrowers / 2) & ~63ull;
	for (r->nslots = MAX_SLOTS; r->nslots >= 2; r->nslots /= 2)
		if (XSC_OFF_DATA + (uint64_t)SLOT * r->nslots <= half)
			break;
	r->half = (uint32_t)(XSC_OFF_DATA + SLOT * r->nslots);
	r->npeers = (uint32_t)borrowers;
	return r->nslots >= 2;
}

/* the owner at start: the region must be empty; then the rings, the token, MAGIC */
static void publish(struct region *r)
{
	uint32_t j, k, found = 0;

	for (k = 0; k < EDGE / 4; k++)
		found |= r->w[k];
	for (j = 0; j < r->npeers; j++)
		found |= *(volatile uint32_t *)ring_at(r, j, 0) | *(volatile uint32_t *)ring_at(r, j, 1);
	if (found) {
#ifdef NO_SCRUB
		/* borrowers attached to the old rings get XSC_RESET and start over */
		puts_("region ");
		puts_(r->id);
		puts_(" held data from an earlier boot: zeroing it (nothing scrubs under dom0less)\n");
		for (k = 0; k < EDGE / 4; k++)
			r->w[k] = 0;
		barrier();
#else
		/*
		 * up scrubs every region before any guest runs, and nobody writes
		 * before the owner publishes: anything but zeros is a leftover.
		 */
		result(r, "region was not zeroed before the guests ran", 0);
		return;
#endif
	}
	for (j = 0; j < r->npeers; j++)
		if (xsc_ring_init(&r->peer[j].down, ring_at(r, j, 0), r->half, SLOT, r->nslots) ||
		    xsc_ring_init(&r->peer[j].up, ring_at(r, j, 1), r->half, SLOT, r->nslots)) {
			result(r, "cannot lay the rings out", 0);
			return;
		}
	r->w[1] = r->token;
	barrier();
	r->w[0] = MAGIC;
	barrier();
	r->published = 1;
	puts_("token ");
	puthex(r->token);
	puts_(" published in ");
	puts_(r->id);
	puts_("\n");
}

/* the owner, for one borrower: takes what it sent, sends what it is owed; 1 when done */
static int serve(struct region *r, struct peer *p, const char **why)
{
	unsigned char m[MSG_CAP];
	uint32_t n, v, k;
	int st;

	for (k = 0; k < r->nslots && (st = xsc_recv(&p->up, m, sizeof(m), &n)) == XSC_OK; k++) {
		if (ctl_is(m, n, HELLO, &v)) {	/* a session starts (over) */
			p->nonce = v;
			p->sent = p->got = 0;
			p->state = SEND_HELLO;	/* here: the WELCOME is owed */
		} else if (p->state == WAIT_BEACON || (*why = xsm_check(m, n, p->got))) {
			if (p->state == WAIT_BEACON)
				*why = "a message before any HELLO";
			return -1;
		} else {
			p->got++;
		}
	}
	if (k < r->nslots && st != XSC_AGAIN) {
		*why = xsc_strerror(st);
		return -1;
	}
	if (p->state == SEND_HELLO) {
		ctl_make(m, WELCOME, p->nonce ^ r->token);
		if (xsc_send(&p->down, m, CTL_LEN) == XSC_OK)
			p->state = EXCHANGE;
	}
	while (p->state == EXCHANGE && p->sent < COUNT) {
		xsm_make(m, p->sent, length(p->sent));
		if (xsc_send(&p->down, m, length(p->sent)) != XSC_OK)
			break;
		p->sent++;
	}
	return p->state == EXCHANGE && p->sent == COUNT && p->got == COUNT;
}

/* the owner: 1 once every borrower has exchanged COUNT messages each way */
static int answer(struct region *r)
{
	const char *why = 0;
	uint32_t j, finished = 0;
	int st;

	for (j = 0; j < r->npeers; j++) {
		st = serve(r, &r->peer[j], &why);
		if (st < 0) {
			if (!r->done)
				result(r, why, 0);
			return 1;
		}
		finished += (uint32_t)st;
	}
	return finished == r->npeers;
}

/* a borrower: one step of its session; 1 once it is through */
static int ask(struct region *r)
{
	struct peer *p = &r->peer[0];
	uint32_t slice = r->me < r->owner ? r->me : r->me - 1, n, v;
	unsigned char m[MSG_CAP];
	const char *why;
	int st = XSC_OK;

	switch (p->state) {
	case WAIT_BEACON:
		if (r->w[0] != MAGIC)
			return 0;
		barrier();
		if (xsc_attach(&p->down, ring_at(r, slice, 0), r->half, XSC_KIND_RING) ||
		    xsc_attach(&p->up, ring_at(r, slice, 1), r->half, XSC_KIND_RING))
			return 0;	/* not laid out yet, or being laid out again */
		p->sent = p->got = 0;
		p->state = SEND_HELLO;
		/* fall through */
	case SEND_HELLO:
		ctl_make(m, HELLO, p->nonce);
		st = xsc_send(&p->up, m, CTL_LEN);
		if (st == XSC_OK)
			p->state = WAIT_WELCOME;
		break;
	case WAIT_WELCOME:
		/* whatever precedes our own WELCOME is stale: skipped */
		while ((st = xsc_recv(&p->down, m, sizeof(m), &n)) == XSC_OK)
			if (ctl_is(m, n, WELCOME, &v) && v == (p->nonce ^ r->w[1])) {
				r->token = r->w[1];
				puts_("token ");
				puthex(r->token);
				puts_(" seen in ");
				puts_(r->id);
				puts_("\n");
				p->state = EXCHANGE;
				break;
			}
		break;
	case EXCHANGE:
		while (p->got < COUNT && (st = xsc_recv(&p->down, m, sizeof(m), &n)) == XSC_OK) {
			if ((why = xsm_check(m, n, p->got))) {
				result(r, why, 0);
				return 1;
			}
			p->got++;
		}
		while (st != XSC_RESET && p->sent < COUNT) {
			xsm_make(m, p->sent, length(p->sent));
			if ((st = xsc_send(&p->up, m, length(p->sent))) != XSC_OK)
				break;
			p->sent++;
		}
		if (p->got == COUNT && p->sent == COUNT) {
			result(r, "saw the owner's token and exchanged " STR(COUNT)
				  " checked messages each way", 1);
			return 1;
		}
		break;
	}
	if (st == XSC_RESET) {	/* the owner laid the region out again: start over */
		p->state = WAIT_BEACON;
		return 0;
	}
	if (st != XSC_OK && st != XSC_AGAIN) {
		result(r, xsc_strerror(st), 0);
		return 1;
	}
	return 0;
}

/* one step of the protocol; 1 once this region is done */
static int step(struct region *r)
{
	if (r->me != r->owner)
		return ask(r);
	if (!answer(r))
		return 0;
	if (!r->done)
		result(r, "every member exchanged " STR(COUNT) " checked messages each way", 1);
	return 1;
}
#else
static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* -DPLAIN_COUNT: the owner lays out one ring over each region */
static void publish(struct region *r)
{
	if (xsc_ring_init(&r->peer[0].down, r->w, (uint32_t)r->size, 256, 64)) {
		result(r, "cannot lay the ring out", 0);
		return;
	}
	barrier();
	puts_("ring laid out in ");
	puts_(r->id);
	puts_("\n");
}

static int step(struct region *r)
{
	struct peer *p = &r->peer[0];
	unsigned char m[MSG_CAP];
	const char *why;
	uint32_t n;
	int st = XSC_OK;

	if (!p->state) {	/* attach: the owner laid the ring out at start */
		st = r->me == r->owner ? XSC_OK : xsc_attach(&p->down, r->w, (uint32_t)r->size, XSC_KIND_RING);
		p->state = st == XSC_OK;
		st = st == XSC_NOT_READY ? XSC_OK : st;
	} else if (same(r->id, PLAIN_SEND)) {
		while (p->sent < PLAIN_COUNT) {
			xsm_make(m, p->sent, PLAIN_SIZE);
			if ((st = xsc_send(&p->down, m, PLAIN_SIZE)) != XSC_OK)
				break;
			p->sent++;
		}
		if (p->sent == PLAIN_COUNT &&
		    xsc_get(&p->down, XSC_OFF_CONS) == xsc_get(&p->down, XSC_OFF_PROD)) {
			result(r, "sent " STR(PLAIN_COUNT) " checked messages of " STR(PLAIN_SIZE)
				  " bytes, every one taken", 1);
			return 1;
		}
	} else {
		while (p->got < PLAIN_COUNT && (st = xsc_recv(&p->down, m, sizeof(m), &n)) == XSC_OK) {
			if ((why = xsm_check(m, n, p->got))) {
				result(r, why, 0);
				return 1;
			}
			p->got++;
		}
		if (p->got == PLAIN_COUNT) {
			result(r, "received " STR(PLAIN_COUNT) " checked messages", 1);
			return 1;
		}
	}
	if (st != XSC_OK && st != XSC_AGAIN) {
		result(r, xsc_strerror(st), 0);
		return 1;
	}
	return 0;
}

#endif

/*
 * Fresh values for this boot, whatever an earlier boot left in the region:
 * an even, nonzero token and an odd nonce, both unlike the ones found there.
 */
static void draw(struct region *r, uint64_t t0, uint32_t n)
{
	uint32_t x = (uint32_t)(t0 * 2654435761u);

	r->token = ((x ^ (0x1000u * (n + 1))) & ~1u) | 2u;
	if (r->token == r->w[1])
		r->token ^= 0x10000u;
	r->peer[0].nonce = (x ^ (0x1000u * (n + 1)) ^ (0x1000000u * (r->me + 1))) | 1u;
}

int main(void)
{
	static struct region regions[XENSHM_NREGIONS + 1];
	uint64_t f = freq(), t0 = ticks();
	uint32_t n = 0, left = 0, serving = 0, i;

#define ADD(P, BASE, SIZE)                                                   \
	regions[n].id = P##_ID;                                              \
	regions[n].w = map_region((BASE), (SIZE));                           \
	regions[n].size = (SIZE);                                            \
	regions[n].members = P##_MEMBERS;                                    \
	regions[n].me = P##_MEMBER_INDEX;                                    \
	regions[n].owner = P##_OWNER_INDEX;                                  \
	n++;
	XENSHM_REGIONS(ADD)
	left = n;

	puts_("guest " XENSHM_VM " of project " XENSHM_PROJECT " started\n");
	for (i = 0; i < n; i++) {
		if (!regions[i].w) {
			result(&regions[i], "cannot map the region", 0);
			return 1;
		}
#ifndef PLAIN_COUNT
		if (!plan_rings(&regions[i]))
			result(&regions[i], "too small, or too many members, for the test's rings", 0);
#endif
		draw(&regions[i], t0, i);
	}
	for (i = 0; i < n; i++)
		if (!regions[i].done && regions[i].me == regions[i].owner)
			publish(&regions[i]);
	for (i = 0; i < n; i++) {
		left -= regions[i].done ? 1u : 0u;
		serving += regions[i].published;
	}
	while (left && ticks() - t0 < TIMEOUT_S * f) {
		for (i = 0; i < n; i++)
			if (!regions[i].done && step(&regions[i]))
				left--;
		relax();
	}
	for (i = 0; i < n; i++)
		if (!regions[i].done)
			result(&regions[i], "timed out", 0);
	puts_("guest " XENSHM_VM " done\n");
#if !defined(HOSTED) && !defined(PLAIN_COUNT)
	/*
	 * A member created again while its owner runs (the arm64 suite's step
	 * 11) starts a session again: bare metal, the owner serves for as long
	 * as it runs. The Linux program ends here: its init goes on to the
	 * next checks.
	 */
	if (serving)
		idle_start();
	while (serving) {
		for (i = 0; i < n; i++)
			if (regions[i].published)
				answer(&regions[i]);
		idle();
	}
#endif
	return 0;
}
