package smtp

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"mailwire/core/errs"
)

// bdatTxn is the script of one pipelined BDAT transaction of body "m<i>"
// to r<i>@y.example, with RSET before it when rset is set.
func bdatTxn(i int, rset bool) string {
	s := ""
	if rset {
		s = "C: RSET\n"
	}
	return s + fmt.Sprintf("C: MAIL FROM:<a@x.example>\nC: RCPT TO:<r%d@y.example>\nC: BDAT %d LAST\nC= %q\n",
		i, len(fmt.Sprintf("m%d\r\n", i)), fmt.Sprintf("m%d\r\n", i))
}

// dataTxn is the script of one DATA transaction's commands.
func dataTxn(i int) string {
	return fmt.Sprintf("C: MAIL FROM:<a@x.example>\nC: RCPT TO:<r%d@y.example>\nC: DATA\n", i)
}

// numbered builds n items "m<i>" to r<i>@y.example.
func numbered(n int) []Item {
	var specs []string
	for i := 1; i <= n; i++ {
		specs = append(specs, fmt.Sprintf("m%d\n>r%d@y.example", i, i))
	}
	return batch(specs...)
}

// TestLostInDeepPipeline checks the outcome of every message when the
// connection is lost with many messages in flight: each message the server
// answered keeps its answer, each message whose data went out is marked
// sent (it may have been delivered) and failed, and the others failed and
// not sent.
func TestLostInDeepPipeline(t *testing.T) {
	forEachReading(t, testLostInDeepPipeline)
}

// forEachReading runs test with the replies of BDAT streams read by the
// writing goroutine, and by a reader goroutine.
func forEachReading(t *testing.T, test func(t *testing.T)) {
	for _, n := range []int{syncFlying, 0} {
		t.Run(fmt.Sprint("syncFlying=", n), func(t *testing.T) {
			defer func(old int) { syncFlying = old }(syncFlying)
			syncFlying = n
			test(t)
		})
	}
}

func testLostInDeepPipeline(t *testing.T) {
	var bdat8, data5 strings.Builder
	for i := 1; i <= 8; i++ {
		bdat8.WriteString(bdatTxn(i, i > 1))
	}
	bdat8.WriteString(strings.Repeat("S: 250 ok\nS: 250 ok\nS: 250 queued\nS: 250 reset\n", 5))
	bdat8.WriteString("S: 250 ok\n!close")
	data5.WriteString(dataTxn(1) + "S: 250 ok\nS: 250 ok\nS: 354 go\n")
	for i := 1; i <= 3; i++ {
		data5.WriteString(fmt.Sprintf("C: m%d\nC: .\n", i) + dataTxn(i+1))
		if i < 3 {
			data5.WriteString("S: 250 queued\nS: 250 ok\nS: 250 ok\nS: 354 go\n")
		}
	}
	data5.WriteString("!close")
	var bdat421 strings.Builder
	for i := 1; i <= 3; i++ {
		bdat421.WriteString(bdatTxn(i, i > 1))
	}
	bdat421.WriteString("S: 250 ok\nS: 250 ok\nS: 250 queued\nS: 250 reset\nS: 421 4.3.2 going down\n!close")
	tests := []struct {
		name    string
		greet   string
		script  string
		n       int
		kinds   string // per message: "." accepted, "c" closed
		sent    string
		results string
	}{
		{"bdat, 8 in flight, lost after 5 answers and a half", bdatGreet, bdat8.String(), 8,
			".....ccc", "11111111", "250 |250 |250 |250 |250 |0 ||"},
		{"data, lost after the third message's data", pipeGreet, data5.String(), 5,
			"..ccc", "11100", "250 |250 |250 ||"},
		{"bdat, 421 in the middle", bdatGreet, bdat421.String(), 3,
			".cc", "111", "250 |421 |"},
	}
	for _, tt := range tests {
		for _, wire := range []bool{false, true} {
			t.Run(fmt.Sprint(tt.name, ", wire form ", wire), func(t *testing.T) {
				c, s, err := dialScript(t, tt.greet+tt.script, nil)
				if err != nil {
					t.Fatal(err)
				}
				items := numbered(tt.n)
				if wire {
					for i := range items {
						items[i].Body = wireText(fmt.Sprintf("m%d\r\n", i+1))
					}
				}
				out, err := c.SendMany(items)
				if errs.KindOf(err) != errs.Closed {
					t.Errorf("batch error %v, want errs.Closed", err)
				}
				checkOutcomes(t, out, tt.kinds, tt.sent, tt.results)
				closeAndCheck(t, c, s)
			})
		}
	}
}

