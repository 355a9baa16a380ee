package mkp

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestWrapperScriptText(t *testing.T) {
	got, err := WrapperScript("iLert and AlertOps (alertbridge)", "/omd/sites/prod/go/bin/checkmk-notify")
	if err != nil {
		t.Fatal(err)
	}
	want := "#!/bin/sh\n" +
		"# iLert and AlertOps (alertbridge)\n" +
		"# Bulk: yes\n" +
		"# Written by checkmk-notify install (alertbridge).\n" +
		"exec '/omd/sites/prod/go/bin/checkmk-notify' \"$@\"\n"
	if got != want {
		t.Errorf("WrapperScript =\n%s\nwant\n%s", got, want)
	}
	site, err := SiteWrapperScript(WrapperTitle, SiteBinary)
	if err != nil {
		t.Fatal(err)
	}
	if want := strings.Replace(want, "'/omd/sites/prod/go/bin/checkmk-notify'", `"$OMD_ROOT/local/bin/checkmk-notify"`, 1); site != want {
		t.Errorf("SiteWrapperScript =\n%s\nwant\n%s", site, want)
	}
	quoted, err := WrapperScript("t", "/it's/here")
	if err != nil || !strings.Contains(quoted, `exec '/it'\''s/here' "$@"`) {
		t.Errorf("quoting: %q, %v", quoted, err)
	}
	for _, bad := range []struct{ title, bin string }{
		{"", "/x"}, {"  ", "/x"}, {"a#b", "/x"}, {"a\nb", "/x"}, {"t", "relative"}, {"t", "/x\ny"},
	} {
		if _, err := WrapperScript(bad.title, bad.bin); err == nil {
			t.Errorf("WrapperScript(%q, %q) accepted it", bad.title, bad.bin)
		}
	}
	for _, bad := range []string{"", "/abs", "../x", "a b", "$(x)"} {
		if _, err := SiteWrapperScript("t", bad); err == nil {
			t.Errorf("SiteWrapperScript(%q) accepted it", bad)
		}
	}
}

// The site wrapper, run by sh as Checkmk runs it, executes $OMD_ROOT/local/bin/checkmk-notify
// with the arguments it was given (--bulk) and the standard input (the bulk).
func TestSiteWrapperRunsTheSiteBinary(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatalf("sh is not on PATH: %v", err)
	}
	root := t.TempDir()
	bin := filepath.Join(root, "local", "bin")
	if err := os.MkdirAll(bin, 0o700); err != nil {
		t.Fatal(err)
	}
	fake := "#!/bin/sh\nprintf 'args:%s|' \"$@\"\ncat\n"
	if err := os.WriteFile(filepath.Join(bin, "checkmk-notify"), []byte(fake), 0o700); err != nil {
		t.Fatal(err)
	}
	script, err := SiteWrapperScript(WrapperTitle, SiteBinary)
	if err != nil {
		t.Fatal(err)
	}
	wrapperPath := filepath.Join(root, "alertbridge")
	if err := os.WriteFile(wrapperPath, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, sh, wrapperPath, "--bulk", "two words")
	cmd.Env = []string{"OMD_ROOT=" + root, "PATH=" + os.Getenv("PATH")}
	cmd.Stdin = strings.NewReader("PARAMETER_X=1\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("wrapper: %v\n%s", err, out)
	}
	if want := "args:--bulk|args:two words|PARAMETER_X=1\n"; string(out) != want {
		t.Errorf("wrapper output %q, want %q", out, want)
	}
	if !bytes.HasPrefix([]byte(script), []byte("#!/bin/sh\n# "+WrapperTitle+"\n# Bulk: yes\n")) {
		t.Error("Checkmk reads the title from line 2 and Bulk from line 3")
	}
}
