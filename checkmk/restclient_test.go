package checkmk_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alertbridge/alertbridge/checkmk"
	"github.com/alertbridge/alertbridge/checkmk/checkmktest"
	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

// noWait retries at once: the tests check what is retried, not how long it waits.
var noWait = checkmk.WithRetry(checkmk.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Nanosecond, MaxDelay: time.Nanosecond})

// waits records the retry waits instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waits) got() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

// newRESTClientWaits returns a client for srv whose retry waits are recorded, with zero
// jitter.
func newRESTClientWaits(t *testing.T, srv *checkmktest.Server, opts ...checkmk.Option) (*checkmk.Client, *waits) {
	t.Helper()
	c, err := checkmk.NewClient(srv.URL(), srv.User(), checkmk.NewSecret(srv.Secret()), append([]checkmk.Option{noWait}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	w := &waits{}
	checkmk.SetRESTRetryHooks(c, w.sleep, func() float64 { return 0 })
	return c, w
}

func newRESTClient(t *testing.T, srv *checkmktest.Server, opts ...checkmk.Option) *checkmk.Client {
	t.Helper()
	c, _ := newRESTClientWaits(t, srv, opts...)
	return c
}

// fakeSite is a fake Checkmk with one problem host, one problem service and OK objects.
func fakeSite(t *testing.T, opts ...checkmktest.Option) *checkmktest.Server {
	t.Helper()
	srv := checkmktest.NewServer(t, opts...)
	srv.AddHost("db02", checkmk.HostDown)
	srv.AddHost("web01", checkmk.HostUp)
	srv.AddService("web01", "Filesystem /var", checkmk.ServiceCritical)
	srv.AddService("web01", "CPU load", checkmk.ServiceOK)
	return srv
}

func TestNewClientBaseURL(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://cmk.example.com/prod/":                    "https://cmk.example.com/prod/check_mk/api/1.0",
		"https://cmk.example.com/prod":                     "https://cmk.example.com/prod/check_mk/api/1.0",
		"https://cmk.example.com/prod/check_mk/":           "https://cmk.example.com/prod/check_mk/api/1.0",
		"https://cmk.example.com/prod/check_mk/api/1.0":    "https://cmk.example.com/prod/check_mk/api/1.0",
		"https://cmk.example.com/prod/check_mk/api/1.0/":   "https://cmk.example.com/prod/check_mk/api/1.0",
		"http://10.0.0.5:5000/cmk/":                        "http://10.0.0.5:5000/cmk/check_mk/api/1.0",
		" https://cmk.example.com/a/b/prod/ ":              "https://cmk.example.com/a/b/prod/check_mk/api/1.0",
		"https://cmk.example.com/prod%20site/check_mk/api": "https://cmk.example.com/prod%20site/check_mk/api/check_mk/api/1.0",
	} {
		c, err := checkmk.NewClient(in, "automation", checkmk.NewSecret("s"))
		if err != nil {
			t.Errorf("NewClient(%q): %v", in, err)
			continue
		}
		if c.APIURL() != want {
			t.Errorf("NewClient(%q).APIURL() = %q, want %q", in, c.APIURL(), want)
		}
	}
}

func TestNewClientRejects(t *testing.T) {
	t.Parallel()
	const secret = "automation-secret-123"
	tests := map[string]struct {
		url, user, secret string
		opts              []checkmk.Option
		want              string
	}{
		"no site":            {"https://cmk.example.com/", "automation", secret, nil, "must name the site"},
		"api path only":      {"https://cmk.example.com/check_mk/api/1.0", "automation", secret, nil, "must name the site"},
		"ftp":                {"ftp://cmk.example.com/prod/", "automation", secret, nil, "not http or https"},
		"no host":            {"https:///prod/", "automation", secret, nil, "no host"},
		"userinfo":           {"https://automation:" + secret + "@cmk.example.com/prod/", "automation", secret, nil, "user information"},
		"query":              {"https://cmk.example.com/prod/?x=1", "automation", secret, nil, "query"},
		"fragment":           {"https://cmk.example.com/prod/#x", "automation", secret, nil, "query or fragment"},
		"not a URL":          {"http://[::1%zz/prod", "automation", secret, nil, "does not parse"},
		"empty user":         {"https://cmk/prod/", "", secret, nil, "automation user"},
		"user with space":    {"https://cmk/prod/", "auto mation", secret, nil, "automation user"},
		"empty secret":       {"https://cmk/prod/", "automation", "", nil, "secret"},
		"two-line secret":    {"https://cmk/prod/", "automation", secret + "\nX: y", nil, "secret"},
		"nil doer":           {"https://cmk/prod/", "automation", secret, []checkmk.Option{checkmk.WithHTTPClient(nil)}, "HTTP client"},
		"doer and proxy":     {"https://cmk/prod/", "automation", secret, []checkmk.Option{checkmk.WithHTTPClient(http.DefaultClient), checkmk.WithProxy(http.ProxyFromEnvironment)}, "cannot be combined"},
		"negative attempts":  {"https://cmk/prod/", "automation", secret, []checkmk.Option{checkmk.WithRetry(checkmk.RetryPolicy{MaxAttempts: -1})}, "MaxAttempts"},
		"zero timeout":       {"https://cmk/prod/", "automation", secret, []checkmk.Option{checkmk.WithRequestTimeout(0)}, "timeout"},
		"blank user agent":   {"https://cmk/prod/", "automation", secret, []checkmk.Option{checkmk.WithUserAgent(" ")}, "user agent"},
		"nil TLS config":     {"https://cmk/prod/", "automation", secret, []checkmk.Option{checkmk.WithTLSConfig(nil)}, "TLS"},
		"several at once":    {"ftp://x/", "", "", nil, "automation user"},
		"nil proxy function": {"https://cmk/prod/", "automation", secret, []checkmk.Option{checkmk.WithProxy(nil)}, "proxy"},
	}
	for name, tt := range tests {
		_, err := checkmk.NewClient(tt.url, tt.user, checkmk.NewSecret(tt.secret), tt.opts...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one containing %q", name, err, tt.want)
			continue
		}
		testutil.AssertNoSecret(t, name+" error", err.Error(), secret)
	}
}

// TestRESTCallsSucceed runs every call against the fake and checks what Checkmk received.
func TestRESTCallsSucceed(t *testing.T) {
	t.Parallel()
	srv := fakeSite(t)
	c := newRESTClient(t, srv)
	ctx := context.Background()
	expire := time.Date(2030, 5, 20, 7, 30, 0, 0, time.FixedZone("CEST", 2*3600))

	ack := checkmk.NewAcknowledgement("Accepted in iLert by Jane Doe")
	steps := []struct {
		name     string
		call     func() (*checkmk.Result, error)
		path     string
		wantBody map[string]any
	}{
		{"ack host", func() (*checkmk.Result, error) { return c.AcknowledgeHost(ctx, "db02", ack) },
			"/domain-types/acknowledge/collections/host",
			map[string]any{"acknowledge_type": "host", "host_name": "db02", "comment": "Accepted in iLert by Jane Doe",
				"sticky": true, "persistent": false, "notify": false}},
		{"ack service with expiry", func() (*checkmk.Result, error) {
			a := ack
			a.ExpireOn, a.Persistent, a.Notify, a.Sticky = expire, true, true, false
			return c.AcknowledgeService(ctx, "web01", "Filesystem /var", a)
		}, "/domain-types/acknowledge/collections/service",
			map[string]any{"acknowledge_type": "service", "host_name": "web01", "service_description": "Filesystem /var",
				"comment": "Accepted in iLert by Jane Doe", "sticky": false, "persistent": true, "notify": true,
				"expire_on": "2030-05-20T05:30:00Z"}},
		{"remove host ack", func() (*checkmk.Result, error) { return c.RemoveHostAcknowledgement(ctx, "db02") },
			"/domain-types/acknowledge/actions/delete/invoke", map[string]any{"acknowledge_type": "host", "host_name": "db02"}},
		{"remove service ack", func() (*checkmk.Result, error) {
			return c.RemoveServiceAcknowledgement(ctx, "web01", "Filesystem /var")
		}, "/domain-types/acknowledge/actions/delete/invoke",
			map[string]any{"acknowledge_type": "service", "host_name": "web01", "service_description": "Filesystem /var"}},
		{"host comment", func() (*checkmk.Result, error) {
			return c.AddHostComment(ctx, "web01", checkmk.Comment{Text: "line one\nline two", Persistent: true})
		}, "/domain-types/comment/collections/host",
			map[string]any{"comment_type": "host", "host_name": "web01", "comment": "line one line two", "persistent": true}},
		{"service comment", func() (*checkmk.Result, error) {
			return c.AddServiceComment(ctx, "web01", "Filesystem /var", checkmk.Comment{Text: "Rotating logs"})
		}, "/domain-types/comment/collections/service",
			map[string]any{"comment_type": "service", "host_name": "web01", "service_description": "Filesystem /var",
				"comment": "Rotating logs", "persistent": false}},
	}
	for i, st := range steps {
		res, err := st.call()
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if res.StatusCode != http.StatusNoContent || res.Attempts != 1 {
			t.Errorf("%s: result %+v, want 204 after 1 attempt", st.name, res)
		}
		r := srv.Requests()[i]
		if r.Method != "POST" || r.Path != "/cmk/check_mk/api/1.0"+st.path {
			t.Errorf("%s: %s %s", st.name, r.Method, r.Path)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer "+checkmktest.DefaultUser+" "+checkmktest.DefaultSecret {
			t.Errorf("%s: Authorization %q", st.name, got)
		}
		if r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Accept") != "application/json" ||
			r.Header.Get("User-Agent") != checkmk.DefaultRESTUserAgent {
			t.Errorf("%s: headers %v", st.name, r.Header)
		}
		var body map[string]any
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(st.wantBody, body); diff != "" {
			t.Errorf("%s: body (-want +got):\n%s", st.name, diff)
		}
	}
	wantAcks := []checkmktest.Acknowledgement{
		{Host: "db02", Comment: "Accepted in iLert by Jane Doe", Sticky: true, User: "automation"},
		{Host: "web01", Service: "Filesystem /var", Comment: "Accepted in iLert by Jane Doe", Persistent: true, Notify: true,
			ExpireOn: time.Date(2030, 5, 20, 5, 30, 0, 0, time.UTC), User: "automation"},
	}
	if diff := cmp.Diff(wantAcks, srv.Acknowledgements()); diff != "" {
		t.Errorf("acknowledgements (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]checkmktest.Removal{{Host: "db02", Removed: true}, {Host: "web01", Service: "Filesystem /var", Removed: true}},
		srv.Removals()); diff != "" {
		t.Errorf("removals (-want +got):\n%s", diff)
	}
	if srv.Acknowledged("db02", "") || srv.Acknowledged("web01", "Filesystem /var") {
		t.Error("acknowledgements still set after removal")
	}
	if n := len(srv.Comments()); n != 2 {
		t.Errorf("%d comments, want 2", n)
	}
}

func TestListComments(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 10, 17, 10, 45, 12, 0, time.UTC)
	srv := checkmktest.NewServer(t, checkmktest.WithClock(func() time.Time { return now }), checkmktest.WithSite("prod"))
	srv.AddService("web01", "Filesystem /var", checkmk.ServiceCritical)
	c := newRESTClient(t, srv)
	ctx := context.Background()
	if _, err := c.AddHostComment(ctx, "web01", checkmk.Comment{Text: "host note"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddServiceComment(ctx, "web01", "Filesystem /var", checkmk.Comment{Text: "svc note", Persistent: true}); err != nil {
		t.Fatal(err)
	}
	got, err := c.ListComments(ctx, checkmk.CommentFilter{Collection: checkmk.CommentsService, HostName: "web01",
		ServiceDescription: "Filesystem /var", SiteID: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	want := []checkmk.CommentEntry{{ID: 2, SiteID: "prod", Host: "web01", Service: "Filesystem /var", IsService: true,
		Author: "automation", Text: "svc note", Persistent: true, EntryTime: now}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("comments (-want +got):\n%s", diff)
	}
	last := srv.Requests()[len(srv.Requests())-1]
	if last.Path != "/prod/check_mk/api/1.0/domain-types/comment/collections/service" ||
		last.Query != "host_name=web01&service_description=Filesystem+%2Fvar&site_id=prod" {
		t.Errorf("request %s ? %s", last.Path, last.Query)
	}
	all, err := c.ListComments(ctx, checkmk.CommentFilter{})
	if err != nil || len(all) != 2 {
		t.Fatalf("all comments: %v, %v", all, err)
	}
	if srv.Requests()[len(srv.Requests())-1].Query != "" {
		t.Error("an empty filter sent query parameters")
	}
	if _, err := c.ListComments(ctx, checkmk.CommentFilter{Collection: "hosts"}); !errors.Is(err, checkmk.ErrInvalidRequest) {
		t.Errorf("bad collection: %v", err)
	}
	_, err = c.ListComments(ctx, checkmk.CommentFilter{SiteID: "other"})
	if apiErr := asAPIError(t, err); apiErr.StatusCode != 400 || !apiErr.Permanent() {
		t.Errorf("unknown site: %v", err)
	}
}

func asAPIError(t *testing.T, err error) *checkmk.APIError {
	t.Helper()
	var e *checkmk.APIError
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *APIError", err, err)
	}
	return e
}

// classes is the expected classification of an *APIError.
type classes struct{ retryable, permanent, benign, rateLimited bool }

func (want classes) check(t *testing.T, e *checkmk.APIError) {
	t.Helper()
	got := classes{e.Retryable(), e.Permanent(), e.Benign(), e.RateLimited()}
	if got != want {
		t.Errorf("classes of %v: %+v, want %+v", e, got, want)
	}
}

// TestRESTErrorClasses covers every error class for every call: 400, 401, 403, 422 (benign
// for acknowledgements only), 5xx (retryable), transport errors, invalid input.
func TestRESTErrorClasses(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ack := checkmk.NewAcknowledgement("on it")
	type call func(c *checkmk.Client) (*checkmk.Result, error)
	calls := map[string]call{
		"AcknowledgeHost": func(c *checkmk.Client) (*checkmk.Result, error) { return c.AcknowledgeHost(ctx, "db02", ack) },
		"AcknowledgeService": func(c *checkmk.Client) (*checkmk.Result, error) {
			return c.AcknowledgeService(ctx, "web01", "Filesystem /var", ack)
		},
		"RemoveHostAcknowledgement": func(c *checkmk.Client) (*checkmk.Result, error) {
			return c.RemoveHostAcknowledgement(ctx, "db02")
		},
		"RemoveServiceAcknowledgement": func(c *checkmk.Client) (*checkmk.Result, error) {
			return c.RemoveServiceAcknowledgement(ctx, "web01", "Filesystem /var")
		},
		"AddHostComment": func(c *checkmk.Client) (*checkmk.Result, error) {
			return c.AddHostComment(ctx, "web01", checkmk.Comment{Text: "x"})
		},
		"AddServiceComment": func(c *checkmk.Client) (*checkmk.Result, error) {
			return c.AddServiceComment(ctx, "web01", "Filesystem /var", checkmk.Comment{Text: "x"})
		},
		"ListComments": func(c *checkmk.Client) (*checkmk.Result, error) {
			_, err := c.ListComments(ctx, checkmk.CommentFilter{})
			return nil, err
		},
	}
	isAck := func(name string) bool { return strings.HasPrefix(name, "Acknowledge") }
	for name, do := range calls {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			t.Run("401 wrong secret", func(t *testing.T) {
				t.Parallel()
				srv := fakeSite(t)
				c, err := checkmk.NewClient(srv.URL(), srv.User(), checkmk.NewSecret("wrong-secret-value"), noWait)
				if err != nil {
					t.Fatal(err)
				}
				_, err = do(c)
				e := asAPIError(t, err)
				if e.StatusCode != 401 || e.Title != "You need to be authenticated to use the REST API." || e.Attempts != 1 {
					t.Errorf("error %+v", e)
				}
				classes{permanent: true}.check(t, e)
				testutil.AssertNoSecret(t, "error", err.Error(), "wrong-secret-value")
			})
			t.Run("403 permission", func(t *testing.T) {
				t.Parallel()
				srv := fakeSite(t, checkmktest.DenyPermission(checkmktest.PermAcknowledge), checkmktest.DenyPermission(checkmktest.PermAddComment))
				_, err := do(newRESTClient(t, srv))
				if name == "ListComments" {
					if err != nil {
						t.Errorf("listing comments needs no action permission: %v", err)
					}
					return
				}
				e := asAPIError(t, err)
				if e.StatusCode != 403 || !strings.Contains(e.Detail, "lack the permission") {
					t.Errorf("error %+v", e)
				}
				classes{permanent: true}.check(t, e)
			})
			t.Run("5xx retried then retryable", func(t *testing.T) {
				t.Parallel()
				srv := fakeSite(t)
				srv.FailNext(3, checkmktest.Failure{Status: 503, Header: http.Header{"Retry-After": {"7"}}})
				c, w := newRESTClientWaits(t, srv)
				_, err := do(c)
				e := asAPIError(t, err)
				if e.StatusCode != 503 || e.Attempts != 3 || e.RetryAfter() != 7*time.Second {
					t.Errorf("error %+v (RetryAfter %v)", e, e.RetryAfter())
				}
				if diff := cmp.Diff([]time.Duration{7 * time.Second, 7 * time.Second}, w.got()); diff != "" {
					t.Errorf("waits (-want +got):\n%s", diff)
				}
				classes{retryable: true}.check(t, e)
				if n := len(srv.Requests()); n != 3 {
					t.Errorf("%d requests, want 3", n)
				}
			})
			t.Run("5xx then success", func(t *testing.T) {
				t.Parallel()
				srv := fakeSite(t)
				srv.FailNext(1, checkmktest.Failure{Status: 502, Body: "<html>Bad Gateway</html>"})
				if _, err := do(newRESTClient(t, srv)); err != nil {
					t.Errorf("after one 502: %v", err)
				}
			})
			t.Run("429", func(t *testing.T) {
				t.Parallel()
				srv := fakeSite(t)
				srv.FailNext(3, checkmktest.Failure{Status: 429})
				_, err := do(newRESTClient(t, srv))
				classes{retryable: true, rateLimited: true}.check(t, asAPIError(t, err))
			})
			t.Run("transport error", func(t *testing.T) {
				t.Parallel()
				srv := fakeSite(t)
				srv.FailNext(3, checkmktest.Failure{Reset: true})
				_, err := do(newRESTClient(t, srv))
				e := asAPIError(t, err)
				if e.StatusCode != 0 || e.Err == nil || e.Attempts != 3 {
					t.Errorf("error %+v", e)
				}
				classes{retryable: true}.check(t, e)
				testutil.AssertNoSecret(t, "error", err.Error(), checkmktest.DefaultSecret)
			})
			t.Run("422", func(t *testing.T) {
				t.Parallel()
				srv := fakeSite(t)
				srv.FailNext(1, checkmktest.Failure{Status: 422, Title: "This service has no problem"})
				_, err := do(newRESTClient(t, srv))
				e := asAPIError(t, err)
				if isAck(name) {
					classes{benign: true}.check(t, e)
				} else {
					classes{permanent: true}.check(t, e)
				}
			})
			t.Run("canceled context", func(t *testing.T) {
				t.Parallel()
				srv := fakeSite(t)
				c := newRESTClient(t, srv)
				cctx, cancel := context.WithCancel(ctx)
				cancel()
				var err error
				switch name { // the calls above use ctx; repeat one with the canceled context
				case "ListComments":
					_, err = c.ListComments(cctx, checkmk.CommentFilter{})
				default:
					_, err = c.AddHostComment(cctx, "web01", checkmk.Comment{Text: "x"})
				}
				e := asAPIError(t, err)
				if !errors.Is(err, context.Canceled) {
					t.Errorf("error %v does not wrap context.Canceled", err)
				}
				classes{retryable: true}.check(t, e)
			})
		})
	}
}

// TestRESTAnswersOfCheckmk checks the fake's realistic answers as the client sees them.
func TestRESTAnswersOfCheckmk(t *testing.T) {
	t.Parallel()
	srv := fakeSite(t)
	c := newRESTClient(t, srv)
	ctx := context.Background()
	ack := checkmk.NewAcknowledgement("on it")
	tests := []struct {
		name    string
		call    func() error
		status  int
		classes classes
		text    string
	}{
		{"host without problem", func() error { _, err := c.AcknowledgeHost(ctx, "web01", ack); return err },
			422, classes{benign: true}, "Host 'web01' has no problem."},
		{"service without problem", func() error { _, err := c.AcknowledgeService(ctx, "web01", "CPU load", ack); return err },
			422, classes{benign: true}, "This service has no problem"},
		{"unknown host", func() error { _, err := c.AcknowledgeHost(ctx, "nope", ack); return err },
			400, classes{permanent: true}, "host_name"},
		{"unknown service", func() error { _, err := c.AcknowledgeService(ctx, "web01", "Nope", ack); return err },
			400, classes{permanent: true}, "Service not found"},
		{"comment on unknown host", func() error {
			_, err := c.AddHostComment(ctx, "nope", checkmk.Comment{Text: "x"})
			return err
		}, 400, classes{permanent: true}, "These fields have problems: host_name"},
	}
	for _, tt := range tests {
		err := tt.call()
		e := asAPIError(t, err)
		if e.StatusCode != tt.status || !strings.Contains(e.Error(), tt.text) {
			t.Errorf("%s: %v, want %d mentioning %q", tt.name, err, tt.status, tt.text)
		}
		tt.classes.check(t, e)
	}
	_, err := c.AcknowledgeHost(ctx, "nope", ack)
	if e := asAPIError(t, err); len(e.Fields["host_name"]) != 1 {
		t.Errorf("fields %v, want the host_name message", e.Fields)
	}
}

func TestRESTOlderCheckmk(t *testing.T) {
	t.Parallel()
	srv := fakeSite(t, checkmktest.WithoutAckRemoval())
	c := newRESTClient(t, srv)
	ctx := context.Background()
	_, err := c.RemoveHostAcknowledgement(ctx, "db02")
	e := asAPIError(t, err)
	if e.StatusCode != 404 || !strings.Contains(err.Error(), "needs Checkmk 2.4.0p6") {
		t.Errorf("remove on an older Checkmk: %v", err)
	}
	classes{permanent: true}.check(t, e)
	a := checkmk.NewAcknowledgement("on it")
	a.ExpireOn = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err = c.AcknowledgeHost(ctx, "db02", a)
	if e := asAPIError(t, err); e.StatusCode != 400 || !strings.Contains(err.Error(), "expiry needs Checkmk 2.4.0p6") {
		t.Errorf("expiry on an older Checkmk: %v", err)
	}
	if _, err := c.AcknowledgeHost(ctx, "db02", checkmk.NewAcknowledgement("on it")); err != nil {
		t.Errorf("an acknowledgement without expiry: %v", err)
	}
}

func TestRESTInvalidInputIsNotSent(t *testing.T) {
	t.Parallel()
	srv := fakeSite(t)
	c := newRESTClient(t, srv)
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"empty host":      func() error { _, err := c.AcknowledgeHost(ctx, " ", checkmk.NewAcknowledgement("x")); return err },
		"newline in host": func() error { _, err := c.AddHostComment(ctx, "a\nb", checkmk.Comment{Text: "x"}); return err },
		"empty service": func() error {
			_, err := c.AcknowledgeService(ctx, "web01", "", checkmk.NewAcknowledgement("x"))
			return err
		},
		"control in svc":    func() error { _, err := c.RemoveServiceAcknowledgement(ctx, "web01", "a\x00b"); return err },
		"empty ack comment": func() error { _, err := c.AcknowledgeHost(ctx, "db02", checkmk.NewAcknowledgement(" \n ")); return err },
		"empty comment":     func() error { _, err := c.AddServiceComment(ctx, "web01", "x", checkmk.Comment{}); return err },
		"empty remove host": func() error { _, err := c.RemoveHostAcknowledgement(ctx, ""); return err },
	} {
		err := call()
		if !errors.Is(err, checkmk.ErrInvalidRequest) {
			t.Errorf("%s: %v, want ErrInvalidRequest", name, err)
			continue
		}
		classes{permanent: true}.check(t, asAPIError(t, err))
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// TestRESTSecretNeverInErrors makes the server echo the secret and checks every error.
func TestRESTSecretNeverInErrors(t *testing.T) {
	t.Parallel()
	const secret = "Sup3r-Secret-Automation-Key"
	srv := fakeSite(t, checkmktest.WithCredentials("automation", secret))
	c := newRESTClient(t, srv)
	echo := fmt.Sprintf(`{"title":"proxy says %s","status":400,"detail":"Bearer automation %s","fields":{"%s":["%s"]}}`,
		secret, secret, secret, secret)
	srv.FailNext(1, checkmktest.Failure{Status: 400, Body: echo})
	_, err := c.AcknowledgeHost(context.Background(), "db02", checkmk.NewAcknowledgement("x"))
	e := asAPIError(t, err)
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", *e), e.Body, e.Title, e.Detail, fmt.Sprint(e.Fields)} {
		testutil.AssertNoSecret(t, "error", s, secret)
	}
	// Without an answer: the cause names the URL, never the header.
	dead, err := checkmk.NewClient("http://"+closedAddr(t)+"/cmk/", "automation", checkmk.NewSecret(secret), noWait)
	if err != nil {
		t.Fatal(err)
	}
	_, err = dead.AcknowledgeHost(context.Background(), "db02", checkmk.NewAcknowledgement("x"))
	classes{retryable: true}.check(t, asAPIError(t, err))
	testutil.AssertNoSecret(t, "transport error", fmt.Sprintf("%+v", err), secret)
}

// closedAddr returns a loopback address nobody listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// doerFunc adapts a function to checkmk.Doer.
type doerFunc func(*http.Request) (*http.Response, error)

func (f doerFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

func TestRESTWithHTTPClientAndUserAgent(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	d := doerFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, r.Method+" "+r.URL.String()+" "+r.Header.Get("User-Agent"))
		return &http.Response{StatusCode: 204, Header: http.Header{}, Body: http.NoBody}, nil
	})
	c, err := checkmk.NewClient("https://cmk.example.com/prod/", "automation", checkmk.NewSecret("s"),
		checkmk.WithHTTPClient(d), checkmk.WithUserAgent("relay/1.0"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.RemoveHostAcknowledgement(context.Background(), "db02"); err != nil {
		t.Fatal(err)
	}
	want := []string{"POST https://cmk.example.com/prod/check_mk/api/1.0/domain-types/acknowledge/actions/delete/invoke relay/1.0"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if c.User() != "automation" {
		t.Errorf("User() = %q", c.User())
	}
}

func TestRESTRequestTimeoutRetriesSlowAttempts(t *testing.T) {
	t.Parallel()
	srv := fakeSite(t)
	srv.FailNext(1, checkmktest.Failure{Status: 204, Delay: time.Minute})
	c := newRESTClient(t, srv, checkmk.WithRequestTimeout(2*time.Second)) // the slow attempt times out; the next one has time even on a loaded machine
	res, err := c.AddHostComment(context.Background(), "web01", checkmk.Comment{Text: "x"})
	if err != nil || res.Attempts != 2 {
		t.Fatalf("AddHostComment = %+v, %v; want success on the second attempt", res, err)
	}
}

func TestListCommentsUndecodableAnswer(t *testing.T) {
	t.Parallel()
	srv := fakeSite(t)
	srv.FailNext(1, checkmktest.Failure{Status: 200, Body: "<html>login page</html>"})
	_, err := newRESTClient(t, srv).ListComments(context.Background(), checkmk.CommentFilter{})
	e := asAPIError(t, err)
	if !strings.Contains(err.Error(), "decoding the answer") || !strings.HasSuffix(e.URL, "/domain-types/comment/collections/all") {
		t.Errorf("error %v (URL %s)", err, e.URL)
	}
	classes{permanent: true}.check(t, e)
}
