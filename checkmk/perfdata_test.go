package checkmk

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParsePerfData(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []PerfValue
	}{
		{"empty", "", nil},
		{"fixture service", "fs_used=50954.24;40960;46080;0;51200 fs_free=1474.56;;;0; fs_used_percent=97.12;80;90;0;100", []PerfValue{
			{Label: "fs_used", Value: "50954.24", Warn: "40960", Crit: "46080", Min: "0", Max: "51200"},
			{Label: "fs_free", Value: "1474.56", Min: "0"},
			{Label: "fs_used_percent", Value: "97.12", Warn: "80", Crit: "90", Min: "0", Max: "100"},
		}},
		{"units", "rta=0.398ms;200.000;500.000;0; pl=0%;80;100;0;100 rtmax=0.512ms;;;;", []PerfValue{
			{Label: "rta", Value: "0.398", Unit: "ms", Warn: "200.000", Crit: "500.000", Min: "0"},
			{Label: "pl", Value: "0", Unit: "%", Warn: "80", Crit: "100", Min: "0", Max: "100"},
			{Label: "rtmax", Value: "0.512", Unit: "ms"},
		}},
		{"quoted label", "'C:\\ used %'=44%;80;90 'it''s'=1", []PerfValue{
			{Label: "C:\\ used %", Value: "44", Unit: "%", Warn: "80", Crit: "90"},
			{Label: "it's", Value: "1"},
		}},
		{"unknown value and ranges", "a=U b=-3;10:20;@5:6", []PerfValue{
			{Label: "a", Value: "U"},
			{Label: "b", Value: "-3", Warn: "10:20", Crit: "@5:6"},
		}},
		{"malformed skipped", "garbage =1 'open=2 x= y=5", []PerfValue{{Label: "y", Value: "5"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, ParsePerfData(tt.in)); diff != "" {
				t.Errorf("ParsePerfData(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
	if f, ok := (PerfValue{Value: "97.12"}).Float(); !ok || f != 97.12 {
		t.Errorf("Float = %v, %v", f, ok)
	}
	if _, ok := (PerfValue{Value: "U"}).Float(); ok {
		t.Error("Float of U is a number")
	}
}
