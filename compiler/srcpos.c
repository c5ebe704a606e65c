/* Source files and positions: file:line:col, and the source line for carets. */
#include "srcpos.h"
#include "text.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* f whole into src->text, at most max bytes; what names the limit in the message */
static int read_stream(FILE *f, struct source *src, size_t max, const char *what, char **err)
{
	size_t alloc = 0, n;

	src->size = 0;
	for (;;) {
		ALLOC_GROW(src->text, src->size + 65536 + 1, alloc);
		n = fread(src->text + src->size, 1, 65536, f);
		src->size += n;
		if (src->size > max) {
			*err = xasprintf("'%s' is larger than %zu MiB, the limit for %s",
					 q(src->name), max >> 20, what);
			return -1;
		}
		if (n < 65536)
			break;
	}
	if (ferror(f)) {
		*err = xasprintf("cannot read '%s': %s", q(src->name), strerror(errno));
		return -1;
	}
	src->text[src->size] = '\0';
	return 0;
}

/*
 * Bytes of the line break at text[i], 0 if none. These are libyaml's breaks
 * (CR, LF, CRLF, NEL, LS, PS), so our line numbers agree with its marks.
 */
static size_t break_len(const char *text, size_t i, size_t size)
{
	const unsigned char *t = (const unsigned char *)text;

	if (t[i] == '\n')
		return 1;
	if (t[i] == '\r')
		return i + 1 < size && t[i + 1] == '\n' ? 2 : 1;
	if (t[i] == 0xC2 && i + 1 < size && t[i + 1] == 0x85)
		return 2;
	if (t[i] == 0xE2 && i + 2 < size && t[i + 1] == 0x80 &&
	    (t[i + 2] == 0xA8 || t[i + 2] == 0xA9))
		return 3;
	return 0;
}

/*
 * A UTF-8 byte-order mark, which some editors write, is no part of the
 * text: dropped here, columns count from after it, as editors show them.
 */
static bool is_bom(const char *s, size_t n)
{
	return n >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3);
}

static void drop_bom(struct source *src)
{
	if (is_bom(src->text, src->size)) {
		memmove(src->text, src->text + 3, src->size - 3 + 1);
		src->size -= 3;
	}
}

static void stat_id(const struct stat *st, struct stat_id *id)
{
	*id = (struct stat_id){ st->st_dev, st->st_ino, (unsigned long long)st->st_size,
				st->st_mtim.tv_sec, st->st_mtim.tv_nsec };
}

/*
 * Is the file read on demand still the one parsed? An editor saving while
 * the command runs would give excerpts of other lines: better none. A cache
 * in a const source, hence the cast.
 */
static bool fresh(const struct source *csrc)
{
	struct source *src = (struct source *)(uintptr_t)csrc;
	struct stat st;
	struct stat_id now;

	if (src->fd < 0 || src->stale)
		return !src->stale;
	if (fstat(src->fd, &st))
		return !(src->stale = true);
	stat_id(&st, &now);
	src->stale = memcmp(&now, &src->id, sizeof(now)) != 0;
	return !src->stale;
}

/* n bytes at off read whole, short only at the end; -1 on a read error */
static long pread_full(int fd, size_t off, char *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (long)got;
}

/* up to n bytes of the text at off, from memory or the file; -1 on a read error */
static long read_at(const struct source *src, size_t off, void *buf, size_t n)
{
	if (off >= src->size)
		return 0;
	if (n > src->size - off)
		n = src->size - off;	/* the file as opened: a later growth is not read */
	if (src->fd < 0) {
		memcpy(buf, src->text + off, n);
		return (long)n;
	}
	return pread_full(src->fd, src->skip + off, buf, n);
}

long source_pread(struct source *src, size_t off, void *buf, size_t n)
{
	long got = read_at(src, off, buf, n);

	if (got < 0)
		src->read_errno = errno ? errno : EIO;
	return got;
}

char *source_read_error(const struct source *src)
{
	if (!src->read_errno)
		return NULL;
	return xasprintf("cannot read '%s': %s", q(src->name), strerror(src->read_errno));
}

#define INDEX_BLOCK ((size_t)64 << 10)

/*
 * The line index, built on first use: only a diagnostic needs it, and a
 * clean topology of 32 752 VMs spent 4 % of `check` on it. The text is
 * scanned in blocks (a file read on demand is not in memory), each with the
 * two bytes after it, so that a break across two blocks (CR LF, NEL, LS,
 * PS) is seen whole.
 */
static void index_lines(const struct source *csrc)
{
	struct source *src = (struct source *)(uintptr_t)csrc;
	size_t alloc = 0, i = 0, n, at, len;
	char *block;

	if (src->lines)
		return;
	ALLOC_GROW(src->lines, 1, alloc);
	src->lines[src->nlines++] = 0;
	if (!fresh(src))
		return;
	block = xmalloc(INDEX_BLOCK + 2);
	for (at = 0; at < src->size; at += INDEX_BLOCK) {
		long got = read_at(src, at, block, INDEX_BLOCK + 2);
		if (got <= 0) {
			src->stale = true;	/* shorter than at open: edited */
			break;
		}
		len = (size_t)got < INDEX_BLOCK ? (size_t)got : INDEX_BLOCK;
		for (i -= i >= INDEX_BLOCK ? INDEX_BLOCK : 0; i < len; i += n ? n : 1) {
			n = break_len(block, i, (size_t)got);
			if (n) {
				ALLOC_GROW(src->lines, src->nlines + 1, alloc);
				src->lines[src->nlines++] = at + i + n;
			}
		}
	}
	free(block);
}

int source_read(struct source *src, const char *path, char **err)
{
	struct stat st;
	char bom[3];
	FILE *f;
	int fd, ret;

	memset(src, 0, sizeof(*src));
	src->fd = -1;
	if (!strcmp(path, "-")) {
		src->name = xstrdup("<stdin>");
		f = stdin;
	} else {
		src->name = xstrdup(path);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st)) {
			*err = xasprintf("cannot open '%s': %s", q(path), strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
		if (S_ISREG(st.st_mode) && st.st_size > 0) {
			/* on demand; files of /proc and /sys, which say 0 or a page, are read whole */
			if ((unsigned long long)st.st_size > SOURCE_MAX_BYTES) {
				*err = xasprintf("'%s' is larger than %zu MiB, the limit for a topology",
						 q(src->name), SOURCE_MAX_BYTES >> 20);
				close(fd);
				return -1;
			}
			src->fd = fd;
			stat_id(&st, &src->id);
			src->size = (size_t)st.st_size;
			if (pread_full(fd, 0, bom, 3) == 3 && is_bom(bom, 3)) {
				src->skip = 3;
				src->size -= 3;
			}
			return 0;
		}
		f = fdopen(fd, "rb");
		if (!f) {
			*err = xasprintf("cannot open '%s': %s", q(path), strerror(errno));
			close(fd);
			return -1;
		}
	}
	ret = read_stream(f, src, SOURCE_MAX_BYTES, "a topology", err);
	if (f != stdin)
		fclose(f);
	if (ret)
		return ret;
	drop_bom(src);
	return 0;
}

int source_read_whole(struct source *src, const char *path, size_t max, const char *what,
		      char **err)
{
	FILE *f;
	int ret;

	memset(src, 0, sizeof(*src));
	src->fd = -1;
	src->name = xstrdup(path);
	f = fopen(path, "rbe");
	if (!f) {
		*err = xasprintf("cannot open '%s': %s", q(path), strerror(errno));
		return -1;
	}
	ret = read_stream(f, src, max, what, err);
	fclose(f);
	return ret;
}

void source_from_buffer(struct source *src, const char *name, const char *data, size_t n)
{
	memset(src, 0, sizeof(*src));
	src->fd = -1;
	src->name = xstrdup(name);
	src->text = xmalloc(n + 1);
	memcpy(src->text, data, n);
	src->text[n] = '\0';
	src->size = n;
	drop_bom(src);
}

void source_release(struct source *src)
{
	if (src->fd >= 0)
		close(src->fd);
	free(src->name);
	free(src->text);
	free(src->lines);
	free(src->line);
	memset(src, 0, sizeof(*src));
	src->fd = -1;
}

const char *source_line(const struct source *csrc, uint32_t line, size_t *len)
{
	struct source *src = (struct source *)(uintptr_t)csrc;
	size_t start, end, alloc;

	index_lines(src);
	*len = 0;
	if (line == 0 || line > src->nlines || !fresh(src))
		return "";
	start = src->lines[line - 1];
	end = line < src->nlines ? src->lines[line] : src->size;
	alloc = src->line_alloc;
	ALLOC_GROW(src->line, end - start + 1, alloc);
	src->line_alloc = alloc;
	if (read_at(src, start, src->line, end - start) != (long)(end - start)) {
		src->stale = true;
		return "";
	}
	while (*len < end - start && !break_len(src->line, *len, end - start))
		++*len;
	src->line[*len] = '\0';
	return src->line;
}

size_t source_nlines(const struct source *src)
{
	index_lines(src);
	return src->stale ? 0 : src->nlines;
}

size_t source_line_start(const struct source *src, uint32_t line)
{
	index_lines(src);
	return line >= 1 && line <= src->nlines ? src->lines[line - 1] : src->size;
}

int srcpos_cmp(const struct srcpos *a, const struct srcpos *b)
{
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return 0;
}
