/* Two halves of one job on the machine's two cores, for large topologies. */
#include "parallel.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct half {
	void (*fn)(void *);
	void *arg;
};

static void *run_half(void *p)
{
	struct half *h = p;

	h->fn(h->arg);
	return NULL;
}

bool threads_allowed(void)
{
	const char *v = getenv("XENSHM_THREADS");

	return !v || strcmp(v, "1");
}

void run_pair(void (*fn)(void *), void *a, void *b, bool worth)
{
	struct half second = { fn, b };
	pthread_t tid;

	if (!worth || !threads_allowed() || pthread_create(&tid, NULL, run_half, &second)) {
		fn(a);
		fn(b);
		return;
	}
	fn(a);
	pthread_join(tid, NULL);
}
