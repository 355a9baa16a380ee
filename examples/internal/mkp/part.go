package mkp

import (
	"io/fs"
	"strings"
)

// Part is a part of an extension package: the files of one part are installed below one
// directory of the site. The names and directories are those of Checkmk's mkp tool
// (packages/cmk-mkp-tool/cmk/mkp_tool/_mkp.py, PackagePart; _parts.py).
type Part string

// The parts of an extension package.
const (
	PartCmkPlugins       Part = "cmk_plugins"
	PartCmkAddonsPlugins Part = "cmk_addons_plugins"
	PartECRulePacks      Part = "ec_rule_packs"
	PartAgentBased       Part = "agent_based"
	PartChecks           Part = "checks"
	PartInventory        Part = "inventory"
	PartCheckman         Part = "checkman"
	PartAgents           Part = "agents"
	PartNotifications    Part = "notifications"
	PartGUI              Part = "gui"
	PartWeb              Part = "web"
	PartPNPTemplates     Part = "pnp-templates"
	PartDoc              Part = "doc"
	PartLocales          Part = "locales"
	PartBin              Part = "bin"
	PartLib              Part = "lib"
	PartMIBs             Part = "mibs"
	PartAlertHandlers    Part = "alert_handlers"
)

// parts lists every part of Checkmk's PackagePart enumeration, in its order.
var parts = []Part{
	PartCmkPlugins, PartCmkAddonsPlugins, PartECRulePacks, PartAgentBased, PartChecks,
	PartInventory, PartCheckman, PartAgents, PartNotifications, PartGUI, PartWeb,
	PartPNPTemplates, PartDoc, PartLocales, PartBin, PartLib, PartMIBs, PartAlertHandlers,
}

// siteDirs are the directories below the site home that the parts used by notification
// plug-ins install into (checkmk-packaging.md; _parts.py, make_path_config_template).
var siteDirs = map[Part]string{
	PartCmkPlugins:       "local/lib/python3/cmk/plugins",
	PartCmkAddonsPlugins: "local/lib/python3/cmk_addons/plugins",
	PartNotifications:    "local/share/check_mk/notifications",
	PartBin:              "local/bin",
	PartLib:              "local/lib",
}

// Valid reports whether p is one of the parts Checkmk knows.
func (p Part) Valid() bool {
	for _, q := range parts {
		if p == q {
			return true
		}
	}
	return false
}

// SiteDir returns the directory below the site home ($OMD_ROOT) that the part's files
// are installed into, such as "local/bin", for the parts a notification plug-in uses
// (bin, lib, notifications, cmk_plugins, cmk_addons_plugins), and "" for the others.
func (p Part) SiteDir() string { return siteDirs[p] }

// Mode returns the permissions Checkmk gives a file of this part after installing it
// (cmk/mkp_tool/_parts.py, permissions): 0700 for executables (bin, notifications,
// agents, alert handlers, Nagios plug-ins under lib/nagios/plugins, and files in a
// libexec directory of cmk_plugins or cmk_addons_plugins), 0600 for everything else.
// relPath is the file's path relative to the part's directory.
func (p Part) Mode(relPath string) fs.FileMode {
	const exe, plain fs.FileMode = 0o700, 0o600
	switch p {
	case PartAgents, PartNotifications, PartBin, PartAlertHandlers:
		return exe
	case PartLib:
		if strings.HasPrefix(relPath, "nagios/plugins/") {
			return exe
		}
	case PartCmkPlugins, PartCmkAddonsPlugins:
		segs := strings.Split(relPath, "/")
		if len(segs) > 1 && segs[len(segs)-2] == "libexec" {
			return exe
		}
	}
	return plain
}
