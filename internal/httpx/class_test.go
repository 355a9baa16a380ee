package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/internal/testutil"
)

// TestClassifyStatusEveryConstant maps every status constant of net/http to its class.
func TestClassifyStatusEveryConstant(t *testing.T) {
	t.Parallel()
	P, R, S := ClassPermanent, ClassRetryable, ClassSuccess
	want := map[int]Class{
		http.StatusContinue:           P,
		http.StatusSwitchingProtocols: P,
		http.StatusProcessing:         P,
		http.StatusEarlyHints:         P,

		http.StatusOK:                   S,
		http.StatusCreated:              S,
		http.StatusAccepted:             S,
		http.StatusNonAuthoritativeInfo: S,
		http.StatusNoContent:            S,
		http.StatusResetContent:         S,
		http.StatusPartialContent:       S,
		http.StatusMultiStatus:          S,
		http.StatusAlreadyReported:      S,
		http.StatusIMUsed:               S,

		http.StatusMultipleChoices:   P,
		http.StatusMovedPermanently:  P,
		http.StatusFound:             P,
		http.StatusSeeOther:          P,
		http.StatusNotModified:       P,
		http.StatusUseProxy:          P,
		http.StatusTemporaryRedirect: P,
		http.StatusPermanentRedirect: P,

		http.StatusBadRequest:                   P,
		http.StatusUnauthorized:                 P,
		http.StatusPaymentRequired:              P,
		http.StatusForbidden:                    P,
		http.StatusNotFound:                     P,
		http.StatusMethodNotAllowed:             P,
		http.StatusNotAcceptable:                P,
		http.StatusProxyAuthRequired:            P,
		http.StatusRequestTimeout:               R,
		http.StatusConflict:                     P,
		http.StatusGone:                         P,
		http.StatusLengthRequired:               P,
		http.StatusPreconditionFailed:           P,
		http.StatusRequestEntityTooLarge:        P,
		http.StatusRequestURITooLong:            P,
		http.StatusUnsupportedMediaType:         P,
		http.StatusRequestedRangeNotSatisfiable: P,
		http.StatusExpectationFailed:            P,
		http.StatusTeapot:                       P,
		http.StatusMisdirectedRequest:           P,
		http.StatusUnprocessableEntity:          P,
		http.StatusLocked:                       P,
		http.StatusFailedDependency:             P,
		http.StatusTooEarly:                     P,
		http.StatusUpgradeRequired:              P,
		http.StatusPreconditionRequired:         P,
		http.StatusTooManyRequests:              R,
		http.StatusRequestHeaderFieldsTooLarge:  P,
		http.StatusUnavailableForLegalReasons:   P,

		http.StatusInternalServerError:           R,
		http.StatusNotImplemented:                P,
		http.StatusBadGateway:                    R,
		http.StatusServiceUnavailable:            R,
		http.StatusGatewayTimeout:                R,
		http.StatusHTTPVersionNotSupported:       R,
		http.StatusVariantAlsoNegotiates:         R,
		http.StatusInsufficientStorage:           R,
		http.StatusLoopDetected:                  R,
		http.StatusNotExtended:                   R,
		http.StatusNetworkAuthenticationRequired: R,

		// Not constants: the edges of the ranges.
		0: P, 99: P, 299: S, 599: R, 600: P,
	}
	// Every code net/http has a text for must be in the table above.
	for code := 100; code < 600; code++ {
		if http.StatusText(code) == "" {
			continue
		}
		if _, ok := want[code]; !ok {
			t.Errorf("status %d (%s) is missing from the table", code, http.StatusText(code))
		}
	}
	for code, class := range want {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			t.Parallel()
			if got := ClassifyStatus(code); got != class {
				t.Errorf("ClassifyStatus(%d %s) = %v, want %v", code, http.StatusText(code), got, class)
			}
		})
	}
}

func TestClassString(t *testing.T) {
	t.Parallel()
	for c, want := range map[Class]string{
		ClassSuccess: "success", ClassBenign: "benign", ClassRetryable: "retryable",
		ClassPermanent: "permanent", Class(42): "Class(42)",
	} {
		if got := c.String(); got != want {
			t.Errorf("Class(%d).String() = %q, want %q", int(c), got, want)
		}
	}
}