// checkOutcomes compares outcomes with kinds ("." for success, "c" for
// errs.Closed), sent ("1" or "0" each) and results.
func checkOutcomes(t *testing.T, out []Outcome, kinds, sent, results string) {
	t.Helper()
	var k, s, res []string
	for _, o := range out {
		switch errs.KindOf(o.Err) {
		case 0:
			k = append(k, ".")
		case errs.Closed:
			k = append(k, "c")
		default:
			k = append(k, fmt.Sprint(errs.KindOf(o.Err)))
		}
		s = append(s, map[bool]string{true: "1", false: "0"}[o.Sent])
		var r []string
		for _, x := range o.Results {
			r = append(r, fmtResult(x))
		}
		res = append(res, strings.Join(r, ","))
	}
	if g := strings.Join(k, ""); g != kinds {
		t.Errorf("outcomes %q, want %q", g, kinds)
	}
	if g := strings.Join(s, ""); g != sent {
		t.Errorf("sent %q, want %q", g, sent)
	}
	if g := strings.Join(res, "|"); g != results {
		t.Errorf("results %q, want %q", g, results)
	}
}

// TestLostSingleSend checks a single send that loses its connection after
// the data: failed, and marked sent.
func TestLostSingleSend(t *testing.T) {
	for _, tt := range []struct{ name, script string }{
		{"data", pipeGreet + dataTxn(1) + "S: 250 ok\nS: 250 ok\nS: 354 go\nC: m1\nC: .\n!close"},
		{"bdat", bdatGreet + bdatTxn(1, false) + "S: 250 ok\nS: 250 ok\n!close"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, s, err := dialScript(t, tt.script, nil)
			if err != nil {
				t.Fatal(err)
			}
			o := c.send(numbered(1)[0])
			checkOutcomes(t, []Outcome{o}, "c", "1", "250 ")
			closeAndCheck(t, c, s)
		})
	}
}

// dropServer is a pipelining SMTP server that drops its first connection
// when a given message arrives, to check what a client reports for each
// message of a deep pipeline.
type dropServer struct {
	ln    net.Listener
	o     dropOptions
	conns atomic.Int64
	mu    sync.Mutex
	got   map[string]int  // whole message bodies received, and how often
	acked map[string]bool // bodies whose positive reply went out
}

type dropOptions struct {
	chunking bool
	after    int  // the first connection ends on its after-th message
	abrupt   bool // close at once, unread data left (the peer gets a reset)
	midData  bool // end in the middle of that message's data
}

func startDropServer(t testing.TB, o dropOptions) *dropServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &dropServer{ln: ln, o: o, got: map[string]int{}, acked: map[string]bool{}}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			go d.serve(nc, d.conns.Add(1) == 1)
		}
	}()
	return d
}

func (d *dropServer) port() int { return d.ln.Addr().(*net.TCPAddr).Port }

// serve answers one connection; the first one ends as the options say.
func (d *dropServer) serve(nc net.Conn, first bool) {
	defer nc.Close()
	r, w := bufio.NewReader(nc), bufio.NewWriter(nc)
	w.WriteString("220 drop\r\n")
	w.Flush()
	n := 0
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		var body []byte
		switch {
		case strings.HasPrefix(line, "EHLO"):
			w.WriteString("250-drop\r\n250-PIPELINING\r\n")
			if d.o.chunking {
				w.WriteString("250-CHUNKING\r\n")
			}
			w.WriteString("250 8BITMIME\r\n")
		case strings.HasPrefix(line, "DATA"), strings.HasPrefix(line, "BDAT"):
			n++
			if first && n == d.o.after {
				d.drop(nc, r, w, line)
				return
			}
			if body = d.body(r, w, line); body == nil {
				return
			}
			d.mu.Lock()
			d.got[string(body)]++
			d.acked[string(body)] = true
			d.mu.Unlock()
			w.WriteString("250 queued\r\n")
		case strings.HasPrefix(line, "QUIT"):
			w.WriteString("221 bye\r\n")
			w.Flush()
			return
		default:
			w.WriteString("250 ok\r\n")
		}
		if r.Buffered() == 0 {
			w.Flush()
		}
	}
}

// body reads a message's data after DATA (answering 354) or BDAT LAST.
func (d *dropServer) body(r *bufio.Reader, w *bufio.Writer, cmd string) []byte {
	if strings.HasPrefix(cmd, "BDAT") {
		var n int
		fmt.Sscanf(cmd, "BDAT %d", &n)
		b := make([]byte, n)
		if _, err := io.ReadFull(r, b); err != nil {
			return nil
		}
		return b
	}
	w.WriteString("354 go\r\n")
	w.Flush()
	var b []byte
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return nil
		}
		if line == ".\r\n" {
			return b
		}
		b = append(b, line...)
	}
}

