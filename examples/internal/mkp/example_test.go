package mkp_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/alertbridge/alertbridge/examples/internal/mkp"
)

// Build the alertbridge package from a binary and write it; a program passes its own
// executable (an *os.File) and writes to <dir>/<FileName>.
func ExampleAlertbridge() {
	binary := []byte("the checkmk-notify executable")
	v, err := mkp.VersionFromProgram("v1.2.0")
	if err != nil {
		fmt.Println(err)
		return
	}
	pkg, err := mkp.Alertbridge(bytes.NewReader(binary), int64(len(binary)), v)
	if err != nil {
		fmt.Println(err)
		return
	}
	var out bytes.Buffer
	if err := pkg.Write(context.Background(), &out); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(pkg.FileName())
	for _, f := range pkg.Files() {
		fmt.Printf("%s %04o %s/%s\n", f.Part, f.Mode(), f.Part.SiteDir(), f.Path)
	}
	// Output:
	// alertbridge-1.2.0.mkp
	// bin 0700 local/bin/checkmk-notify
	// cmk_addons_plugins 0600 local/lib/python3/cmk_addons/plugins/alertbridge/rulesets/notification_parameters.py
	// lib 0600 local/lib/python3/cmk/gui/plugins/wato/alertbridge_notification_parameters.py
	// notifications 0700 local/share/check_mk/notifications/alertbridge
}

// A version must be MAJOR.MINOR.PATCH with an optional pre-release.
func ExampleParseVersion() {
	for _, s := range []string{"1.4.0", "1.4.0-rc.1", "1.4", "2.4.0p16"} {
		_, err := mkp.ParseVersion(s)
		fmt.Println(s, err == nil)
	}
	// Output:
	// 1.4.0 true
	// 1.4.0-rc.1 true
	// 1.4 false
	// 2.4.0p16 false
}

// The notification script "checkmk-notify install" writes, and the one the package ships.
func ExampleSiteWrapperScript() {
	script, err := mkp.SiteWrapperScript(mkp.WrapperTitle, mkp.SiteBinary)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(script)
	// Output:
	// #!/bin/sh
	// # iLert and AlertOps (alertbridge)
	// # Bulk: yes
	// # Written by checkmk-notify install (alertbridge).
	// exec "$OMD_ROOT/local/bin/checkmk-notify" "$@"
}

// Listing is what "checkmk-notify mkp -n" prints.
func ExamplePackage_Listing() {
	binary := []byte("binary")
	pkg, err := mkp.Alertbridge(bytes.NewReader(binary), int64(len(binary)), "1.0.0")
	if err != nil {
		fmt.Println(err)
		return
	}
	lines := strings.Split(pkg.Listing(), "\n")
	fmt.Println(strings.Join(lines[:3], "\n"))
	// Output:
	// Package file:                  alertbridge-1.0.0.mkp
	// Name:                          alertbridge
	// Version:                       1.0.0
}

// A manifest of another package: New fills in the files.
func ExampleNew() {
	m := mkp.Manifest{
		Title: "Example", Name: "example", Version: "0.1.0", Author: "me",
		VersionPackaged: "2.4.0p16", VersionMinRequired: "2.3.0", DownloadURL: "https://example.com/",
	}
	pkg, err := mkp.New(m, []mkp.File{mkp.BytesFile(mkp.PartNotifications, "example", []byte("#!/bin/sh\n"))})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(pkg.Manifest().PythonLiteral()))
	// Output:
	// {'author': 'me',
	//  'description': '',
	//  'download_url': 'https://example.com/',
	//  'files': {'notifications': ['example']},
	//  'name': 'example',
	//  'title': 'Example',
	//  'version': '0.1.0',
	//  'version.min_required': '2.3.0',
	//  'version.packaged': '2.4.0p16',
	//  'version.usable_until': None}
}
