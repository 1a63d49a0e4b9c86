/*
 * kuractl.c: the kuractl command table (main() is in kuractl-main.c).
 * Every command is one request to kurad over its control socket; what the
 * caller may do is decided by kurad from the caller's credentials.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "kuractl.h"
#include "proto.h"
#include "xalloc.h"

static const char *kuractl_socket = "/run/kura/kurad.sock";
int kuractl_json;

struct kuractl_conn {
	int fd;
	struct proto_buf in;
	int64_t next_id;
};

static int
kuractl_connect(struct kuractl_conn *c)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };

	proto_buf_init(&c->in);
	c->next_id = 1;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", kuractl_socket);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd == -1 ||
	    connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "kuractl: cannot reach kurad at %s: %s\n",
		    kuractl_socket, strerror(errno));
		if (c->fd != -1)
			close(c->fd);
		proto_buf_free(&c->in);
		return -1;
	}
	return 0;
}

static void
kuractl_close(struct kuractl_conn *c)
{
	close(c->fd);
	proto_buf_free(&c->in);
}

/* The next message from kurad; -1 on EOF or garbage. */
static int
kuractl_recv(struct kuractl_conn *c, struct proto_message *m)
{
	char buf[4096], err[256], *line;
	size_t len;
	ssize_t n;

	for (;;) {
		while (proto_buf_line(&c->in, &line, &len) == 1) {
			if (len == 0)
				continue;
			if (proto_message_decode(line, len, m, err,
				sizeof(err)) == 0)
				return 0;
			fprintf(stderr, "kuractl: bad message from kurad: %s\n",
			    err);
			return -1;
		}
		n = read(c->fd, buf, sizeof(buf));
		if (n <= 0 || proto_buf_append(&c->in, buf, (size_t)n) == -1) {
			fprintf(stderr,
			    "kuractl: kurad closed the connection\n");
			return -1;
		}
	}
}

static int
kuractl_send(struct kuractl_conn *c, const char *cmd, json_t *args)
{
	char *line = proto_request_encode(c->next_id++, cmd, args);
	size_t len = strlen(line), off = 0;
	ssize_t n;

	while (off < len) {
		n = write(c->fd, line + off, len - off);
		if (n <= 0) {
			free(line);
			return -1;
		}
		off += (size_t)n;
	}
	free(line);
	return 0;
}

/* One request and its reply; an error reply is printed and mapped to an
 * exit code.  On success *result_r holds the result (may be NULL). */
int
kuractl_call(const char *cmd, json_t *args, json_t **result_r)
{
	struct kuractl_conn c;
	struct proto_message m;
	int rc;

	*result_r = NULL;
	if (kuractl_connect(&c) == -1)
		return KURACTL_EXIT_UNREACHABLE;
	if (kuractl_send(&c, cmd, args) == -1 || kuractl_recv(&c, &m) == -1) {
		kuractl_close(&c);
		return CLI_EXIT_FAIL;
	}
	kuractl_close(&c);
	if (m.ok) {
		*result_r = json_incref(m.result);
		rc = CLI_EXIT_OK;
	} else {
		fprintf(stderr, "kuractl: %s\n", m.message);
		rc = m.errnum == EPERM ? KURACTL_EXIT_DENIED : CLI_EXIT_FAIL;
	}
	proto_message_clear(&m);
	return rc;
}

void
kuractl_print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);

	printf("%s\n", s ? s : "null");
	free(s);
}

static void
kuractl_duration(char *buf, size_t len, json_int_t s)
{
	if (s < 120)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 7200)
		snprintf(buf, len, "%lldm%02llds", (long long)s / 60,
		    (long long)s % 60);
	else
		snprintf(buf, len, "%lldh%02lldm", (long long)s / 3600,
		    (long long)s % 3600 / 60);
}

const char *
kuractl_str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "-";
}

