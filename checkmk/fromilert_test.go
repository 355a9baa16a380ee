package checkmk

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alertbridge/alertbridge/ilert"
	"github.com/alertbridge/alertbridge/internal/testutil"
	"github.com/google/go-cmp/cmp"
)

func webhook(typ ilert.AlertEventType, key string, mods ...func(*ilert.AlertWebhook)) *ilert.AlertWebhook {
	w := &ilert.AlertWebhook{AlertID: "4711", EventType: typ, RawEventType: string(typ), AlertKey: key,
		AssignedTo:  &ilert.WebhookUser{Username: "jdoe", FirstName: "Jane", LastName: "Doe"},
		AlertSource: &ilert.AlertSourceRef{ID: 99, Name: "Checkmk prod"}}
	for _, m := range mods {
		m(w)
	}
	return w
}

func TestFromILertWebhook(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		w        *ilert.AlertWebhook
		opts     ILertWebhookOptions
		want     Action
		skip     bool
		skipWith error  // errors.Is target besides ErrSkip
		reason   string // part of the skip's message
	}{
		{name: "accepted service", w: webhook(ilert.AlertEventAcknowledged, "prod/web01/Filesystem /var"),
			want: Action{Kind: ActionAcknowledge, Site: "prod", Host: "web01", Service: "Filesystem /var",
				Comment: "Accepted in iLert by Jane Doe", Sticky: true, AlertID: "4711",
				EventType: ilert.AlertEventAcknowledged, IdempotencyKey: "4711/alert-acknowledged"}},
		{name: "accepted host with link from the body", w: webhook(ilert.AlertEventAcknowledged, "prod/db02",
			func(w *ilert.AlertWebhook) { w.AlertURL = "https://acme.ilert.com/alert/view?id=4711" }),
			want: Action{Kind: ActionAcknowledge, Site: "prod", Host: "db02",
				Comment: "Accepted in iLert by Jane Doe (https://acme.ilert.com/alert/view?id=4711)", Sticky: true,
				AlertID: "4711", EventType: ilert.AlertEventAcknowledged, IdempotencyKey: "4711/alert-acknowledged"}},
		{name: "link from the template, flags from the options", w: webhook(ilert.AlertEventAcknowledged, "prod/db02"),
			opts: ILertWebhookOptions{AlertURLTemplate: "https://acme.ilert.com/alert/view?id={id}", Notify: true, NotSticky: true, Persistent: true},
			want: Action{Kind: ActionAcknowledge, Site: "prod", Host: "db02",
				Comment: "Accepted in iLert by Jane Doe (https://acme.ilert.com/alert/view?id=4711)", Notify: true, Persistent: true,
				AlertID: "4711", EventType: ilert.AlertEventAcknowledged, IdempotencyKey: "4711/alert-acknowledged"}},
		{name: "a body URL that is not http wins nothing", w: webhook(ilert.AlertEventAcknowledged, "prod/db02",
			func(w *ilert.AlertWebhook) { w.AlertURL = "javascript:alert(1)" }),
			want: Action{Kind: ActionAcknowledge, Site: "prod", Host: "db02", Comment: "Accepted in iLert by Jane Doe", Sticky: true,
				AlertID: "4711", EventType: ilert.AlertEventAcknowledged, IdempotencyKey: "4711/alert-acknowledged"}},
		{name: "accepted by the actor, nobody known", w: webhook(ilert.AlertEventAcknowledged, "prod/db02",
			func(w *ilert.AlertWebhook) { w.AssignedTo = nil }),
			want: Action{Kind: ActionAcknowledge, Site: "prod", Host: "db02", Comment: "Accepted in iLert", Sticky: true,
				AlertID: "4711", EventType: ilert.AlertEventAcknowledged, IdempotencyKey: "4711/alert-acknowledged"}},
		{name: "comment", w: webhook(ilert.AlertEventCommentAdded, "prod/web01/Filesystem /var", func(w *ilert.AlertWebhook) {
			w.Comment, w.CommentAuthor = " Rotating logs ", "Max Mustermann"
		}), want: Action{Kind: ActionComment, Site: "prod", Host: "web01", Service: "Filesystem /var",
			Comment: "Comment in iLert by Max Mustermann: Rotating logs", AlertID: "4711",
			EventType: ilert.AlertEventCommentAdded, IdempotencyKey: webhook(ilert.AlertEventCommentAdded, "",
				func(w *ilert.AlertWebhook) { w.Comment = " Rotating logs " }).IdempotencyKey()}},
		{name: "comment without author falls back to the assignee, persistent",
			w:    webhook(ilert.AlertEventCommentAdded, "prod/db02", func(w *ilert.AlertWebhook) { w.Comment, w.EventID = "x", "e1" }),
			opts: ILertWebhookOptions{Persistent: true},
			want: Action{Kind: ActionComment, Site: "prod", Host: "db02", Comment: "Comment in iLert by Jane Doe: x", Persistent: true,
				AlertID: "4711", EventType: ilert.AlertEventCommentAdded, IdempotencyKey: "4711/alert-comment-added/e1"}},
		{name: "comment without text", w: webhook(ilert.AlertEventCommentAdded, "prod/db02"), skip: true, reason: "without comment text"},
		{name: "resolved by default", w: webhook(ilert.AlertEventResolved, "prod/db02"), skip: true, reason: "resolves problems by checking"},
		{name: "auto-resolved by default", w: webhook(ilert.AlertEventAutoResolved, "prod/db02"), skip: true, reason: "RemoveAckOnResolve"},
		{name: "resolved removes the ack", w: webhook(ilert.AlertEventResolved, "prod/web01/Filesystem /var"),
			opts: ILertWebhookOptions{RemoveAckOnResolve: true, Persistent: true},
			want: Action{Kind: ActionRemoveAcknowledgement, Site: "prod", Host: "web01", Service: "Filesystem /var", AlertID: "4711",
				EventType: ilert.AlertEventResolved, IdempotencyKey: "4711/alert-resolved"}},
		{name: "created", w: webhook(ilert.AlertEventCreated, "prod/db02"), skip: true, reason: "no counterpart in Checkmk"},
		{name: "escalated", w: webhook(ilert.AlertEventAutoEscalated, "prod/db02"), skip: true, reason: "no counterpart"},
		{name: "unknown type", w: webhook("alert-snoozed", "prod/db02"), skip: true, reason: `unknown iLert event type "alert-snoozed"`},
		{name: "nil", w: nil, skip: true, reason: "no webhook"},
		{name: "checkmk-ext style key", w: webhook(ilert.AlertEventAcknowledged, "web01.example.com"), skip: true,
			skipWith: ErrNotEventsModeKey, reason: "events mode"},
		{name: "hostname-dot key", w: webhook(ilert.AlertEventAcknowledged, "web01.example.com/CPU load"), skip: true,
			skipWith: ErrNotEventsModeKey, reason: "not an OMD site name"},
		{name: "hashed key", w: webhook(ilert.AlertEventAcknowledged, strings.Repeat("a", 190)+"#"+strings.Repeat("0f", 32)),
			skip: true, skipWith: ErrHashedAlertKey},
		{name: "other alert source", w: webhook(ilert.AlertEventAcknowledged, "prod/db02"),
			opts: ILertWebhookOptions{AlertSourceIDs: []int64{1, 2}}, skip: true, reason: "alert source 99 is not one"},
		{name: "no alert source", w: webhook(ilert.AlertEventAcknowledged, "prod/db02", func(w *ilert.AlertWebhook) { w.AlertSource = nil }),
			opts: ILertWebhookOptions{AlertSourceIDs: []int64{99}}, skip: true, reason: "alert source none"},
		{name: "listed alert source", w: webhook(ilert.AlertEventAcknowledged, "prod/db02"), opts: ILertWebhookOptions{AlertSourceIDs: []int64{99}},
			want: Action{Kind: ActionAcknowledge, Site: "prod", Host: "db02", Comment: "Accepted in iLert by Jane Doe", Sticky: true,
				AlertID: "4711", EventType: ilert.AlertEventAcknowledged, IdempotencyKey: "4711/alert-acknowledged"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := FromILertWebhook(tt.w, tt.opts)
			if tt.skip {
				if !errors.Is(err, ErrSkip) {
					t.Fatalf("err = %v, want ErrSkip", err)
				}
				if tt.skipWith != nil && !errors.Is(err, tt.skipWith) {
					t.Errorf("err = %v, want it to match %v", err, tt.skipWith)
				}
				if !strings.Contains(err.Error(), tt.reason) {
					t.Errorf("err = %q, want the reason %q", err, tt.reason)
				}
				if got != (Action{}) {
					t.Errorf("action %+v with a skip", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("FromILertWebhook: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("action (-want +got):\n%s", diff)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("mapped action invalid: %v", err)
			}
		})
	}
}

func TestFromILertWebhookLongComment(t *testing.T) {
	t.Parallel()
	w := webhook(ilert.AlertEventCommentAdded, "prod/db02", func(w *ilert.AlertWebhook) { w.Comment = strings.Repeat("ä", 5000) })
	a, err := FromILertWebhook(w, ILertWebhookOptions{})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.TrimPrefix(a.Comment, "Comment in iLert by Jane Doe: ")
	if n := len([]rune(text)); n != MaxCommentRunes || !strings.HasSuffix(text, "…") {
		t.Errorf("comment of %d runes, want %d ending in …", n, MaxCommentRunes)
	}
}

// TestFromILertWebhookFixtures maps ilert's webhook fixtures and compares with golden
// files: the action, or the skip's message.
func TestFromILertWebhookFixtures(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("..", "ilert", "testdata", "webhook", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			w, err := ilert.DecodeAlertWebhook(body)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]any{}
			a, err := FromILertWebhook(w, ILertWebhookOptions{AlertURLTemplate: "https://acme.ilert.com/alert/view?id={id}"})
			switch {
			case errors.Is(err, ErrSkip):
				out["skip"] = err.Error()
			case err != nil:
				t.Fatal(err)
			default:
				out["action"] = a
			}
			got, _ := json.Marshal(out)
			testutil.GoldenJSON(t, filepath.Join("testdata", "golden", "fromilert", name+".golden.json"), got)
		})
	}
}

