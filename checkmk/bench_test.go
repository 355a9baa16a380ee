package checkmk

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func BenchmarkFromEnviron(b *testing.B) {
	env := readEnv(b, "service-crit-problem")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := FromEnviron(env); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	ctx := envMap(readEnv(b, "service-crit-problem"))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// bulkInput repeats the contexts of the bulk fixture until there are n of them.
func bulkInput(tb testing.TB, n int) []byte {
	tb.Helper()
	data := readBulkFixture(tb)
	i := bytes.Index(data, []byte("\n\n"))
	params, body := data[:i+1], data[i+1:] // body: "\nctx1\n\nctx2\n\nctx3"
	contexts := bytes.Split(bytes.TrimPrefix(body, []byte("\n")), []byte("\n\n"))
	var buf bytes.Buffer
	buf.Write(params)
	for k := range n {
		buf.WriteByte('\n')
		buf.Write(contexts[k%len(contexts)])
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

func benchmarkBulk(b *testing.B, n int) {
	input := bulkInput(b, n)
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	for b.Loop() {
		br := NewBulkReader(bytes.NewReader(input))
		count := 0
		for {
			_, err := br.nextNotification()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			count++
		}
		if count != n {
			b.Fatalf("%d notifications, want %d", count, n)
		}
	}
}

func BenchmarkBulk1000(b *testing.B)  { benchmarkBulk(b, 1000) }
func BenchmarkBulk10000(b *testing.B) { benchmarkBulk(b, 10000) }

func BenchmarkExpandMacros(b *testing.B) {
	ctx := envMap(readEnv(b, "service-crit-problem"))
	const tmpl = "$NOTIFICATIONTYPE$ Service Alert: $HOSTALIAS$/$SERVICEDESC$ is $SERVICESTATE$ - $SERVICEOUTPUT$"
	b.ReportAllocs()
	for b.Loop() {
		_ = ExpandMacros(tmpl, ctx)
	}
}

func BenchmarkExpandMacrosAdversarial(b *testing.B) {
	tmpl := strings.Repeat("$a b", 10000) + strings.Repeat("$X", 10000)
	b.ReportAllocs()
	for b.Loop() {
		_ = ExpandMacros(tmpl, nil)
	}
}

func TestBulkInputHelper(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 3, 7} {
		br := NewBulkReader(bytes.NewReader(bulkInput(t, n)))
		got := 0
		for _, err := range br.Notifications() {
			if err != nil {
				t.Fatal(err)
			}
			got++
		}
		if got != n {
			t.Errorf("bulkInput(%d) gives %d notifications", n, got)
		}
	}
}
