/* Unit tests of the parts with exact arithmetic: numbers, free space, ranges, names, lookups. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "freelist.h"
#include "text.h"
#include "topology.h"
#include "unit.h"
#include "units.h"
#include "util.h"

int failed;

static void test_sizes(void)
{
	static const struct {
		const char *text;
		int ok;
		uint64_t v;
	} cases[] = {
		{ "0", 1, 0 }, { "4096", 1, 4096 }, { "0x1000", 1, 4096 }, { "0X10", 1, 16 },
		{ "2M", 1, 2 << 20 }, { "2MiB", 1, 2 << 20 }, { "0x2M", 1, 2 << 20 },
		{ "1K", 1, 1024 }, { "3G", 1, 3ull << 30 }, { "1T", 1, 1ull << 40 },
		{ "1TiB", 1, 1ull << 40 }, { "18446744073709551615", 1, UINT64_MAX },
		{ "0xffffffffffffffff", 1, UINT64_MAX },
		{ "18446744073709551616", 0, 0 }, { "0x10000000000000000", 0, 0 },
		{ "16777216T", 0, 0 }, { "16777215T", 1, 16777215ull << 40 },
		{ "0755", 0, 0 }, { "0b101", 0, 0 }, { "1_000", 0, 0 }, { "1:30", 0, 0 },
		{ "-1", 0, 0 }, { "+1", 0, 0 }, { "1.5M", 0, 0 }, { "", 0, 0 }, { "2MB", 0, 0 },
		{ "2m", 0, 0 }, { "0x", 0, 0 }, { " 2M", 0, 0 }, { "2M ", 0, 0 }, { "1e3", 0, 0 },
	};
	size_t i;
	char name[80];

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t v = 12345;
		const char *why = NULL;
		int r = parse_size(cases[i].text, &v, &why);
		snprintf(name, sizeof(name), "parse_size(\"%s\")", cases[i].text);
		EXPECT(name, cases[i].ok ? (r == 0 && v == cases[i].v) : (r == -1 && why && *why));
	}
}

static void test_addr_and_short_form(void)
{
	uint64_t v;
	const char *why;
	struct short_form sf;
	const char *s = "0x05400000 + 1M=ctl";

	EXPECT("parse_addr refuses units", parse_addr("2M", &v, &why) == -1);
	EXPECT("parse_addr hex", parse_addr("0x40000000", &v, &why) == 0 && v == 0x40000000);
	EXPECT("short form splits", split_short_form(s, &sf) == 0 && sf.addr_off == 0 &&
	       sf.addr_len == 10 && sf.size_off == 13 && sf.size_len == 2 && sf.id_off == 16 &&
	       sf.id_len == 3);
	EXPECT("short form needs '+' before '='", split_short_form("ctl = 0x1+2", &sf) == -1);
	EXPECT("short form needs one '='", split_short_form("0x1+2 = a = b", &sf) == -1);
	EXPECT("hex pfn", parse_hex_pfn("40000", 5, &v) == 0 && v == 0x40000);
	EXPECT("hex pfn refuses 0x", parse_hex_pfn("0x4", 3, &v) == -1);
	EXPECT("hex pfn refuses empty", parse_hex_pfn("", 0, &v) == -1);
}

static void test_freelist(void)
{
	struct range space = { 0x1000, 0x10000 };	/* [0x1000, 0x11000) */
	struct range obs[] = { { 0x3000, 0x1000 }, { 0x2000, 0x800 }, { 0x3800, 0x2000 } };
	struct freelist fl;
	uint64_t at, total, largest;

	freelist_init(&fl, &space, 1, obs, ARRAY_SIZE(obs));
	freelist_stats(&fl, &total, &largest);
	/* free: [0x1000,0x2000) [0x2800,0x3000) [0x5800,0x11000) */
	EXPECT("freelist subtracts overlapping obstacles", total == 0xD000 && largest == 0xB800);
	EXPECT("freelist lowest first", freelist_take_low(&fl, 0x1000, 0x1000, &at) && at == 0x1000);
	EXPECT("freelist skips the half-page hole",
	       freelist_take_low(&fl, 0x1000, 0x1000, &at) && at == 0x6000);
	EXPECT("freelist aligns absolutely",
	       freelist_take_low(&fl, 0x1000, 0x4000, &at) && at == 0x8000);
	EXPECT("freelist fills the gap left by alignment",
	       freelist_take_low(&fl, 0x1000, 0x1000, &at) && at == 0x7000);
	EXPECT("freelist top-down", freelist_take_high(&fl, 0x1000, 0x1000, &at) && at == 0x10000);
	EXPECT("freelist refuses what does not fit", !freelist_take_low(&fl, 0x10000, 0x1000, &at));
	freelist_release(&fl);
}

/* 200 000 names: past the 2 MiB of slots where the index's table moves to huge pages */
#define KEYS 200000

static const char *key_of(const void *names, size_t i)
{
	const char *base = names;

	return base + 12 * i;
}

