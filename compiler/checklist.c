/* The list of checks: ids, names, default severities and prerequisites, from checks.def. */
#include "checklist.h"
#include "text.h"

#include <string.h>

#define FATAL SEV_FATAL
#define ERROR SEV_ERROR
#define WARNING SEV_WARNING
#define GUARD true
#define ADVICE false

static const struct check_info checks[C__COUNT] = {
#define CHECK(id, name, sev, fn, after, kind) [C_##id] = { name, sev, after, kind },
#include "checks.def"
#undef CHECK
};

const struct check_info *check_info(enum check_id id)
{
	return &checks[id];
}

enum check_id check_find(const char *name)
{
	size_t i;

	for (i = 0; i < C__COUNT; i++)
		if (!strcmp(checks[i].name, name))
			return (enum check_id)i;
	return C__COUNT;
}

const char *check_suggest(const char *name)
{
	struct suggest near;
	size_t i;

	suggest_init(&near, name);
	for (i = 0; i < C__COUNT; i++)
		suggest_consider(&near, checks[i].name);
	return suggest_result(&near);
}
