package checkmk

import (
	"errors"
	"strings"
	"testing"
)

func TestParseILertAlertKey(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 300)
	tests := []struct {
		key  string
		want AlertKeyObject
		err  error
	}{
		{"prod/web01", AlertKeyObject{Site: "prod", Host: "web01"}, nil},
		{"prod/web01/CPU load", AlertKeyObject{Site: "prod", Host: "web01", Service: "CPU load"}, nil},
		{"prod/web01/Filesystem /var/log", AlertKeyObject{Site: "prod", Host: "web01", Service: "Filesystem /var/log"}, nil},
		{"prod/web01//", AlertKeyObject{Site: "prod", Host: "web01", Service: "/"}, nil},
		{"/web01", AlertKeyObject{Host: "web01"}, nil},
		{"_x9/10.0.0.1/PING", AlertKeyObject{Site: "_x9", Host: "10.0.0.1", Service: "PING"}, nil},
		{"Prod_2/web-01.example.com", AlertKeyObject{Site: "Prod_2", Host: "web-01.example.com"}, nil},
		{"web01", AlertKeyObject{}, ErrNotEventsModeKey},
		{"", AlertKeyObject{}, ErrNotEventsModeKey},
		{"prod/", AlertKeyObject{}, ErrNotEventsModeKey},
		{"prod//CPU", AlertKeyObject{}, ErrNotEventsModeKey},
		{"prod/web01/", AlertKeyObject{}, ErrNotEventsModeKey},
		{"prod/web01/ ", AlertKeyObject{}, ErrNotEventsModeKey},
		{"web01.example.com/CPU load", AlertKeyObject{}, ErrNotEventsModeKey},
		{"9prod/web01", AlertKeyObject{}, ErrNotEventsModeKey},
		{"a_site_name_too_long/web01", AlertKeyObject{}, ErrNotEventsModeKey},
		{"prod/web 01", AlertKeyObject{}, ErrNotEventsModeKey},
		{"prod/web01/CPU\nload", AlertKeyObject{}, ErrNotEventsModeKey},
		{"prod/" + long[:190] + "#" + strings.Repeat("ab", 32), AlertKeyObject{}, ErrHashedAlertKey},
	}
	for _, tt := range tests {
		got, err := ParseILertAlertKey(tt.key)
		if tt.err != nil {
			if !errors.Is(err, tt.err) {
				t.Errorf("ParseILertAlertKey(%q) = %+v, %v; want %v", tt.key, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseILertAlertKey(%q) = %+v, %v; want %+v", tt.key, got, err, tt.want)
			continue
		}
		if got.String() != tt.key || got.IsService() != (tt.want.Service != "") {
			t.Errorf("%q: String %q IsService %v", tt.key, got.String(), got.IsService())
		}
	}
}

// TestParseILertAlertKeyInvertsILertAlertKey: the key the notifier sends maps back to its
// notification's object.
func TestParseILertAlertKeyInvertsILertAlertKey(t *testing.T) {
	t.Parallel()
	for _, ctx := range []map[string]string{
		{"WHAT": "HOST", "NOTIFICATIONTYPE": "PROBLEM", "OMD_SITE": "prod", "HOSTNAME": "db02", "HOSTSTATE": "DOWN"},
		{"WHAT": "SERVICE", "NOTIFICATIONTYPE": "PROBLEM", "OMD_SITE": "prod", "HOSTNAME": "web01",
			"SERVICEDESC": "Filesystem /var/log", "SERVICESTATE": "CRITICAL"},
	} {
		n, err := New(ctx)
		if err != nil {
			t.Fatal(err)
		}
		obj, err := ParseILertAlertKey(ILertAlertKey(n))
		if err != nil {
			t.Fatal(err)
		}
		if obj.Site != n.Site || obj.Host != n.Host.Name || obj.Service != n.Service.Description {
			t.Errorf("%+v from %q", obj, ILertAlertKey(n))
		}
	}
}
