/*
 * control: kurad's Unix socket (/run/kura/kurad.sock) and what it serves.
 * Anyone on the machine may connect; who may do what is decided from the
 * peer's credentials as the kernel gives them (SO_PEERCRED), never from
 * anything the peer says: root and members of the control group may act,
 * everyone else may only read status, and never sees the service domain.
 */
#ifndef KURA_CONTROL_H
#define KURA_CONTROL_H

#include <sys/queue.h>
#include <sys/types.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <jansson.h>

#include "proto.h"
#include "sup.h"

#define CONTROL_MAX_CLIENTS 64
#define CONTROL_LINGER_S 2 /* after an error reply (control.c) */

struct control;

struct ctl_client {
	struct control *ctl;
	struct bufferevent *bev;
	struct proto_buf in;
	uid_t uid;
	gid_t gid;
	pid_t pid;
	int admin;     /* root, or in the control group */
	int events;    /* asked for events */
	int closing;   /* close once the output is flushed */
	char err[256]; /* a failing command's reason, for the reply */
	TAILQ_ENTRY(ctl_client) entry;
};

struct devices;

struct control {
	struct event_base *base;
	struct sup *sup;
	struct devices *devs; /* NULL until kurad decides on devices */
	struct audit *audit;
	char *path;
	char *group;
	int fd;
	struct event *ev;
	TAILQ_HEAD(, ctl_client) clients;
	int nclients;
	int64_t started_ms;
	void (*shutdown)(void *arg); /* "shutdown" was asked */
	void *arg;
};

/* Listens on path; refuses if another kurad answers there. */
int control_open(struct control *c, struct event_base *base, struct sup *s,
    struct audit *audit, const char *path, const char *group);
void control_close(struct control *c);
/* Sends an event to every subscribed client allowed to see it. */
void control_broadcast(struct control *c, const char *event, json_t *data,
    int admin_only);

/* ctlcmd.c: the commands, looked up with the caller's privilege. */
struct ctl_cmd {
	const char *name;
	unsigned flags; /* CTL_ADMIN: root or the control group only */
	int (*fn)(struct ctl_client *cl, json_t *args, json_t **result);
};
#define CTL_ADMIN 1u

/* 0 with *cmd_r set, -ENOSYS for an unknown command, -EPERM for one the
 * caller may not use. */
int ctlcmd_lookup(const char *name, int admin, const struct ctl_cmd **cmd_r);
size_t ctlcmd_count(void);
const struct ctl_cmd *ctlcmd_at(size_t i);

#endif
