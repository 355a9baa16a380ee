package checkmk

import "testing"

func TestExitCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code      ExitCode
		str       string
		retryable bool
	}{
		{ExitSent, "sent (0)", false},
		{ExitTemporary, "temporary failure (1)", true},
		{ExitPermanent, "permanent failure (2)", false},
		{3, "permanent failure (3)", false},
		{-1, "invalid (-1)", false},
	}
	for _, tt := range tests {
		if got := tt.code.String(); got != tt.str {
			t.Errorf("%d.String() = %q, want %q", int(tt.code), got, tt.str)
		}
		if got := tt.code.Retryable(); got != tt.retryable {
			t.Errorf("%d.Retryable() = %v", int(tt.code), got)
		}
	}
	combos := []struct {
		in   []ExitCode
		want ExitCode
	}{
		{nil, ExitSent},
		{[]ExitCode{ExitSent, ExitSent}, ExitSent},
		{[]ExitCode{ExitSent, ExitTemporary}, ExitTemporary},
		{[]ExitCode{ExitTemporary, ExitPermanent, ExitSent}, ExitPermanent},
		{[]ExitCode{ExitPermanent, ExitTemporary}, ExitPermanent},
		{[]ExitCode{-5}, ExitSent},
	}
	for _, c := range combos {
		if got := CombineExitCodes(c.in...); got != c.want {
			t.Errorf("CombineExitCodes(%v) = %v, want %v", c.in, got, c.want)
		}
	}
	if ExitTemporary.Combine(ExitSent) != ExitTemporary {
		t.Error("Combine lost the failure")
	}
}
