package checkmk

import "testing"

func TestExpandMacros(t *testing.T) {
	t.Parallel()
	ctx := map[string]string{
		"NOTIFICATIONTYPE": "PROBLEM", "HOSTNAME": "web01", "HOSTSTATE": "DOWN", "HOSTOUTPUT": "CRIT - $5 $HOSTNAME$",
		"HOSTLABEL_cmk/os": "linux", "EMPTY": "", "PARAMETER_1": "p1",
	}
	tests := []struct{ name, in, want string }{
		{"ilert host summary", "$NOTIFICATIONTYPE$ Host Alert: $HOSTNAME$ is $HOSTSTATE$ - $HOSTOUTPUT$", "PROBLEM Host Alert: web01 is DOWN - CRIT - $5 $HOSTNAME$"},
		{"no macros", "plain text", "plain text"},
		{"empty", "", ""},
		{"unknown macro becomes empty", "a$SERVICEDESC$b", "ab"},
		{"unknown with digits", "[$HOST_ADDRESS_6$]", "[]"},
		{"known with digits", "$PARAMETER_1$", "p1"},
		{"lower-case text is not a macro", "costs $5 and $HOSTNAME$", "costs $5 and web01"},
		{"label name with slash", "$HOSTLABEL_cmk/os$", "linux"},
		{"unknown lower-case stays", "$not a macro$", "$not a macro$"},
		{"double dollar", "$$", "$$"},
		{"lone dollar", "a $ b", "a $ b"},
		{"trailing dollar", "$HOSTNAME$$", "web01$"},
		{"adjacent", "$HOSTNAME$$HOSTSTATE$", "web01DOWN"},
		{"empty value", "<$EMPTY$>", "<>"},
		{"unterminated", "x $HOSTNAME", "x $HOSTNAME"},
		{"values not expanded again", "$HOSTOUTPUT$", "CRIT - $5 $HOSTNAME$"},
		{"utf-8 around", "ä$HOSTNAME$ö", "äweb01ö"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := ExpandMacros(tt.in, ctx); got != tt.want {
				t.Errorf("ExpandMacros(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNotificationExpandMacros(t *testing.T) {
	t.Parallel()
	n, err := FromEnviron(readEnv(t, "host-down-problem"))
	if err != nil {
		t.Fatal(err)
	}
	got := n.ExpandMacros("$NOTIFICATIONTYPE$ Host Alert: $HOSTNAME$ is $HOSTSTATE$ - $HOSTOUTPUT$")
	if want := "PROBLEM Host Alert: web01 is DOWN - CRITICAL - 10.20.30.41: rta nan, lost 100%"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
