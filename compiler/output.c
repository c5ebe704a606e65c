/* Writing artifacts safely: a whole tree into place at once, or nothing. */
#include "output.h"
#include "emit.h"
#include "xenfacts.h"
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

/* The marker a build leaves, naming what it was built from. */
static int emit_build_marker(const struct topology *t, const char *hash, FILE *f)
{
	fprintf(f, "project %s\ntopology %s\n", t->name.s, hash);
	return emit_status(f);
}

/* One file of a build: where it goes, its mode, when it applies, which back end writes it. */
struct artifact {
	const char *path;	/* under DIR; per-VM paths hold one %s, the VM name */
	mode_t mode;
	bool (*applies)(const struct topology *t);	/* NULL: always */
	bool (*vm_applies)(const struct topology *t, const struct vm *vm);	/* NULL: every VM */
	/* the back end, exactly one of: */
	int (*whole)(const struct topology *t, const char *hash, FILE *f);
	int (*per_vm)(const struct topology *t, const struct vm *vm, const char *hash, FILE *f);
	int (*picture)(const struct topology *t, FILE *f);	/* for people: no hash */
};

/* Every artifact of spec section 6 (docs/artifacts.md says what each is for). */
static const struct artifact artifacts[] = {
	{ BUILD_MARKER, 0644, NULL, .whole = emit_build_marker },
	{ "plan.json", 0644, NULL, .whole = emit_plan_json },
	{ "plan.sh", 0755, NULL, .whole = emit_plan_sh },
	{ "topology.dot", 0644, NULL, .picture = emit_dot },
	{ "host/xenshm-pool.dtsi", 0644, wants_host_dtsi, .whole = emit_host_dtsi },
	{ "dom0less/xenshm.dtsi", 0644, wants_dom0less_dtsi, .whole = emit_dom0less_dtsi },
	{ "xl/%s.cfg", 0644, NULL, .per_vm = emit_xl },
	{ "guest/%s/xenshm.h", 0644, NULL, .per_vm = emit_guest_header },
	{ "guest/%s/xenshm.dtsi", 0644, NULL, .per_vm = emit_guest_dtsi },
	{ GUEST_DTB_PATH, 0644, NULL, wants_guest_dtb, .per_vm = emit_guest_dtb },
};

/* The process umask, which files and directories of the output follow. */
static mode_t current_umask(void)
{
	mode_t m = umask(022);

	umask(m);
	return m;
}

/* A path component we may create: built from validated names, but checked again here. */
static bool safe_component(const char *s, size_t n)
{
	return n && !(n == 1 && s[0] == '.') && !(n == 2 && s[0] == '.' && s[1] == '.') &&
	       !memchr(s, '/', n);
}

/*
 * Creates rel under the directory dirfd, and the directories on the way,
 * for writing. Every step is openat relative to the one before with
 * O_NOFOLLOW: no symbolic link, "..", or absolute path can lead out of the
 * output. NULL after a message.
 */
static FILE *create_file(int dirfd, const char *rel, mode_t mode)
{
	const char *p = rel, *slash;
	int at = dirfd, fd = -1;
	FILE *f = NULL;

	while ((slash = strchr(p, '/'))) {
		char *name = xstrndup(p, (size_t)(slash - p));
		int next = -1;

		if (safe_component(name, strlen(name)) &&
		    (mkdirat(at, name, 0777) == 0 || errno == EEXIST))
			next = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		free(name);
		if (at != dirfd)
			close(at);
		if (next < 0)
			goto fail;
		at = next;
		p = slash + 1;
	}
	if (safe_component(p, strlen(p)))
		fd = openat(at, p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (at != dirfd)
		close(at);
	if (fd >= 0 && (f = fdopen(fd, "w")))
		return f;
	if (fd >= 0)
		close(fd);
fail:
	err("cannot create", rel);
	return NULL;
}

/* One artifact, for one VM when per_vm; 0 or -1 after a message. */
static int write_artifact(const struct artifact *a, const struct topology *t,
			  const struct vm *vm, int dirfd, const char *hash)
{
	char *rel = vm ? xasprintf(a->path, vm->name.s) : xstrdup(a->path);
	FILE *f = create_file(dirfd, rel, a->mode);
	int ret = -1;

	if (f) {
		ret = vm ? a->per_vm(t, vm, hash, f) : a->whole ? a->whole(t, hash, f) : a->picture(t, f);
		if (fclose(f) || ret)
			ret = err("cannot write", rel);
	}
	free(rel);
	return ret;
}

static int write_all(const struct topology *t, int dirfd, const char *hash)
{
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(artifacts); i++) {
		const struct artifact *a = &artifacts[i];
		if (a->applies && !a->applies(t))
			continue;
		if (!a->per_vm && write_artifact(a, t, NULL, dirfd, hash))
			return -1;
		for (j = 0; a->per_vm && j < t->nvms; j++)
			if ((!a->vm_applies || a->vm_applies(t, t->vms[j])) &&
			    write_artifact(a, t, t->vms[j], dirfd, hash))
				return -1;
	}
	return 0;
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
	if (S_ISLNK(st.st_mode)) {
		/* the exchange would replace the link, not the tree it points to */
		fprintf(stderr, "xenshm-compose: '%s' is a symbolic link; give the path of the "
			"directory itself\n", q(dir));
		return -1;
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
	int ret = -1, dirfd;

	if (!mkdtemp(tmp)) {
		err("cannot create a directory in", parent);
		goto cleanup;
	}
	/* mkdtemp makes it 0700; DIR follows the umask like everything in it */
	dirfd = open(tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0 || fchmod(dirfd, 0777 & ~current_umask())) {
		err("cannot open", tmp);
	} else {
		hash = topology_hash(t);
		if (write_all(t, dirfd, hash) == 0 && swap_into_place(tmp, dir) == 0)
			ret = 0;
	}
	if (dirfd >= 0)
		close(dirfd);
	remove_tree(tmp);	/* the failed attempt, or the previous build */
cleanup:
	free(hash);
	free(tmp);
	free(copy);
	return ret;
}

FILE *output_open(const char *path, char **tmp)
{
	char *copy, *parent;
	struct stat st;
	int fd;
	FILE *f;

	/* renaming over a link would replace the link, not write where it points */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		fprintf(stderr, "xenshm-compose: '%s' is a symbolic link; give the path of the file "
			"itself\n", q(path));
		*tmp = NULL;
		return NULL;
	}
	copy = xstrdup(path);
	parent = dirname(copy);
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
	fchmod(fd, 0666 & ~current_umask());	/* mkstemp makes it 0600 */
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
