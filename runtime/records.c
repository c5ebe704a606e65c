/* What up, down and ps share: opening Xen, the project lock, the records a topology makes. */
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

int runtime_open(struct xen **x, const char *command)
{
	char why[XEN_ERROR_MAX];

	if (!xen_open(x, why, sizeof(why)))
		return 0;
	fprintf(stderr, "xenshm-compose: %s needs a Xen host: %s\n", command, why);
	return -1;
}

/* Opens (creating) a lock file under LOCK_DIR; the fd, or -1 after a message. */
static int open_lock(const char *path)
{
	int fd;

	if (mkdir(LOCK_DIR, 0755) && errno != EEXIST) {
		fprintf(stderr, "xenshm-compose: cannot create %s: %s\n", LOCK_DIR, strerror(errno));
		return -1;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		fprintf(stderr, "xenshm-compose: cannot open %s: %s\n", path, strerror(errno));
	return fd;
}

int project_lock(const char *project)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), LOCK_PATH, project);
	fd = open_lock(path);
	/* two runs on one project would race on its domains and records */
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB)) {
		fprintf(stderr, "xenshm-compose: project '%s' is locked by another xenshm-compose "
			"(%s); try again when it is done\n", project, path);
		close(fd);
		return -1;
	}
	return fd;
}

int host_lock(bool quiet)
{
	int fd = open_lock(HOST_LOCK_PATH);

	if (fd < 0 || !flock(fd, LOCK_EX | LOCK_NB))
		return fd;
	/* another project's up or down: short, and what it records decides ours */
	if (!quiet)
		fprintf(stderr, "xenshm-compose: waiting for another xenshm-compose on this host "
			"(%s)\n", HOST_LOCK_PATH);
	if (flock(fd, LOCK_EX)) {
		fprintf(stderr, "xenshm-compose: cannot lock %s: %s\n", HOST_LOCK_PATH,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Reads /proc/locks rather than trying the lock: a ps that took the lock for
 * an instant could make an up starting at that instant fail ("locked").
 */
bool project_busy(const char *project)
{
	char path[128], line[256];
	unsigned int maj, min;
	unsigned long long ino;
	struct stat st;
	bool busy = false;
	FILE *f;

	snprintf(path, sizeof(path), LOCK_PATH, project);
	if (stat(path, &st))
		return false;	/* never locked since boot */
	f = fopen("/proc/locks", "re");
	if (!f)
		return false;
	/* "1: FLOCK  ADVISORY  WRITE 1234 00:1a:5678 0 EOF" */
	while (!busy && fgets(line, sizeof(line), f))
		busy = strstr(line, "FLOCK") &&
		       sscanf(strstr(line, "FLOCK"), "FLOCK %*s %*s %*d %x:%x:%llu", &maj, &min,
			      &ino) == 3 &&
		       maj == major(st.st_dev) && min == minor(st.st_dev) && ino == st.st_ino;
	fclose(f);
	return busy;
}

void project_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* releases the flock */
}

int records_build(const struct topology *t, const uint32_t *domids, const char *hash,
		  struct xs_region **regions)
{
	struct xs_region *rs = calloc(t->nmapped + 1, sizeof(*rs));
	size_t i, j;

	*regions = NULL;
	if (!rs)
		return -1;
	for (i = 0; i < t->nmapped; i++) {
		const struct region *r = t->mapped[i];
		struct xs_region *x = &rs[i];

		snprintf(x->id, sizeof(x->id), "%s", r->id);
		x->owner = domids[r->owner->index];
		x->size = r->eff_size;
		x->host = r->host_base;
		x->has_host = r->host_placed;
		snprintf(x->project, sizeof(x->project), "%s", t->name.s);
		snprintf(x->hash, sizeof(x->hash), "%s", hash);
		x->maps = calloc(r->nmembers + 1, sizeof(*x->maps));
		if (!x->maps) {
			xs_regions_free(rs, i + 1);
			return -1;
		}
		for (j = 0; j < r->nmembers; j++) {
			const struct mapping *m = r->members[j];
			x->maps[j].domid = domids[m->vm->index];
			x->maps[j].begin = m->gaddr;
			x->maps[j].end = m->gaddr + r->eff_size - 1;
		}
		x->nmaps = r->nmembers;
	}
	*regions = rs;
	return 0;
}

int journal_build(const struct topology *t, const char *hash, struct xs_project *j)
{
	size_t i;

	memset(j, 0, sizeof(*j));
	snprintf(j->name, sizeof(j->name), "%s", t->name.s);
	snprintf(j->hash, sizeof(j->hash), "%s", hash);
	snprintf(j->state, sizeof(j->state), "%s", JOURNAL_CREATING);
	j->vms = calloc(t->nvms + 1, sizeof(*j->vms));
	j->claims = calloc(t->nmapped + 1, sizeof(*j->claims));
	if (!j->vms || !j->claims) {
		xs_project_release(j);
		return -1;
	}
	for (i = 0; i < t->nvms; i++)
		snprintf(j->vms[i].name, sizeof(j->vms[i].name), "%s", t->start_order[i]->name.s);
	j->nvms = t->nvms;
	for (i = 0; i < t->nmapped; i++) {
		const struct region *r = t->mapped[i];
		snprintf(j->claims[i].id, sizeof(j->claims[i].id), "%s", r->id);
		j->claims[i].host = r->host_base;
		j->claims[i].size = r->eff_size;
	}
	j->nclaims = t->nmapped;
	return 0;
}

const struct xen_iomem *iomem_holder(const struct xen_iomem *held, size_t n, uint64_t base,
				     uint64_t size)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ranges_overlap(held[i].base, held[i].size, base, size))
			return &held[i];
	return NULL;
}
