/* The check table: every check's name, severity and prerequisites, run in order. */
#ifndef XENSHM_CHECKS_H
#define XENSHM_CHECKS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Handles for the entries of the table in checks.c, in the order they run.
 * The loader reports the first group itself while it reads the file.
 */
enum check_id {
	/* reported by load.c */
	C_YAML_SYNTAX,
	C_DUPLICATE_KEY,
	C_YAML_ALIAS,
	C_UNKNOWN_KEY,
	C_TYPE,
	C_MISSING_KEY,
	C_BAD_NUMBER,
	C_VERSION,
	C_VM_NAME,
	C_REGION_ID,
	/* run by checks_run() in this order */
	C_DUPLICATE_VM,
	C_UNKNOWN_VM,
	C_DUPLICATE_MAPPING,
	C_OWNER_NOT_MEMBER,
	C_START_ORDER_CYCLE,
	C_ZERO_SIZE,
	C_SIZE_MISMATCH,
	C_SIZE_MISSING,
	C_ALIGNMENT,
	C_ADDRESS_OVERFLOW,
	C_SINGLE_MEMBER,
	C_UNUSED_REGION,
	C_BACKEND_UNSUPPORTED,
	C_ID_CHARSET,
	C_GUEST_SPACE_EXHAUSTED,
	C_GUEST_OVERLAP,
	C_GUEST_RAM_OVERLAP,
	C_GUEST_RESERVED_OVERLAP,
	C_EXTENDED_REGION_OVERLAP,
	C_STATIC_SHM_OWNER_RANGE,
	C_POOL_REQUIRED,
	C_HOST_OUTSIDE_POOL,
	C_HOST_OVERLAP,
	C_POOL_EXHAUSTED,
	C_PASSTHROUGH_OVERLAP,
	C_DOM0LESS_LIMITS,
	C__COUNT
};

enum severity { SEV_OFF, SEV_WARNING, SEV_ERROR, SEV_FATAL };

struct topology;
struct diag_set;

#define CHECK_MAX_PREREQS 4

struct check {
	const char *name;		/* the spec's name, stable: users script on it */
	enum severity severity;		/* default */
	/* NULL for checks the loader reports while reading */
	void (*fn)(struct topology *t, struct diag_set *d);
	/* skipped when any of these reported something: no noise on noise */
	enum check_id prereqs[CHECK_MAX_PREREQS];
	size_t nprereqs;
};

const struct check *check_get(enum check_id id);
/* returns C__COUNT when no check has that name */
enum check_id check_find(const char *name);
/* the known check name nearest to name, or NULL */
const char *check_suggest(const char *name);

/* Runs every table entry with a function, in order, on a loaded topology. */
void checks_run(struct topology *t, struct diag_set *d);

#endif
