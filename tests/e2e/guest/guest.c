/*
 * Test guest: proves that its regions are shared, using only the generated
 * xenshm.h. In each region the owner publishes a token; every other member
 * asks with a nonce of its own, new at every boot, and the owner answers
 * nonce ^ token; a member passes once its own answer is there, so an answer
 * an earlier boot left in the region (a warm reboot under dom0less, where
 * nothing scrubs) cannot pass for one. Each outcome is one RESULT line on the
 * console.
 *
 * Built two ways: bare metal on arm64 (the vuart's PL011, MMU off), and as a
 * Linux program for x86_64 PVH guests (regions through /dev/mem, stdout).
 * -DNO_SCRUB is for dom0less, where nothing zeroes the regions between boots:
 * an owner that finds data there zeroes it instead of failing.
 *
 * Region layout (32-bit words; the MMU is off, so memory is Device memory
 * and only aligned 32-bit accesses are safe):
 *   [0] MAGIC once the token is there   [1] token
 *   [2 + 2i] member i's request (its nonce, odd)
 *   [3 + 2i] the owner's reply to it (request ^ token; the token is even,
 *            so a reply is never 0)
 * Nothing past these words is touched: the E2E suites write patterns at a
 * region's last word.
 */
#ifdef HOSTED
#define _POSIX_C_SOURCE 200809L	/* clock_gettime */
#endif
#include <stdint.h>

#include "xenshm.h"

#define MAGIC 0x53484d31u	/* "SHM1" */
#define TIMEOUT_S 120
#define REQUEST(i) (2 + 2 * (i))
#define REPLY(i) (3 + 2 * (i))

#ifdef HOSTED	/* -DHOSTED: a Linux program, not bare metal */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

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
 * Between two polls, give the CPU back: the x86 suite runs Xen, dom0 and three
 * guests on one emulated CPU, and guests that spin starved dom0 for 30 s
 * at a time (RCU stalls) and each other past the timeout.
 */
static void relax(void)
{
	struct timespec ms = { 0, 1000000 };

	nanosleep(&ms, NULL);
}

/* the region's guest-physical range, uncached, as the bare-metal build sees it */
static volatile uint32_t *map_region(uint64_t base, uint64_t size)
{
	int fd = open("/dev/mem", O_RDWR | O_SYNC);
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

/* MMU off: guest-physical is the address */
static volatile uint32_t *map_region(uint64_t base, uint64_t size)
{
	(void)size;
	return (volatile uint32_t *)(uintptr_t)base;
}
#endif

static void puts_(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			putc_('\r');
		putc_(*s);
	}
}

static void puthex(uint32_t v)
{
	int i;

	puts_("0x");
	for (i = 7; i >= 0; i--)
		putc_("0123456789abcdef"[(v >> (i * 4)) & 15]);
}

struct region {
	const char *id;
	volatile uint32_t *w;
	uint32_t members, me, owner;
	uint32_t token;		/* the owner's: published; a borrower's: the one answered */
	uint32_t nonce;		/* a borrower's request */
	int published;		/* the owner published its token and answers */
	int done;
};

static void result(const struct region *r, const char *what, int pass)
{
	puts_("RESULT " XENSHM_VM " ");
	puts_(r->id);
	puts_(": ");
	puts_(what);
	puts_(pass ? " -> PASS\n" : " -> FAIL\n");
}

