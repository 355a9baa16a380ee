package mkp

import (
	"fmt"
	"strings"
)

// Listing returns what "checkmk-notify mkp -n" prints instead of writing the package:
// the manifest in the layout of "mkp inspect" (cmk/mkp_tool/cli.py, _to_text) and, for
// each part, the site directory and every file with the mode it is installed with and
// its size. It reads no file content.
func (p *Package) Listing() string {
	m := p.manifest
	until := m.VersionUsableUntil
	if until == "" {
		until = "No version limitation"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Package file:                  %s\n", m.FileName())
	fmt.Fprintf(&b, "Name:                          %s\n", m.Name)
	fmt.Fprintf(&b, "Version:                       %s\n", m.Version)
	fmt.Fprintf(&b, "Packaged on Checkmk Version:   %s\n", m.VersionPackaged)
	fmt.Fprintf(&b, "Required Checkmk Version:      %s\n", m.VersionMinRequired)
	fmt.Fprintf(&b, "Valid until Checkmk version:   %s\n", until)
	fmt.Fprintf(&b, "Title:                         %s\n", m.Title)
	fmt.Fprintf(&b, "Author:                        %s\n", m.Author)
	fmt.Fprintf(&b, "Download-URL:                  %s\n", m.DownloadURL)
	b.WriteString("Files:\n")
	for _, part := range m.sortedParts() {
		dir := part.SiteDir()
		if dir == "" {
			dir = "?"
		}
		fmt.Fprintf(&b, "  %s (installed below $OMD_ROOT/%s/)\n", part, dir)
		for _, f := range p.partFiles(part) {
			fmt.Fprintf(&b, "    %04o %10d  %s\n", f.Mode(), f.Size, f.Path)
		}
	}
	b.WriteString("Description:\n")
	for _, line := range strings.Split(m.Description, "\n") {
		if line == "" {
			b.WriteString("\n")
			continue
		}
		b.WriteString("  " + line + "\n")
	}
	return b.String()
}
