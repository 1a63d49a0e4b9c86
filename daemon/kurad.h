/* kurad: the dom0 daemon that runs the client VM and the service domain. */
#ifndef KURA_KURAD_H
#define KURA_KURAD_H

struct kurad_opts {
	int foreground;        /* -d: stay attached, log to stderr */
	int verbose;           /* -v, repeatable */
	int check_only;        /* -n: check the configuration and exit */
	const char *conf_path; /* -f, default CONF_DEFAULT_PATH */
};

int kurad_parse_args(int argc, char **argv, struct kurad_opts *opts);
int kurad_run(const struct kurad_opts *opts);
int kurad_main(int argc, char **argv);

#endif
