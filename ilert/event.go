package ilert

// EventType says what an event does to the alert with its alert key.
type EventType string

// The event types of the iLert Events API.
const (
	// EventTypeAlert opens an alert, or appends to the open one with the same alert key.
	EventTypeAlert EventType = "ALERT"
	// EventTypeAccept accepts the open alert with the alert key, stopping notifications.
	EventTypeAccept EventType = "ACCEPT"
	// EventTypeResolve resolves the open alert with the alert key.
	EventTypeResolve EventType = "RESOLVE"
	// EventTypeComment adds the event's comments to the open alert with the alert key.
	EventTypeComment EventType = "COMMENT"
)

// Valid reports whether t is one of the event types iLert accepts.
func (t EventType) Valid() bool {
	switch t {
	case EventTypeAlert, EventTypeAccept, EventTypeResolve, EventTypeComment:
		return true
	}
	return false
}

// Priority overrides the priority the alert source would evaluate. iLert honours it
// only under the conditions its documentation names (see the package documentation).
type Priority string

// The priorities of the iLert Events API.
const (
	PriorityHigh Priority = "HIGH"
	PriorityLow  Priority = "LOW"
)

// Valid reports whether p is HIGH or LOW.
func (p Priority) Valid() bool { return p == PriorityHigh || p == PriorityLow }

// Image is an image rendered with the alert in iLert's web and mobile apps.
type Image struct {
	Src  string `json:"src"`
	Href string `json:"href,omitempty"`
	Alt  string `json:"alt,omitempty"`
}

// Link is a deep link shown with the alert.
type Link struct {
	Href string `json:"href"`
	Text string `json:"text,omitempty"`
}

// Comment is a comment attached to the alert.
type Comment struct {
	Creator string `json:"creator,omitempty"`
	Content string `json:"content"`
}

// Service names an iLert service affected by the alert; Alias is the usual way, ID is for
// rare edge cases.
type Service struct {
	ID    int64  `json:"id,omitempty"`
	Alias string `json:"alias,omitempty"`
}

// Event is a request body of the iLert Events API (POST /api/events).
//
// The integration key authenticates the event; it is a secret and never appears in the
// output of the package's errors, nor when an Event is formatted with the fmt package (any
// verb, including %v, %+v and %#v).
//
// Decoding accepts the legacy JSON names apiKey (for integrationKey) and incidentKey (for
// alertKey); encoding always uses the current names.
type Event struct {
	IntegrationKey string            `json:"integrationKey"`
	EventType      EventType         `json:"eventType"`
	Summary        string            `json:"summary,omitempty"`
	Details        string            `json:"details,omitempty"`
	AlertKey       string            `json:"alertKey,omitempty"`
	Priority       Priority          `json:"priority,omitempty"`
	Severity       int               `json:"severity,omitempty"`
	Images         []Image           `json:"images,omitempty"`
	Links          []Link            `json:"links,omitempty"`
	Comments       []Comment         `json:"comments,omitempty"`
	Labels         map[string]string `json:"labels,omitempty"`
	Services       []Service         `json:"services,omitempty"`
	CustomDetails  map[string]any    `json:"customDetails,omitempty"`
	RoutingKey     string            `json:"routingKey,omitempty"`
}
