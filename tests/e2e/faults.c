/*
 * Fault injection for the E2E (LD_PRELOAD in dom0). XENSHM_FAULT=destroy:
 * libxl_domain_destroy fails without destroying anything, so `up` cannot roll
 * back and must exit 4 naming what remains. XENSHM_FAULT=unpause: the first
 * libxl_domain_unpause fails, after every VM was created and the records
 * written, so the rollback must undo records too. The same rollback path
 * runs for real, unfaulted, in step 6.
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

int libxl_domain_unpause(void *ctx, uint32_t domid, const void *ao_how);

int libxl_domain_unpause(void *ctx, uint32_t domid, const void *ao_how)
{
	int (*real)(void *, uint32_t, const void *);
	const char *fault = getenv("XENSHM_FAULT");

	if (fault && !strcmp(fault, "unpause"))
		return -3;	/* ERROR_FAIL */
	real = (int (*)(void *, uint32_t, const void *))dlsym(RTLD_NEXT, "libxl_domain_unpause");
	return real ? real(ctx, domid, ao_how) : -3;
}
