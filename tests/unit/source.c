/*
 * Sources read on demand against the same text held in memory: the bytes the
 * parser gets, the line index (breaks across the 64 KiB blocks it is read
 * in), the lines excerpts show, and no excerpt once the file was edited.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "srcpos.h"
#include "unit.h"
#include "util.h"

/* the breaks libyaml knows, one of them at byte 'at' */
static const char *const breaks[] = { "\n", "\r\n", "\r", "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9" };

/*
 * About 200 KiB of lines whose breaks are every kind, with a character of two
 * bytes here and there, and at each of the reader's block edges a break of
 * two or three bytes that starts one or two bytes before it.
 */
static char *make_text(size_t *n, unsigned seed, int bom, size_t *starts, size_t *nstarts)
{
	static const size_t edges[] = { 65536, 131072, 196608 };
	static const char *const split[] = { "\r\n", "\xC2\x85", "\xE2\x80\xA8", "\xE2\x80\xA9" };
	size_t cap = 220 << 10, len = 0, base = bom ? 3 : 0, e = 0, k;
	char *t = xmalloc(cap);
	const char *br;

	if (bom) {
		memcpy(t, "\xEF\xBB\xBF", 3);
		len = 3;
	}
	starts[0] = 0;
	*nstarts = 1;
	while (len < (200 << 10)) {
		size_t words = 1 + (seed = seed * 1103515245 + 12345) % 40;

		for (k = 0; k < words; k++)
			t[len++] = (seed >> (k % 16)) & 8 ? (char)('a' + k % 26) : ' ';
		if ((seed >> 8) % 7 == 0) {
			memcpy(t + len, "\xC3\xA9", 2);	/* é */
			len += 2;
		}
		br = breaks[(seed >> 12) % ARRAY_SIZE(breaks)];
		if (e < ARRAY_SIZE(edges) && len - base + 48 > edges[e]) {
			/* offsets count from after the BOM, as the blocks do */
			size_t d = 1 + (seed >> 5) % 2;
			while (len - base < edges[e] - d)
				t[len++] = 'x';
			br = split[(seed >> 7) % ARRAY_SIZE(split)];
			if (d == 2 && strlen(br) == 2)
				t[len++] = 'y';	/* a two-byte break one byte before */
			e++;
		}
		memcpy(t + len, br, strlen(br));
		len += strlen(br);
		starts[(*nstarts)++] = len - base;	/* where it was written: the test's own answer */
	}
	memcpy(t + len, "last line, no break", 19);
	*n = len + 19;
	return t;
}

static int write_file(const char *path, const char *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	int ok = f && fwrite(data, 1, n, f) == n;

	if (f && fclose(f))
		ok = 0;
	return ok;
}

static void same_text(unsigned seed, int bom)
{
	char path[] = "/tmp/xenshm-unit-source.XXXXXX", name[96], what[160], *err = NULL, *got;
	struct source file, mem;
	size_t n, i, la, lb;
	int fd = mkstemp(path), ok = 1;
	static size_t starts[220 << 10];
	size_t nstarts;
	char *text = make_text(&n, seed, bom, starts, &nstarts);

	snprintf(name, sizeof(name), "source on demand (seed %u%s)", seed, bom ? ", BOM" : "");
	if (fd < 0 || !write_file(path, text, n) || source_read(&file, path, &err)) {
		EXPECT(name, 0);
		free(err);
		free(text);
		return;
	}
	close(fd);
	source_from_buffer(&mem, "mem", text, n);
	snprintf(what, sizeof(what), "%s: opened, not read", name);
	EXPECT(what, file.fd >= 0 && file.text == NULL && file.size == mem.size);

	/* the parser's bytes, pulled in odd sizes as libyaml does */
	got = xmalloc(mem.size + 1);
	for (i = 0; i < mem.size;) {
		long r = source_pread(&file, i, got + i, 1 + (i * 7919) % 20000);
		if (r <= 0)
			break;
		i += (size_t)r;
	}
	snprintf(what, sizeof(what), "%s: the parser's bytes", name);
	EXPECT(what, i == mem.size && !memcmp(got, mem.text, mem.size) &&
	       source_pread(&file, mem.size, got, 16) == 0);

	/* the same lines, whatever reads them */
	ok = source_nlines(&file) == nstarts && source_nlines(&mem) == nstarts && nstarts > 1000;
	for (i = 1; ok && i <= nstarts; i++)
		ok = source_line_start(&file, (uint32_t)i) == starts[i - 1];
	snprintf(what, sizeof(what), "%s: the lines where the text broke them", name);
	EXPECT(what, ok);
	for (i = 1; ok && i <= source_nlines(&mem); i++) {
		const char *a = source_line(&mem, (uint32_t)i, &la);
		char *copy = xmalloc(la + 1);
		memcpy(copy, a, la);
		ok = source_line_start(&file, (uint32_t)i) == source_line_start(&mem, (uint32_t)i) &&
		     (a = source_line(&file, (uint32_t)i, &lb), lb == la) && !memcmp(a, copy, la);
		free(copy);
	}
	snprintf(what, sizeof(what), "%s: every line and its start", name);
	EXPECT(what, ok);
	free(got);
	source_release(&mem);
	source_release(&file);
	unlink(path);
	free(text);
}

/* a file edited after it was opened: its lines would be another file's */
static void edited(void)
{
	char path[] = "/tmp/xenshm-unit-source.XXXXXX", *err = NULL;
	struct source src;
	size_t len;
	int fd = mkstemp(path), ok;

	ok = fd >= 0 && write_file(path, "a: 1\nb: 2\n", 10) && !source_read(&src, path, &err);
	if (fd >= 0)
		close(fd);
	if (!ok) {
		EXPECT("source on demand: an edited file shows no excerpt", 0);
		free(err);
		return;
	}
	ok = write_file(path, "a: 1\nb: 2\nc: 3\n", 15);
	EXPECT("source on demand: an edited file shows no excerpt",
	       ok && source_nlines(&src) == 0 && *source_line(&src, 1, &len) == '\0' && len == 0 &&
	       src.stale);
	/* what the parser still reads is the file as long as it was at open */
	EXPECT("source on demand: a file grown since it was opened is read at its first size",
	       src.size == 10);
	source_release(&src);
	unlink(path);
}

/* inputs that cannot be read on demand are held whole: a pipe, an empty file */
static void in_memory(void)
{
	char path[] = "/tmp/xenshm-unit-source.XXXXXX", *err = NULL;
	struct source src;
	int fd = mkstemp(path);

	EXPECT("source: an empty file is held in memory",
	       fd >= 0 && !source_read(&src, path, &err) && src.fd < 0 && src.text && src.size == 0);
	if (fd >= 0) {
		source_release(&src);
		close(fd);
	}
	unlink(path);
	free(err);
}

/* positions are eight bytes: what passes a field's width is held at its largest */
static void positions(void)
{
	struct srcpos p = srcpos_at(7, 12, 5), big = srcpos_at(70000000, 67108865, 200);

	EXPECT("srcpos: eight bytes", sizeof(struct srcpos) == 8);
	EXPECT("srcpos: line, column and underline kept, a value's bit clear",
	       p.line == 7 && p.col == 12 && p.len == 5 && !p.set);
	EXPECT("srcpos: a column past 2^26 - 1 and an underline past 31 are clamped",
	       big.line == 70000000 && big.col == SRCPOS_COL_MAX && big.len == SRCPOS_LEN_MAX);
}

void test_source(void)
{
	unsigned seed;

	positions();
	for (seed = 1; seed <= 6; seed++)
		same_text(seed, seed % 2 == 0);
	edited();
	in_memory();
}
