package ilert

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidEvent is wrapped by every problem [Event.Validate] reports; test with
// errors.Is(err, ilert.ErrInvalidEvent). Invalid events are never sent, and the error is
// permanent: sending the same event again cannot succeed.
var ErrInvalidEvent = errors.New("ilert: invalid event")

// Validate reports every problem that would make iLert reject the event, joined with
// errors.Join; each wraps [ErrInvalidEvent] and names the JSON field. It returns nil for a
// valid event. Over-long fields are not problems: [Event.Normalize] truncates them.
//
// The rules: integrationKey non-empty; eventType one of ALERT, ACCEPT, RESOLVE, COMMENT;
// summary required for ALERT only (iLert's own ACCEPT and RESOLVE examples omit it); an
// alertKey for ACCEPT, RESOLVE and COMMENT; comments for COMMENT; priority empty, HIGH or
// LOW; severity 0 (unset) or 1 to 5; every image has a src, every link an href, every
// comment a content.
func (e Event) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidEvent}, args...)...))
	}
	if blank(e.IntegrationKey) {
		bad("integrationKey is empty")
	}
	switch {
	case e.EventType == "":
		bad("eventType is empty")
	case !e.EventType.Valid():
		bad("eventType %q is not one of ALERT, ACCEPT, RESOLVE, COMMENT", string(e.EventType))
	}
	if e.EventType == EventTypeAlert && blank(e.Summary) {
		bad("summary is required for ALERT")
	}
	switch e.EventType {
	case EventTypeAccept, EventTypeResolve, EventTypeComment:
		if blank(e.AlertKey) {
			bad("alertKey is required for %s", e.EventType)
		}
	}
	if e.EventType == EventTypeComment && len(e.Comments) == 0 {
		bad("comments are required for COMMENT")
	}
	if e.Priority != "" && !e.Priority.Valid() {
		bad("priority %q is not HIGH or LOW", string(e.Priority))
	}
	if e.Severity != 0 && (e.Severity < 1 || e.Severity > 5) {
		bad("severity %d is not between 1 and 5", e.Severity)
	}
	for i, img := range e.Images {
		if blank(img.Src) {
			bad("images[%d].src is empty", i)
		}
	}
	for i, l := range e.Links {
		if blank(l.Href) {
			bad("links[%d].href is empty", i)
		}
	}
	for i, c := range e.Comments {
		if blank(c.Content) {
			bad("comments[%d].content is empty", i)
		}
	}
	return errors.Join(errs...)
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }
