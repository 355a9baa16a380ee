package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
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

// printRequest shows a request as the sink's client would send it, with its secrets
// redacted: the method and URL, then the body (JSON indented).
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
	log.printf("%s: would send %s (%s %s)", display, req.Ref, hr.Method, shown)
	var body []byte
	if hr.Body != nil {
		body, _ = io.ReadAll(hr.Body)
	}
	if !strings.Contains(hr.Header.Get("Content-Type"), "json") {
		log.raw("    " + red.String(string(body)) + "\n")
		return
	}
	log.raw(red.String(indentJSON(body)) + "\n")
}

// indentJSON indents a JSON body by four spaces, for the dry run.
func indentJSON(b []byte) string {
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "    ", "  "); err != nil {
		return "    " + string(b)
	}
	return "    " + buf.String() // Indent prefixes every line but the first
}
