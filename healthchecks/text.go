package healthchecks

import (
	"strconv"
	"strings"
	"time"
)

// stateWord is the status as the summaries write it: "DOWN" or "UP".
func stateWord(s Status) string {
	return strings.ToUpper(string(s))
}

// summary is the one-line text of a notification, e.g. "Healthchecks: Nightly DB backup is DOWN".
func summary(n *Notification) string {
	name := n.Check.DisplayName()
	if name == "" {
		name = "unnamed check"
	}
	return "Healthchecks: " + name + " is " + stateWord(n.Status)
}

// details renders the facts a responder needs as a Markdown list (it reads as plain text
// too), followed by the check's description.
func details(n *Notification) string {
	c := &n.Check
	var b strings.Builder
	b.Grow(256 + len(c.Description))
	line := func(label, value string) {
		b.WriteString("- ")
		b.WriteString(label)
		b.WriteString(": ")
		b.WriteString(value)
		b.WriteByte('\n')
	}
	line("Status", stateWord(n.Status))
	if c.Slug != "" {
		line("Slug", c.Slug)
	}
	switch {
	case c.Schedule != "":
		v := "`" + c.Schedule + "`"
		if c.TimeZone != "" {
			v += " (" + c.TimeZone + ")"
		}
		line("Schedule", v)
	case c.Timeout > 0:
		line("Period", humanDuration(c.Timeout))
	}
	if c.Grace > 0 {
		line("Grace time", humanDuration(c.Grace))
	}
	if c.LastPing.IsZero() {
		line("Last ping", "never")
	} else {
		line("Last ping", c.LastPing.Format(time.RFC3339))
	}
	if c.LastDuration > 0 {
		line("Last duration", humanDuration(c.LastDuration))
	}
	if len(c.Tags) > 0 {
		line("Tags", strings.Join(c.Tags, " "))
	}
	if desc := strings.TrimSpace(c.Description); desc != "" {
		b.WriteByte('\n')
		b.WriteString(desc)
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// humanDuration writes d as Healthchecks' web interface does, e.g. "1 day 2 hours" or
// "10 minutes"; fractions of a second are dropped.
func humanDuration(d time.Duration) string {
	if d < 0 {
		return "-" + humanDuration(-d)
	}
	secs := int64(d / time.Second)
	if secs == 0 {
		return "0 seconds"
	}
	units := [...]struct {
		name string
		secs int64
	}{{"day", 86400}, {"hour", 3600}, {"minute", 60}, {"second", 1}}
	var b strings.Builder
	for _, u := range units {
		k := secs / u.secs
		if k == 0 {
			continue
		}
		secs -= k * u.secs
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatInt(k, 10))
		b.WriteByte(' ')
		b.WriteString(u.name)
		if k != 1 {
			b.WriteByte('s')
		}
	}
	return b.String()
}
