/*
 * Fault injection for the E2E (LD_PRELOAD in dom0): with XENSHM_FAULT=destroy,
 * libxl_domain_destroy fails without destroying anything, so `up` cannot roll
 * back and must exit 4 naming what remains. The same rollback path runs for
 * real, unfaulted, in step 6.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int libxl_domain_destroy(void *ctx, uint32_t domid, const void *ao_how);

int libxl_domain_destroy(void *ctx, uint32_t domid, const void *ao_how)
{
	int (*real)(void *, uint32_t, const void *);
	const char *fault = getenv("XENSHM_FAULT");

	if (fault && !strcmp(fault, "destroy"))
		return -3;	/* ERROR_FAIL */
	real = (int (*)(void *, uint32_t, const void *))dlsym(RTLD_NEXT, "libxl_domain_destroy");
	return real ? real(ctx, domid, ao_how) : -3;
}
