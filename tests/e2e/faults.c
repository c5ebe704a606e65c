/*
 * Fault injection for the E2E (LD_PRELOAD in dom0), around the real libxl and
 * libxenstore: every call still reaches Xen unless the fault says otherwise.
 *
 * XENSHM_FAULT=destroy: libxl_domain_destroy fails without destroying
 * anything, so `up` cannot roll back and must exit 4 naming what remains.
 * XENSHM_FAULT=unpause: the first libxl_domain_unpause fails, after every VM
 * was created and the records written, so the rollback must undo records too.
 * The same rollback path runs for real, unfaulted, in step 6.
 *
 * XENSHM_KILL=POINT: the process SIGKILLs itself at POINT, as a crash or a
 * `kill -9` would stop it, with nothing to clean up after it:
 *   create:K        right after the K-th domain was created (its domid not
 *                   yet journaled)
 *   unpause:K       right after the K-th unpause
 *   state:S         right after the journal's state S reached xenstore
 *   before-state:S  right before it does (its transaction never commits)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int (*domid_call)(void *ctx, uint32_t domid, const void *ao_how);
typedef int (*create_call)(void *ctx, void *config, uint32_t *domid, const void *ao_how,
			   const void *progress);
typedef bool (*write_call)(void *h, uint32_t t, const char *path, const void *data,
			   unsigned int len);
typedef bool (*end_call)(void *h, uint32_t t, bool abort);

static void *real(const char *fn)
{
	return dlsym(RTLD_NEXT, fn);
}

/* the argument of XENSHM_KILL=NAME:ARG, or NULL when it names another point */
static const char *kill_arg(const char *name)
{
	const char *want = getenv("XENSHM_KILL");
	size_t n = strlen(name);

	return want && !strncmp(want, name, n) && want[n] == ':' ? want + n + 1 : NULL;
}

/* the calls counted for create:K and unpause:K */
static void count_and_kill(const char *name, int *calls)
{
	const char *k = kill_arg(name);

	if (k && ++*calls == atoi(k))
		raise(SIGKILL);
}

/* fn as libxl has it, unless XENSHM_FAULT names this fault: then ERROR_FAIL */
static int faulted(const char *fn, const char *fault, void *ctx, uint32_t domid,
		   const void *ao_how)
{
	const char *want = getenv("XENSHM_FAULT");
	domid_call call;

	if (want && !strcmp(want, fault))
		return -3;	/* ERROR_FAIL */
	call = (domid_call)real(fn);
	return call ? call(ctx, domid, ao_how) : -3;
}

int libxl_domain_destroy(void *ctx, uint32_t domid, const void *ao_how);
int libxl_domain_unpause(void *ctx, uint32_t domid, const void *ao_how);
int libxl_domain_create_new(void *ctx, void *config, uint32_t *domid, const void *ao_how,
			    const void *progress);
bool xs_write(void *h, uint32_t t, const char *path, const void *data, unsigned int len);
bool xs_transaction_end(void *h, uint32_t t, bool abort);

int libxl_domain_destroy(void *ctx, uint32_t domid, const void *ao_how)
{
	return faulted("libxl_domain_destroy", "destroy", ctx, domid, ao_how);
}

int libxl_domain_unpause(void *ctx, uint32_t domid, const void *ao_how)
{
	static int calls;
	int rc = faulted("libxl_domain_unpause", "unpause", ctx, domid, ao_how);

	if (!rc)
		count_and_kill("unpause", &calls);
	return rc;
}

int libxl_domain_create_new(void *ctx, void *config, uint32_t *domid, const void *ao_how,
			    const void *progress)
{
	static int calls;
	create_call call = (create_call)real("libxl_domain_create_new");
	int rc = call ? call(ctx, config, domid, ao_how, progress) : -3;

	if (!rc)
		count_and_kill("create", &calls);
	return rc;
}

/* the transaction that carries the state to kill after, 0 for none */
static uint32_t pending;

/* whether this write puts the journal's state S of XENSHM_KILL=POINT:S */
static bool writes_state(const char *point, const char *path, const void *data, unsigned int len)
{
	const char *s = kill_arg(point);
	size_t n = strlen(path);

	return s && n >= 6 && !strcmp(path + n - 6, "/state") && strlen(s) == len &&
	       !memcmp(data, s, len);
}

bool xs_write(void *h, uint32_t t, const char *path, const void *data, unsigned int len)
{
	write_call call = (write_call)real("xs_write");
	bool ok;

	if (writes_state("before-state", path, data, len))
		raise(SIGKILL);
	ok = call && call(h, t, path, data, len);
	if (ok && writes_state("state", path, data, len)) {
		if (!t)
			raise(SIGKILL);	/* XBT_NULL: written already */
		pending = t;
	}
	return ok;
}

bool xs_transaction_end(void *h, uint32_t t, bool abort)
{
	end_call call = (end_call)real("xs_transaction_end");
	bool ok = call && call(h, t, abort);

	if (ok && !abort && pending && t == pending)
		raise(SIGKILL);
	if (t == pending)
		pending = 0;
	return ok;
}
