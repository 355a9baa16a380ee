package level

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/alertbridge/alertbridge/internal/testutil"
)

// signatureVectors is testdata/signature-vectors.json.
type signatureVectors struct {
	Vectors []struct {
		File        string `json:"file"`
		Secret      string `json:"secret"`
		HeaderName  string `json:"header_name"`
		HeaderValue string `json:"header_value"`
		Valid       bool   `json:"valid"`
	} `json:"vectors"`
}

func loadVectors(t testing.TB) signatureVectors {
	t.Helper()
	var v signatureVectors
	if err := json.Unmarshal(fixture(t, "signature-vectors.json"), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Vectors) == 0 {
		t.Fatal("no signature vectors")
	}
	return v
}

func TestSignatureVectors(t *testing.T) {
	t.Parallel()
	for i, v := range loadVectors(t).Vectors {
		t.Run(fmt.Sprintf("%d_%s_valid=%v", i, v.File, v.Valid), func(t *testing.T) {
			t.Parallel()
			if v.HeaderName != SignatureHeader {
				t.Errorf("vector names header %q, package uses %q", v.HeaderName, SignatureHeader)
			}
			body := fixture(t, v.File)
			err := Verify(body, v.HeaderValue, Secret(v.Secret))
			if v.Valid {
				if err != nil {
					t.Errorf("Verify = %v, want nil", err)
				}
				if got := Sign(body, Secret(v.Secret)); got != v.HeaderValue {
					t.Errorf("Sign = %q, want %q", got, v.HeaderValue)
				}
				return
			}
			if err == nil {
				t.Fatal("Verify = nil for an invalid vector")
			}
			if !errors.Is(err, ErrSignatureMismatch) && !errors.Is(err, ErrMalformedSignature) {
				t.Errorf("Verify = %v, want a mismatch or malformed-header error", err)
			}
			testutil.AssertNoSecret(t, "error", err.Error(), v.Secret)
		})
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	body := []byte(`{"event_type":"alert_active"}`)
	current, previous := Secret("current-secret"), Secret("previous-secret")
	good := Sign(body, current)
	byPrevious := Sign(body, previous)
	hexPart := strings.TrimPrefix(good, "sha256=")

	tests := []struct {
		name      string
		body      []byte
		signature string
		secrets   []Secret
		wantIs    error // nil: valid
		wantMsg   string
	}{
		{name: "valid", body: body, signature: good, secrets: []Secret{current}},
		{name: "upper-case hex and prefix", body: body, signature: "SHA256=" + strings.ToUpper(hexPart), secrets: []Secret{current}},
		{name: "previous secret during rotation", body: body, signature: byPrevious, secrets: []Secret{current, previous}},
		{name: "empty secrets are skipped", body: body, signature: good, secrets: []Secret{nil, current, {}}},
		{name: "empty body", body: nil, signature: Sign(nil, current), secrets: []Secret{current}},
		{
			name: "previous secret after rotation ended", body: body, signature: byPrevious, secrets: []Secret{current},
			wantIs: ErrSignatureMismatch, wantMsg: "level: X-Level-Signature does not match the body",
		},
		{
			name: "body changed", body: append(bytes.Clone(body), ' '), signature: good, secrets: []Secret{current},
			wantIs: ErrSignatureMismatch, wantMsg: "level: X-Level-Signature does not match the body",
		},
		{
			name: "missing", body: body, signature: "", secrets: []Secret{current},
			wantIs: ErrMissingSignature, wantMsg: "level: missing X-Level-Signature header",
		},
		{
			name: "no prefix", body: body, signature: hexPart, secrets: []Secret{current},
			wantIs: ErrMalformedSignature, wantMsg: `level: malformed X-Level-Signature header: it does not start with "sha256="`,
		},
		{
			name: "other algorithm", body: body, signature: "sha1=" + hexPart, secrets: []Secret{current},
			wantIs: ErrMalformedSignature, wantMsg: `level: malformed X-Level-Signature header: it does not start with "sha256="`,
		},
		{
			name: "short", body: body, signature: "sha256", secrets: []Secret{current},
			wantIs: ErrMalformedSignature, wantMsg: `level: malformed X-Level-Signature header: it does not start with "sha256="`,
		},
		{
			name: "digest too short", body: body, signature: good[:len(good)-2], secrets: []Secret{current},
			wantIs: ErrMalformedSignature, wantMsg: "level: malformed X-Level-Signature header: the digest has 62 characters, want 64",
		},
		{
			name: "digest too long", body: body, signature: good + "00", secrets: []Secret{current},
			wantIs: ErrMalformedSignature, wantMsg: "level: malformed X-Level-Signature header: the digest has 66 characters, want 64",
		},
		{
			name: "not hex", body: body, signature: "sha256=" + strings.Repeat("zz", 32), secrets: []Secret{current},
			wantIs: ErrMalformedSignature, wantMsg: "level: malformed X-Level-Signature header: the digest is not hexadecimal",
		},
		{
			name: "no secret", body: body, signature: good,
			wantIs: ErrNoSecret, wantMsg: "level: no secret to verify the signature with",
		},
		{
			name: "only empty secrets", body: body, signature: Sign(body, nil), secrets: []Secret{nil, {}},
			wantIs: ErrNoSecret, wantMsg: "level: no secret to verify the signature with",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := Verify(tt.body, tt.signature, tt.secrets...)
			if tt.wantIs == nil {
				if err != nil {
					t.Fatalf("Verify = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.wantIs) {
				t.Fatalf("Verify = %v, want an error wrapping %v", err, tt.wantIs)
			}
			if got := err.Error(); got != tt.wantMsg {
				t.Errorf("error = %q, want %q", got, tt.wantMsg)
			}
			testutil.AssertNoSecret(t, "error", err.Error(), string(current), string(previous), hexPart)
		})
	}
}

func TestVerifyErrorsAreDistinct(t *testing.T) {
	t.Parallel()
	errs := []error{ErrMissingSignature, ErrMalformedSignature, ErrSignatureMismatch, ErrNoSecret}
	for i, a := range errs {
		for j, b := range errs {
			if i != j && errors.Is(a, b) {
				t.Errorf("%v matches %v", a, b)
			}
		}
	}
}

func TestSecretNeverPrints(t *testing.T) {
	t.Parallel()
	const raw = "whsec_do_not_print"
	s := Secret(raw)
	type config struct {
		Name   string
		Secret Secret
	}
	c := config{Name: "level", Secret: s}

	var outputs []string
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3s"} {
		outputs = append(outputs, fmt.Sprintf(format, s), fmt.Sprintf(format, c), fmt.Sprintf(format, &c))
	}
	outputs = append(outputs, fmt.Sprint(s), fmt.Sprintln(s), s.String(), s.GoString())
	j, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(j))
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "secret", s, "config", c)
	outputs = append(outputs, logged.String())

	for _, out := range outputs {
		testutil.AssertNoSecret(t, "output", out, raw, fmt.Sprintf("%x", raw))
		if !strings.Contains(out, "[redacted]") {
			t.Errorf("output %q does not say [redacted]", out)
		}
	}
}

func TestSecretUnmarshalText(t *testing.T) {
	t.Parallel()
	var c struct{ Secret Secret }
	if err := json.Unmarshal([]byte(`{"Secret":"whsec_x"}`), &c); err != nil {
		t.Fatal(err)
	}
	if string(c.Secret) != "whsec_x" {
		t.Errorf("Secret = %q bytes, want whsec_x", []byte(c.Secret))
	}
}

func TestSign(t *testing.T) {
	t.Parallel()
	// RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
	got := Sign([]byte("what do ya want for nothing?"), Secret("Jefe"))
	want := "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
	if got != want {
		t.Errorf("Sign = %q, want %q", got, want)
	}
}
