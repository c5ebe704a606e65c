/* Writing artifacts safely: a whole tree into place at once, or nothing. */
#include "output.h"
#include "emit.h"
#include "parallel.h"
#include "xenfacts.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdio_ext.h>
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
 * The directories of the file created last, open: the next file creates
 * and opens only what its path does not share with that one. fd[i] is the
 * directory of the first i + 1 components of path, fd[-1] the output's.
 */
#define DIR_DEPTH 8
struct dir_walk {
	int root;
	int fd[DIR_DEPTH];
	size_t end[DIR_DEPTH];	/* where component i ends in path */
	size_t n;
	char path[PATH_MAX];
};

static void walk_close(struct dir_walk *w, size_t keep)
{
	while (w->n > keep)
		close(w->fd[--w->n]);
}

/*
 * The directory of rel's parent, made on the way: every step is openat
 * relative to the one before with O_NOFOLLOW, so no symbolic link, "..",
 * or absolute path can lead out of the output. -1 when it cannot.
 */
static int walk_to_parent(struct dir_walk *w, const char *rel)
{
	const char *p = rel, *slash;
	size_t i = 0;

	/* the components shared with the last path stay open */
	while ((slash = strchr(p, '/')) && i < w->n && (size_t)(slash - rel) == w->end[i] &&
	       !memcmp(rel, w->path, w->end[i]))
		p = slash + 1, i++;
	walk_close(w, i);
	for (; (slash = strchr(p, '/')); p = slash + 1) {
		size_t len = (size_t)(slash - p), end = (size_t)(slash - rel);
		int at = w->n ? w->fd[w->n - 1] : w->root, next = -1;
		char name[NAME_MAX + 1];

		if (w->n == DIR_DEPTH || end >= sizeof(w->path) || len > NAME_MAX ||
		    !safe_component(p, len))
			return -1;
		memcpy(name, p, len);
		name[len] = '\0';
		if (mkdirat(at, name, 0777) == 0 || errno == EEXIST)
			next = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0)
			return -1;
		memcpy(w->path, rel, end);
		w->end[w->n] = end;
		w->fd[w->n++] = next;
	}
	return w->n ? w->fd[w->n - 1] : w->root;
}

/*
 * A thread's stream for the files it writes, one after the other: made
 * once, pointed at each new file's descriptor. A stream per file cost
 * more than some files' contents (a FILE made, linked into stdio's list
 * under its lock, and freed), and stdio's own file streams would also ask
 * the kernel twice more per file (fcntl, fstat).
 */
struct file_out {
	FILE *f;
	int fd;			/* the file being written */
	char buf[1 << 16];
};

static ssize_t fd_write(void *cookie, const char *buf, size_t n)
{
	const struct file_out *o = cookie;
	size_t done = 0;

	while (done < n) {
		ssize_t k = write(o->fd, buf + done, n - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return done ? (ssize_t)done : -1;
		done += (size_t)k;
	}
	return (ssize_t)done;
}

static struct file_out *file_out_new(void)
{
	struct file_out *o = xcalloc(1, sizeof(*o));

	o->fd = -1;
	o->f = fopencookie(o, "w", (cookie_io_functions_t){ .write = fd_write });
	if (!o->f)
		die_oom();
	setvbuf(o->f, o->buf, _IOFBF, sizeof(o->buf));
	__fsetlocking(o->f, FSETLOCKING_BYCALLER);	/* one thread's own */
	return o;
}

static void file_out_free(struct file_out *o)
{
	fclose(o->f);	/* nothing left in it: each file was flushed */
	free(o);
}

/*
 * Creates rel under the output and points o at it; -1 after a message.
 */
static int create_file(struct dir_walk *w, struct file_out *o, const char *rel, mode_t mode)
{
	const char *base = strrchr(rel, '/');
	int at = walk_to_parent(w, rel);

	base = base ? base + 1 : rel;
	o->fd = -1;
	if (at >= 0 && safe_component(base, strlen(base)))
		o->fd = openat(at, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (o->fd < 0)
		return err("cannot create", rel);
	__fpurge(o->f);	/* what a failed file left unwritten */
	clearerr(o->f);
	return 0;
}

/* One artifact, for one VM when per_vm; 0 or -1 after a message. */
static int write_artifact(const struct artifact *a, const struct topology *t,
			  const struct vm *vm, struct dir_walk *w, struct file_out *o,
			  const char *hash)
{
	char buf[PATH_MAX], *made = NULL;
	const char *rel = a->path;
	FILE *f = o->f;
	int ret = -1;

	if (vm) {	/* the path with the VM's name for its %s: a copy, not a printf per file */
		const char *pct = strstr(a->path, "%s");
		size_t pre = (size_t)(pct - a->path), n = strlen(vm->name.s), post = strlen(pct + 2);

		if (pre + n + post < sizeof(buf)) {
			memcpy(buf, a->path, pre);
			memcpy(buf + pre, vm->name.s, n);
			memcpy(buf + pre + n, pct + 2, post + 1);
			rel = buf;
		} else {
			rel = made = xasprintf(a->path, vm->name.s);	/* too long: create_file says so */
		}
	}

	if (!create_file(w, o, rel, a->mode)) {
		ret = vm ? a->per_vm(t, vm, hash, f) : a->whole ? a->whole(t, hash, f) : a->picture(t, f);
		if (fflush(f) || ferror(f))
			ret = -1;
		if (close(o->fd) || ret)
			ret = err("cannot write", rel);
		o->fd = -1;
	}
	free(made);
	return ret;
}

/* a per-VM artifact in a directory of the VM's own (guest/%s/...), not a file of its own in a shared one */
static bool in_vm_dir(const struct artifact *a)
{
	return strchr(a->path, '%') < strrchr(a->path, '/');
}

static bool applies(const struct artifact *a, const struct topology *t, const struct vm *vm)
{
	return (!a->applies || a->applies(t)) && (!vm || !a->vm_applies || a->vm_applies(t, vm));
}

/*
 * A build's files, written by two threads: one writes the whole-topology
 * files first, then both take the VMs' files in runs of VM_RUN VMs, as
 * they come free. Where a file goes does not depend on which thread writes
 * it, and the tree is put in place only when whole.
 */
#define VM_RUN 64
struct build_job {
	const struct topology *t;
	int dirfd;
	const char *hash;
	size_t next;		/* the first VM not yet taken (atomic) */
	int failed;		/* a thread failed: the other stops (atomic) */
};

struct build_half {
	struct build_job *job;
	bool whole;		/* this thread writes the whole-topology files */
	int ret;
};

/* every directory is made and opened once a thread: xl/ in one walk, each VM's own in another */
static int write_vm(const struct build_job *job, size_t j, struct dir_walk *shared,
		    struct dir_walk *own, struct file_out *o)
{
	const struct topology *t = job->t;
	size_t i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(artifacts) && !ret; i++) {
		const struct artifact *a = &artifacts[i];
		if (a->per_vm && applies(a, t, t->vms[j]))
			ret = write_artifact(a, t, t->vms[j], in_vm_dir(a) ? own : shared, o, job->hash);
	}
	return ret;
}

static void write_half(void *arg)
{
	struct build_half *h = arg;
	struct build_job *job = h->job;
	const struct topology *t = job->t;
	struct dir_walk *shared = xcalloc(1, sizeof(*shared)), *own = xcalloc(1, sizeof(*own));
	struct file_out *o = file_out_new();
	size_t i, j, from;

	shared->root = own->root = job->dirfd;
	for (i = 0; h->whole && i < ARRAY_SIZE(artifacts) && !h->ret; i++)
		if (!artifacts[i].per_vm && applies(&artifacts[i], t, NULL))
			h->ret = write_artifact(&artifacts[i], t, NULL, shared, o, job->hash);
	while (!h->ret && !__atomic_load_n(&job->failed, __ATOMIC_RELAXED) &&
	       (from = __atomic_fetch_add(&job->next, VM_RUN, __ATOMIC_RELAXED)) < t->nvms)
		for (j = from; j < from + VM_RUN && j < t->nvms && !h->ret; j++)
			h->ret = write_vm(job, j, shared, own, o);
	if (h->ret)
		__atomic_store_n(&job->failed, 1, __ATOMIC_RELAXED);
	walk_close(shared, 0);
	walk_close(own, 0);
	free(shared);
	free(own);
	file_out_free(o);
}

static int write_all(const struct topology *t, int dirfd, const char *hash)
{
	struct build_job job = { t, dirfd, hash, 0, 0 };
	struct build_half a = { &job, true, 0 }, b = { &job, false, 0 };

	run_pair(write_half, &a, &b, t->nvms >= 2 * VM_RUN);
	return a.ret ? a.ret : b.ret;
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
