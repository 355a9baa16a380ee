// Command checkmk-notify is a Checkmk notification plug-in that sends notifications to
// iLert and AlertOps and keeps what it cannot send in a durable local queue, so that no
// alert is lost when a destination is down, rate limits or the process is killed.
//
// It replaces three plug-ins without changing the rules that use them: Checkmk's built-in
// iLert method (install the wrapper under the name "ilert"), iLert's 1.x Nagios/Checkmk
// plug-in (a bare API key as the first script parameter, sent as the 1.x XML to the same
// Nagios / Icinga alert source; no cron job needed) and the
// AlertOps plug-in (name "alertops"). It reads the rule parameters of each of them in the
// encodings of Checkmk 2.0 to 2.5, including API keys from the site's password store, its
// own custom-script parameters (ilert=<key>, alertops=<webhook URL>, ...) and the form of
// its own method "alertbridge", which the extension package brings. It tells the kind of
// rule by its variables and translates a form's fields into the script parameters of the
// same meaning, so that one parser reads them all; a configuration error names the
// parameter by its position (and its name, when it looks like one) or the form's field,
// and never shows a value.
//
// # Invocation
//
//	checkmk-notify                 one notification from the NOTIFY_* environment
//	checkmk-notify --bulk          a bulk notification from standard input
//	checkmk-notify flush           deliver what is queued (by hand, or from cron: install --cron)
//	checkmk-notify demo            loopback receivers, no account, no network
//	checkmk-notify mkp             build the extension package (MKP) for mkp add / enable
//	checkmk-notify install         write the wrapper script Checkmk runs (--form: and the form)
//	checkmk-notify help | version
//	checkmk-notify retrier --spool-dir DIR   the background retrier (runs and flush start it)
//
// -n (--dry-run) prints the requests exactly as the clients build them (route, headers,
// body), with [secret] where a key or password goes, and sends and queues nothing.
// "checkmk-notify help" documents every parameter, the queue layout and the exit codes.
//
// # Delivery
//
// Every request is queued first (package internal/spool; without a disk flush, which only
// a request that stays queued gets before the run reports it), then its destination is
// flushed: a new notification never overtakes an older queued one, and a run killed at any
// point loses nothing (at worst a request is delivered twice). Each run also delivers what
// earlier runs queued for other destinations, within its time budget (default 30 s, well
// under Checkmk's 60 s limit). After a 429 nothing more is sent to that destination in the
// run, and it is held for at least 10 s. Each iLert key is paced (ilert_rate, default 50
// per minute, iLert's limit): what is over the budget waits, in order. Each request keeps
// its rule's maximum age and rate.
//
// A run or flush that leaves requests waiting makes sure that a background retrier runs
// for the queue directory (retrier.go): one process per directory, detached, that retries
// each waiting destination after 5 s, 15 s, 30 s and then every 60 s, waits for holds and
// pacing, logs to the alertbridge log and exits when nothing waits (retrier=off,
// --no-retrier and ALERTBRIDGE_RETRIER=off turn it off).
//
// The queue directory (outside a site under the user's state directory) must pass the
// queue's trust check (spool.Open); one that does not is not used: the notification is
// sent directly and its result line says which directory, what is wrong and the fix.
//
// A queued request is self-contained (package examples/internal/delivery, the format the
// webhook relay queues too): the key or webhook URL, the iLert base URL, proxy and TLS
// setting travel with it, so "flush", which has no rule, sends it the way the rule said. The
// notifier's queue destinations are named "ilert-<hash>" and "alertops-<hash>" (12 hex
// digits of a SHA-256 of the key or URL), never "ilert" or "alertops", which are the
// relay's; each program flushes only its own, so both may use one directory. A queued
// request the notifier cannot read (another format version) moves to failed/ with the
// reason.
//
// The run ends with one result line per destination, such as
//
//	iLert: sent (202, PROBLEM web01/Filesystem /var)
//	AlertOps: queued (503 Service Unavailable; 3 waiting, retrying in the background)
//
// and exits 0 when everything was sent, queued, ignored or had nothing to do, 1 when a
// temporary failure could not be queued, and 2 for rejections, expired requests and
// configuration errors.
// Nothing it prints contains an API key, a webhook URL's key or proxy credentials.
package main
