package main

import (
	"fmt"

	"mailwire/core/errs"
)

func versionString() string {
	return fmt.Sprintf("%d.%d.%d", versionMajor, versionMinor, versionPatch)
}

// strerrors is the static text of every code; include/mailwire.h lists the
// same codes. Codes are appended, never renumbered.
var strerrors = map[errs.Kind]string{
	0:                "success",
	errs.Internal:    "internal error in the library",
	errs.Handle:      "bad handle: closed, never opened, or of another kind",
	errs.Arg:         "bad argument (NULL, out of range, or a forbidden CR, LF or NUL)",
	errs.State:       "call not valid in the handle's current state",
	errs.Option:      "unknown option or bad option value",
	errs.File:        "a local file cannot be opened, read or written",
	errs.Busy:        "the handle is in use by another thread",
	errs.NotFound:    "no such item",
	errs.Parse:       "input data cannot be parsed",
	errs.Partial:     "some recipients were refused; the message went to the others",
	errs.Refused:     "the server refused (permanent failure)",
	errs.Temporary:   "the server refused for now (temporary failure): try again later",
	errs.Auth:        "authentication failed",
	errs.TooBig:      "the message is larger than the server accepts",
	errs.Unsupported: "the server lacks an extension or mechanism that is needed",
	errs.IO:          "network error: the connection was lost",
	errs.Timeout:     "timed out",
	errs.TLS:         "TLS handshake or certificate verification failed",
	errs.Protocol:    "protocol error: malformed, oversized or hostile reply",
	errs.Security:    "refused for security: TLS required but not available, or password without TLS",
	errs.Cancelled:   "cancelled",
	errs.Connect:     "cannot connect to the server",
	errs.Closed:      "the server closed the connection",
}

func strerror(k errs.Kind) string {
	if s, ok := strerrors[k]; ok {
		return s
	}
	return "unknown error code"
}