json_int_t
kuractl_int(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void
kuractl_domains(json_t *doms)
{
	char since[32], id[16];
	json_t *d;
	size_t i;

	printf("%-12s %-8s %-4s %-11s %-5s %-8s %-8s %s\n", "NAME", "ROLE",
	    "TYPE", "STATE", "ID", "SINCE", "HEALTH", "RESTARTS");
	json_array_foreach(doms, i, d)
	{
		kuractl_duration(since, sizeof(since),
		    kuractl_int(d, "since_s"));
		if (kuractl_int(d, "domid") < 0)
			snprintf(id, sizeof(id), "-");
		else
			snprintf(id, sizeof(id), "%lld",
			    (long long)kuractl_int(d, "domid"));
		printf("%-12s %-8s %-4s %-11s %-5s %-8s %-8s %lld\n",
		    kuractl_str(d, "name"), kuractl_str(d, "role"),
		    kuractl_str(d, "type"), kuractl_str(d, "state"), id, since,
		    kuractl_str(d, "health"),
		    (long long)kuractl_int(d, "restarts"));
	}
}

/* Runs cmd and prints its result: as JSON with --json, else with show. */
int
kuractl_show(const char *cmd, json_t *args, void (*show)(json_t *))
{
	json_t *r;
	int rc = kuractl_call(cmd, args, &r);

	if (rc == CLI_EXIT_OK) {
		if (kuractl_json || show == NULL)
			kuractl_print_json(r);
		else
			show(r);
	}
	json_decref(r);
	return rc;
}

static void
kuractl_show_status(json_t *r)
{
	char up[32];

	kuractl_duration(up, sizeof(up), kuractl_int(r, "uptime_s"));
	printf("kurad %s, pid %lld, up %s%s\n", kuractl_str(r, "version"),
	    (long long)kuractl_int(r, "pid"), up,
	    json_is_true(json_object_get(r, "shutting_down"))
		? ", shutting down"
		: "");
	kuractl_domains(json_object_get(r, "domains"));
}

static void
kuractl_show_domains(json_t *r)
{
	kuractl_domains(json_object_get(r, "domains"));
}

static void
kuractl_show_domain(json_t *r)
{
	json_t *a = json_pack("[O]", r);

	kuractl_domains(a);
	json_decref(a);
}

/* Leading options of a command: --json, and the listed flags. */
int
kuractl_flags(int argc, char **argv, const char *usage, int *force)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			kuractl_json = 1;
		else if (force != NULL && strcmp(argv[i], "--force") == 0)
			*force = 1;
		else {
			fprintf(stderr, "usage: kuractl %s\n", usage);
			return -1;
		}
	}
	return 0;
}

static int
kuractl_status(int argc, char **argv)
{
	if (kuractl_flags(argc, argv, "status [--json]", NULL) == -1)
		return CLI_EXIT_USAGE;
	return kuractl_show("status", NULL, kuractl_show_status);
}

static int
kuractl_version(int argc, char **argv)
{
	json_t *r;
	int rc;

	if (kuractl_flags(argc, argv, "version [--json]", NULL) == -1)
		return CLI_EXIT_USAGE;
	rc = kuractl_call("version", NULL, &r);
	if (rc == CLI_EXIT_OK && kuractl_json)
		kuractl_print_json(r);
	else
		printf("kuractl (%s) %s; kurad %s\n", PACKAGE_NAME,
		    PACKAGE_VERSION,
		    rc == CLI_EXIT_OK ? kuractl_str(r, "version")
				      : "not reachable");
	json_decref(r);
	return rc;
}

/* vm console: kurad says which domain; the console client is xl's. */
static int
kuractl_console(void)
{
	char id[16];
	json_t *r;
	int rc = kuractl_call("vm.console", NULL, &r);

	if (rc != CLI_EXIT_OK)
		return rc;
	snprintf(id, sizeof(id), "%lld", (long long)kuractl_int(r, "domid"));
	json_decref(r);
	execlp("xl", "xl", "console", id, (char *)NULL);
	fprintf(stderr, "kuractl: xl console: %s\n", strerror(errno));
	return CLI_EXIT_FAIL;
}

static int
kuractl_vm(int argc, char **argv)
{
	static const char usage[] =
	    "vm list|start|stop [--force]|restart|console [--json]";
	json_t *args;
	int force = 0, rc;

	if (argc < 2 || kuractl_flags(argc - 1, argv + 1, usage, &force) == -1)
		goto usage;
	if (strcmp(argv[1], "list") == 0)
		return kuractl_show("vm.list", NULL, kuractl_show_domains);
	if (strcmp(argv[1], "console") == 0)
		return kuractl_console();
	if (strcmp(argv[1], "stop") == 0) {
		args = json_pack("{s:b}", "force", force);
		rc = kuractl_show("vm.stop", args, kuractl_show_domain);
		json_decref(args);
		return rc;
	}
	if (strcmp(argv[1], "start") == 0 || strcmp(argv[1], "restart") == 0)
		return kuractl_show(argv[1][0] == 's' ? "vm.start"
						      : "vm.restart",
		    NULL, kuractl_show_domain);
usage:
	fprintf(stderr, "usage: kuractl %s\n", usage);
	return CLI_EXIT_USAGE;
}