/* the owner at start: the region must be empty; then the token, then MAGIC */
static void publish(struct region *r)
{
	uint32_t n = REQUEST(r->members), k;

	for (k = 0; k < n; k++)
		if (r->w[k])
			break;
	if (k < n) {
#ifdef NO_SCRUB
		/* borrowers that saw the old MAGIC write their requests again */
		puts_("region ");
		puts_(r->id);
		puts_(" held data from an earlier boot: zeroing it (nothing scrubs under dom0less)\n");
		for (k = 0; k < n; k++)
			r->w[k] = 0;
		barrier();
#else
		/*
		 * up scrubs every region before any guest runs, and nobody writes
		 * before the owner publishes: anything but zeros is a leftover.
		 */
		result(r, "region was not zeroed before the guests ran", 0);
		r->done = 1;
		return;
#endif
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

/* the owner: answers every request; returns 1 once every other member has an answer */
static int answer(struct region *r)
{
	uint32_t i, answered = 0, req;

	for (i = 0; i < r->members; i++) {
		if (i == r->owner)
			continue;
		req = r->w[REQUEST(i)];
		if (!req)
			continue;
		if (r->w[REPLY(i)] != (req ^ r->token)) {
			r->w[REPLY(i)] = req ^ r->token;
			barrier();
		}
		answered++;
	}
	return answered == r->members - 1;
}

/* a borrower: asks once MAGIC is there; returns 1 once its own answer is */
static int ask(struct region *r)
{
	uint32_t token;

	if (r->w[0] != MAGIC)
		return 0;
	if (r->w[REQUEST(r->me)] != r->nonce) {	/* not yet, or the owner's zeroing wiped it */
		r->w[REQUEST(r->me)] = r->nonce;
		barrier();
		return 0;
	}
	token = r->w[1];
	if (r->w[REPLY(r->me)] != (r->nonce ^ token) || r->w[0] != MAGIC)
		return 0;
	r->token = token;
	puts_("token ");
	puthex(token);
	puts_(" seen in ");
	puts_(r->id);
	puts_("\n");
	result(r, "saw the owner's token and acknowledged it", 1);
	return 1;
}

/* one step of the protocol; returns 1 once this region is done */
static int step(struct region *r)
{
	if (r->me != r->owner)
		return ask(r);
	if (!answer(r))
		return 0;
	result(r, "every member acknowledged the token", 1);
	return 1;
}

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
	r->nonce = (x ^ (0x1000u * (n + 1)) ^ (0x1000000u * (r->me + 1))) | 1u;
	if (r->nonce == r->w[REQUEST(r->me)])
		r->nonce ^= 0x10000u;
}

int main(void)
{
	struct region regions[XENSHM_NREGIONS + 1];
	uint64_t f = freq(), t0 = ticks();
	uint32_t n = 0, left = 0, serving = 0, i;

#define ADD(P, BASE, SIZE)                                                   \
	regions[n].id = P##_ID;                                              \
	regions[n].w = map_region((BASE), (SIZE));                           \
	regions[n].members = P##_MEMBERS;                                    \
	regions[n].me = P##_MEMBER_INDEX;                                    \
	regions[n].owner = P##_OWNER_INDEX;                                  \
	regions[n].published = 0;                                            \
	regions[n].done = 0;                                                 \
	n++;
	XENSHM_REGIONS(ADD)
	left = n;

	puts_("guest " XENSHM_VM " of project " XENSHM_PROJECT " started\n");
	for (i = 0; i < n; i++) {
		if (!regions[i].w) {
			result(&regions[i], "cannot map the region", 0);
			return 1;
		}
		draw(&regions[i], t0, i);
	}
	for (i = 0; i < n; i++) {
		if (regions[i].me != regions[i].owner)
			continue;
		publish(&regions[i]);
		if (regions[i].done)
			left--;
		serving += regions[i].published;
	}
	while (left && ticks() - t0 < TIMEOUT_S * f) {
		for (i = 0; i < n; i++)
			if (!regions[i].done && step(&regions[i])) {
				regions[i].done = 1;
				left--;
			}
		relax();
	}
	for (i = 0; i < n; i++)
		if (!regions[i].done)
			result(&regions[i], "timed out", 0);
	puts_("guest " XENSHM_VM " done\n");
#ifndef HOSTED
	/*
	 * A member created again while its owner runs (the arm64 suite's step
	 * 11) asks again: bare metal, the owner answers for as long as it runs.
	 * The Linux program ends here: its init goes on to the next checks.
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
