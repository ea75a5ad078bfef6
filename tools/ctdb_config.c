/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * ctdb-config get SECTION KEY | validate | dump: ctdb.conf as CTDB's
 * event scripts read it (/etc/ctdb/functions calls "ctdb-config get").
 *
 * The file is found as CTDB finds it: the configured directory, or
 * CTDB_BASE when CTDB_TEST_MODE is set (src/common/path.c). It is read by
 * the project's reader (src/common/conf.c), so ctdb-config accepts exactly
 * the syntax our daemons accept. Values are checked as CTDB 4.17 checks
 * them, except the [logging] keys, which are checked as our daemons check
 * them (logging_config_entry), since those are the daemons that use them.
 * Exit codes follow CTDB's helper: 0, 2 (ENOENT) for an unknown option,
 * 22 (EINVAL) for a bad file or bad arguments, 1 for an unknown command.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/conf.h"
#include "common/ctdb_conf_keys.h"
#include "common/logging.h"
#include "common/path.h"

/*
 * Checks a value; on success *canon is the value as "get" and "dump"
 * print it (CTDB prints booleans and integers normalised).
 */
typedef bool (*option_check_fn)(TALLOC_CTX *mem_ctx, const char *value,
				char **canon, char **reason);

struct config_option {
	const char *section;
	const char *key;
	const char *def;
	option_check_fn check;
};

static bool check_any(TALLOC_CTX *mem_ctx, const char *value, char **canon,
		      char **reason)
{
	(void)reason;
	*canon = talloc_strdup(mem_ctx, value);
	return *canon != NULL;
}

/* Our daemons' own rules for [logging]: one place, logging.c. */
static bool check_logging(TALLOC_CTX *mem_ctx, const char *key,
			  const char *value, char **canon, char **reason)
{
	struct logging_config lc = { 0 };
	bool ok;

	ok = logging_config_entry(mem_ctx, mem_ctx, &lc, key, value, reason);
	if (!ok) {
		return false;
	}
	return check_any(mem_ctx, value, canon, reason);
}

static bool check_location(TALLOC_CTX *mem_ctx, const char *value,
			   char **canon, char **reason)
{
	return check_logging(mem_ctx, "location", value, canon, reason);
}

static bool check_log_level(TALLOC_CTX *mem_ctx, const char *value,
			    char **canon, char **reason)
{
	return check_logging(mem_ctx, "log level", value, canon, reason);
}

/* CTDB's booleans: yes/no/true/false in any case, printed true/false. */
static bool check_bool(TALLOC_CTX *mem_ctx, const char *value, char **canon,
		       char **reason)
{
	bool yes = strcasecmp(value, "yes") == 0 ||
		   strcasecmp(value, "true") == 0;
	bool no = strcasecmp(value, "no") == 0 ||
		  strcasecmp(value, "false") == 0;

	if (!yes && !no) {
		*reason = talloc_asprintf(mem_ctx,
					  "invalid boolean '%s' (expected "
					  "yes, no, true or false)",
					  value);
		return false;
	}
	*canon = talloc_strdup(mem_ctx, yes ? "true" : "false");
	return *canon != NULL;
}

/* An integer as strtol reads it (0x10 and 010 too), from min to max. */
static bool check_int_range(TALLOC_CTX *mem_ctx, const char *value,
			    long min, long max, char **canon, char **reason)
{
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(value, &end, 0);
	if (errno != 0 || end == value || *end != '\0' || v < min ||
	    v > max) {
		*reason = talloc_asprintf(mem_ctx,
					  "invalid integer '%s' (expected "
					  "%ld to %ld)",
					  value, min, max);
		return false;
	}
	*canon = talloc_asprintf(mem_ctx, "%ld", v);
	return *canon != NULL;
}

static bool check_positive(TALLOC_CTX *mem_ctx, const char *value,
			   char **canon, char **reason)
{
	return check_int_range(mem_ctx, value, 1, INT_MAX, canon, reason);
}

