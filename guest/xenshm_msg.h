/*
 * xenshm_msg.h: the checked messages xenshm-guest and the tests send through
 * a channel: [0] the message's number, [4] its length, then a pattern, and
 * the FNV-1a checksum of all before it in the last 4 bytes (host byte order,
 * little-endian on arm64 and x86_64). Freestanding, like xenshm_channel.h.
 */
#ifndef XENSHM_MSG_H
#define XENSHM_MSG_H

#include <stdint.h>

#define XSM_MIN 12u	/* number, length, checksum */

static inline uint32_t xsm_fnv(const unsigned char *p, uint32_t n)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static inline void xsm_put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

static inline uint32_t xsm_get32(const unsigned char *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* message k of n bytes (n >= XSM_MIN) into m */
static inline void xsm_make(unsigned char *m, uint32_t k, uint32_t n)
{
	uint32_t i;

	xsm_put32(m, k);
	xsm_put32(m + 4, n);
	for (i = 8; i < n - 4; i++)
		m[i] = (unsigned char)(k * 131u + i);
	xsm_put32(m + n - 4, xsm_fnv(m, n - 4));
}

/* 0 when m (n bytes) is message k, whole; else what is wrong */
static inline const char *xsm_check(const unsigned char *m, uint32_t n, uint32_t k)
{
	if (n < XSM_MIN)
		return "too short";
	if (xsm_get32(m) != k)
		return "out of sequence";
	if (xsm_get32(m + 4) != n)
		return "wrong length";
	return xsm_get32(m + n - 4) == xsm_fnv(m, n - 4) ? 0 : "bad checksum";
}

#endif
