/*
 * control.c: the control socket: accepting clients, their credentials,
 * framing, and the rule that bad input gets an error reply and a closed
 * connection, never a dead daemon.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "control.h"
#include "log.h"
#include "xalloc.h"

static void
control_client_free(struct ctl_client *cl)
{
	struct control *c = cl->ctl;

	TAILQ_REMOVE(&c->clients, cl, entry);
	c->nclients--;
	bufferevent_free(cl->bev);
	proto_buf_free(&cl->in);
	free(cl);
}

static void
control_send(struct ctl_client *cl, char *line)
{
	if (line != NULL)
		bufferevent_write(cl->bev, line, strlen(line));
	free(line);
}

/* An error reply, then the end of the connection: once the reply is out,
 * kurad stops writing and discards what the peer still sends until it
 * hangs up (or for CONTROL_LINGER_S), because closing a Unix socket with
 * unread data resets it and the peer would lose the reply. */
static void
control_reject(struct ctl_client *cl, int64_t id, int errnum, const char *msg)
{
	struct timeval linger = { CONTROL_LINGER_S, 0 };

	log_info("client pid %ld uid %ld: %s", (long)cl->pid, (long)cl->uid,
	    msg);
	control_send(cl, proto_reply_error(id, errnum, "%s", msg));
	cl->closing = 1;
	bufferevent_set_timeouts(cl->bev, &linger, &linger);
}

static void
control_request(struct ctl_client *cl, const char *line, size_t len)
{
	const struct ctl_cmd *cmd;
	struct proto_request req;
	json_t *result = NULL;
	char err[256];
	int errnum, rc;

	if (proto_request_decode(line, len, &req, &errnum, err, sizeof(err))) {
		control_reject(cl, req.id, errnum, err);
		proto_request_clear(&req);
		return;
	}
	rc = ctlcmd_lookup(req.cmd, cl->admin, &cmd);
	if (rc == -ENOSYS) {
		snprintf(err, sizeof(err), "unknown command \"%s\"", req.cmd);
		control_reject(cl, req.id, ENOSYS, err);
	} else if (rc == -EPERM) {
		control_send(cl,
		    proto_reply_error(req.id, EPERM,
			"\"%s\" needs root or group %s", req.cmd,
			cl->ctl->group));
	} else if ((cl->err[0] = '\0', rc = cmd->fn(cl, req.args, &result)) <
	    0) {
		control_send(cl,
		    proto_reply_error(req.id, -rc, "%s: %s", req.cmd,
			cl->err[0] != '\0' ? cl->err : strerror(-rc)));
	} else {
		control_send(cl, proto_reply_ok(req.id, result));
	}
	json_decref(result);
	proto_request_clear(&req);
}

static void
control_read_cb(struct bufferevent *bev, void *arg)
{
	struct ctl_client *cl = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char buf[4096], *line;
	size_t len, n;

	if (cl->closing) {
		evbuffer_drain(in, evbuffer_get_length(in));
		return;
	}
	while (
	    !cl->closing && (n = evbuffer_remove(in, buf, sizeof(buf))) > 0) {
		if (proto_buf_append(&cl->in, buf, n) == -1) {
			control_reject(cl, -1, EMSGSIZE, "request too long");
			return;
		}
		while (
		    !cl->closing && proto_buf_line(&cl->in, &line, &len) == 1)
			if (len > 0)
				control_request(cl, line, len);
	}
}

static void
control_write_cb(struct bufferevent *bev, void *arg)
{
	struct ctl_client *cl = arg;

	if (cl->closing)
		shutdown(bufferevent_getfd(bev), SHUT_WR);
}

static void
control_event_cb(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		control_client_free(arg);
}

/* Root, or a member (primary or supplementary) of the control group. */
static int
control_is_admin(const struct control *c, uid_t uid, gid_t gid)
{
	struct group *gr;
	struct passwd *pw;
	gid_t groups[256];
	int n = 256, i;

	if (uid == 0)
		return 1;
	if ((gr = getgrnam(c->group)) == NULL)
		return 0;
	if (gid == gr->gr_gid)
		return 1;
	if ((pw = getpwuid(uid)) == NULL ||
	    getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) == -1)
		return 0;
	for (i = 0; i < n; i++)
		if (groups[i] == gr->gr_gid)
			return 1;
	return 0;
}

static void
control_accept_cb(evutil_socket_t lfd, short what, void *arg)
{
	struct control *c = arg;
	struct ctl_client *cl;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd;

	fd = accept4((int)lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1)
		return;
	if (c->nclients >= CONTROL_MAX_CLIENTS ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) {
		log_warnx("refusing a control client (%d connected)",
		    c->nclients);
		close(fd);
		return;
	}
	cl = xcalloc(1, sizeof(*cl));
	cl->ctl = c;
	cl->uid = cred.uid;
	cl->gid = cred.gid;
	cl->pid = cred.pid;
	cl->admin = control_is_admin(c, cred.uid, cred.gid);
	proto_buf_init(&cl->in);
	cl->bev = bufferevent_socket_new(c->base, fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(cl->bev, control_read_cb, control_write_cb,
	    control_event_cb, cl);
	bufferevent_enable(cl->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&c->clients, cl, entry);
	c->nclients++;
	log_debug("client pid %ld uid %ld%s", (long)cred.pid, (long)cred.uid,
	    cl->admin ? " (admin)" : "");
}

/* A socket that answers belongs to a running kurad: leave it alone. */
static int
control_in_use(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), rc;

	if (fd == -1)
		return 0;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0;
	close(fd);
	return rc;
}

static int
control_listen(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	char *dir = xstrdup(path), *slash = strrchr(dir, '/');
	int fd = -1;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_warnx("%s: path too long for a socket", path);
		goto out;
	}
	strcpy(sun.sun_path, path);
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		mkdir(dir, 0755);
	}
	if (control_in_use(&sun)) {
		log_warnx("%s: another kurad is running", path);
		goto out;
	}
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(path, 0666) == -1 || listen(fd, 16) == -1) {
		log_warn("%s", path);
		if (fd != -1)
			close(fd);
		fd = -1;
	}
out:
	free(dir);
	return fd;
}

int
control_open(struct control *c, struct event_base *base, struct sup *s,
    struct audit *audit, const char *path, const char *group)
{
	memset(c, 0, sizeof(*c));
	TAILQ_INIT(&c->clients);
	c->base = base;
	c->sup = s;
	c->audit = audit;
	c->path = xstrdup(path);
	c->group = xstrdup(group);
	c->started_ms = sup_now_ms();
	c->fd = control_listen(path);
	if (c->fd == -1)
		return -1;
	c->ev =
	    event_new(base, c->fd, EV_READ | EV_PERSIST, control_accept_cb, c);
	if (c->ev == NULL || event_add(c->ev, NULL) == -1)
		return -1;
	return 0;
}

void
control_broadcast(struct control *c, const char *event, json_t *data,
    int admin_only)
{
	struct ctl_client *cl;

	TAILQ_FOREACH (cl, &c->clients, entry) {
		if (cl->events && !cl->closing && (cl->admin || !admin_only))
			control_send(cl, proto_event_encode(event, data));
	}
}

void
control_close(struct control *c)
{
	struct ctl_client *cl;

	while ((cl = TAILQ_FIRST(&c->clients)) != NULL)
		control_client_free(cl);
	if (c->ev != NULL)
		event_free(c->ev);
	if (c->fd != -1) {
		close(c->fd);
		unlink(c->path);
	}
	free(c->path);
	free(c->group);
	c->ev = NULL;
	c->fd = -1;
	c->path = c->group = NULL;
}
