package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Class is what an outcome means for the caller: done, nothing to do, try again, or give
// up. It is named by the decision it drives.
type Class int

// The classes of an outcome.
const (
	// ClassSuccess: the destination accepted the request.
	ClassSuccess Class = iota
	// ClassBenign: the destination refused, but there was nothing to do (for example
	// resolving an alert that is no longer open). Treat as delivered; do not retry.
	ClassBenign
	// ClassRetryable: sending the same request again later may succeed (network errors,
	// timeouts, 408, 429, 5xx except 501, a certificate expired or not yet valid).
	ClassRetryable
	// ClassPermanent: sending the same request again will fail the same way (other 4xx,
	// 3xx, 501, TLS certificate errors other than expiry, malformed URLs).
	ClassPermanent
)

// String returns the class name ("success", "benign", "retryable", "permanent"), or
// "Class(n)" for an unknown value.
func (c Class) String() string {
	switch c {
	case ClassSuccess:
		return "success"
	case ClassBenign:
		return "benign"
	case ClassRetryable:
		return "retryable"
	case ClassPermanent:
		return "permanent"
	}
	return "Class(" + strconv.Itoa(int(c)) + ")"
}

// ClassifyStatus classifies an HTTP status code: 2xx success; 408, 429 and 5xx except 501
// retryable; everything else (1xx, 3xx, other 4xx, 501, codes outside 100–599) permanent.
func ClassifyStatus(code int) Class {
	switch {
	case code >= 200 && code <= 299:
		return ClassSuccess
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests:
		return ClassRetryable
	case code == http.StatusNotImplemented:
		return ClassPermanent
	case code >= 500 && code <= 599:
		return ClassRetryable
	}
	return ClassPermanent
}

// ClassifyError classifies an error from sending a request (no HTTP answer). A nil error
// is a success. Context cancellation and deadlines are retryable: the request may or may
// not have arrived, and a later call may succeed. A certificate that has expired or is not
// yet valid is retryable: a renewed certificate or a corrected clock mends it. Other
// certificate and TLS protocol errors, an unsupported scheme, an unparsable URL and
// invalid headers are permanent. Every other
// transport error (refused, reset, DNS, timeouts, unexpected EOF) is retryable.
func ClassifyError(err error) Class {
	if err == nil {
		return ClassSuccess
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return ClassRetryable
	}
	var (
		unknownAuthority x509.UnknownAuthorityError
		invalidCert      x509.CertificateInvalidError
		hostname         x509.HostnameError
		insecureAlg      x509.InsecureAlgorithmError
		systemRoots      x509.SystemRootsError
		verification     *tls.CertificateVerificationError
		recordHeader     tls.RecordHeaderError
		alert            tls.AlertError
	)
	if errors.As(err, &invalidCert) && invalidCert.Reason == x509.Expired {
		// Expired or not yet valid: time mends it (the destination renews its
		// certificate, this machine's clock is set right), so the request waits for it.
		return ClassRetryable
	}
	switch {
	case errors.As(err, &unknownAuthority), errors.As(err, &invalidCert),
		errors.As(err, &hostname), errors.As(err, &insecureAlg),
		errors.As(err, &systemRoots), errors.As(err, &verification),
		errors.As(err, &recordHeader), errors.As(err, &alert):
		return ClassPermanent
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Op == "parse" {
		return ClassPermanent
	}
	// net/http reports these as plain strings (no exported error values).
	msg := err.Error()
	for _, s := range permanentMessages {
		if strings.Contains(msg, s) {
			return ClassPermanent
		}
	}
	return ClassRetryable
}

var permanentMessages = []string{
	"unsupported protocol scheme",
	"no Host in request URL",
	"invalid header field",
	"invalid method",
	"stopped after", // redirect loops of a caller-supplied client
	"http: nil Request.URL",
	"certificate",
	"server gave HTTP response to HTTPS client",
}

// ClassifyFunc decides the class of an HTTP answer; it is how a sink declares its benign
// answers. It is called with the answer's status, headers and (bounded) body.
type ClassifyFunc func(*Response) Class

// DefaultClassify classifies an answer by its status alone ([ClassifyStatus]).
func DefaultClassify(r *Response) Class { return ClassifyStatus(r.StatusCode) }
