/* Libraries opened on first need: see dynlib.h. */
#include "dynlib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

bool dynlib_open(const char *const *sonames, size_t nlibs, const char *const *names,
		 void *fns, size_t nfns, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < nlibs; i++) {
		if (!dlopen(sonames[i], RTLD_NOW | RTLD_GLOBAL)) {
			snprintf(err, errlen, "cannot load %s: %s", sonames[i], dlerror());
			return false;
		}
	}
	for (i = 0; i < nfns; i++) {
		void *p = dlsym(RTLD_DEFAULT, names[i]);
		if (!p) {
			snprintf(err, errlen, "%s has no function '%s'", sonames[0], names[i]);
			return false;
		}
		/* POSIX: a function's address from dlsym converts to a function pointer */
		_Static_assert(sizeof(p) == sizeof(void (*)(void)), "pointers of one size");
		memcpy((char *)fns + i * sizeof(p), &p, sizeof(p));
	}
	return true;
}
