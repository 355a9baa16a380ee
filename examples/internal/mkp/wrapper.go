package mkp

import (
	"errors"
	"path"
	"strings"
)

// The notification script that Checkmk runs. A compiled binary has no text header, so a
// small shell script carries the method's title (line 2) and the bulk capability
// (line 3) and hands over to checkmk-notify, forwarding --bulk.
const (
	// WrapperName is the file name of the notification script, which is also the
	// method's name in rules and the name of its parameter form.
	WrapperName = "alertbridge"
	// WrapperTitle is the title line: the method's name in the rule editor.
	WrapperTitle = "iLert and AlertOps (alertbridge)"
	// WrapperMarker is the fourth line; it tells "checkmk-notify install" that it wrote
	// the script and may replace it.
	WrapperMarker = "# Written by checkmk-notify install (alertbridge)."
	// SiteBinary is where the package installs checkmk-notify, relative to the site home.
	SiteBinary = "local/bin/checkmk-notify"
)

// ValidWrapperTitle reports whether title can be the title line: one line of text, not
// blank, without "#" (Checkmk cuts the title at a further "#").
func ValidWrapperTitle(title string) bool {
	return !strings.ContainsAny(title, "\r\n#") && strings.TrimSpace(title) != ""
}

// WrapperScript returns the notification script that runs the binary at the absolute
// path binary (single-quoted for sh), as "checkmk-notify install" writes it:
//
//	#!/bin/sh
//	# <title>
//	# Bulk: yes
//	# Written by checkmk-notify install (alertbridge).
//	exec '<binary>' "$@"
func WrapperScript(title, binary string) (string, error) {
	if !ValidWrapperTitle(title) {
		return "", errors.New("mkp: the wrapper title must be one line of text without '#'")
	}
	if !path.IsAbs(binary) || strings.ContainsAny(binary, "\x00\r\n") {
		return "", errors.New("mkp: the wrapper needs the absolute path of the binary")
	}
	return wrapper(title, ShellQuote(binary)), nil
}

// SiteWrapperScript returns the same script for a binary inside the site, named by its
// path relative to the site home (such as SiteBinary): the exec line is
// exec "$OMD_ROOT/<rel>" "$@", so one script serves every site. rel may hold only
// ASCII letters, digits, ".", "_", "-" and "/".
func SiteWrapperScript(title, rel string) (string, error) {
	if !ValidWrapperTitle(title) {
		return "", errors.New("mkp: the wrapper title must be one line of text without '#'")
	}
	if err := checkRelPath(rel); err != nil {
		return "", errors.New("mkp: the binary's path in the site must be a clean relative path")
	}
	return wrapper(title, `"$OMD_ROOT/`+rel+`"`), nil
}

func wrapper(title, execWord string) string {
	return "#!/bin/sh\n" +
		"# " + title + "\n" +
		"# Bulk: yes\n" +
		WrapperMarker + "\n" +
		"exec " + execWord + " \"$@\"\n"
}

// ShellQuote quotes s for sh: it puts s in single quotes and writes each single quote
// inside as close-quote, backslash, quote, open-quote.
func ShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
