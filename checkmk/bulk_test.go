package checkmk

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

func readBulkFixture(tb testing.TB) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "bulk.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func TestBulkFixture(t *testing.T) {
	t.Parallel()
	br := NewBulkReader(bytes.NewReader(readBulkFixture(t)))
	params := br.Parameters()
	if diff := cmp.Diff([]string{"ilert=il1api0f3c2b9e0d4a4f61b2c8e5d7a9f0c1b3", "alertops=https://notify.alertops.com/POSTAlert/0a1b2c3d4e5f/CheckMK"},
		newParameters(params).List()); diff != "" {
		t.Errorf("parameter list (-want +got):\n%s", diff)
	}
	var contexts []map[string]string
	for {
		ctx, err := br.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		contexts = append(contexts, ctx)
	}
	if len(contexts) != 3 {
		t.Fatalf("got %d contexts, want 3", len(contexts))
	}
	// The 2nd context's LONGSERVICEOUTPUT carries the only 0x01 byte, which is a newline.
	long := contexts[1]["LONGSERVICEOUTPUT"]
	if !strings.Contains(long, "\n") || strings.Contains(long, "\x01") {
		t.Errorf("0x01 not decoded to a newline: %q", long)
	}
	// The 1st context keeps the literal backslash-n.
	if first := contexts[0]["LONGSERVICEOUTPUT"]; !strings.Contains(first, `\n`) || strings.Contains(first, "\n") {
		t.Errorf("1st context's literal \\n changed: %q", first)
	}
	if len(br.InvalidLines()) != 0 {
		t.Errorf("InvalidLines = %v", br.InvalidLines())
	}
	got, err := json.Marshal(map[string]any{"parameters": params, "contexts": contexts})
	if err != nil {
		t.Fatal(err)
	}
	testutil.GoldenJSON(t, filepath.Join("testdata", "bulk.golden.json"), got)
}

func TestBulkNotifications(t *testing.T) {
	t.Parallel()
	br := NewBulkReader(bytes.NewReader(readBulkFixture(t)))
	var got []string
	for n, err := range br.Notifications() {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, n.String())
		// Bulk parameters fill in what the context lacks.
		if list := n.Parameters().List(); len(list) != 2 {
			t.Errorf("%s: parameter list %d items, want 2", n, len(list))
		}
	}
	want := []string{
		"SERVICE PROBLEM web01/Filesystem /var WARNING",
		"SERVICE PROBLEM web01/Interface eth1 UNKNOWN",
		"HOST PROBLEM db02 DOWN",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("notifications (-want +got):\n%s", diff)
	}
}