// drop ends the first connection on a message: after taking it whole (or
// half, with midData) and sending every reply before it, gracefully (the
// rest of the client's data is read and thrown away) or abruptly.
func (d *dropServer) drop(nc net.Conn, r *bufio.Reader, w *bufio.Writer, cmd string) {
	switch {
	case d.o.midData && strings.HasPrefix(cmd, "DATA"):
		w.WriteString("354 go\r\n")
		w.Flush()
		r.ReadString('\n')
	case d.o.midData:
		io.ReadFull(r, make([]byte, 2))
	default:
		if body := d.body(r, w, cmd); body != nil {
			d.mu.Lock()
			d.got[string(body)]++
			d.mu.Unlock()
		}
	}
	w.Flush()
	if d.o.abrupt {
		return
	}
	nc.(*net.TCPConn).CloseWrite()
	io.Copy(io.Discard, r)
}

// dropItems builds n messages with distinct bodies.
func dropItems(n int) []Item {
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{Env: poolEnv, Body: strings.NewReader(itemBody(i))}
	}
	return items
}

// itemBody is the body of dropItems' message i, as it reaches the server.
func itemBody(i int) string { return fmt.Sprintf("message %d, %s\r\n", i, strings.Repeat("x", i%300)) }

// checkDrop checks the outcomes of a send to a dropServer: exactly the
// messages the server answered are reported accepted, none reached the
// server twice, none reported not sent reached it, and every other
// message failed with the connection.
func checkDrop(t *testing.T, d *dropServer, out []Outcome) {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, o := range out {
		b := itemBody(i)
		switch {
		case d.got[b] > 1:
			t.Errorf("message %d reached the server %d times", i, d.got[b])
		case o.Err == nil && !d.acked[b]:
			t.Errorf("message %d reported accepted, but the server did not answer it", i)
		case o.Err != nil && d.acked[b]:
			t.Errorf("message %d: %v, but the server accepted it", i, o.Err)
		case o.Err != nil && !errs.Gone(o.Err):
			t.Errorf("message %d: %v, want the lost connection", i, o.Err)
		case !o.Sent && d.got[b] > 0:
			t.Errorf("message %d reported not sent, but the server got it", i)
		case o.Err == nil && !o.Sent:
			t.Errorf("message %d accepted, but not marked sent", i)
		}
	}
}

// TestDropMidStream sends deep pipelines to a server that drops the
// connection in the middle, in every way, with DATA and with BDAT.
func TestDropMidStream(t *testing.T) { forEachReading(t, testDropMidStream) }

func testDropMidStream(t *testing.T) {
	for _, chunking := range []bool{false, true} {
		for _, how := range []dropOptions{{}, {abrupt: true}, {midData: true}, {midData: true, abrupt: true}} {
			how.chunking, how.after = chunking, 137
			t.Run(fmt.Sprintf("chunking=%v,abrupt=%v,mid=%v", chunking, how.abrupt, how.midData), func(t *testing.T) {
				d := startDropServer(t, how)
				c, err := Dial(context.Background(), testOptions(d.port()))
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				out, err := c.SendMany(dropItems(500))
				if !errs.Gone(err) {
					t.Errorf("batch error %v, want the lost connection", err)
				}
				checkDrop(t, d, out)
				ok := 0
				for _, o := range out {
					if o.Err == nil {
						ok++
					}
				}
				if ok != how.after-1 {
					t.Errorf("%d messages accepted, want %d", ok, how.after-1)
				}
			})
		}
	}
}

// TestDropSingleSends sends one message per call until the server drops
// the connection: every message before the drop is accepted, the one it
// drops on fails (sent unless the drop came in its data), and the
// connection refuses the next.
func TestDropSingleSends(t *testing.T) {
	for _, chunking := range []bool{false, true} {
		t.Run(fmt.Sprint("chunking=", chunking), func(t *testing.T) {
			d := startDropServer(t, dropOptions{chunking: chunking, after: 5})
			c, err := Dial(context.Background(), testOptions(d.port()))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			items := dropItems(6)
			out := make([]Outcome, len(items))
			for i, it := range items {
				out[i] = c.send(it)
			}
			checkDrop(t, d, out[:5])
			for i, o := range out[:4] {
				if o.Err != nil {
					t.Errorf("message %d: %v", i, o.Err)
				}
			}
			if !out[4].Sent || errs.KindOf(out[5].Err) != errs.State || out[5].Sent {
				t.Errorf("after the drop: %+v / %+v, want sent and failed, then errs.State", out[4], out[5])
			}
		})
	}
}

// TestPoolDropNeverResends sends from many goroutines through a pool whose
// first connection the server drops in the middle of a pipelined batch:
// every send fails or succeeds as the server saw it, the messages not sent
// are retried on a new connection, and none reaches the server twice.
func TestPoolDropNeverResends(t *testing.T) { forEachReading(t, testPoolDropNeverResends) }

