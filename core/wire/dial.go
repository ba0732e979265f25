package wire

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"time"

	"mailwire/core/errs"
)

// Dial connects to host:port within timeout, and runs the TLS handshake
// at once when cfg is not nil (implicit TLS, RFC 8314). Errors are of kind
// errs.Connect, errs.Timeout, errs.TLS or errs.Cancelled.
func Dial(ctx context.Context, host string, port int, cfg *tls.Config, timeout time.Duration) (net.Conn, error) {
	if err := CheckLine("host", host); err != nil {
		return nil, err
	}
	if host == "" || port <= 0 || port > 65535 {
		return nil, errs.New(errs.Arg, "host and port (1-65535) are required")
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, dialErr(ctx, addr, err)
	}
	if BlockingIO {
		if nc, err = toBlocking(nc); err != nil {
			return nil, err
		}
	}
	if cfg == nil {
		return nc, nil
	}
	tc := tls.Client(nc, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		nc.Close()
		if k := dialErr(ctx, addr, err); errs.KindOf(k) != errs.Connect {
			return nil, k
		}
		return nil, errs.E(errs.TLS, &tlsError{"TLS handshake with " + addr + " failed: " + ExplainTLS(err), err})
	}
	return tc, nil
}

func dialErr(ctx context.Context, addr string, err error) error {
	switch {
	case ctx.Err() == context.Canceled:
		return errs.New(errs.Cancelled, "connect to "+addr+" cancelled")
	case ctx.Err() == context.DeadlineExceeded || errs.KindOf(err) == errs.Timeout:
		return errs.E(errs.Timeout, fmt.Errorf("connect to %s timed out: %w", addr, err))
	}
	return errs.E(errs.Connect, fmt.Errorf("cannot connect to %s: %w", addr, err))
}
