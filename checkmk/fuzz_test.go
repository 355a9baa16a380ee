package checkmk

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func readTestdata(f *testing.F, name string) []byte {
	f.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		f.Fatal(err)
	}
	return data
}

// FuzzFromEnviron feeds newline-separated environment entries to FromEnviron.
func FuzzFromEnviron(f *testing.F) {
	for _, name := range append(append([]string{}, fullFixtures...), paramFixtures...) {
		f.Add(strings.Join(parseEnvFile(readTestdata(f, name+".env")), "\n"))
	}
	f.Add("NOTIFY_WHAT=SERVICE\nNOTIFY_HOSTNAME=h\nNOTIFY_NOTIFICATIONTYPE=ALERTHANDLER (OK)\nNOTIFY_EC_ID=1\nNOTIFY_SERVICESTATEID=9")
	f.Add("NOTIFY_WHAT=HOST\nNOTIFY_WHAT=SERVICE\nNOTIFY_HOSTNAME=\nNOTIFY_=")
	f.Fuzz(func(t *testing.T, env string) {
		n, err := FromEnviron(strings.Split(env, "\n"))
		if err != nil {
			if n != nil {
				t.Fatal("both a notification and an error")
			}
			if !errors.Is(err, ErrInvalidContext) {
				t.Fatalf("error %v does not match ErrInvalidContext", err)
			}
			return
		}
		if !n.What.Valid() || n.Host.Name == "" || n.Type == "" {
			t.Fatalf("accepted without required fields: %q %q %q", n.What, n.Host.Name, n.Type)
		}
		if !n.IsService() && n.Service.Description != "" {
			t.Fatal("service fields on a host notification")
		}
		if !strings.Contains(n.Host.LongOutput, `\n`) && strings.Contains(n.Host.LongOutput, "\r\n") {
			t.Fatal("CRLF left in long output")
		}
		_ = n.String()
		_ = n.DedupProblemID()
		_ = n.Type.Kind()
		_, _ = n.Type.AlertHandlerState()
		_ = n.ExpandMacros("$HOSTNAME$ $SERVICEDESC$ $X$")
		prefix, _ := n.URLPrefix()
		_, _ = n.AbsoluteURLs(prefix)
		exerciseParameters(n.Parameters())
	})
}

// FuzzBulk feeds arbitrary input to the bulk reader.
func FuzzBulk(f *testing.F) {
	f.Add(readTestdata(f, "bulk.txt"))
	f.Add([]byte("P=1\nbroken\n\n\nWHAT=HOST\nHOSTNAME=h\nNOTIFICATIONTYPE=PROBLEM\n=x\n  \n\x01=\x01"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		br := NewBulkReader(bytes.NewReader(data))
		for k, v := range br.Parameters() {
			checkBulkVariable(t, k, v)
		}
		contexts := 0
		for {
			ctx, err := br.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("read error from a bytes.Reader: %v", err)
			}
			if len(ctx) == 0 {
				t.Fatal("empty context returned")
			}
			for k, v := range ctx {
				checkBulkVariable(t, k, v)
			}
			contexts++
		}
		if contexts > bytes.Count(data, []byte("\n"))+1 {
			t.Fatalf("%d contexts from %d lines", contexts, bytes.Count(data, []byte("\n"))+1)
		}
		for _, l := range br.InvalidLines() {
			if l.Line < 1 {
				t.Fatalf("invalid line number %d", l.Line)
			}
		}
		// The Notification path must hold up too.
		br = NewBulkReader(bytes.NewReader(data))
		for n, err := range br.Notifications() {
			if err == nil && (n == nil || n.Host.Name == "") {
				t.Fatal("notification without host name")
			}
		}
	})
}

func checkBulkVariable(t *testing.T, k, v string) {
	t.Helper()
	// Lines are stripped, so a name never starts with white space (it may end with some,
	// as in "A = 1"); values never keep the 0x01 separator.
	if k == "" || strings.Contains(k, "=") || strings.TrimLeftFunc(k, isPythonSpace) != k || strings.Contains(v, "\x01") {
		t.Fatalf("bad variable %q=%q", k, v)
	}
}