func TestBulkProtocol(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       string
		params   map[string]string
		contexts []map[string]string
		invalid  []InvalidLine
	}{
		{
			name:   "empty input",
			in:     "",
			params: map[string]string{},
		},
		{
			name:     "no parameters",
			in:       "\nA=1\nB=2",
			params:   map[string]string{},
			contexts: []map[string]string{{"A": "1", "B": "2"}},
		},
		{
			name:     "split at first =, whitespace stripped, 0x01 decoded, CRLF",
			in:       "P=x=y\r\n\r\n  A = 1 \r\nB=l1\x01l2\x01\r\n\tC=\x1f\n",
			params:   map[string]string{"P": "x=y"},
			contexts: []map[string]string{{"A ": " 1", "B": "l1\nl2\n", "C": ""}},
		},
		{
			name:     "invalid lines skipped and reported",
			in:       "P=1\nbroken\n\nA=1\n=nokey\nalso broken\nB=2\n",
			params:   map[string]string{"P": "1"},
			contexts: []map[string]string{{"A": "1", "B": "2"}},
			invalid:  []InvalidLine{{2, "no '=' in the line"}, {5, "empty variable name"}, {6, "no '=' in the line"}},
		},
		{
			name:     "repeated empty lines give no empty contexts",
			in:       "P=1\n\n\n\nA=1\n\n\nB=2\n\n",
			params:   map[string]string{"P": "1"},
			contexts: []map[string]string{{"A": "1"}, {"B": "2"}},
		},
		{
			name:     "no trailing newline",
			in:       "\nA=1\n\nA=2",
			params:   map[string]string{},
			contexts: []map[string]string{{"A": "1"}, {"A": "2"}},
		},
		{
			name:     "too long line skipped",
			in:       "\nA=1\nLONG=" + strings.Repeat("x", MaxBulkLineSize+10) + "\nB=2\n",
			params:   map[string]string{},
			contexts: []map[string]string{{"A": "1", "B": "2"}},
			invalid:  []InvalidLine{{3, "longer than 1048576 bytes"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// One byte at a time exercises the line assembly across reads.
			br := NewBulkReader(iotest.OneByteReader(strings.NewReader(tt.in)))
			if diff := cmp.Diff(tt.params, br.Parameters()); diff != "" {
				t.Errorf("Parameters (-want +got):\n%s", diff)
			}
			var got []map[string]string
			for {
				ctx, err := br.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, ctx)
			}
			if diff := cmp.Diff(tt.contexts, got); diff != "" {
				t.Errorf("contexts (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.invalid, br.InvalidLines()); diff != "" {
				t.Errorf("InvalidLines (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBulkContextErrorIsNotFatal(t *testing.T) {
	t.Parallel()
	in := "\nWHAT=HOST\nNOTIFICATIONTYPE=PROBLEM\n\nWHAT=HOST\nHOSTNAME=h\nNOTIFICATIONTYPE=PROBLEM\n"
	br := NewBulkReader(strings.NewReader(in))
	var names []string
	var errs []error
	for n, err := range br.Notifications() {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		names = append(names, n.Host.Name)
	}
	if diff := cmp.Diff([]string{"h"}, names); diff != "" {
		t.Errorf("hosts (-want +got):\n%s", diff)
	}
	if len(errs) != 1 {
		t.Fatalf("errors = %v, want one", errs)
	}
	var ce *BulkContextError
	var missing *MissingVariableError
	if !errors.As(errs[0], &ce) || ce.Index != 1 || ce.Line != 2 || !errors.As(errs[0], &missing) || missing.Name != "HOSTNAME" {
		t.Errorf("error %v: want BulkContextError{Index 1, Line 2} wrapping MissingVariableError{HOSTNAME}", errs[0])
	}
}

func TestBulkReadErrorIsFatal(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	r := io.MultiReader(strings.NewReader("\nWHAT=HOST\nHOSTNAME=h\nNOTIFICATIONTYPE=PROBLEM\n\nWHAT=HO"), iotest.ErrReader(boom))
	br := NewBulkReader(r)
	var got []error
	count := 0
	for n, err := range br.Notifications() {
		if err != nil {
			got = append(got, err)
			continue
		}
		count++
		_ = n
	}
	if count != 1 || len(got) != 1 || !errors.Is(got[0], boom) {
		t.Errorf("got %d notifications and errors %v; want 1 and the read error", count, got)
	}
	if _, err := br.Next(); !errors.Is(err, boom) {
		t.Errorf("Next after a read error = %v, want it again", err)
	}
}

func TestBulkContextValuesWinOverParameters(t *testing.T) {
	t.Parallel()
	in := "PARAMETER_X=from-params\nPARAMETER_Y=only-params\n\nWHAT=HOST\nHOSTNAME=h\nNOTIFICATIONTYPE=PROBLEM\nPARAMETER_X=from-context\n"
	br := NewBulkReader(strings.NewReader(in))
	n, err := br.nextNotification()
	if err != nil {
		t.Fatal(err)
	}
	x, _ := n.Parameters().Get("X")
	y, _ := n.Parameters().Get("Y")
	if x != "from-context" || y != "only-params" {
		t.Errorf("X=%q Y=%q, want from-context and only-params", x, y)
	}
	if _, err := br.nextNotification(); err != io.EOF {
		t.Errorf("second nextNotification: %v, want io.EOF", err)
	}
}
