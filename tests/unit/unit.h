/* The unit tests' one reporting macro, and the tests each file adds. */
#ifndef XENSHM_UNIT_H
#define XENSHM_UNIT_H

#include <stdio.h>

extern int failed;

#define EXPECT(name, cond)                                              \
	do {                                                            \
		if (cond)                                               \
			printf("PASS: unit %s\n", name);                \
		else {                                                  \
			printf("FAIL: unit %s (%s:%d)\n", name, __FILE__, __LINE__); \
			failed = 1;                                     \
		}                                                       \
	} while (0)

void test_status(void);
void test_channel(void);
void test_docwriter(void);
void test_source(void);
void test_evstream(void);
void test_textout(void);

#endif
