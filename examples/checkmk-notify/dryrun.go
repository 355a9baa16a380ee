package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/alertbridge/alertbridge/alertops"
	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/examples/internal/delivery"
	"github.com/alertbridge/alertbridge/internal/redact"
)

// dryRunFlush lists the queued requests, secrets redacted, without sending or changing
// anything. It reads the request files (one JSON metadata line, then the payload).
func dryRunFlush(ctx context.Context, dir string, s *delivery.Sender, log *logger) checkmk.ExitCode {
	dests, _ := filepath.Glob(filepath.Join(dir, "pending", "*"))
	slices.Sort(dests)
	total := 0
	for _, d := range dests {
		if !ownQueue(filepath.Base(d)) {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(d, "*.req"))
		slices.Sort(files)
		display := displayForSpoolName(filepath.Base(d))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				log.warnf("%s: %v", display, err)
				continue
			}
			_, payload, ok := bytes.Cut(b, []byte("\n"))
			req, err := delivery.Decode(payload)
			if !ok || err != nil {
				log.warnf("%s: %s is unusable", display, filepath.Base(f))
				continue
			}
			total++
			printRequest(ctx, s, log, display, req)
		}
	}
	log.printf("dry run: %d queued request(s) in %s, nothing sent", total, dir)
	return checkmk.ExitSent
}

// secretMark stands for a secret in a dry run's output, at the place where the request
// carries it. It differs from redact.Placeholder ("[redacted]"), which some bodies carry
// as text (the context without secrets) and which is sent as it is.
const secretMark = "[secret]"

// printRequest shows a request as the sink's client would send it: the method and URL,
// how it goes out (proxy, TLS), the headers the client sets and the body (JSON indented).
// Only the secrets are replaced, by secretMark, and a line says which they are.
func printRequest(ctx context.Context, s *delivery.Sender, log *logger, display string, req delivery.Request) {
	red := redact.New(req.Secrets()...)
	hr, err := s.NewRequest(ctx, req)
	if err != nil {
		log.warnf("%s: would not send %s (%s)", display, req.Ref, red.String(err.Error()))
		return
	}
	shown := red.RawURL(hr.URL.String())
	if req.Sink == delivery.SinkAlertOps {
		shown = alertops.RedactWebhookURL(hr.URL.String())
	}
	shown = strings.ReplaceAll(shown, redact.Placeholder, secretMark)
	log.printf("%s: would send %s (%s %s)", display, req.Ref, hr.Method, shown)
	var body []byte
	if hr.Body != nil {
		body, _ = io.ReadAll(hr.Body)
	}
	route, proxyMarked := describeRoute(req.Transport)
	var b strings.Builder
	b.WriteString("    route: " + route + "\n")
	for _, k := range slices.Sorted(maps.Keys(hr.Header)) {
		for _, v := range hr.Header[k] {
			b.WriteString("    " + k + ": " + markSecrets(red, v) + "\n")
		}
	}
	text := markSecrets(red, string(body))
	if strings.Contains(hr.Header.Get("Content-Type"), "json") {
		text = markSecrets(red, indentJSON(body))
	} else {
		text = "    " + text
	}
	b.WriteString(text + "\n")
	var where []string
	key := "the API key"
	if req.Sink == delivery.SinkAlertOps {
		key = "the key of the webhook URL"
	}
	if strings.Contains(shown, secretMark) {
		where = append(where, key+" (in the URL)")
	}
	if strings.Contains(text, secretMark) {
		where = append(where, key+" (in the body)")
	}
	if proxyMarked {
		where = append(where, "the proxy's user and password")
	}
	if len(where) > 0 {
		b.WriteString("    " + secretMark + ": " + strings.Join(where, ", ") + "; everything else is sent as shown\n")
	}
	log.raw(b.String())
}

// describeRoute says how a request goes out: the proxy (credentials replaced by
// secretMark, reported by marked) and whether TLS certificates are verified.
func describeRoute(t *delivery.Transport) (route string, marked bool) {
	var tr delivery.Transport
	if t != nil {
		tr = *t
	}
	switch u, err := tr.ProxyURL(); {
	case err != nil:
		route = "an unusable proxy setting"
	case u != nil:
		if u.User != nil {
			u.User, marked = nil, true
			route = "through the proxy " + u.Scheme + "://" + secretMark + "@" + u.Host
		} else {
			route = "through the proxy " + u.Redacted()
		}
	case tr.Proxy == delivery.NoProxy:
		route = "directly, no proxy"
	default:
		route = "directly, or through the proxy of HTTPS_PROXY / HTTP_PROXY (unless NO_PROXY names the host)"
	}
	if tr.IgnoreSSL {
		route += "; TLS certificates not verified"
	}
	return route, marked
}

// markSecrets replaces the secrets in s by secretMark and keeps the text "[redacted]"
// that s already holds.
func markSecrets(red *redact.Redactor, s string) string {
	const keep = "\x00kept\x00"
	s = strings.ReplaceAll(s, redact.Placeholder, keep)
	s = strings.ReplaceAll(red.String(s), redact.Placeholder, secretMark)
	return strings.ReplaceAll(s, keep, redact.Placeholder)
}

// indentJSON indents a JSON body by four spaces, for the dry run.
func indentJSON(b []byte) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "    ", "  "); err != nil {
		return "    " + string(b)
	}
	return "    " + buf.String() // Indent prefixes every line but the first
}
