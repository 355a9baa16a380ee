package main

import (
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/ilert"
)

// newCheckmkClient returns the client of the Checkmk site's REST API. It tries each call
// once: the queue retries, in order, with backoff.
func newCheckmkClient(cfg config) (*checkmk.Client, error) {
	opts := []checkmk.Option{
		checkmk.WithUserAgent(userAgent),
		checkmk.WithProxy(http.ProxyFromEnvironment),
		checkmk.WithRequestTimeout(cfg.SendTimeout),
		checkmk.WithRetry(checkmk.RetryPolicy{MaxAttempts: 1}),
	}
	if cfg.CheckmkRoots != nil {
		opts = append(opts, checkmk.WithTLSConfig(&tls.Config{RootCAs: cfg.CheckmkRoots, MinVersion: tls.VersionTLS12}))
	}
	return checkmk.NewClient(cfg.CheckmkURL, cfg.CheckmkUser, checkmk.NewSecret(cfg.CheckmkSecret), opts...)
}

// ilertHandler is the handler of iLert's alert webhook: Basic credentials when configured,
// the events two-way sync acts on (accepted, comment added, resolved) passed to
// forwardILert, every other event type answered 200 and logged as ignored.
func (s *server) ilertHandler() (http.Handler, error) {
	opts := []ilert.AlertWebhookOption{
		ilert.WithWebhookMaxBodyBytes(s.cfg.ILertMaxBody),
		ilert.WithWebhookErrorHook(s.noteError),
		ilert.WithWebhookIgnoreHook(func(r *http.Request, w *ilert.AlertWebhook, reason error) {
			note(r.Context(), "source", sourceILert, "event", string(w.EventType), "alert_id", w.AlertID,
				"result", "ignored: "+reason.Error())
			s.met.ignored.inc(sourceILert)
		}),
	}
	if s.cfg.ILertWebhookUser != "" {
		opts = append(opts, ilert.WithWebhookBasicAuth(s.cfg.ILertWebhookUser, s.cfg.ILertWebhookPassword))
	}
	return ilert.NewAlertWebhookHandler(s.forwardILert, opts...)
}

// forwardILert maps an iLert event to its Checkmk action and queues it for the checkmk
// destination, unless the event asks for none, names a site the relay does not serve, or
// was queued before (iLert's retries, by ilert.AlertWebhook.IdempotencyKey): those are
// answered 2xx without a call. The answer comes once the call is delivered or durably
// queued, as for every webhook (see forward).
func (s *server) forwardILert(ctx context.Context, w *ilert.AlertWebhook) error {
	note(ctx, "source", sourceILert, "event", string(w.EventType), "alert_id", w.AlertID, "alert_key", w.AlertKey)
	a, err := checkmk.FromILertWebhook(w, checkmk.ILertWebhookOptions{
		RemoveAckOnResolve: s.cfg.RemoveAckOnResolve,
		Notify:             s.cfg.AckNotify,
		Persistent:         s.cfg.Persistent,
		AlertURLTemplate:   s.cfg.AlertURLTemplate,
		AlertSourceIDs:     s.cfg.AlertSourceIDs,
	})
	if errors.Is(err, checkmk.ErrSkip) {
		if errors.Is(err, checkmk.ErrNotEventsModeKey) || errors.Is(err, checkmk.ErrHashedAlertKey) {
			loud(ctx) // the alert action is attached to an alert source two-way sync cannot serve
		}
		return s.ignore(ctx, strings.TrimPrefix(err.Error(), checkmk.ErrSkip.Error()+": "))
	}
	if err != nil {
		return err
	}
	if !slices.Contains(s.cfg.CheckmkSites, a.Site) {
		loud(ctx)
		site := a.Site
		if site == "" {
			site = `"" (the notifier ran outside a site)`
		}
		return s.ignore(ctx, "site "+site+" is not served: the relay acts for "+strings.Join(s.cfg.CheckmkSites, ", ")+
			" (add it with -checkmk-sites if the URL's site acts for it)")
	}
	note(ctx, "action", string(a.Kind), "object", a.Object())
	seen, finish, err := s.seen.begin(ctx, a.IdempotencyKey)
	if err != nil {
		return err
	}
	if seen {
		note(ctx, "result", "duplicate: already queued")
		s.met.duplicates.inc(sourceILert)
		return nil
	}
	// A call rejected within the wait is not recorded: a retry is answered 422 again.
	err = s.forward(ctx, sourceILert, []outgoing{{s.checkmk, delivery.Checkmk(a)}})
	if ferr := finish(err == nil); ferr != nil {
		// The call is queued; only a retry of this webhook would be queued again.
		s.log.Warn("iLert webhook queued, but not recorded as seen: a retry of it would be queued again",
			"alert_id", w.AlertID, "err", s.red.String(ferr.Error()))
	}
	return err
}

// ignore notes why a webhook is answered 2xx without anything queued.
func (s *server) ignore(ctx context.Context, reason string) error {
	note(ctx, "result", "ignored: "+reason)
	s.met.ignored.inc(sourceILert)
	return nil
}
