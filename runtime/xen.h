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

struct xen_domain {
	uint32_t domid;
	char name[72];
	bool running, blocked, paused, shutdown, dying;
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

/* Creates the VM paused, with its regions' iomem ranges (the iomem backend). */
int xen_create_paused(struct xen *x, const struct topology *t, const struct vm *vm,
		      uint32_t *domid);
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

struct xs_vm {
	char name[72];
	uint32_t domid;
};

/* XS_PROJECTS/PROJECT: what `down` and `ps` need beyond the regions */
struct xs_project {
	char name[40];
	char hash[80];
	struct xs_vm *vms;	/* in start order */
	size_t nvms;
};

/* Every region record; caller frees with xs_regions_free. */
int xen_read_regions(struct xen *x, struct xs_region **out, size_t *n);
void xs_regions_free(struct xs_region *r, size_t n);
/* A project's record; 0 with p->name[0] == '\0' when there is none. */
int xen_read_project(struct xen *x, const char *project, struct xs_project *p);
void xs_project_release(struct xs_project *p);
/* Names of every project with a record; caller frees each and the array. */
int xen_list_projects(struct xen *x, char ***out, size_t *n);

/*
 * Writes the regions and the project record in one transaction, retried on
 * EAGAIN; region nodes are dom0-owned and readable by their members only.
 */
int xen_write_records(struct xen *x, const struct xs_region *regions, size_t nregions,
		      const struct xs_project *p);
/* Removes the project record and the regions recorded for it (one transaction). */
int xen_remove_records(struct xen *x, const char *project, char *const *ids, size_t nids);

#endif
