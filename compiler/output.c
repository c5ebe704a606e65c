/* Writing artifacts safely: a whole tree into place at once, or nothing. */
#include "output.h"
#include "emit.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int err(const char *what, const char *path)
{
	fprintf(stderr, "xenshm-compose: %s '%s': %s\n", what, q(path), strerror(errno));
	return -1;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_tree(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

typedef int (*writer_fn)(const struct topology *t, const struct vm *vm, const char *hash,
			 FILE *f);

/* one artifact file under root; dirs are created as needed */
static int write_file(const char *root, const char *rel, mode_t mode, writer_fn fn,
		      const struct topology *t, const struct vm *vm, const char *hash)
{
	char *path = xasprintf("%s/%s", root, rel), *slash;
	FILE *f;
	int fd, ret;

	for (slash = strchr(path + strlen(root) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			ret = err("cannot create", path);
			free(path);
			return ret;
		}
		*slash = '/';
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, mode);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		ret = err("cannot create", path);
		if (fd >= 0)
			close(fd);
		free(path);
		return ret;
	}
	ret = fn(t, vm, hash, f);
	if (fclose(f) || ret)
		ret = err("cannot write", path);
	free(path);
	return ret;
}

/* adapters: every back end as a writer_fn */
static int w_xl(const struct topology *t, const struct vm *vm, const char *h, FILE *f)
{
	return emit_xl(t, vm, h, f);
}

static int w_header(const struct topology *t, const struct vm *vm, const char *h, FILE *f)
{
	return emit_guest_header(t, vm, h, f);
}

static int w_guest_dtsi(const struct topology *t, const struct vm *vm, const char *h, FILE *f)
{
	return emit_guest_dtsi(t, vm, h, f);
}

static int w_plan_json(const struct topology *t, const struct vm *vm, const char *h, FILE *f)
{
	(void)vm;
	return emit_plan_json(t, h, f);
}

static int w_plan_sh(const struct topology *t, const struct vm *vm, const char *h, FILE *f)
{
	(void)vm;
	return emit_plan_sh(t, h, f);
}

static int w_dot(const struct topology *t, const struct vm *vm, const char *h, FILE *f)
{
	(void)vm;
	(void)h;
	return emit_dot(t, f);
}

static int w_host(const struct topology *t, const struct vm *vm, const char *h, FILE *f)
{
	(void)vm;
	return emit_host_dtsi(t, h, f);
}

static int w_dom0less(const struct topology *t, const struct vm *vm, const char *h, FILE *f)
{
	(void)vm;
	return emit_dom0less_dtsi(t, h, f);
}

static int w_marker(const struct topology *t, const struct vm *vm, const char *h, FILE *f)
{
	(void)vm;
	fprintf(f, "project %s\ntopology %s\n", t->name.s, h);
	return emit_status(f);
}

static int write_all(const struct topology *t, const char *root, const char *hash)
{
	size_t i;
	int ret = 0;

	ret |= write_file(root, BUILD_MARKER, 0644, w_marker, t, NULL, hash);
	ret |= write_file(root, "plan.json", 0644, w_plan_json, t, NULL, hash);
	ret |= write_file(root, "plan.sh", 0755, w_plan_sh, t, NULL, hash);
	ret |= write_file(root, "topology.dot", 0644, w_dot, t, NULL, hash);
	if (wants_host_dtsi(t))
		ret |= write_file(root, "host/xenshm-pool.dtsi", 0644, w_host, t, NULL, hash);
	if (wants_dom0less_dtsi(t))
		ret |= write_file(root, "dom0less/xenshm.dtsi", 0644, w_dom0less, t, NULL, hash);
	for (i = 0; i < t->nvms && !ret; i++) {
		const struct vm *vm = t->vms[i];
		char *xl = xasprintf("xl/%s.cfg", vm->name.s);
		char *h = xasprintf("guest/%s/xenshm.h", vm->name.s);
		char *d = xasprintf("guest/%s/xenshm.dtsi", vm->name.s);
		ret |= write_file(root, xl, 0644, w_xl, t, vm, hash);
		ret |= write_file(root, h, 0644, w_header, t, vm, hash);
		ret |= write_file(root, d, 0644, w_guest_dtsi, t, vm, hash);
		free(xl);
		free(h);
		free(d);
	}
	return ret ? -1 : 0;
}

/* An existing dir may be replaced only when empty or an earlier build's output. */
static int replaceable(const char *dir)
{
	char *marker = xasprintf("%s/" BUILD_MARKER, dir);
	struct stat st;
	int ret = access(marker, F_OK);

	free(marker);
	if (ret == 0)
		return 0;
	if (rmdir(dir) == 0)	/* empty: make room for the rename */
		return 0;
	if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "xenshm-compose: '%s' exists and is not a directory\n", q(dir));
		return -1;
	}
	fprintf(stderr, "xenshm-compose: '%s' exists and is not the output of a build "
		"(no %s in it); choose another directory or remove it\n", q(dir), BUILD_MARKER);
	return -1;
}

