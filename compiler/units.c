/* SIZE, ADDR and the seed's "ADDR+SIZE = ID" form, parsed exactly or refused. */
#include "units.h"

#include <string.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Reads the number at the start of s into *out; *end gets the first byte
 * after it. The spec allows decimal and 0x hex only: YAML 1.1's octal,
 * binary, '_' separators and base 60 are refused with a reason.
 */
static int number_prefix(const char *s, uint64_t *out, const char **end, const char **why)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p == '-') {
		*why = "negative values are not allowed";
		return -1;
	}
	if (*p == '+') {
		*why = "a sign is not allowed";
		return -1;
	}
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		if (hexval(*p) < 0) {
			*why = "'0x' must be followed by hex digits";
			return -1;
		}
		for (; hexval(*p) >= 0; p++) {
			if (v >> 60) {
				*why = "it does not fit in 64 bits";
				return -1;
			}
			v = v << 4 | (uint64_t)hexval(*p);
		}
	} else {
		if (*p < '0' || *p > '9') {
			*why = *p ? "expected a decimal or 0x hex number" : "it is empty";
			return -1;
		}
		if (p[0] == '0' && p[1] == 'b') {
			*why = "binary numbers are not allowed; use decimal or 0x hex";
			return -1;
		}
		if (p[0] == '0' && p[1] >= '0' && p[1] <= '9') {
			*why = "leading zeros are not allowed (YAML 1.1 reads them as octal); use decimal or 0x hex";
			return -1;
		}
		for (; *p >= '0' && *p <= '9'; p++) {
			uint64_t d = (uint64_t)(*p - '0');
			if (v > (UINT64_MAX - d) / 10) {
				*why = "it does not fit in 64 bits";
				return -1;
			}
			v = v * 10 + d;
		}
	}
	if (*p == '_') {
		*why = "'_' separators are not allowed";
		return -1;
	}
	if (*p == ':') {
		*why = "base-60 numbers are not allowed";
		return -1;
	}
	if (*p == '.' || *p == 'e' || *p == 'E') {
		*why = "fractions are not allowed";
		return -1;
	}
	*out = v;
	*end = p;
	return 0;
}

/* a number and nothing after it; trailing says what the extra text means */
static int whole_number(const char *s, uint64_t *out, const char **why, const char *trailing)
{
	const char *end;

	if (number_prefix(s, out, &end, why))
		return -1;
	if (*end) {
		*why = trailing;
		return -1;
	}
	return 0;
}

int parse_number(const char *s, uint64_t *out, const char **why)
{
	return whole_number(s, out, why, "expected a decimal or 0x hex number");
}

int parse_addr(const char *s, uint64_t *out, const char **why)
{
	return whole_number(s, out, why,
			    "an address takes no unit; write it in bytes, e.g. 0x40000000");
}

int parse_size(const char *s, uint64_t *out, const char **why)
{
	static const struct {
		const char *name;
		unsigned shift;
	} units[] = {
		{ "K", 10 }, { "M", 20 }, { "G", 30 }, { "T", 40 },
		{ "KiB", 10 }, { "MiB", 20 }, { "GiB", 30 }, { "TiB", 40 },
	};
	const char *end;
	uint64_t v;
	size_t i;

	if (number_prefix(s, &v, &end, why))
		return -1;
	if (!*end) {
		*out = v;
		return 0;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].name)) {
			if (v > UINT64_MAX >> units[i].shift) {
				*why = "it does not fit in 64 bits";
				return -1;
			}
			*out = v << units[i].shift;
			return 0;
		}
	}
	*why = "unknown unit; use K, M, G, T or KiB, MiB, GiB, TiB (all binary: 1K = 1024)";
	return -1;
}

int parse_hex_pfn(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!n)
		return -1;
	for (i = 0; i < n; i++) {
		int h = hexval(s[i]);
		if (h < 0 || v >> 60)
			return -1;
		v = v << 4 | (uint64_t)h;
	}
	/* a page number must still be a byte address below 2^64 */
	if (v >> 52)
		return -1;
	*out = v;
	return 0;
}

static void trim(const char *s, size_t *off, size_t *len)
{
	while (*len && (s[*off] == ' ' || s[*off] == '\t')) {
		(*off)++;
		(*len)--;
	}
	while (*len && (s[*off + *len - 1] == ' ' || s[*off + *len - 1] == '\t'))
		(*len)--;
}

int split_short_form(const char *s, struct short_form *sf)
{
	const char *plus = strchr(s, '+'), *eq = strchr(s, '=');

	if (!plus || !eq || plus > eq || strchr(eq + 1, '='))
		return -1;
	sf->addr_off = 0;
	sf->addr_len = (size_t)(plus - s);
	sf->size_off = (size_t)(plus - s) + 1;
	sf->size_len = (size_t)(eq - plus) - 1;
	sf->id_off = (size_t)(eq - s) + 1;
	sf->id_len = strlen(eq + 1);
	trim(s, &sf->addr_off, &sf->addr_len);
	trim(s, &sf->size_off, &sf->size_len);
	trim(s, &sf->id_off, &sf->id_len);
	return 0;
}
