package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"
)

func TestNewClientDoesNotFollowRedirects(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			t.Error("the redirect was followed")
		}
		http.Redirect(w, r, "/moved", http.StatusFound)
	}))
	t.Cleanup(srv.Close)
	c := NewClient(nil, 0)
	if c.Timeout != DefaultTimeout {
		t.Errorf("Timeout = %v, want %v", c.Timeout, DefaultTimeout)
	}
	resp, err := c.Post(srv.URL+"/api/events", "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Errorf("status %d, want the 302 itself", resp.StatusCode)
	}
}

func TestNewTransportProxyAndTLS(t *testing.T) {
	t.Parallel()
	if tr := NewTransport(TransportOptions{}); tr.Proxy != nil {
		t.Error("default transport has a proxy func: the environment must not be read implicitly")
	}

	// A "proxy" that answers itself: a request reaching it proves the proxy func was used.
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Host != "destination.invalid" {
			t.Errorf("proxy got request for %q, want the absolute URL of the destination", r.URL)
		}
		w.WriteHeader(http.StatusTeapot)
	}))
	t.Cleanup(proxy.Close)
	pu, _ := url.Parse(proxy.URL)
	c := NewClient(NewTransport(TransportOptions{Proxy: http.ProxyURL(pu)}), time.Second)
	resp, err := c.Get("http://destination.invalid/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTeapot {
		t.Errorf("status %d, want 418 from the proxy", resp.StatusCode)
	}

	// TLS settings are used (the test server's CA) and cloned.
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(tlsSrv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(tlsSrv.Certificate())
	cfg := &tls.Config{RootCAs: pool}
	tr := NewTransport(TransportOptions{TLSConfig: cfg})
	if tr.TLSClientConfig == cfg {
		t.Error("TLS config not cloned")
	}
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, tlsSrv.URL, nil)
	resp, err = NewClient(tr, time.Second).Do(req)
	if err != nil {
		t.Fatalf("GET with the server's CA: %v", err)
	}
	resp.Body.Close()
}
