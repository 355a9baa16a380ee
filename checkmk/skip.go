package checkmk

import "errors"

// ErrSkip reports that the input has no counterpart at the destination, so there is
// nothing to send: for example a DOWNTIMESTART notification for iLert, or an iLert alert
// event that needs no action in Checkmk. Mappings wrap it with the reason; test for it with
// errors.Is.
var ErrSkip = errors.New("nothing to send")
