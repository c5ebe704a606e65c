/* What became of a project's VMs: the journal read against the domains that exist (no Xen calls). */
#include "runtime.h"

#include <string.h>

void project_status(const struct xs_project *p, const struct xen_domain *doms, size_t ndoms,
		    struct vm_status *st)
{
	size_t i, k;

	for (i = 0; i < p->nvms; i++) {
		const struct xs_vm *vm = &p->vms[i];
		const struct xen_domain *d = NULL;

		/* a recycled domid may carry somebody else's domain now: the name must match */
		for (k = 0; k < ndoms && !d; k++)
			if (vm->domid && doms[k].domid == vm->domid && !strcmp(doms[k].name, vm->name))
				d = &doms[k];
		/* created, then up was killed before it could journal the domid */
		for (k = 0; k < ndoms && !d; k++)
			if (vm->uuid[0] && !strcmp(doms[k].uuid, vm->uuid))
				d = &doms[k];
		st[i].dom = d;
		if (!d)
			st[i].health = VM_MISSING;
		else if (d->shutdown || d->dying)
			st[i].health = VM_DEAD;
		else if (d->paused)
			st[i].health = VM_PAUSED;
		else
			st[i].health = VM_RUNNING;
		/* paused before up ever unpaused it, this domain has not touched its regions */
		st[i].ran = d && !d->shutdown && !d->dying && (!d->paused || vm->started == d->domid);
	}
}

const char *domain_state(const struct xen_domain *d)
{
	if (!d)
		return "gone";
	if (d->dying)
		return "dying";
	if (d->crashed)
		return "crashed";
	if (d->shutdown)
		return "shutdown";
	if (d->paused)
		return "paused";
	if (d->running)
		return "running";
	return "blocked";
}
