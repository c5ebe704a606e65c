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

typedef int (*domid_call)(void *ctx, uint32_t domid, const void *ao_how);

/* fn as libxl has it, unless XENSHM_FAULT names this fault: then ERROR_FAIL */
static int faulted(const char *fn, const char *fault, void *ctx, uint32_t domid,
		   const void *ao_how)
{
	const char *want = getenv("XENSHM_FAULT");
	domid_call real;

	if (want && !strcmp(want, fault))
		return -3;	/* ERROR_FAIL */
	real = (domid_call)dlsym(RTLD_NEXT, fn);
	return real ? real(ctx, domid, ao_how) : -3;
}

int libxl_domain_destroy(void *ctx, uint32_t domid, const void *ao_how);
int libxl_domain_unpause(void *ctx, uint32_t domid, const void *ao_how);

int libxl_domain_destroy(void *ctx, uint32_t domid, const void *ao_how)
{
	return faulted("libxl_domain_destroy", "destroy", ctx, domid, ao_how);
}

int libxl_domain_unpause(void *ctx, uint32_t domid, const void *ao_how)
{
	return faulted("libxl_domain_unpause", "unpause", ctx, domid, ao_how);
}
