/* Source files and positions: file:line:col, and the source line for carets. */
#include "srcpos.h"
#include "text.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_stream(FILE *f, struct source *src, char **err)
{
	size_t alloc = 0, n;

	src->size = 0;
	for (;;) {
		ALLOC_GROW(src->text, src->size + 65536 + 1, alloc);
		n = fread(src->text + src->size, 1, 65536, f);
		src->size += n;
		if (src->size > SOURCE_MAX_BYTES) {
			*err = xasprintf("'%s' is larger than %zu MiB, the limit for a topology",
					 q(src->name), SOURCE_MAX_BYTES >> 20);
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
static void drop_bom(struct source *src)
{
	if (src->size >= 3 && !memcmp(src->text, "\xEF\xBB\xBF", 3)) {
		memmove(src->text, src->text + 3, src->size - 3 + 1);
		src->size -= 3;
	}
}

/*
 * The line index, built on first use: only a diagnostic needs it, and a
 * clean topology of 32 752 VMs spent 4 % of `check` on it. A cache in a
 * const source, hence the cast.
 */
static void index_lines(const struct source *csrc)
{
	struct source *src = (struct source *)(uintptr_t)csrc;
	size_t alloc = 0, i, n;

	if (src->lines)
		return;

	ALLOC_GROW(src->lines, 1, alloc);
	src->lines[src->nlines++] = 0;
	for (i = 0; i < src->size; i += n ? n : 1) {
		n = break_len(src->text, i, src->size);
		if (n) {
			ALLOC_GROW(src->lines, src->nlines + 1, alloc);
			src->lines[src->nlines++] = i + n;
		}
	}
}

int source_read(struct source *src, const char *path, char **err)
{
	FILE *f;
	int ret;

	memset(src, 0, sizeof(*src));
	if (!strcmp(path, "-")) {
		src->name = xstrdup("<stdin>");
		f = stdin;
	} else {
		src->name = xstrdup(path);
		f = fopen(path, "rb");
		if (!f) {
			*err = xasprintf("cannot open '%s': %s", q(path), strerror(errno));
			return -1;
		}
	}
	ret = read_stream(f, src, err);
	if (f != stdin)
		fclose(f);
	if (ret)
		return ret;
	drop_bom(src);
	return 0;
}

void source_from_buffer(struct source *src, const char *name, const char *data, size_t n)
{
	memset(src, 0, sizeof(*src));
	src->name = xstrdup(name);
	src->text = xmalloc(n + 1);
	memcpy(src->text, data, n);
	src->text[n] = '\0';
	src->size = n;
	drop_bom(src);
}

void source_release(struct source *src)
{
	free(src->name);
	free(src->text);
	free(src->lines);
	memset(src, 0, sizeof(*src));
}

const char *source_line(const struct source *src, uint32_t line, size_t *len)
{
	size_t start, end;

	index_lines(src);
	if (line == 0 || line > src->nlines) {
		*len = 0;
		return "";
	}
	start = src->lines[line - 1];
	end = start;
	while (end < src->size && !break_len(src->text, end, src->size))
		end++;
	*len = end - start;
	return src->text + start;
}

size_t source_nlines(const struct source *src)
{
	index_lines(src);
	return src->nlines;
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
