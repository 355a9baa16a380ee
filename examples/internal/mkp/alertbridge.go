package mkp

import (
	"errors"
	"io"
)

// The manifest of the alertbridge package.
const (
	// Name is the package name.
	Name = "alertbridge"
	// Title is the package title.
	Title = "alertbridge: iLert and AlertOps notifications that are never lost"
	// MinRequired is the oldest Checkmk version the package installs on.
	MinRequired = "2.3.0"
	// Packaged is the newest Checkmk version the forms were checked against: the 2.5.0
	// line, whose first beta (2.5.0b1) is the first version that discovers Ruleset API v1
	// NotificationParameters (werk "Ruleset API: Fix NotificationParameter discovery").
	Packaged = "2.5.0b1"
	// Author is the package author.
	Author = "The alertbridge authors"
	// DownloadURL is where the package and its source are found.
	DownloadURL = "https://github.com/alertbridge/alertbridge"
	// BinaryPath is the path of checkmk-notify in part bin.
	BinaryPath = "checkmk-notify"
)

// Description is the package description: what it does, how to configure it, what it
// replaces, and where its queue and log are.
const Description = `Sends Checkmk notifications to iLert and AlertOps and loses none: every request is
written to a durable queue before it is sent, and what cannot be delivered now (iLert or
AlertOps down, rate limited, the run killed) is delivered later, in order.

Configure: Setup > Events > Notifications, add a rule with the notification method
"` + WrapperTitle + `" and fill in its form: the iLert alert source API key and/or
the AlertOps webhook URL (explicit or from the password store), the iLert mode (checkmk,
events or nagios), priority and summaries, the URL prefix for links back to Checkmk,
proxy, TLS verification, the queue, its maximum age, the background retrier, the iLert
rate limit and the time limits. Each field explains itself in its help text.

It replaces Checkmk's built-in iLert method and the AlertOps plug-in: switch their rules
to this method and enter the same key or webhook URL (alert sources and integrations stay
as they are).

Queue: $OMD_ROOT/var/alertbridge/spool (pending/ waiting, failed/ given up, each with the
reason). Log: the result of each notification is in $OMD_ROOT/var/log/notify.log; the
background retrier logs to $OMD_ROOT/var/log/alertbridge.log.

Files: local/bin/checkmk-notify (the program), the notification script
local/share/check_mk/notifications/` + WrapperName + `, and the form for Checkmk 2.3 and 2.4
(local/lib/python3/cmk/gui/plugins/wato/) and for 2.5 and later
(local/lib/python3/cmk_addons/plugins/alertbridge/rulesets/).`

// AlertbridgeManifest returns the manifest of the alertbridge package at version v,
// without files (New adds them).
func AlertbridgeManifest(v Version) Manifest {
	return Manifest{
		Title:              Title,
		Name:               Name,
		Description:        Description,
		Version:            v,
		VersionPackaged:    Packaged,
		VersionMinRequired: MinRequired,
		Author:             Author,
		DownloadURL:        DownloadURL,
	}
}

// Alertbridge returns the alertbridge extension package at version v: the checkmk-notify
// binary (size bytes of binary) in part bin, the notification script in part
// notifications (SiteWrapperScript running $OMD_ROOT/local/bin/checkmk-notify), the
// Checkmk 2.3/2.4 form in part lib and the Ruleset API v1 form in part
// cmk_addons_plugins.
func Alertbridge(binary io.ReaderAt, size int64, v Version, opts ...Option) (*Package, error) {
	if binary == nil || size <= 0 {
		return nil, errors.New("mkp: the checkmk-notify binary is empty")
	}
	if _, err := ParseVersion(string(v)); err != nil {
		return nil, err
	}
	script, err := SiteWrapperScript(WrapperTitle, SiteBinary)
	if err != nil {
		return nil, err
	}
	files := []File{
		{Part: PartBin, Path: BinaryPath, Size: size, Body: binary},
		BytesFile(PartNotifications, WrapperName, []byte(script)),
		BytesFile(PartLib, LegacyFormPath, legacyForm),
		BytesFile(PartCmkAddonsPlugins, RulesetFormPath, rulesetForm),
	}
	return New(AlertbridgeManifest(v), files, opts...)
}
