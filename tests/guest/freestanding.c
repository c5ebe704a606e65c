/*
 * Every function of guest/xenshm_channel.h and xenshm_msg.h in a freestanding
 * build: tests/unit.sh compiles this for arm64 (as the bare-metal guests are
 * built: no libc, strict alignment, no FP/SIMD registers) and x86_64, and
 * checks that the object needs no symbol from anywhere (no memcpy, memset or
 * libgcc helper).
 */
#include "xenshm_channel.h"
#include "xenshm_msg.h"

int channel_all(volatile void *region, uint32_t size, void *buf, uint32_t cap);

int channel_all(volatile void *region, uint32_t size, void *buf, uint32_t cap)
{
	struct xsc r, m;
	uint32_t len;
	int st = 0;

	st |= xsc_ring_init(&r, region, size, 256, 16);
	st |= xsc_attach(&r, region, size, XSC_KIND_RING);
	st |= xsc_send(&r, buf, cap);
	st |= xsc_recv(&r, buf, cap, &len);
	st |= xsc_mailbox_init(&m, region, size, 128);
	st |= xsc_attach(&m, region, size, XSC_KIND_MAILBOX);
	st |= xsc_request(&m, buf, cap);
	st |= xsc_response(&m, buf, cap, &len);
	st |= xsc_serve(&m, buf, cap, &len);
	st |= xsc_reply(&m, buf, cap);
	xsm_make(buf, 1, XSM_MIN);
	return st | (int)xsc_ring_max(&r) | (int)*xsc_strerror(st) | !xsm_check(buf, XSM_MIN, 1);
}
