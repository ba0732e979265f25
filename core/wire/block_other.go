//go:build !linux

package wire

import "net"

// BlockingIO has no effect outside Linux: connections use Go's network
// poller.
var BlockingIO = false

// toBlocking returns nc unchanged outside Linux.
func toBlocking(nc net.Conn) (net.Conn, error) { return nc, nil }