static bool check_kill_grace(TALLOC_CTX *mem_ctx, const char *value,
			     char **canon, char **reason)
{
	return check_int_range(mem_ctx, value, 0, 3600, canon, reason);
}

static bool check_output_limit(TALLOC_CTX *mem_ctx, const char *value,
			       char **canon, char **reason)
{
	return check_int_range(mem_ctx, value, 0, 1024L * 1024 * 1024, canon,
			       reason);
}

static bool check_history(TALLOC_CTX *mem_ctx, const char *value,
			  char **canon, char **reason)
{
	return check_int_range(mem_ctx, value, 0, 1024, canon, reason);
}

static bool check_one_of(TALLOC_CTX *mem_ctx, const char *value,
			 const char *const *allowed, char **canon,
			 char **reason)
{
	size_t i;

	for (i = 0; allowed[i] != NULL; i++) {
		if (strcmp(value, allowed[i]) == 0) {
			return check_any(mem_ctx, value, canon, reason);
		}
	}
	*reason = talloc_asprintf(mem_ctx, "invalid value '%s'", value);
	return false;
}

static bool check_transport(TALLOC_CTX *mem_ctx, const char *value,
			    char **canon, char **reason)
{
	static const char *const allowed[] = { "tcp", NULL };

	return check_one_of(mem_ctx, value, allowed, canon, reason);
}

static bool check_backend(TALLOC_CTX *mem_ctx, const char *value,
			  char **canon, char **reason)
{
	static const char *const allowed[] = { "local", "corosync", NULL };

	return check_one_of(mem_ctx, value, allowed, canon, reason);
}

static bool check_address(TALLOC_CTX *mem_ctx, const char *value,
			  char **canon, char **reason)
{
	unsigned char buf[sizeof(struct in6_addr)];
	bool ok = inet_pton(AF_INET, value, buf) == 1 ||
		  inet_pton(AF_INET6, value, buf) == 1;

	if (!ok) {
		*reason = talloc_asprintf(mem_ctx,
					  "invalid address '%s' (expected an "
					  "IPv4 or IPv6 address)",
					  value);
		return false;
	}
	return check_any(mem_ctx, value, canon, reason);
}

static bool check_directory(TALLOC_CTX *mem_ctx, const char *value,
			    char **canon, char **reason)
{
	struct stat st;
	int ret = stat(value, &st);

	if (ret != 0 || !S_ISDIR(st.st_mode)) {
		*reason = talloc_asprintf(mem_ctx,
					  "directory \"%s\" does not exist",
					  value);
		return false;
	}
	return check_any(mem_ctx, value, canon, reason);
}

/* CTDB looks for a debug script as <etcdir>/<basename of the value>. */
static bool check_script(TALLOC_CTX *mem_ctx, const char *value, char **canon,
			 char **reason)
{
	const char *slash = strrchr(value, '/');
	const char *base = (slash != NULL) ? slash + 1 : value;
	char *path = talloc_asprintf(mem_ctx, "%s/%s", path_etcdir(), base);
	struct stat st;
	int ret;

	if (path == NULL) {
		return false;
	}
	ret = stat(path, &st);
	if (ret != 0 || !S_ISREG(st.st_mode)) {
		*reason = talloc_asprintf(mem_ctx, "script %s does not exist",
					  path);
		return false;
	}
	return check_any(mem_ctx, value, canon, reason);
}

#define DB_DIR(name) CTDB_VARDIR "/" name

/*
 * CTDB 4.17's options in the order its "dump" prints them, then ours
 * (ctdb-noded's and ctdb-eventd's) at the end of their section.
 */
