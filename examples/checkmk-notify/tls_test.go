package main

import (
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/internal/testutil"
)

// TestExpiredCertificateIsQueued: a destination whose certificate has expired (or a clock
// that is wrong) is a failure time mends, not a rejection: the notification is queued, in
// order, for the retrier, and nothing goes to failed/. (A certificate nobody trusts is
// rejected: TestFormTLSVerification.)
func TestExpiredCertificateIsQueued(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	u, err := url.Parse(h.ilert.URL())
	if err != nil {
		t.Fatal(err)
	}
	front, _, certPEM := testutil.ExpiredTLSServer(t, httputil.NewSingleHostReverseProxy(u))
	certFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	env := h.iLertOnly(t, "host-down-problem.env")
	env = setEnv(env, envILertURL, front.URL)
	env = setEnv(env, "SSL_CERT_FILE", certFile) // the binary trusts the expired certificate
	r := runBinary(t, env, "", "--timeout", "2s", "--budget", "5s")
	if r.code != int(checkmk.ExitSent) || !strings.Contains(r.out, "iLert: queued (TLS certificate expired or not yet valid") {
		t.Errorf("exit %d, want %d (queued); output:\n%s", r.code, checkmk.ExitSent, r.out)
	}
	if n := countFiles(t, h.spool, "pending/*/*.req"); n != 1 {
		t.Errorf("%d requests queued, want 1", n)
	}
	if n := countFiles(t, h.spool, "failed/*/*.req"); n != 0 {
		t.Errorf("%d requests in failed/, want none", n)
	}
	if n := len(h.ilert.CheckmkEvents()); n != 0 {
		t.Errorf("the fake iLert behind the expired certificate got %d events", n)
	}
}
