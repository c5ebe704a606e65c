/* The runtime's view of Xen: domains through libxl, records through xenstore, memory through dom0. */
#ifndef XENSHM_XEN_H
#define XENSHM_XEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hostpaths.h"
#include "topology.h"

/*
 * Everything here returns 0 on success or -1 with a message in x->error
 * (or *why before the handle exists). The runtime checks every allocation:
 * these never die on OOM.
 */
struct xen;

#define XEN_ERROR_MAX 512

/* libxl and xenstore; fails (no privcmd, no xenstored) on a machine without Xen */
int xen_open(struct xen **x, char *why, size_t whylen);
void xen_close(struct xen *x);
const char *xen_error(const struct xen *x);
/* Sets x's error to "out of memory" for a caller's allocation; -1. */
int xen_oom(struct xen *x);

#define UUID_LEN 40	/* a UUID as text (36 characters) and its NUL */

struct xen_domain {
	uint32_t domid;
	char name[72];
	char uuid[UUID_LEN];
	bool running, blocked, paused, shutdown, crashed, dying;
};

/* every domain but dom0; caller frees *out */
int xen_list(struct xen *x, struct xen_domain **out, size_t *n);
/* A host range a domain maps through iomem, from its libxl configuration. */
struct xen_iomem {
	uint32_t domid;
	char name[72];
	uint64_t base, size;	/* bytes */
};

/*
 * Every iomem range of every domain but dom0, whoever created it (xl, up,
 * plan.sh), read back from libxl's record of each domain; a domain without
 * one (not made by libxl) is skipped with a warning. Caller frees *out.
 */
int xen_iomem_list(struct xen *x, struct xen_iomem **out, size_t *n);

/* the domain's name, or "" when the domain does not exist */
int xen_domain_name(struct xen *x, uint32_t domid, char *name, size_t len);

/* A new random UUID, as text, for the next domain up creates. */
void xen_uuid_new(char uuid[UUID_LEN]);

/*
 * Creates the VM paused, with its regions' iomem ranges (the iomem backend),
 * under the given UUID: the journal names it before the domain exists.
 */
int xen_create_paused(struct xen *x, const struct topology *t, const struct vm *vm,
		      const char *uuid, uint32_t *domid);
int xen_unpause(struct xen *x, uint32_t domid);
int xen_destroy(struct xen *x, uint32_t domid);

/* Zero-fills host-physical [base, base + size) through dom0's /dev/mem. */
int xen_scrub(struct xen *x, uint64_t base, uint64_t size);

/* ---- xenstore ---- */

struct xs_mapping {
	uint32_t domid;
	uint64_t begin, end;	/* inclusive end, as recorded */
};

/* XS_REGIONS/ID: the seed's layout plus bookkeeping */
struct xs_region {
	char id[16];
	uint32_t owner;
	uint64_t size, host;
	bool has_host;
	char project[40];
	char hash[80];
	struct xs_mapping *maps;
	size_t nmaps;
};

/* One VM in the journal; 0 is no domain (dom0 is never one of ours). */
struct xs_vm {
	char name[72];
	uint32_t domid;		/* the domain up created for it */
	char uuid[UUID_LEN];	/* written before the create: finds a domain not yet journaled */
	uint32_t started;	/* the domain up last unpaused for it */
};

/* A region the project claims, from before its first domain to its down. */
struct xs_claim {
	char id[16];
	uint64_t host, size;
};

/*
 * XS_PROJECTS/PROJECT: the project record, which is also up's journal.
 * state is where up is: "creating", "scrubbing", "starting", then "up";
 * anything but "up" with no up running is an interrupted up.
 */
struct xs_project {
	char name[40];
	char hash[80];
	char state[16];
	struct xs_vm *vms;	/* in start order */
	size_t nvms;
	struct xs_claim *claims;
	size_t nclaims;
};

#define JOURNAL_UP "up"

/* Every region record; caller frees with xs_regions_free. */
int xen_read_regions(struct xen *x, struct xs_region **out, size_t *n);
void xs_regions_free(struct xs_region *r, size_t n);
/* A project's record; 0 with p->name[0] == '\0' when there is none. */
int xen_read_project(struct xen *x, const char *project, struct xs_project *p);
void xs_project_release(struct xs_project *p);
/* Names of every project with a record; caller frees each and the array. */
int xen_list_projects(struct xen *x, char ***out, size_t *n);

/*
 * Opens up's journal: the whole project record (hash, order, state, claims
 * and what p->vms already knows), replacing any, in one transaction.
 */
int xen_journal_begin(struct xen *x, const struct xs_project *p);
/* Journals one VM: its uuid, domid and started nodes, as vm has them (one write each). */
int xen_journal_vm(struct xen *x, const char *project, const struct xs_vm *vm);
/* Moves the journal to state (one write). */
int xen_journal_state(struct xen *x, const char *project, const char *state);

/*
 * Writes the regions (replacing what they recorded before) and the whole
 * project record in one transaction, retried on EAGAIN; region nodes are
 * dom0-owned and readable by their members only.
 */
int xen_write_records(struct xen *x, const struct xs_region *regions, size_t nregions,
		      const struct xs_project *p);
/* Removes the project record and the regions recorded for it (one transaction). */
int xen_remove_records(struct xen *x, const char *project, char *const *ids, size_t nids);

#endif
