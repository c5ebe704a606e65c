/* What up, down and ps share: opening Xen, the project lock, the records a topology makes. */
#ifndef XENSHM_RUNTIME_H
#define XENSHM_RUNTIME_H

#include "topology.h"
#include "xen.h"

/* Opens Xen for COMMAND ("up"...); 0, or -1 after the one message all commands give without Xen. */
int runtime_open(struct xen **x, const char *command);

/* Takes the project's LOCK_PATH; returns the fd, or -1 after a message. */
int project_lock(const char *project);
/*
 * Takes HOST_LOCK_PATH, waiting for the holder (taken after the project's
 * lock, so two runs never wait on each other); the fd, or -1 after a message.
 */
int host_lock(bool quiet);
/* Releases a lock from project_lock or host_lock; -1 is fine. */
void project_unlock(int fd);

/*
 * The xenstore records of a topology whose VMs got these domids (indexed
 * like t->vms). Returns 0, or -1 on OOM; free with records_release.
 */
int records_build(const struct topology *t, const uint32_t *domids, const char *hash,
		  struct xs_region **regions, struct xs_project *project);
void records_release(struct xs_region *regions, size_t n, struct xs_project *project);

/* The first of held (n ranges) that overlaps host [base, base + size), or NULL. */
const struct xen_iomem *iomem_holder(const struct xen_iomem *held, size_t n, uint64_t base,
				     uint64_t size);

/* "running", "paused", "blocked", "shutdown", "dying" */
const char *domain_state(const struct xen_domain *d);

#endif
