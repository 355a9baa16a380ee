package checkmk

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const fixtureKey = "il1api0f3c2b9e0d4a4f61b2c8e5d7a9f0c1b3"

// fixtureNotification combines a full fixture with a parameter fixture, as Checkmk would
// hand them to the script together.
func fixtureNotification(tb testing.TB, full, params string) *Notification {
	tb.Helper()
	n, err := FromEnviron(append(readEnv(tb, full), readEnv(tb, params)...))
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestParameterFixtures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		params      string
		storeID     string // "" for an explicit key
		proxy       string
		ignoreSSL   bool
		prefix      string
		hostURL     string
		serviceHost string
		priority    string
	}{
		{
			params: "params-ilert-2.0-2.1", proxy: "http://proxy.example.com:3128", ignoreSSL: true,
			prefix: "https://cmk-central/prod", priority: "HIGH",
		},
		{
			params: "params-ilert-2.2-2.3", storeID: "ilert_prod", proxy: "environment",
			prefix: "https://cmk.example.com/prod", priority: "LOW",
		},
		{
			params: "params-ilert-2.4", proxy: "none", ignoreSSL: true,
			prefix: "https://cmk-central/prod", priority: "HIGH",
		},
		{
			params: "params-ilert-2.4-stored", storeID: "ilert_prod", proxy: "http://proxy.example.com:3128",
			prefix: "https://cmk.example.com/prod", priority: "HIGH",
		},
	}
	for _, tt := range tests {
		t.Run(tt.params, func(t *testing.T) {
			t.Parallel()
			n := fixtureNotification(t, "service-crit-problem", tt.params)
			p := n.Parameters()

			pw, err := p.Password("ILERT_API_KEY")
			if err != nil {
				t.Fatalf("Password: %v", err)
			}
			if pw.IsStored() != (tt.storeID != "") || pw.StoreID() != tt.storeID {
				t.Errorf("Password = %v, want store id %q", pw, tt.storeID)
			}
			if tt.storeID == "" {
				secret, ok := pw.Explicit()
				if !ok || secret.Reveal() != fixtureKey {
					t.Errorf("explicit key = %v (ok %v), want the fixture key", secret.Reveal() == fixtureKey, ok)
				}
			}

			proxy, err := p.Proxy()
			if err != nil {
				t.Fatal(err)
			}
			if proxy.String() != tt.proxy {
				t.Errorf("Proxy = %q, want %q", proxy, tt.proxy)
			}
			if p.IgnoreSSL() != tt.ignoreSSL || (p.TLSConfig() != nil) != tt.ignoreSSL {
				t.Errorf("IgnoreSSL = %v, TLSConfig %v; want %v", p.IgnoreSSL(), p.TLSConfig(), tt.ignoreSSL)
			}
			if tt.ignoreSSL && !p.TLSConfig().InsecureSkipVerify {
				t.Error("TLSConfig does not skip verification")
			}

			prefix, ok := n.URLPrefix()
			if !ok || prefix != tt.prefix {
				t.Errorf("URLPrefix = %q, %v; want %q", prefix, ok, tt.prefix)
			}
			hostURL, serviceURL := n.AbsoluteURLs(prefix)
			if want := tt.prefix + "/check_mk/index.py?start_url=view.py?view_name%3Dhoststatus%26host%3Dweb01%26site%3Dprod"; hostURL != want {
				t.Errorf("host URL %q, want %q", hostURL, want)
			}
			if want := tt.prefix + "/check_mk/index.py?start_url=view.py?view_name%3Dservice%26host%3Dweb01%26service%3DFilesystem%2B%252Fvar%26site%3Dprod"; serviceURL != want {
				t.Errorf("service URL %q, want %q", serviceURL, want)
			}
			if got, _ := p.Get("ILERT_PRIORITY"); got != tt.priority {
				t.Errorf("ILERT_PRIORITY = %q", got)
			}
			summary, _ := p.Get("ILERT_SUMMARY_SERVICE")
			if got, want := n.ExpandMacros(summary), "PROBLEM Service Alert: web01.example.com/Filesystem /var is CRITICAL - Used: 97.12% - 48.6 GiB of 50.0 GiB (warn/crit at 80.00%/90.00% used)(!!)"; got != want {
				t.Errorf("summary %q, want %q", got, want)
			}
			// The custom-script list of the full fixture is there too.
			if list := p.List(); len(list) != 2 || !strings.HasPrefix(list[0], "ilert=") {
				t.Errorf("List = %d items", len(list))
			}
		})
	}
}

func TestPasswordForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		ctx       map[string]string
		secret    string
		storeID   string
		errName   string // variable an error must name
		errMatch  error
		wantShown string // a marker word the error quotes
		notShown  string // a value the error must not show
	}{
		{name: "2.0 explicit", ctx: map[string]string{"PARAMETER_K": "ilert_api_key\tabc"}, secret: "abc"},
		{name: "2.0 explicit with spaces", ctx: map[string]string{"PARAMETER_K": "password\ta b\tc"}, secret: "a b\tc"},
		{name: "2.0 store", ctx: map[string]string{"PARAMETER_K": "store\tid1"}, storeID: "id1"},
		{name: "legacy bare", ctx: map[string]string{"PARAMETER_K": "bare key"}, secret: "bare key"},
		{name: "2.2 explicit", ctx: map[string]string{"PARAMETER_K": "ilert_api_key\tabc", "PARAMETER_K_1": "ilert_api_key", "PARAMETER_K_2": "abc"}, secret: "abc"},
		{name: "2.2 store", ctx: map[string]string{"PARAMETER_K": "store\tid1", "PARAMETER_K_1": "store", "PARAMETER_K_2": "id1"}, storeID: "id1"},
		{name: "2.2 numbered only", ctx: map[string]string{"PARAMETER_K_1": "store", "PARAMETER_K_2": "id1"}, storeID: "id1"},
		{name: "2.4 explicit", ctx: map[string]string{"PARAMETER_K_1": "cmk_postprocessed", "PARAMETER_K_2": "explicit_password", "PARAMETER_K_3": "uuid1\tabc", "PARAMETER_K_3_1": "uuid1", "PARAMETER_K_3_2": "abc"}, secret: "abc"},
		{name: "2.4 explicit, only _3", ctx: map[string]string{"PARAMETER_K_1": "cmk_postprocessed", "PARAMETER_K_2": "explicit_password", "PARAMETER_K_3": "uuid1\tabc"}, secret: "abc"},
		{name: "2.4 stored", ctx: map[string]string{"PARAMETER_K_1": "cmk_postprocessed", "PARAMETER_K_2": "stored_password", "PARAMETER_K_3": "id1\t", "PARAMETER_K_3_1": "id1", "PARAMETER_K_3_2": ""}, storeID: "id1"},
		{name: "2.4 explicit containing spaces", ctx: map[string]string{"PARAMETER_K_1": "cmk_postprocessed", "PARAMETER_K_2": "explicit_password", "PARAMETER_K_3_1": "uuid1", "PARAMETER_K_3_2": "a b"}, secret: "a b"},
		{name: "missing", ctx: map[string]string{"PARAMETER_OTHER": "x"}, errName: "PARAMETER_K", errMatch: ErrInvalidContext},
		{name: "empty", ctx: map[string]string{"PARAMETER_K": ""}, errName: "PARAMETER_K", errMatch: ErrInvalidContext},
		{name: "empty store id", ctx: map[string]string{"PARAMETER_K": "store\t"}, errName: "PARAMETER_K", errMatch: ErrInvalidContext},
		{name: "2.4 unknown kind", ctx: map[string]string{"PARAMETER_K_1": "cmk_postprocessed", "PARAMETER_K_2": "vault_password", "PARAMETER_K_3_1": "secretid999"}, errName: "PARAMETER_K_2", errMatch: ErrInvalidContext, wantShown: `"vault_password"`},
		{name: "2.4 secret where the kind belongs", ctx: map[string]string{"PARAMETER_K_1": "cmk_postprocessed", "PARAMETER_K_2": "il1Secret0Key9", "PARAMETER_K_3_1": "id"}, errName: "PARAMETER_K_2", errMatch: ErrInvalidContext, notShown: "Secret0Key"},
		{name: "2.4 explicit empty", ctx: map[string]string{"PARAMETER_K_1": "cmk_postprocessed", "PARAMETER_K_2": "explicit_password", "PARAMETER_K_3_1": "uuid1", "PARAMETER_K_3_2": ""}, errName: "PARAMETER_K_3_2", errMatch: ErrInvalidContext},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pw, err := newParameters(tt.ctx).Password("K")
			if tt.errName != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errName) || !errors.Is(err, tt.errMatch) {
					t.Fatalf("error %v, want one naming %s", err, tt.errName)
				}
				if tt.ctx["PARAMETER_K_3_1"] != "" && strings.Contains(err.Error(), tt.ctx["PARAMETER_K_3_1"]) {
					t.Errorf("error %q shows a value", err)
				}
				if tt.wantShown != "" && !strings.Contains(err.Error(), tt.wantShown) {
					t.Errorf("error %q does not quote %q", err, tt.wantShown)
				}
				if tt.notShown != "" && strings.Contains(err.Error(), tt.notShown) {
					t.Errorf("error %q shows the value %q", err, tt.notShown)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if pw.StoreID() != tt.storeID {
				t.Errorf("StoreID = %q, want %q", pw.StoreID(), tt.storeID)
			}
			secret, ok := pw.Explicit()
			if ok != (tt.storeID == "") || secret.Reveal() != tt.secret {
				t.Errorf("Explicit = (secret ok %v), %v; want %v", secret.Reveal() == tt.secret, ok, tt.storeID == "")
			}
			got, err := pw.Resolve(context.Background(), nil)
			if tt.storeID == "" {
				if err != nil || got.Reveal() != tt.secret {
					t.Errorf("Resolve = %v, want the secret", err)
				}
			} else if err == nil {
				t.Error("Resolve of a stored password without a store did not fail")
			}
		})
	}
}