static const struct config_option options[] = {
	{ "logging", "location", "file:" CTDB_LOGDIR "/log.ctdb",
	  check_location },
	{ "logging", "log level", "NOTICE", check_log_level },
	{ "cluster", "transport", "tcp", check_transport },
	{ "cluster", "node address", "", check_address },
	{ "cluster", "cluster lock", "", check_any },
	{ "cluster", "recovery lock", "", check_any },
	{ "cluster", "leader timeout", "5", check_positive },
	{ "cluster", "leader capability", "true", check_bool },
	{ "cluster", "backend", "local", check_backend },
	{ "cluster", "cpg group", "ctdb-noded", check_any },
	{ "database", "volatile database directory", DB_DIR("volatile"),
	  check_directory },
	{ "database", "persistent database directory", DB_DIR("persistent"),
	  check_directory },
	{ "database", "state database directory", DB_DIR("state"),
	  check_directory },
	{ "database", "lock debug script", "", check_script },
	{ "database", "tdb mutexes", "true", check_bool },
	{ "event", "debug script", "", check_script },
	{ "event", "kill grace period", "5", check_kill_grace },
	{ "event", "output limit", "1048576", check_output_limit },
	{ "event", "history length", "16", check_history },
	{ "failover", "disabled", "false", check_bool },
	{ "legacy", "realtime scheduling", "true", check_bool },
	{ "legacy", "lmaster capability", "true", check_bool },
	{ "legacy", "start as stopped", "false", check_bool },
	{ "legacy", "start as disabled", "false", check_bool },
	{ "legacy", "script log level", "ERROR", check_log_level },
	{ "events", "nats url", "", check_any },
	{ "events", "node name", "", check_any },
};

#define NUM_OPTIONS (sizeof(options) / sizeof(options[0]))

struct config_values {
	char *value[NUM_OPTIONS]; /* NULL: not set in the file */
};

static int option_index(const char *section, const char *key)
{
	size_t i;

	for (i = 0; i < NUM_OPTIONS; i++) {
		if (strcasecmp(options[i].section, section) == 0 &&
		    strcasecmp(options[i].key, key) == 0) {
			return (int)i;
		}
	}
	return -1;
}

static bool config_entry(TALLOC_CTX *mem_ctx, const char *section,
			 const char *key, const char *value,
			 void *private_data, char **reason)
{
	struct config_values *cv = private_data;
	int i = option_index(section, key);
	char *canon = NULL;
	bool ok;

	if (i < 0) {
		return true; /* a key of the table we do not print */
	}
	if (value[0] == '\0') {
		*reason = talloc_asprintf(mem_ctx, "empty value for [%s] %s",
					  section, key);
		return false;
	}
	ok = options[i].check(mem_ctx, value, &canon, reason);
	if (!ok) {
		return false;
	}
	talloc_free(cv->value[i]);
	cv->value[i] = talloc_steal(cv, canon);
	return true;
}

/* Unknown sections and keys are errors for "validate" only, as in CTDB. */
static int config_load(struct config_values *cv, bool strict, bool verbose)
{
	struct conf_schema schema =
		ctdb_conf_schema(CTDB_CONF_EVENTD | CTDB_CONF_NODED |
				 CTDB_CONF_SAMBA);
	struct conf_unknown unknown = { 0 };
	char *path = path_etc_file(cv, "ctdb.conf");
	char *errmsg = NULL;
	unsigned i;
	int ret;

	if (path == NULL) {
		return ENOMEM;
	}
	if (verbose) {
		fprintf(stderr, "Reading config file %s\n", path);
	}
	ret = conf_parse_file_known(cv, path, &schema, &unknown, config_entry,
				    cv, &errmsg);
	if (ret == ENOENT && strict) {
		/* CTDB's validate fails without a file; get and dump do not. */
		fprintf(stderr, "%s: %s\n", path, strerror(ret));
		return ENOENT;
	}
	if (ret == ENOENT) {
		return 0;
	}
	if (ret != 0) {
		fprintf(stderr, "%s\n",
			errmsg != NULL ? errmsg : strerror(ret));
		return EINVAL;
	}
	if (!strict || unknown.num == 0) {
		return 0;
	}
	for (i = 0; i < unknown.num; i++) {
		fprintf(stderr, "%s\n", unknown.lines[i]);
	}
	return EINVAL;
}