func testPoolDropNeverResends(t *testing.T) {
	for _, chunking := range []bool{false, true} {
		t.Run(fmt.Sprint("chunking=", chunking), func(t *testing.T) {
			d := startDropServer(t, dropOptions{chunking: chunking, after: 37, abrupt: true})
			p := NewPool(testOptions(d.port()), 1, 0)
			defer p.Close()
			const senders, each = 20, 10
			out := make([]Outcome, senders*each)
			var wg sync.WaitGroup
			for g := 0; g < senders; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := g * each; i < (g+1)*each; i++ {
						_, out[i].Err = p.Send(context.Background(), poolEnv, strings.NewReader(itemBody(i)))
						out[i].Sent = true // a pool send does not say; checkDrop checks the rest
					}
				}()
			}
			wg.Wait()
			checkDrop(t, d, out)
			failed := 0
			for _, o := range out {
				if o.Err != nil {
					failed++
				}
			}
			// The message the server dropped on, at least, went out whole
			// and is never sent again.
			if failed == 0 || d.conns.Load() < 2 {
				t.Errorf("%d sends failed on %d connections, want some on 2 or more", failed, d.conns.Load())
			}
		})
	}
}

// TestLMTPStream checks an LMTP stream of BDAT transactions: one final
// reply per accepted recipient (RFC 2033 section 4.2), each recipient its
// own.
func TestLMTPStream(t *testing.T) { forEachReading(t, testLMTPStream) }

func testLMTPStream(t *testing.T) {
	script := `
		S: 220 lmtp
		C: LHLO client.example
		S: 250-lmtp
		S: 250-PIPELINING
		S: 250 CHUNKING
		C: MAIL FROM:<a@x.example>
		C: RCPT TO:<b@y.example>
		C: RCPT TO:<c@y.example>
		C: RCPT TO:<d@y.example>
		C: BDAT 4 LAST
		C: m1
		C: RSET
		C: MAIL FROM:<a@x.example>
		C: RCPT TO:<e@y.example>
		C: RCPT TO:<f@y.example>
		C: BDAT 4 LAST
		C: m2
		S: 250 ok
		S: 250 ok
		S: 550 unknown
		S: 250 ok
		S: 250 b saved
		S: 452 d full
		S: 250 reset
		S: 250 ok
		S: 250 ok
		S: 250 ok
		S: 250 e saved
		S: 250 f saved`
	c, s, err := dialScript(t, script, func(o *Options) { o.LMTP = true })
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.SendMany(batch("m1\n>b@y.example,c@y.example,d@y.example", "m2\n>e@y.example,f@y.example"))
	if errs.KindOf(err) != errs.Partial {
		t.Errorf("batch error %v, want errs.Partial", err)
	}
	checkOutcomes(t, out, fmt.Sprint(int(errs.Partial))+".", "11", "250 ,550 ,452 |250 ,250 ")
	closeAndCheck(t, c, s)
}

// TestStreamStalls checks that a stream whose server stops answering ends
// within the timeout, and that a cancelled one ends at once, in both ways
// of reading.
func TestStreamStalls(t *testing.T) { forEachReading(t, testStreamStalls) }

func testStreamStalls(t *testing.T) {
	var script strings.Builder
	for i := 1; i <= 3; i++ {
		script.WriteString(bdatTxn(i, i > 1))
	}
	for _, cancel := range []bool{false, true} {
		t.Run(fmt.Sprint("cancel=", cancel), func(t *testing.T) {
			c, s, err := dialScript(t, bdatGreet+script.String()+"!hold\n", func(o *Options) {
				if !cancel {
					o.Timeout = 100 * time.Millisecond
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			want := errs.Timeout
			if cancel {
				want = errs.Cancelled
				go func() {
					<-s.Held() // every message written, and the server stalls
					c.Cancel()
				}()
			}
			out, err := c.SendMany(numbered(3))
			if errs.KindOf(err) != want {
				t.Errorf("batch error %v, want kind %d", err, want)
			}
			for i, o := range out {
				if errs.KindOf(o.Err) != want || !o.Sent {
					t.Errorf("message %d: %v (sent %v), want kind %d, sent", i+1, o.Err, o.Sent, want)
				}
			}
			closeAndCheck(t, c, s)
		})
	}
}

// TestManyUnread checks that a message of more recipients than a stream
// leaves replies unread goes out whole, its replies read as it goes.
func TestManyUnread(t *testing.T) {
	d := startDropServer(t, dropOptions{chunking: true})
	c, err := Dial(context.Background(), testOptions(d.port()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	env := poolEnv
	env.To = nil
	for i := 0; i < 3*maxUnread; i++ {
		env.To = append(env.To, fmt.Sprintf("r%d@y.example", i))
	}
	res, err := c.Send(env, strings.NewReader(itemBody(0)))
	if err != nil || len(res) != len(env.To) || res[len(res)-1].Code != 250 {
		t.Fatalf("%d results, %v", len(res), err)
	}
}
