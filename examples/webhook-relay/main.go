package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/alertbridge/alertbridge/examples/internal/environ"
	"github.com/alertbridge/alertbridge/internal/redact"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Environ(), os.Stdin, os.Stdout, os.Stderr))
}

// run is the program: parse the configuration, then serve until SIGINT or SIGTERM (or
// run the demo). It returns the exit code: 0 after a clean shutdown, 1 when the relay
// fails, 2 for a configuration error or a queue directory it cannot use. vars is the process environment in the form of
// os.Environ, as the Checkmk notifier's run takes it; the relay reads nothing from stdin.
func run(ctx context.Context, args, vars []string, _ io.Reader, stdout, stderr io.Writer) int {
	cfg, err := parseConfig(args, environ.Getenv(vars), stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "webhook-relay: %v\nRun webhook-relay -h for the flags.\n", err)
		return 2
	}
	lvl, _ := parseLogLevel(cfg.LogLevel) // validated
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: lvl}))
	for _, w := range cfg.Warnings {
		logger.Warn("configuration", "problem", w)
	}
	if cfg.Demo {
		if err := runDemo(ctx, cfg, logger, stdout); err != nil {
			fmt.Fprintf(stderr, "webhook-relay: demo: %v\n", err)
			return 1
		}
		return 0
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := serve(ctx, cfg, logger, nil); err != nil {
		msg := redactFor(cfg).String(err.Error())
		if qe, ok := errors.AsType[*queueError](err); ok {
			fmt.Fprintf(stderr, "webhook-relay: %s\nThe relay does not start without a queue it can trust: a webhook it could not queue would be lost. Fix the directory or choose another with -queue-dir (%s).\n",
				redactFor(cfg).String(qe.Error()), envName("queue-dir"))
			return 2
		}
		logger.Error("stopped", "err", msg)
		return 1
	}
	return 0
}

// serve runs the relay on cfg.Listen until ctx ends, then shuts down: it stops accepting
// connections, lets in-flight webhooks finish, makes a last delivery attempt and closes,
// all within cfg.ShutdownTimeout. If ready is not nil it is called with the listening
// address once the relay accepts connections.
func serve(ctx context.Context, cfg config, logger *slog.Logger, ready func(addr string)) error {
	s, err := newServer(ctx, cfg, logger)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		_ = s.close(context.Background())
		return err
	}
	hs := newHTTPServer(cfg, s, logger)
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	names := []string{}
	for _, d := range s.destinations() {
		names = append(names, d.name)
	}
	ilertPath := ""
	if s.checkmk != nil {
		ilertPath = cfg.ILertPath
	}
	logger.Info("listening", "addr", ln.Addr().String(), "healthchecks", cfg.HealthchecksPath,
		"level", cfg.LevelPath, "ilert", ilertPath, "destinations", names, "queue", s.queue.Dir())
	if ready != nil {
		ready(ln.Addr().String())
	}

	var serveErr error
	select {
	case <-ctx.Done():
		logger.Info("shutting down", "deadline", cfg.ShutdownTimeout)
	case serveErr = <-served:
	}
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		logger.Warn("requests cut short by the shutdown deadline", "err", err)
	}
	if err := s.close(sctx); err != nil {
		logger.Warn("shutdown", "err", err)
	}
	logger.Info("stopped")
	if errors.Is(serveErr, http.ErrServerClosed) {
		serveErr = nil
	}
	return serveErr
}

// newHTTPServer returns the relay's http.Server with the configured timeouts.
func newHTTPServer(cfg config, s *server, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      cfg.WriteTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// redactFor returns a redactor of every secret in cfg.
func redactFor(cfg config) *redact.Redactor { return redact.New(cfg.secrets()...) }
