/*
 * Test guest: proves that its regions are shared, using only the generated
 * xenshm.h. In each region the owner publishes a token; every other member
 * acknowledges it in its own slot; the owner waits for all acknowledgements.
 * Each outcome is one RESULT line on the console.
 *
 * Built two ways: bare metal on arm64 (the vuart's PL011, MMU off), and as a
 * Linux program for x86_64 PVH guests (regions through /dev/mem, stdout).
 *
 * Region layout (32-bit words; the MMU is off, so memory is Device memory
 * and only aligned 32-bit accesses are safe):
 *   [0] MAGIC once the token is there   [1] token   [2 + i] member i's ack
 */
#ifdef HOSTED
#define _POSIX_C_SOURCE 200809L	/* clock_gettime */
#endif
#include <stdint.h>

#include "xenshm.h"

#define MAGIC 0x53484d31u	/* "SHM1" */
#define TIMEOUT_S 120

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

static uint32_t ack_of(uint32_t token, uint32_t member)
{
	return token ^ (0xA5000000u | (member + 1));
}

struct region {
	const char *id;
	volatile uint32_t *w;
	uint32_t members, me, owner, token;
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

/* one step of the protocol; returns 1 once this region is done */
static int step(struct region *r)
{
	uint32_t i;

	if (r->me == r->owner) {
		for (i = 0; i < r->members; i++)
			if (i != r->owner && r->w[2 + i] != ack_of(r->token, i))
				return 0;
		result(r, "every member acknowledged the token", 1);
		return 1;
	}
	if (r->w[0] != MAGIC)
		return 0;
	r->token = r->w[1];
	r->w[2 + r->me] = ack_of(r->token, r->me);
	barrier();
	puts_("token ");
	puthex(r->token);
	puts_(" seen in ");
	puts_(r->id);
	puts_("\n");
	result(r, "saw the owner's token and acknowledged it", 1);
	return 1;
}

int main(void)
{
	struct region regions[XENSHM_NREGIONS + 1];
	uint64_t f = freq(), t0 = ticks();
	uint32_t n = 0, left = 0, i;

#define ADD(P, BASE, SIZE)                                                   \
	regions[n].id = P##_ID;                                              \
	regions[n].w = map_region((BASE), (SIZE));                           \
	regions[n].members = P##_MEMBERS;                                    \
	regions[n].me = P##_MEMBER_INDEX;                                    \
	regions[n].owner = P##_OWNER_INDEX;                                  \
	regions[n].token = (uint32_t)(t0 * 2654435761u) ^ (0x1000u * (n + 1)); \
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
	}
	for (i = 0; i < n; i++) {
		struct region *r = &regions[i];
		uint32_t k;

		if (r->me != r->owner)
			continue;
		/*
		 * up scrubs every region before any guest runs, and nobody writes
		 * before the owner publishes: anything but zeros is a leftover.
		 */
		for (k = 0; k < 2 + r->members; k++)
			if (r->w[k])
				break;
		if (k < 2 + r->members) {
			result(r, "region was not zeroed before the guests ran", 0);
			r->done = 1;
			left--;
			continue;
		}
		{
			r->w[1] = r->token;
			barrier();
			r->w[0] = MAGIC;
			barrier();
			puts_("token ");
			puthex(r->token);
			puts_(" published in ");
			puts_(r->id);
			puts_("\n");
		}
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
	return 0;
}
