package main

const usageText = `usage:
  checkmk-notify [flags]            one notification from NOTIFY_* variables (as Checkmk)
  checkmk-notify --bulk [flags]     a bulk notification from standard input
  checkmk-notify flush [flags]      deliver what is queued (cron or by hand)
  checkmk-notify demo               try it on loopback: no account, no network
  checkmk-notify mkp [--out DIR] [--version V]    build the extension package (MKP)
  checkmk-notify install [--dir DIR] [--name NAME] [--title TITLE] [--form] [--cron] [--force]
  checkmk-notify version | help

Run "checkmk-notify help" for configuration and exit codes.
`

const helpText = `checkmk-notify sends Checkmk notifications to iLert and AlertOps, and queues
what it cannot send right now so that no alert is lost. It replaces Checkmk's built-in
iLert method, iLert's 1.x plug-in and the AlertOps plug-in without changing your rules.

` + usageText + `
Flags (before or after the mode word):
  -n, --dry-run     print the requests exactly as they would be sent, [secret] where a
                    key or password goes; send and queue nothing (install: print what
                    it would write; mkp: print the manifest and the files)
  --syslog          also log to the system log
  --timeout D       time limit of one HTTP request (default 10s)
  --budget D        time limit of the whole run (default 30s; Checkmk kills at 60s)
  --spool-dir DIR   the queue (default: see Queue; the spool_dir parameter wins)
  --max-age D       move requests older than D to failed/ (default 168h; max_age wins)
  --no-retrier      start no background retrier (see Queue); also ALERTBRIDGE_RETRIER=off
  flush:   --log (write to the alertbridge log, not to standard output: for cron)
  mkp:     --out DIR (default: the current directory), --version V (default: this
           program's module version; MAJOR.MINOR.PATCH[-pre])
  install: --dir DIR (default $OMD_ROOT/local/share/check_mk/notifications),
           --name NAME (default alertbridge), --title TITLE, --force,
           --form (also the form of the method alertbridge, into $OMD_ROOT/local/lib),
           --cron (also $OMD_ROOT/etc/cron.d/alertbridge: a flush every minute)

Install as an extension package (Checkmk 2.3 and later; no Go on the sites):
  checkmk-notify mkp --out /tmp          writes /tmp/alertbridge-<version>.mkp, holding
                                         this binary, the notification script and the form
  then on each site, as the site user:   mkp add /tmp/alertbridge-<version>.mkp
                                         mkp enable alertbridge <version>
                                         omd reload apache
  and create a notification rule with the method "iLert and AlertOps (alertbridge)".

Install without a package:
  go install github.com/alertbridge/alertbridge/examples/checkmk-notify@latest
  checkmk-notify install                 (as the site user) writes the wrapper script
  --form           also writes the form of the method alertbridge (then omd reload apache)
  --name ilert     overrides Checkmk's built-in iLert method: iLert rules keep working
  --name alertops  replaces the AlertOps plug-in's script: AlertOps rules keep working
  --name NAME      any other name: a new method for the custom-script parameters below
  --cron           also writes $OMD_ROOT/etc/cron.d/alertbridge, a flush every minute
                   (then omd reload crontab); not needed: the retrier does it
  iLert 1.x users: install with --name ilert_check_mk.sh --force (the 1.x script's
  name, so the rules keep their method), keep the API key as the rule's only parameter
  (it goes to the same Nagios / Icinga alert source), and remove the 1.x cron job: the
  background retrier retries without it.

Where it sends: the rule says so, in one of four ways (told apart by the variables):
  alertbridge form              the method "alertbridge" of the package or install --form:
                                PARAMETER_ILERT_API_KEY, _ALERTOPS_WEBHOOK_URL (explicit or
                                from the password store, Checkmk 2.3-2.5), _ILERT_MODE,
                                _ILERT_PRIORITY, _ILERT_SUMMARY_HOST, _ILERT_SUMMARY_SERVICE,
                                _ILERT_RATE, _URL_PREFIX*, _PROXY_URL, _IGNORE_SSL, _SPOOL,
                                _MAX_AGE, _RETRIER, _TIMEOUT_REQUEST, _TIMEOUT_BUDGET; each
                                is read as the script parameter of the same meaning below
  iLert form (built-in method)  PARAMETER_ILERT_API_KEY in the form of any Checkmk
                                version 2.0-2.5, explicit or from the password store;
                                PARAMETER_ILERT_PRIORITY, _SUMMARY_HOST, _SUMMARY_SERVICE,
                                PARAMETER_IGNORE_SSL, PARAMETER_PROXY_URL,
                                PARAMETER_URL_PREFIX*; sent in checkmk mode
  AlertOps form                 PARAMETER_ALERTOPS_WEBHOOK_URL, PARAMETER_IGNORE_SSL,
                                PARAMETER_PROXY_URL
  Custom script parameters      one name=value per parameter (several destinations at
                                once are fine):
    ilert=KEY          iLert alert source API key (may be repeated)
    alertops=URL       AlertOps webhook URL https://notify.alertops.com/POSTAlert/KEY/NAME
                       (may be repeated)
    ilert_mode=MODE    checkmk (default): the context to iLert's Checkmk endpoint, as the
                       built-in method sends it, for alert sources of type Checkmk;
                       events: alertbridge's mapping to the Events API, for type API;
                       nagios: the XML of iLert's 1.x plug-in, for type Nagios / Icinga
                       (the default when the first parameter is a bare API key)
    ilert_priority=P   HIGH or LOW: overrides the alert source's priority
    url_prefix=URL     https://HOST/SITE/ for links to Checkmk in events and AlertOps alerts
    ilert_rate=N       send at most N requests per minute per iLert key (default 50,
                       iLert's limit); N/DURATION for another interval (5/10s); 0: off
    spool=on|off       queue what cannot be sent now (default on)
    spool_dir=DIR      the queue directory (absolute; flush then needs --spool-dir DIR)
    max_age=D          give up on queued requests after D (default 168h = 7 days); each
                       request keeps the max_age of its rule
    retrier=on|off     retry queued requests in the background (default on); off for
                       sites that run flush from cron
    ignore_ssl=yes     do not verify TLS certificates
    proxy=P            FROM_ENVIRONMENT (default), NO_PROXY, or http://[user:pw@]host:port
    timeout=D          time limit of one HTTP request (default 10s)
    budget=D           time limit of the run (default 30s)
  A first parameter without "=" is an iLert API key sent in nagios mode (iLert 1.x).
  In a bulk, spool, spool_dir, max_age, retrier, timeout and budget of the first
  notification apply to the whole run.
  An unknown name is a configuration error (exit 2) that gives the parameter's position
  and, if it looks like a name, its name; a bad value of a form names the field. Values
  are never printed (but for a mistyped word of up to six letters, such as a mode).
  Without PARAMETER_PROXY_URL or proxy=, HTTPS_PROXY/HTTP_PROXY/NO_PROXY apply.

What is sent:
  iLert gets PROBLEM, ACKNOWLEDGEMENT and RECOVERY; other types (FLAPPING*, DOWNTIME*,
  CUSTOM, ALERTHANDLER) are ignored, as iLert ignores them. AlertOps gets every type.

Queue:
  $ALERTBRIDGE_SPOOL_DIR, else $OMD_ROOT/var/alertbridge/spool in a site, else
  $XDG_STATE_HOME/alertbridge/spool, else $HOME/.local/state/alertbridge/spool, and only
  without a usable home $TMPDIR/alertbridge-<uid>/spool. Every queue directory is checked
  first (as OpenSSH checks ~/.ssh): it and everything in it must be yours and writable by
  you only, and every directory above it root's or yours and, if others may write to it,
  sticky (/tmp). A queue that fails is not used: the result line names the directory, the
  problem and the fix, and the notification is sent directly (exit 1 if that fails, so
  that Checkmk may retry).
  Every request is queued first, then the destination is flushed, so a new alert never
  overtakes an older one. Every run also delivers what earlier runs queued. What stays
  waiting is retried by a background retrier: one "checkmk-notify retrier" process per
  queue directory (ps -ef | grep 'checkmk-notify retrier'), started by the run, which
  retries after 5s, 15s, 30s and then every 60s, waits for holds and pacing, exits when
  nothing waits, and logs to $OMD_ROOT/var/log/alertbridge.log (outside a site:
  retrier.log in the queue directory; 1 MiB, then .1). "checkmk-notify flush" delivers
  by hand or from cron (install --cron).
    pending/<destination>/*.req   waiting (count: find DIR/pending -name '*.req' | wc -l)
    failed/<destination>/*.req    rejected or expired, with *.reason next to each
  Destinations are named ilert-<hash> / alertops-<hash> (no secrets in file names); flush
  delivers only those, so the webhook relay's "ilert" and "alertops" may share the directory.
  iLert keys are paced (ilert_rate, default 50 per minute): the rest waits, in order.
  After a 429 a destination is held for at least 10s; nothing more is sent to it meanwhile.

Exit codes (the last lines, one per destination, say what happened):
  0  sent, queued for later, ignored, or nothing to do (e.g. resolving a closed alert)
  1  a temporary failure that could not be queued (spool=off, or the queue is unusable
     or not trusted)
  2  rejected by the destination (moved to failed/), or a configuration error, or a
     missing NOTIFY_WHAT / NOTIFY_HOSTNAME / NOTIFY_NOTIFICATIONTYPE
  flush: 0 all delivered, 1 requests still waiting, 2 requests moved to failed/

Environment:
  ALERTBRIDGE_ILERT_URL     iLert base URL (default https://api.ilert.com)
  ALERTBRIDGE_ALERTOPS_URL  replaces scheme and host of AlertOps webhook URLs
  ALERTBRIDGE_SPOOL_DIR     the queue directory
  ALERTBRIDGE_RETRIER=off   start no background retrier (as --no-retrier)
`