static int
kuractl_service(int argc, char **argv)
{
	static const char usage[] = "service status|restart [--json]";

	if (argc < 2 || kuractl_flags(argc - 1, argv + 1, usage, NULL) == -1)
		goto usage;
	if (strcmp(argv[1], "status") == 0)
		return kuractl_show("service.status", NULL,
		    kuractl_show_domain);
	if (strcmp(argv[1], "restart") == 0)
		return kuractl_show("service.restart", NULL,
		    kuractl_show_domain);
usage:
	fprintf(stderr, "usage: kuractl %s\n", usage);
	return CLI_EXIT_USAGE;
}

static void
kuractl_print_event(const struct proto_message *m)
{
	json_t *d = m->data;

	if (kuractl_json) {
		char *s = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);

		printf("{\"event\":\"%s\",\"data\":%s}\n", m->event,
		    s ? s : "null");
		free(s);
	} else if (strcmp(m->event, "health") == 0) {
		printf("health %s: %s\n", kuractl_str(d, "name"),
		    kuractl_str(d, "health"));
	} else {
		printf("%s %s: %s -> %s (%s)\n", m->event,
		    kuractl_str(d, "name"), kuractl_str(d, "from"),
		    kuractl_str(d, "state"), kuractl_str(d, "why"));
	}
	fflush(stdout);
}

static int
kuractl_events(int argc, char **argv)
{
	struct kuractl_conn c;
	struct proto_message m;

	if (kuractl_flags(argc, argv, "events [--json]", NULL) == -1)
		return CLI_EXIT_USAGE;
	if (kuractl_connect(&c) == -1)
		return KURACTL_EXIT_UNREACHABLE;
	if (kuractl_send(&c, "events", NULL) == -1)
		goto fail;
	while (kuractl_recv(&c, &m) == 0) {
		if (m.is_event)
			kuractl_print_event(&m);
		else if (!m.ok)
			fprintf(stderr, "kuractl: %s\n", m.message);
		proto_message_clear(&m);
	}
fail:
	kuractl_close(&c);
	return CLI_EXIT_FAIL;
}

static int
kuractl_shutdown(int argc, char **argv)
{
	if (kuractl_flags(argc, argv, "shutdown [--json]", NULL) == -1)
		return CLI_EXIT_USAGE;
	return kuractl_show("shutdown", NULL, NULL);
}

static const struct cli_command kuractl_commands[] = {
	{ "status", kuractl_status, "[--json]", "kurad and its domains" },
	{ "vm", kuractl_vm, "list|start|stop|restart|console",
	    "the client VM" },
	{ "service", kuractl_service, "status|restart",
	    "the service domain (root or group kura)" },
	{ "device", kuractl_device, "list|show ID|explain ID",
	    "devices and the policy's decisions" },
	{ "policy", kuractl_policy, "show|load FILE",
	    "the device policy in force; load a signed one (root or group "
	    "kura)" },
	{ "events", kuractl_events, "[--json]", "follow state changes live" },
	{ "shutdown", kuractl_shutdown, "",
	    "stop the client VM, then the service domain, then kurad" },
	{ "version", kuractl_version, "[--json]", "kuractl's and kurad's" },
};

const struct cli_program kuractl_program = {
	.name = "kuractl",
	.summary = "Control and inspect kurad.\n"
		   "-s SOCKET (before the command) talks to another socket.",
	.commands = kuractl_commands,
	.ncommands = sizeof(kuractl_commands) / sizeof(kuractl_commands[0]),
};

int
kuractl_main(int argc, char **argv)
{
	const char *env = getenv("KURA_SOCKET");

	if (env != NULL && *env != '\0')
		kuractl_socket = env;
	if (argc >= 3 && strcmp(argv[1], "-s") == 0) {
		kuractl_socket = argv[2];
		argv[2] = argv[0];
		argc -= 2;
		argv += 2;
	}
	return cli_main(&kuractl_program, argc, argv);
}
