package checkmk

import (
	"strconv"
	"strings"
)

// PerfValue is one metric of Nagios-style performance data
// ("label=value[UOM];warn;crit;min;max").
type PerfValue struct {
	Label string `json:"label"`
	// Value is the number as given, without its unit; see Float.
	Value string `json:"value"`
	Unit  string `json:"unit,omitempty"`
	// Warn, Crit, Min and Max are as given; thresholds may be ranges such as "10:20".
	Warn string `json:"warn,omitempty"`
	Crit string `json:"crit,omitempty"`
	Min  string `json:"min,omitempty"`
	Max  string `json:"max,omitempty"`
}

// Float returns Value as a number, and false when it is not one (for example "U").
func (p PerfValue) Float() (float64, bool) {
	f, err := strconv.ParseFloat(p.Value, 64)
	return f, err == nil
}

// ParsePerfData parses a HOSTPERFDATA or SERVICEPERFDATA value: space-separated items
// "label=value[UOM];warn;crit;min;max", where a label in single quotes may contain spaces
// and "=" (a doubled quote stands for a quote). Malformed items are skipped; the raw
// string stays in Host.PerfData and Service.PerfData.
func ParsePerfData(s string) []PerfValue {
	var out []PerfValue
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return out
		}
		label, rest, ok := perfLabel(s)
		if !ok {
			s = s[nextItem(s):]
			continue
		}
		end := nextItem(rest)
		item := rest[:end]
		s = rest[end:]
		fields := strings.SplitN(item, ";", 5)
		v := PerfValue{Label: label}
		v.Value, v.Unit = splitUnit(fields[0])
		if v.Value == "" {
			continue
		}
		for i, dst := range []*string{&v.Warn, &v.Crit, &v.Min, &v.Max} {
			if i+1 < len(fields) {
				*dst = fields[i+1]
			}
		}
		out = append(out, v)
	}
}

// nextItem returns the index of the white space ending the item s starts with.
func nextItem(s string) int {
	if i := strings.IndexAny(s, " \t"); i >= 0 {
		return i
	}
	return len(s)
}

// perfLabel reads "label=" or "'quoted label'=" at the start of s.
func perfLabel(s string) (label, rest string, ok bool) {
	if s[0] != '\'' {
		end := strings.IndexAny(s, "= \t")
		if end <= 0 || s[end] != '=' {
			return "", "", false
		}
		return s[:end], s[end+1:], true
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '\'' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			b.WriteByte('\'')
			i++
			continue
		}
		if i+1 < len(s) && s[i+1] == '=' && b.Len() > 0 {
			return b.String(), s[i+2:], true
		}
		return "", "", false
	}
	return "", "", false
}

// splitUnit splits "97.12%" into "97.12" and "%"; "U" (unknown) is kept as the value.
func splitUnit(s string) (value, unit string) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == '-' || s[i] == '+') {
		i++
	}
	if i == 0 {
		return s, ""
	}
	return s[:i], s[i:]
}