func TestActionValidateAndObject(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a    Action
		want string // "" valid
	}{
		{Action{Kind: ActionAcknowledge, Host: "h", Comment: "c"}, ""},
		{Action{Kind: ActionRemoveAcknowledgement, Host: "h"}, ""},
		{Action{Kind: "reboot", Host: "h"}, `unknown action "reboot"`},
		{Action{Kind: ActionComment, Host: " ", Comment: "c"}, "no host"},
		{Action{Kind: ActionComment, Host: "h"}, "no comment"},
	} {
		err := tt.a.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v: %v", tt.a, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want) || !errors.Is(err, ErrInvalidRequest)):
			t.Errorf("%+v: %v, want %q", tt.a, err, tt.want)
		}
	}
	a := Action{Site: "prod", Host: "web01", Service: "Filesystem /var"}
	if a.Object() != "prod/web01/Filesystem /var" || !a.IsService() {
		t.Errorf("Object %q IsService %v", a.Object(), a.IsService())
	}
	for _, k := range []ActionKind{ActionAcknowledge, ActionComment, ActionRemoveAcknowledgement} {
		if !k.Valid() {
			t.Errorf("%q invalid", k)
		}
	}
}

func TestActionJSONRoundTrip(t *testing.T) {
	t.Parallel()
	a := Action{Kind: ActionAcknowledge, Site: "prod", Host: "web01", Service: "Filesystem /var", Comment: "c",
		Sticky: true, AlertID: "1", EventType: ilert.AlertEventAcknowledged, IdempotencyKey: "1/alert-acknowledged"}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back Action
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s\n%s", diff, b)
	}
}
