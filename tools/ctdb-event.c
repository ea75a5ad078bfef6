/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ctdb-event: the one-shot client of ctdb-eventd (see event_tool.c). */
#include <stdio.h>
#include <talloc.h>

#include "tools/event_tool.h"

int main(int argc, char **argv)
{
	TALLOC_CTX *mem_ctx;
	int ret;

	mem_ctx = talloc_new(NULL);
	if (mem_ctx == NULL) {
		fprintf(stderr, "Memory allocation error\n");
		return 1;
	}
	ret = event_tool_main(mem_ctx, argc, (const char **)argv);
	talloc_free(mem_ctx);
	return ret;
}