static void test_keyindex(void)
{
	char (*names)[12] = xcalloc(KEYS, sizeof(*names));
	struct keyindex m;
	size_t v = 0, i;
	int ok = 1;

	keyindex_init(&m, key_of, names);
	for (i = 0; i < KEYS; i++) {
		snprintf(names[i], sizeof(names[i]), "n%zu", i * 7919 % KEYS);
		ok &= keyindex_add(&m, names[i], i);
	}
	/* a repeated key is refused, whatever index it comes with */
	ok &= !keyindex_add(&m, names[12345], 3) && m.count == KEYS;
	for (i = 0; i < KEYS; i++)
		ok &= keyindex_get(&m, names[i], &v) && v == i;
	ok &= !keyindex_get(&m, "n200000", &v) && !keyindex_get(&m, "", &v);
	keyindex_release(&m);
	ok &= !keyindex_get(&m, names[0], &v);
	free(names);
	EXPECT("keyindex: 200 000 names added, each found at its index, a repeat refused", ok);
}

static void test_util(void)
{
	struct strmap m;
	size_t v = 0, i;
	char keys[100][8];
	int ok = 1;

	strmap_init(&m);
	for (i = 0; i < 100; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%zu", i);
		ok &= strmap_add(&m, keys[i], i);
	}
	ok &= !strmap_add(&m, "k7", 99);
	for (i = 0; i < 100; i++)
		ok &= strmap_get(&m, keys[i], &v) && v == i;
	ok &= !strmap_get(&m, "k100", &v);
	strmap_release(&m);
	EXPECT("strmap add/get/duplicate", ok);
	test_keyindex();
	EXPECT("edit distance", edit_distance("memry", "memory", 9) == 1 &&
	       edit_distance("owner", "owner", 9) == 0 && edit_distance("abc", "xyz", 2) == 2);
	uint64_t up = 0;
	EXPECT("align_up", align_up(0x1001, 0x1000, &up) && up == 0x2000 &&
	       !align_up(UINT64_MAX - 5, 0x1000, &up));
}

static void test_ranges_and_names(void)
{
	struct suggest near;

	EXPECT("ranges_overlap: touching ranges do not overlap",
	       !ranges_overlap(0x1000, 0x1000, 0x2000, 0x1000) &&
	       !ranges_overlap(0x2000, 0x1000, 0x1000, 0x1000));
	EXPECT("ranges_overlap: one byte shared", ranges_overlap(0x1000, 0x1001, 0x2000, 1));
	EXPECT("ranges_overlap: a range ending at 2^64 does not wrap",
	       ranges_overlap(UINT64_MAX - 0xfff, 0x1000, UINT64_MAX, 1) &&
	       !ranges_overlap(UINT64_MAX - 0xfff, 0x1000, 0, 0x1000));
	EXPECT("ranges_overlap: empty ranges overlap nothing", !ranges_overlap(5, 0, 0, 10));
	EXPECT("name rules: VM names", name_valid(NAME_VM, "sensor-1.a_b") &&
	       !name_valid(NAME_VM, "-x") && !name_valid(NAME_VM, "") &&
	       !name_valid(NAME_VM, "a/b"));
	EXPECT("name rules: region IDs up to 15", name_valid(NAME_REGION_ID, "ring_0-a") &&
	       name_valid(NAME_REGION_ID, "abcdefghijklmno") &&
	       !name_valid(NAME_REGION_ID, "abcdefghijklmnop") &&
	       name_chars_valid(NAME_REGION_ID, "abcdefghijklmnop"));
	EXPECT("name rules: project names are lower case", name_valid(NAME_PROJECT, "lab-1") &&
	       !name_valid(NAME_PROJECT, "Lab") && !name_valid(NAME_PROJECT, "_lab"));
	EXPECT("name rules: xl keys are xl's identifiers", name_valid(NAME_XL_KEY, "on_crash") &&
	       !name_valid(NAME_XL_KEY, "_bar") && !name_valid(NAME_XL_KEY, "Foo") &&
	       !name_valid(NAME_XL_KEY, "1x") && !name_valid(NAME_XL_KEY, "a-b"));
	EXPECT("name rules: VM names of digits only are domain IDs to xl",
	       !name_valid(NAME_VM, "0") && !name_valid(NAME_VM, "7") && name_valid(NAME_VM, "7a"));
	suggest_init(&near, "memroy");
	suggest_consider(&near, "kernel");
	suggest_consider(&near, "memory");
	EXPECT("suggest: nearest candidate", suggest_result(&near) &&
	       !strcmp(suggest_result(&near), "memory"));
	suggest_init(&near, "zzz");
	suggest_consider(&near, "memory");
	EXPECT("suggest: none close enough", !suggest_result(&near));
}

int main(void)
{
	test_sizes();
	test_addr_and_short_form();
	test_freelist();
	test_util();
	test_ranges_and_names();
	test_status();
	test_channel();
	test_docwriter();
	test_source();
	test_evstream();
	test_textout();
	return failed;
}