// invalidURL does not parse (a variable, so vet does not complain about the constant).
var invalidURL = "http://[::1%zz"

// realError performs a GET with client against rawURL and returns the transport error.
func realError(t *testing.T, client *http.Client, ctx context.Context, rawURL string) error {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("GET %s succeeded, want an error", rawURL)
	}
	return err
}

// closedPort returns a loopback address nobody listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// resetServer answers every request by resetting the connection.
func resetServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // close with RST
		}
		conn.Close()
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestClassifyError(t *testing.T) {
	t.Parallel()
	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshakes are the point
	tlsSrv.StartTLS()
	t.Cleanup(tlsSrv.Close)
	plainSrv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(plainSrv.Close)
	reset := resetServer(t)
	client := NewClient(nil, 5*time.Second)

	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithTimeout(context.Background(), -time.Second) // ended before it began
	defer cancel2()

	tests := []struct {
		name string
		err  func(t *testing.T) error
		want Class
	}{
		{"nil", func(*testing.T) error { return nil }, ClassSuccess},
		{"canceled context", func(t *testing.T) error {
			return realError(t, client, canceled, plainSrv.URL)
		}, ClassRetryable},
		{"deadline exceeded", func(t *testing.T) error {
			return realError(t, client, expired, plainSrv.URL)
		}, ClassRetryable},
		{"bare context.Canceled", func(*testing.T) error { return context.Canceled }, ClassRetryable},
		{"x509 unknown authority", func(t *testing.T) error {
			return realError(t, client, context.Background(), tlsSrv.URL)
		}, ClassPermanent},
		{"x509 expired certificate", func(t *testing.T) error {
			srv, roots, _ := testutil.ExpiredTLSServer(t, http.NotFoundHandler())
			c := NewClient(NewTransport(TransportOptions{TLSConfig: &tls.Config{RootCAs: roots}}), 5*time.Second)
			return realError(t, c, context.Background(), srv.URL)
		}, ClassRetryable},
		{"x509 not yet valid, wrapped", func(*testing.T) error {
			return &url.Error{Op: "Post", URL: "https://x", Err: &tls.CertificateVerificationError{
				Err: x509.CertificateInvalidError{Cert: &x509.Certificate{}, Reason: x509.Expired}}}
		}, ClassRetryable},
		{"x509 not a CA", func(*testing.T) error {
			return &url.Error{Op: "Post", URL: "https://x", Err: &tls.CertificateVerificationError{
				Err: x509.CertificateInvalidError{Cert: &x509.Certificate{}, Reason: x509.NotAuthorizedToSign}}}
		}, ClassPermanent},
		{"x509 hostname", func(*testing.T) error {
			return &url.Error{Op: "Get", URL: "https://x", Err: x509.HostnameError{Certificate: &x509.Certificate{}, Host: "x"}}
		}, ClassPermanent},
		{"tls to a plain server", func(t *testing.T) error {
			return realError(t, client, context.Background(), "https://"+plainSrv.Listener.Addr().String())
		}, ClassPermanent},
		{"tls record header", func(*testing.T) error { return tls.RecordHeaderError{Msg: "bad"} }, ClassPermanent},
		{"unsupported scheme", func(t *testing.T) error {
			return realError(t, client, context.Background(), "ftp://127.0.0.1/x")
		}, ClassPermanent},
		{"invalid URL", func(*testing.T) error {
			_, err := url.Parse(invalidURL)
			return err
		}, ClassPermanent},
		{"connection refused", func(t *testing.T) error {
			return realError(t, client, context.Background(), "http://"+closedPort(t))
		}, ClassRetryable},
		{"connection reset", func(t *testing.T) error {
			return realError(t, client, context.Background(), reset.URL)
		}, ClassRetryable},
		{"unexpected EOF", func(*testing.T) error {
			return &url.Error{Op: "Post", URL: "http://x", Err: io.ErrUnexpectedEOF}
		}, ClassRetryable},
		{"client timeout", func(*testing.T) error {
			return &url.Error{Op: "Post", URL: "http://x", Err: &net.OpError{Op: "dial", Err: errors.New("i/o timeout")}}
		}, ClassRetryable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.err(t)
			if got := ClassifyError(err); got != tt.want {
				t.Errorf("ClassifyError(%v) = %v, want %v", err, got, tt.want)
			}
		})
	}
}
