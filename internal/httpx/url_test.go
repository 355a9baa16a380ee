package httpx

import (
	"strings"
	"testing"
)

func TestParseHTTPURL(t *testing.T) {
	t.Parallel()
	const key = "s3cr3t-key"
	tests := []struct {
		raw     string
		wantErr string
	}{
		{"https://api.ilert.com", ""},
		{"http://127.0.0.1:8080/prefix/", ""},
		{"HTTPS://api.ilert.com", ""},
		{"https://[::1]:x/" + key, "does not parse"},
		{"ftp://host/" + key, `scheme "ftp" is not http or https`},
		{key + ":x", "the scheme is not http or https"},
		{"/relative/" + key, "scheme is not http or https"},
		{"https:" + key, "has no host"},
		{"https:///" + key, "has no host"},
		{"", "scheme is not http or https"},
	}
	for _, tt := range tests {
		u, err := ParseHTTPURL(tt.raw)
		switch {
		case tt.wantErr == "" && (err != nil || u == nil):
			t.Errorf("ParseHTTPURL(%q) = %v, %v; want the URL", tt.raw, u, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("ParseHTTPURL(%q) error = %v, want %q", tt.raw, err, tt.wantErr)
		case err != nil && strings.Contains(err.Error(), key):
			t.Errorf("ParseHTTPURL(%q) error %q repeats the URL", tt.raw, err)
		}
	}
}
