/*
 * sup: supervision of kura's two domains, the hidden service domain and
 * the client VM.  Each has a vmstate machine; sup feeds it the events of
 * libxl, of its timers and of the control socket, and carries out what it
 * decides through libxl.
 */
#ifndef KURA_SUP_H
#define KURA_SUP_H

#include <event2/event.h>
#include <jansson.h>

#include "audit.h"
#include "conf.h"
#include "health.h"
#include "vm.h"
#include "vmstate.h"
#include "xswatch.h"

/* libxl's INVALID_DOMID is an int; domids are uint32_t. */
#define SUP_NODOM ((uint32_t)INVALID_DOMID)

struct sup;

struct sup_dom {
	struct sup *sup;
	enum conf_role role;
	struct conf_domain *conf;
	const char *name;
	struct vm_sm sm;
	uint32_t domid; /* INVALID_DOMID when there is none */
	libxl_evgen_domain_death *death;
	struct event *timer; /* backoff, or the clean-shutdown deadline */
	libxl_domain_config *creating; /* the copy a create is using */
	int64_t state_since;           /* ms, monotonic */
	int restarts;                  /* since kurad started */
	int health_watch;              /* xswatch id, or -1 */
	enum health health;            /* what the guest last reported */
};

/* Something libxl told us, handled on the next turn of the loop: libxl
 * calls back from inside itself, where calling it again is not safe. */
struct sup_note {
	enum conf_role role;
	int created; /* a create completed, with rc */
	int rc;
	int died;     /* the domain is gone */
	int shutdown; /* it shut down, with reason */
	enum vm_reason reason;
};

#define SUP_NOTES 32

struct sup {
	struct event_base *base;
	struct event *kick; /* runs the queued notes */
	struct sup_note notes[SUP_NOTES];
	size_t nnotes;
	libxl_ctx *ctx;
	struct xswatch *xsw; /* NULL: no health reports */
	struct kurad_conf *conf;
	struct audit *audit;
	struct sup_dom dom[CONF_ROLE__COUNT];
	int boot;          /* the client VM waits for the service domain */
	int host_shutdown; /* stopping everything, client first */
	/* Told of every change (for event subscribers): event "domain" for
	 * a state change, "health" for what the guest reports. */
	void (*report)(void *arg, const struct sup_dom *d, const char *event,
	    json_t *data);
	/* Told once both domains are stopped after sup_shutdown. */
	void (*stopped)(void *arg);
	/* Before each create: may add to cfg (the client VM's PCI devices);
	 * -1 with the reason in err refuses the create. */
	int (*prepare)(void *arg, const struct sup_dom *d,
	    libxl_domain_config *cfg, char *err, size_t errlen);
	void *arg;
};

void sup_init(struct sup *s, struct event_base *base, libxl_ctx *ctx,
    struct xswatch *xsw, struct kurad_conf *conf, struct audit *audit);
void sup_free(struct sup *s);
/* Adopts the domains that already run, then starts the service domain
 * and, once it is up (or failed), the client VM. */
void sup_start(struct sup *s);
/* An admin's request: VM_EV_START, VM_EV_STOP, VM_EV_RESTART, VM_EV_KILL. */
int sup_request(struct sup *s, enum conf_role role, enum vm_event ev);
/* Host shutdown: the client VM cleanly (destroyed after its timeout),
 * then the service domain; then s->stopped. */
void sup_shutdown(struct sup *s);
/* xlev's event callback (arg is the struct sup). */
void sup_libxl_event(void *arg, const libxl_event *ev);
/* One domain's state, as the control protocol shows it. */
json_t *sup_dom_json(const struct sup_dom *d);

int64_t sup_now_ms(void);

#endif