static int cmd_get(struct config_values *cv, const char *section,
		   const char *key)
{
	int i = option_index(section, key);

	if (i < 0) {
		fprintf(stderr,
			"Configuration option [%s] -> \"%s\" not defined\n",
			section, key);
		return ENOENT;
	}
	printf("%s\n", cv->value[i] != NULL ? cv->value[i] : options[i].def);
	return 0;
}

/* As CTDB: a value equal to the default is printed as a comment. */
static int cmd_dump(struct config_values *cv)
{
	const char *section = "";
	size_t i;

	for (i = 0; i < NUM_OPTIONS; i++) {
		const char *v = cv->value[i];
		bool set = v != NULL && strcmp(v, options[i].def) != 0;

		if (strcmp(section, options[i].section) != 0) {
			section = options[i].section;
			printf("[%s]\n", section);
		}
		printf("\t%s%s = %s\n", set ? "" : "# ", options[i].key,
		       set ? v : options[i].def);
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: ctdb-config [-d LEVEL] <command> [<args>]\n"
		   "\n"
		   "Commands:\n"
		   "  dump                    Dump configuration\n"
		   "  get <section> <key>     Get a config value\n"
		   "  validate                Validate configuration file\n");
}

/* argv[0] is the command, the rest its arguments. */
static int run_command(struct config_values *cv, int argc, char **argv,
		       bool verbose)
{
	const char *cmd = argv[0];
	bool is_get = strcmp(cmd, "get") == 0;
	int want = is_get ? 3 : 1;
	int ret;

	if (!is_get && strcmp(cmd, "dump") != 0 &&
	    strcmp(cmd, "validate") != 0) {
		fprintf(stderr, "ctdb-config: unknown command '%s'\n", cmd);
		return 1;
	}
	if (argc != want) {
		fprintf(stderr, "ctdb-config: usage: %s%s\n", cmd,
			is_get ? " <section> <key>" : "");
		return EINVAL;
	}
	ret = config_load(cv, strcmp(cmd, "validate") == 0, verbose);
	if (ret != 0) {
		fprintf(stderr, "Failed to load config file\n");
		return ret;
	}
	if (is_get) {
		return cmd_get(cv, argv[1], argv[2]);
	}
	return strcmp(cmd, "dump") == 0 ? cmd_dump(cv) : 0;
}

/* -d LEVEL / --debug=LEVEL: DEBUG names the file read, on stderr. */
static int parse_debug(const char *value, bool *verbose)
{
	int level;
	bool ok = debug_level_parse(value, &level);

	if (!ok) {
		fprintf(stderr, "ctdb-config: invalid debug level '%s'\n",
			value);
		return EINVAL;
	}
	*verbose = level >= DEBUG_DEBUG;
	return 0;
}

static bool is_help(const char *arg)
{
	return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0 ||
	       strcmp(arg, "-?") == 0 || strcmp(arg, "--usage") == 0;
}

int main(int argc, char **argv)
{
	struct config_values *cv;
	bool verbose = false;
	int i = 1;
	int ret;

	while (i < argc && argv[i][0] == '-') {
		const char *arg = argv[i];

		if (is_help(arg)) {
			usage(stdout);
			return 0;
		}
		if (strcmp(arg, "-d") == 0 && i + 1 < argc) {
			ret = parse_debug(argv[i + 1], &verbose);
			i += 2;
		} else if (strncmp(arg, "--debug=", 8) == 0) {
			ret = parse_debug(arg + 8, &verbose);
			i += 1;
		} else {
			fprintf(stderr, "ctdb-config: unknown option '%s'\n",
				arg);
			ret = EINVAL;
		}
		if (ret != 0) {
			return ret;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "ctdb-config: no command (try --help)\n");
		return 1;
	}
	cv = talloc_zero(NULL, struct config_values);
	if (cv == NULL) {
		return ENOMEM;
	}
	ret = run_command(cv, argc - i, argv + i, verbose);
	talloc_free(cv);
	return ret;
}