func TestParametersList(t *testing.T) {
	t.Parallel()
	ctx := map[string]string{"PARAMETERS": "a b c", "PARAMETER_1": "a", "PARAMETER_3": "c", "PARAMETER_10": "j",
		"PARAMETER_9": "i", "PARAMETER_2": "b=x y", "PARAMETER_X_1": "no", "PARAMETER_": "no", "PARAMETER_1A": "no", "HOSTNAME": "no"}
	p := newParameters(ctx)
	if diff := cmp.Diff([]string{"a", "b=x y", "c", "i", "j"}, p.List()); diff != "" {
		t.Errorf("List (-want +got):\n%s", diff)
	}
	if p.Joined() != "a b c" {
		t.Errorf("Joined = %q", p.Joined())
	}
	if diff := cmp.Diff([]string{"", "1", "10", "1A", "2", "3", "9", "X_1"}, p.Keys()); diff != "" {
		t.Errorf("Keys (-want +got):\n%s", diff)
	}
	if p.Len() != 9 || len(p.Map()) != 9 {
		t.Errorf("Len = %d, Map has %d, want 9", p.Len(), len(p.Map()))
	}
	if (Parameters{}).Len() != 0 || (Parameters{}).List() == nil && len((Parameters{}).List()) != 0 {
		t.Error("zero Parameters not empty")
	}
	if got := p.String(); got != "checkmk.Parameters(9 variables)" {
		t.Errorf("String = %q", got)
	}
}

func TestProxyForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		value   string
		present bool
		mode    ProxyMode
		str     string
		url     string
		wantErr bool
	}{
		{name: "absent", mode: ProxyFromEnvironment, str: "environment"},
		{name: "FROM_ENVIRONMENT", value: "FROM_ENVIRONMENT", present: true, mode: ProxyFromEnvironment, str: "environment"},
		{name: "empty (2.0 no proxy)", value: "", present: true, mode: ProxyNone, str: "none"},
		{name: "NO_PROXY", value: "NO_PROXY", present: true, mode: ProxyNone, str: "none"},
		{name: "explicit", value: "http://proxy:3128", present: true, mode: ProxyExplicit, str: "http://proxy:3128", url: "http://proxy:3128"},
		{name: "no scheme", value: "proxy:3128", present: true, mode: ProxyExplicit, str: "http://proxy:3128", url: "http://proxy:3128"},
		{name: "credentials redacted", value: "http://user:s3cr3t@proxy:3128", present: true, mode: ProxyExplicit, str: "http://user:xxxxx@proxy:3128", url: "http://user:s3cr3t@proxy:3128"},
		{name: "garbage", value: "http://user:s3cr3t@[::1", present: true, wantErr: true},
		{name: "no host", value: "http://", present: true, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := ParseProxy(tt.value, tt.present)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseProxy = %v, want an error", p)
				}
				if strings.Contains(err.Error(), "s3cr3t") {
					t.Errorf("error %q contains the proxy password", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.Mode() != tt.mode || p.String() != tt.str {
				t.Errorf("mode %q string %q, want %q %q", p.Mode(), p, tt.mode, tt.str)
			}
			if got := p.URL(); (got == nil && tt.url != "") || (got != nil && got.String() != tt.url) {
				t.Errorf("URL = %v, want %q", got, tt.url)
			}
			req, _ := http.NewRequest(http.MethodGet, "https://api.ilert.com/", nil)
			fn := p.Func()
			switch tt.mode {
			case ProxyNone:
				if fn != nil {
					t.Error("Func for no proxy is not nil")
				}
			case ProxyExplicit:
				u, err := fn(req)
				if err != nil || u.String() != tt.url {
					t.Errorf("Func(req) = %v, %v; want %s", u, err, tt.url)
				}
			case ProxyFromEnvironment:
				if fn == nil {
					t.Error("Func for the environment is nil")
				}
			}
		})
	}
	var zero Proxy
	if zero.Mode() != ProxyFromEnvironment || !zero.Mode().Valid() || ProxyMode("x").Valid() {
		t.Error("zero Proxy does not use the environment, or Valid is wrong")
	}
	// URL returns a copy: changing it does not change the proxy.
	p, _ := ParseProxy("http://u:p@proxy:1", true)
	p.URL().User = url.User("other")
	if p.URL().User.Username() != "u" {
		t.Error("URL() returned the proxy's own URL")
	}
}

func TestURLPrefixForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ctx  map[string]string
		want string
	}{
		{"none", map[string]string{}, ""},
		{"2.0 automatic http", map[string]string{"PARAMETER_URL_PREFIX_AUTOMATIC": "http"}, "http://cmk/prod"},
		{"2.0 automatic https", map[string]string{"PARAMETER_URL_PREFIX_AUTOMATIC": "https"}, "https://cmk/prod"},
		{"2.0 manual", map[string]string{"PARAMETER_URL_PREFIX_MANUAL": "https://x.example/prod/check_mk/"}, "https://x.example/prod"},
		{"manual wins over automatic", map[string]string{"PARAMETER_URL_PREFIX_MANUAL": "https://x/s/check_mk/", "PARAMETER_URL_PREFIX_AUTOMATIC": "http"}, "https://x/s"},
		{"2.4 automatic_http", map[string]string{"PARAMETER_URL_PREFIX_1": "automatic_http", "PARAMETER_URL_PREFIX_2": ""}, "http://cmk/prod"},
		{"2.4 manual", map[string]string{"PARAMETER_URL_PREFIX": "manual\thttps://x/s/check_mk/", "PARAMETER_URL_PREFIX_1": "manual", "PARAMETER_URL_PREFIX_2": "https://x/s/check_mk/"}, "https://x/s"},
		{"2.4 joined only", map[string]string{"PARAMETER_URL_PREFIX": "manual\thttps://x/s/check_mk/"}, "https://x/s"},
		{"legacy plain", map[string]string{"PARAMETER_URL_PREFIX": "https://legacy/s/check_mk"}, "https://legacy/s"},
		{"legacy not a URL", map[string]string{"PARAMETER_URL_PREFIX": "nonsense"}, ""},
		{"unknown 2.4 kind", map[string]string{"PARAMETER_URL_PREFIX_1": "automatic_gopher"}, ""},
		{"no /check_mk in prefix", map[string]string{"PARAMETER_URL_PREFIX_MANUAL": "https://x/s/"}, "https://x/s"},
		{"no trailing slash", map[string]string{"PARAMETER_URL_PREFIX_MANUAL": "https://x/s/check_mk"}, "https://x/s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := newParameters(tt.ctx).URLPrefix("cmk", "prod")
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("URLPrefix = %q, %v; want %q", got, ok, tt.want)
			}
		})
	}
	if _, ok := newParameters(map[string]string{"PARAMETER_URL_PREFIX_AUTOMATIC": "https"}).URLPrefix("", "prod"); ok {
		t.Error("automatic prefix without a monitoring host")
	}
}

func TestAbsoluteURLsHostNotification(t *testing.T) {
	t.Parallel()
	n, err := FromEnviron(readEnv(t, "host-down-problem"))
	if err != nil {
		t.Fatal(err)
	}
	h, s := n.AbsoluteURLs("https://cmk/prod/")
	if !strings.HasPrefix(h, "https://cmk/prod/check_mk/index.py?") || s != "" {
		t.Errorf("AbsoluteURLs = %q, %q", h, s)
	}
	if h, s := n.AbsoluteURLs(""); h != "" || s != "" {
		t.Errorf("AbsoluteURLs without prefix = %q, %q", h, s)
	}
	// Custom scripts get no prefix parameter.
	if _, ok := n.URLPrefix(); ok {
		t.Error("URLPrefix without a parameter")
	}
}
