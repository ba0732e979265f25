// Command tokenserver runs core/oauth2/oauth2test's authorization server
// for the C and binding tests: an HTTPS token endpoint (/token) and device
// authorization endpoint (/device) on 127.0.0.1, with its own CA.
//
//	tokenserver -ca build/tests/oauth-ca.pem [-interval 1]
//
// It prints two lines, "url https://127.0.0.1:PORT" and "ca PATH", and
// serves until it is signalled or its parent process ends. The clients,
// refresh tokens and misbehaving endpoints it knows are listed in the
// oauth2test package.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"mailwire/core/oauth2/oauth2test"
)

func main() {
	caPath := flag.String("ca", "", "write the CA (PEM) here (default: a temporary file)")
	interval := flag.Float64("interval", 1, "the device flow's polling interval in seconds")
	flag.Parse()
	srv, err := oauth2test.NewServer()
	if err != nil {
		fmt.Fprintln(os.Stderr, "tokenserver:", err)
		os.Exit(1)
	}
	defer srv.Close()
	srv.DeviceInterval = *interval
	path := *caPath
	if path == "" {
		f, err := os.CreateTemp("", "tokenserver-ca-*.pem")
		if err != nil {
			fmt.Fprintln(os.Stderr, "tokenserver:", err)
			os.Exit(1)
		}
		path = f.Name()
		f.Close()
		defer os.Remove(path)
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if err := os.WriteFile(path, srv.CAPEM, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "tokenserver:", err)
		os.Exit(1)
	}
	fmt.Printf("url %s\nca %s\n", srv.URL, path)
	os.Stdout.Sync()
	wait()
}

// wait returns on SIGINT or SIGTERM, or when the parent process has gone
// (the process is then adopted by another).
func wait() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	parent := os.Getppid()
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-sig:
			return
		case <-tick.C:
			if os.Getppid() != parent {
				return
			}
		}
	}
}