// FuzzParameters decodes parameters given as newline-separated KEY=value lines.
func FuzzParameters(f *testing.F) {
	for _, name := range paramFixtures {
		var lines []string
		for _, e := range parseEnvFile(readTestdata(f, name+".env")) {
			lines = append(lines, strings.TrimPrefix(e, "NOTIFY_"))
		}
		f.Add(strings.Join(lines, "\n"))
	}
	f.Add("PARAMETER_PROXY_URL=http://u:p@[::1\nPARAMETER_ILERT_API_KEY=store\t\nPARAMETER_10=x\nPARAMETER_2=y")
	f.Add("PARAMETER_ILERT_API_KEY_1=cmk_postprocessed\nPARAMETER_ILERT_API_KEY_2=explicit_password\nPARAMETER_ILERT_API_KEY_3=\t")
	f.Fuzz(func(t *testing.T, text string) {
		ctx := map[string]string{}
		for _, line := range strings.Split(text, "\n") {
			k, v, _ := strings.Cut(line, "=")
			ctx[k] = v
		}
		p := newParameters(ctx)
		exerciseParameters(p)
		pw, err := p.Password("ILERT_API_KEY")
		if err == nil {
			if pw.IsStored() == (pw.StoreID() == "") {
				t.Fatal("IsStored disagrees with StoreID")
			}
			if secret, ok := pw.Explicit(); ok && secret.IsZero() {
				t.Fatal("empty explicit password accepted")
			}
		} else if !errors.Is(err, ErrInvalidContext) {
			t.Fatalf("Password error %v does not match ErrInvalidContext", err)
		}
		proxy, err := p.Proxy()
		if err == nil && proxy.Mode() == ProxyExplicit {
			if u := proxy.URL(); u != nil {
				if pass, ok := u.User.Password(); ok && len(pass) > 5 && strings.Contains(proxy.String(), pass) && !strings.Contains(u.Redacted(), pass) {
					t.Fatalf("proxy String %q shows the password", proxy)
				}
			}
		}
		if list := p.List(); len(list) > len(ctx) {
			t.Fatalf("List has %d items from %d variables", len(list), len(ctx))
		}
	})
}

// exerciseParameters calls every decoder; none may panic.
func exerciseParameters(p Parameters) {
	for _, key := range []string{"ILERT_API_KEY", "ROUTING_KEY", "WEBHOOK_URL"} {
		if pw, err := p.Password(key); err == nil && !pw.IsStored() {
			_, _ = pw.Resolve(context.Background(), nil)
		}
	}
	_, _ = p.Proxy()
	_ = p.IgnoreSSL()
	_ = p.TLSConfig()
	_, _ = p.URLPrefix("cmk", "prod")
	_ = p.List()
	_ = p.Keys()
	_ = p.String()
}

// FuzzTemplate expands arbitrary templates against a fixed context.
func FuzzTemplate(f *testing.F) {
	f.Add("$NOTIFICATIONTYPE$ Host Alert: $HOSTNAME$ is $HOSTSTATE$ - $HOSTOUTPUT$", "web01")
	f.Add("$NOTIFICATIONTYPE$ Service Alert: $HOSTALIAS$/$SERVICEDESC$ is $SERVICESTATE$ - $SERVICEOUTPUT$", "$HOSTNAME$")
	f.Add("costs $5 and $$ $UNKNOWN$ $lower$", "")
	f.Fuzz(func(t *testing.T, template, value string) {
		ctx := map[string]string{"HOSTNAME": value, "NOTIFICATIONTYPE": "PROBLEM", "a b": "x"}
		got := ExpandMacros(template, ctx)
		if !strings.Contains(template, "$") && got != template {
			t.Fatalf("template without $ changed: %q -> %q", template, got)
		}
		if !strings.Contains(template, "$HOSTNAME$") && !strings.Contains(value, "$") &&
			!strings.Contains(template, "$a b$") && len(got) > len(template) {
			t.Fatalf("output grew without a known macro: %q -> %q", template, got)
		}
		if utf8.ValidString(template) && utf8.ValidString(value) && !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 from valid input: %q", got)
		}
		if template == "$HOSTNAME$" && got != value {
			t.Fatalf("$HOSTNAME$ -> %q, want %q", got, value)
		}
	})
}

// FuzzPerfData parses arbitrary performance data.
func FuzzPerfData(f *testing.F) {
	for _, name := range fullFixtures {
		for _, e := range parseEnvFile(readTestdata(f, name+".env")) {
			if v, ok := strings.CutPrefix(e, "NOTIFY_SERVICEPERFDATA="); ok {
				f.Add(v)
			}
			if v, ok := strings.CutPrefix(e, "NOTIFY_HOSTPERFDATA="); ok {
				f.Add(v)
			}
		}
	}
	f.Add("'C:\\ used %'=44%;80;90 'it''s'=1 a=U 'open=2 x= y=5")
	f.Fuzz(func(t *testing.T, s string) {
		values := ParsePerfData(s)
		if len(values) > strings.Count(s, "=") {
			t.Fatalf("%d values from %d '='", len(values), strings.Count(s, "="))
		}
		for _, v := range values {
			if v.Label == "" || v.Value == "" || strings.ContainsAny(v.Value+v.Unit, " \t;") {
				t.Fatalf("bad value %+v", v)
			}
			_, _ = v.Float()
		}
	})
}
