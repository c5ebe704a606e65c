/* Unit tests of how up, down and ps read the journal against the domains that exist. */
#include <stdio.h>
#include <string.h>

#include "runtime.h"
#include "unit.h"

static struct xen_domain dom(uint32_t domid, const char *name, const char *uuid)
{
	struct xen_domain d = { .domid = domid, .running = true };

	snprintf(d.name, sizeof(d.name), "%s", name);
	snprintf(d.uuid, sizeof(d.uuid), "%s", uuid);
	return d;
}

static struct xs_vm vm(const char *name, uint32_t domid, const char *uuid, uint32_t started)
{
	struct xs_vm v = { .domid = domid, .started = started };

	snprintf(v.name, sizeof(v.name), "%s", name);
	snprintf(v.uuid, sizeof(v.uuid), "%s", uuid);
	return v;
}

void test_status(void)
{
	enum { U1, U2, U3, U4, U5, U6 };
	static const char *const uuid[] = {
		"00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002",
		"00000000-0000-0000-0000-000000000003", "00000000-0000-0000-0000-000000000004",
		"00000000-0000-0000-0000-000000000005", "00000000-0000-0000-0000-000000000006",
	};
	struct xs_vm vms[] = {
		vm("run", 5, uuid[U1], 5),	/* up and unpaused by up */
		vm("recycled", 6, uuid[U2], 6),	/* its domid now names another domain */
		vm("unjournaled", 0, uuid[U3], 0),	/* killed between create and journal */
		vm("fresh", 8, uuid[U4], 0),	/* created, paused, never unpaused */
		vm("held", 9, uuid[U5], 9),	/* unpaused by up, paused since by someone */
		vm("crashed", 10, uuid[U6], 10),
		vm("never", 0, "", 0),		/* not created yet */
	};
	struct xs_project p = { .vms = vms, .nvms = sizeof(vms) / sizeof(vms[0]) };
	struct xen_domain doms[] = {
		dom(5, "run", uuid[U1]), dom(6, "intruder", "11111111-0000-0000-0000-000000000000"),
		dom(7, "unjournaled", uuid[U3]), dom(8, "fresh", uuid[U4]), dom(9, "held", uuid[U5]),
		dom(10, "crashed", uuid[U6]),
	};
	struct vm_status st[sizeof(vms) / sizeof(vms[0])];

	doms[3].paused = doms[4].paused = true;
	doms[3].running = doms[4].running = false;
	doms[5].shutdown = doms[5].crashed = true;
	doms[5].running = false;
	project_status(&p, doms, sizeof(doms) / sizeof(doms[0]), st);

	EXPECT("status: a running domain with the journaled domid and name runs, and has run",
	       st[0].dom == &doms[0] && st[0].health == VM_RUNNING && st[0].ran);
	EXPECT("status: a recycled domid under another name is not the VM's: missing",
	       !st[1].dom && st[1].health == VM_MISSING && !st[1].ran);
	EXPECT("status: a domain not journaled yet is found by the UUID written before its create",
	       st[2].dom == &doms[2] && st[2].health == VM_RUNNING);
	EXPECT("status: paused and never unpaused by up: has not run, so its regions may be zeroed",
	       st[3].health == VM_PAUSED && !st[3].ran);
	EXPECT("status: paused after up unpaused it: has run, its data stays",
	       st[4].health == VM_PAUSED && st[4].ran);
	EXPECT("status: a crashed domain is dead and no longer counts as a user of its regions",
	       st[5].health == VM_DEAD && !st[5].ran && !strcmp(domain_state(st[5].dom), "crashed"));
	EXPECT("status: a VM the journal gave no domain or UUID is missing",
	       !st[6].dom && st[6].health == VM_MISSING);
	EXPECT("status: domain_state words", !strcmp(domain_state(NULL), "gone") &&
	       !strcmp(domain_state(&doms[3]), "paused") && !strcmp(domain_state(&doms[0]), "running"));
}
