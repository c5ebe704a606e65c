/* The list of checks: ids, names, default severities and prerequisites, from checks.def. */
#ifndef XENSHM_CHECKLIST_H
#define XENSHM_CHECKLIST_H

#include <stdbool.h>
#include <stdint.h>

enum check_id {
#define CHECK(id, name, sev, fn, after, kind) C_##id,
#include "checks.def"
#undef CHECK
	C__COUNT
};

enum severity { SEV_OFF, SEV_WARNING, SEV_ERROR, SEV_FATAL };

/* prerequisites are a set of checks, one bit each */
#define AFTER(id) (UINT64_C(1) << C_##id)
_Static_assert(C__COUNT <= 64, "prerequisite sets are 64-bit masks");

struct check_info {
	const char *name;		/* the spec's name, stable: users script on it */
	enum severity severity;		/* default */
	uint64_t after;			/* prerequisites: AFTER(ID) | ... */
	bool guard;			/* artifacts rely on it: see checks.def */
};

const struct check_info *check_info(enum check_id id);
/* returns C__COUNT when no check has that name */
enum check_id check_find(const char *name);
/* the known check name nearest to name, or NULL */
const char *check_suggest(const char *name);

#endif
