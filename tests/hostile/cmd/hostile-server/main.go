// Command hostile-server serves every case of package hostile on loopback,
// for the C driver (tests/hostile/driver.c) that runs them through the C
// API.
//
// It prints one line per case, tab-separated:
//
//	CASE name proto port want option=value ...
//
// where want is the expected MW_E_* code (0 for success), then
// "MESSAGE from to subject bodymark" and "READY n". For every line
// "REPORT name" read from standard input it waits until that case's client
// has hung up and answers "REPORT name ok" or "REPORT name leak: what".
// It exits when standard input ends.
package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"mailwire/tests/hostile"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "hostile-server:", err)
		os.Exit(1)
	}
}

func run() error {
	certs, err := hostile.NewCerts()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "hostile-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ca := filepath.Join(dir, "ca.pem")
	if err := certs.WriteCA(ca); err != nil {
		return err
	}
	out := bufio.NewWriter(os.Stdout)
	cases := map[string]hostile.Case{}
	listeners := map[string]*hostile.Listener{}
	for _, c := range hostile.All() {
		l, err := hostile.Listen(c.Script, certs)
		if err != nil {
			return err
		}
		cases[c.Name], listeners[c.Name] = c, l
		fields := []string{"CASE", c.Name, c.Proto, fmt.Sprint(l.Port()), fmt.Sprint(int(c.Want))}
		for _, o := range c.ClientOpts(l.Port(), ca) {
			fields = append(fields, o.Name+"="+o.Value)
		}
		fmt.Fprintln(out, strings.Join(fields, "\t"))
	}
	fmt.Fprintf(out, "MESSAGE\t%s\t%s\thostile\t%s\n", hostile.From, hostile.To, hostile.BodyMark)
	fmt.Fprintf(out, "READY\t%d\n", len(cases))
	out.Flush()
	return serveReports(cases, listeners, out)
}

// serveReports answers REPORT lines until standard input ends.
func serveReports(cases map[string]hostile.Case, listeners map[string]*hostile.Listener, out *bufio.Writer) error {
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		name, ok := strings.CutPrefix(in.Text(), "REPORT ")
		l := listeners[name]
		if !ok || l == nil {
			fmt.Fprintf(out, "REPORT %s unknown\n", name)
			out.Flush()
			continue
		}
		delete(listeners, name)
		verdict := "ok"
		if leaks := cases[name].Leaks(l.Finish()); len(leaks) > 0 {
			verdict = "leak: " + strings.Join(leaks, ", ")
		}
		fmt.Fprintf(out, "REPORT %s %s\n", name, verdict)
		out.Flush()
	}
	for _, l := range listeners {
		l.Finish()
	}
	return in.Err()
}
