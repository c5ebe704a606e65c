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
 * The region records of a topology whose VMs got these domids (indexed like
 * t->vms). Returns 0, or -1 on OOM; free with xs_regions_free.
 */
int records_build(const struct topology *t, const uint32_t *domids, const char *hash,
		  struct xs_region **regions);

#define JOURNAL_CREATING "creating"
#define JOURNAL_SCRUBBING "scrubbing"
#define JOURNAL_STARTING "starting"

/*
 * The journal of an up of t before anything exists: state "creating", the
 * VMs in start order with no domain yet, every region claimed. 0, or -1 on
 * OOM; free with xs_project_release.
 */
int journal_build(const struct topology *t, const char *hash, struct xs_project *j);

/* What became of a journaled VM, read against the domains that exist. */
enum vm_health {
	VM_RUNNING,	/* running or blocked: alive and not paused */
	VM_PAUSED,
	VM_DEAD,	/* shut down, crashed or dying: holds its mappings, runs no more */
	VM_MISSING,	/* no domain: never created, or destroyed behind our back */
};

struct vm_status {
	const struct xen_domain *dom;	/* the VM's domain, or NULL */
	enum vm_health health;
	bool ran;	/* alive and has run: its regions may hold its data */
};

/*
 * The status of each VM of p (st indexed like p->vms): its domain is the one
 * with its domid and name, or else the one with the UUID the journal gave it.
 */
void project_status(const struct xs_project *p, const struct xen_domain *doms, size_t ndoms,
		    struct vm_status *st);

/* The first of held (n ranges) that overlaps host [base, base + size), or NULL. */
const struct xen_iomem *iomem_holder(const struct xen_iomem *held, size_t n, uint64_t base,
				     uint64_t size);

/* "running", "blocked", "paused", "shutdown", "crashed", "dying", or "gone" for NULL */
const char *domain_state(const struct xen_domain *d);

/* Whether an xenshm-compose holds the project's lock right now (an up or down under way). */
bool project_busy(const char *project);

#endif
