/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Event bus messages: NATS subjects and JSON payloads for keyspace changes. */
#include <ctype.h>
#include <strings.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "common/nats_bus.h"
#include "protocol/event_bus.h"
#include "protocol/event_json.h"

static bool token_char_bad(char c)
{
	return c == '.' || c == '*' || c == '>' || isspace((unsigned char)c) ||
	       iscntrl((unsigned char)c);
}

char *event_bus_token(TALLOC_CTX *mem_ctx, const char *s)
{
	char *t;
	size_t i;

	if (s[0] == '\0') {
		return talloc_strdup(mem_ctx, "_");
	}
	t = talloc_strdup(mem_ctx, s);
	if (t == NULL) {
		return NULL;
	}
	for (i = 0; t[i] != '\0'; i++) {
		if (token_char_bad(t[i])) {
			t[i] = '_';
		}
	}
	return t;
}

bool event_bus_node_valid(const char *name)
{
	size_t i;

	if (name[0] == '\0') {
		return false;
	}
	for (i = 0; name[i] != '\0'; i++) {
		if (token_char_bad(name[i])) {
			return false;
		}
	}
	return true;
}

static bool config_url(TALLOC_CTX *mem_ctx, TALLOC_CTX *owner,
		       struct event_bus_config *c, const char *value,
		       char **reason)
{
	char *why = NULL;
	bool ok;

	if (value[0] != '\0') {
		ok = nats_bus_url_check(mem_ctx, value, &why);
		if (!ok) {
			*reason = talloc_asprintf(mem_ctx,
						  "invalid nats url '%s': %s",
						  value, why);
			return false;
		}
		if (!nats_bus_supported()) {
			*reason = talloc_asprintf(
				mem_ctx,
				"nats url '%s' set, but this daemon was built "
				"without NATS support (configure --with-nats)",
				value);
			return false;
		}
	}
	talloc_free(c->nats_url);
	c->nats_url = talloc_strdup(owner, value);
	return c->nats_url != NULL;
}

bool event_bus_config_entry(TALLOC_CTX *mem_ctx, TALLOC_CTX *owner,
			    struct event_bus_config *c, const char *key,
			    const char *value, char **reason)
{
	if (strcasecmp(key, "nats url") == 0) {
		return config_url(mem_ctx, owner, c, value, reason);
	}
	if (strcasecmp(key, "node name") != 0) {
		return true;
	}
	if (!event_bus_node_valid(value)) {
		*reason = talloc_asprintf(
			mem_ctx,
			"invalid node name '%s' (expected one NATS subject "
			"token: not empty, no '.', '*', '>' or white space)",
			value);
		return false;
	}
	talloc_free(c->node_name);
	c->node_name = talloc_strdup(owner, value);
	return c->node_name != NULL;
}

/* event.<component>.<event>: the event is after the last dot. */
static int event_subject(TALLOC_CTX *mem_ctx, const char *node,
			 const char *rest, char **subject)
{
	const char *dot = strrchr(rest, '.');
	char *comp, *ctok, *ev;

	if (dot == NULL || dot == rest || dot[1] == '\0') {
		return ENOENT;
	}
	comp = talloc_strndup(mem_ctx, rest, dot - rest);
	if (comp == NULL) {
		return ENOMEM;
	}
	ctok = event_bus_token(comp, comp);
	ev = event_bus_token(comp, dot + 1);
	if (ctok == NULL || ev == NULL) {
		talloc_free(comp);
		return ENOMEM;
	}
	*subject = talloc_asprintf(mem_ctx, "ctdb.%s.event.%s.%s", node,
				   ctok, ev);
	talloc_free(comp);
	return (*subject != NULL) ? 0 : ENOMEM;
}

int event_bus_subject(TALLOC_CTX *mem_ctx, const char *node, const char *key,
		      char **subject)
{
	char *tok, *s;

	if (strncmp(key, "event.", 6) == 0) {
		return event_subject(mem_ctx, node, key + 6, subject);
	}
	/* cluster.X is ctdb.NODE.cluster.X: the node's view of all nodes. */
	if (strncmp(key, "cluster.", 8) == 0 && key[8] != '\0') {
		tok = event_bus_token(mem_ctx, key + 8);
		if (tok == NULL) {
			return ENOMEM;
		}
		s = talloc_asprintf(mem_ctx, "ctdb.%s.cluster.%s", node, tok);
		talloc_free(tok);
		if (s == NULL) {
			return ENOMEM;
		}
		*subject = s;
		return 0;
	}
	if (strncmp(key, "node.", 5) != 0 || key[5] == '\0') {
		return ENOENT;
	}
	tok = event_bus_token(mem_ctx, key + 5);
	if (tok == NULL) {
		return ENOMEM;
	}
	s = talloc_asprintf(mem_ctx, "ctdb.%s.%s", node, tok);
	talloc_free(tok);
	if (s == NULL) {
		return ENOMEM;
	}
	*subject = s;
	return 0;
}

int event_bus_payload(TALLOC_CTX *mem_ctx, const char *node, const char *key,
		      const char *value, const struct timeval *time,
		      char **payload)
{
	json_t *v, *obj;
	json_error_t jerr;
	char *text, *p;
	int ret;

	v = json_loads(value, JSON_DECODE_ANY, &jerr);
	if (v == NULL) {
		return EINVAL;
	}
	obj = json_object();
	if (obj == NULL) {
		json_decref(v);
		return ENOMEM;
	}
	ret = json_object_set_new(obj, "node", json_string(node));
	ret |= json_object_set_new(obj, "key", json_string(key));
	ret |= json_object_set_new(obj, "value", v);
	ret |= json_object_set_new(obj, "time", ctdb_json_time(time));
	if (ret != 0) {
		json_decref(obj);
		/* A key or node that is not UTF-8 is refused by jansson. */
		return EINVAL;
	}
	text = json_dumps(obj, CTDB_JSON_DUMP_FLAGS);
	json_decref(obj);
	if (text == NULL) {
		return ENOMEM;
	}
	p = talloc_strdup(mem_ctx, text);
	free(text);
	if (p == NULL) {
		return ENOMEM;
	}
	*payload = p;
	return 0;
}
