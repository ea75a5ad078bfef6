/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every key ctdb.conf may hold, with the programs that read it. */
#ifndef CTDB_COMMON_CTDB_CONF_KEYS_H
#define CTDB_COMMON_CTDB_CONF_KEYS_H

#include "common/conf.h"

/*
 * One ctdb.conf serves ctdb-eventd, ctdb-noded and Samba's daemons. Each
 * of our daemons checks its own keys, leaves the others' keys alone and
 * reports the rest as unknown, so a typo such as "bakend" is caught while
 * a file written for Samba's ctdbd still reads cleanly.
 */
enum ctdb_conf_reader {
	CTDB_CONF_EVENTD = 1 << 0,
	CTDB_CONF_NODED = 1 << 1,
	CTDB_CONF_SAMBA = 1 << 2, /* Samba's ctdbd and ctdb-eventd (4.17) */
};

/** The schema of ctdb.conf as read by reader (one of the bits above). */
struct conf_schema ctdb_conf_schema(enum ctdb_conf_reader reader);

#endif