/* Puts tmp at dir; an earlier build there ends up in tmp, to be removed. */
static int swap_into_place(const char *tmp, const char *dir)
{
	struct stat st;
	char *old;
	int ret;

	if (lstat(dir, &st) != 0) {
		if (errno != ENOENT)
			return err("cannot read", dir);
		return rename(tmp, dir) ? err("cannot rename into", dir) : 0;
	}
	if (replaceable(dir))
		return -1;
	if (lstat(dir, &st) != 0)	/* it was empty and is gone */
		return rename(tmp, dir) ? err("cannot rename into", dir) : 0;
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return err("cannot replace", dir);
	/* filesystems without RENAME_EXCHANGE: two renames, the old tree kept until the end */
	old = xasprintf("%s.old-%ld", tmp, (long)getpid());
	if (rename(dir, old)) {
		ret = err("cannot move aside", dir);
	} else if (rename(tmp, dir)) {
		ret = err("cannot rename into", dir);
		rename(old, dir);
	} else {
		remove_tree(old);
		ret = 0;
	}
	free(old);
	return ret;
}

int build_tree(const struct topology *t, const char *dir)
{
	char *copy = xstrdup(dir), *parent = dirname(copy);
	char *tmp = xasprintf("%s/.xenshm-build-XXXXXX", parent);
	char *hash = NULL;
	int ret = -1;

	if (!mkdtemp(tmp)) {
		err("cannot create a directory in", parent);
		goto cleanup;
	}
	hash = topology_hash(t);
	if (write_all(t, tmp, hash) == 0 && swap_into_place(tmp, dir) == 0)
		ret = 0;
	remove_tree(tmp);	/* the failed attempt, or the previous build */
cleanup:
	free(hash);
	free(tmp);
	free(copy);
	return ret;
}

FILE *output_open(const char *path, char **tmp)
{
	char *copy = xstrdup(path), *parent = dirname(copy);
	int fd;
	FILE *f;

	*tmp = xasprintf("%s/.xenshm-out-XXXXXX", parent);
	free(copy);
	fd = mkstemp(*tmp);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		err("cannot create a file beside", path);
		if (fd >= 0) {
			close(fd);
			unlink(*tmp);
		}
		free(*tmp);
		*tmp = NULL;
		return NULL;
	}
	fchmod(fd, 0644);
	return f;
}

int output_commit(FILE *f, char *tmp, const char *path)
{
	int ret = 0;

	if (fclose(f)) {
		ret = err("cannot write", path);
		unlink(tmp);
	} else if (rename(tmp, path)) {
		ret = err("cannot rename into", path);
		unlink(tmp);
	}
	free(tmp);
	return ret;
}

void output_abort(FILE *f, char *tmp)
{
	if (f)
		fclose(f);
	if (tmp)
		unlink(tmp);
	free(tmp);
}
