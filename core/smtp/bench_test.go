package smtp

import (
	"context"
	"net"
	"strings"
	"testing"
)

// body2k is a 2 KB message body of short lines.
var body2k = strings.Repeat("Subject: x\r\n", 1) + "\r\n" + strings.Repeat("0123456789 abcdefghij 0123456789 abcdefghij 0123456789 abcdefghij\r\n", 30)

func benchClient(b *testing.B) (*Client, *autoServer) {
	a := newAutoServer(b)
	c, err := Dial(context.Background(), testOptions(a.ln.Addr().(*net.TCPAddr).Port))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c, a
}

func BenchmarkSend(b *testing.B) {
	c, _ := benchClient(b)
	env := Envelope{From: "a@x.example", To: []string{"b@y.example"}, Size: int64(len(body2k))}
	b.ReportAllocs()
	b.SetBytes(int64(len(body2k)))
	for i := 0; i < b.N; i++ {
		if _, err := c.Send(env, strings.NewReader(body2k)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSendMany(b *testing.B) {
	c, _ := benchClient(b)
	env := Envelope{From: "a@x.example", To: []string{"b@y.example"}, Size: int64(len(body2k))}
	items := make([]Item, 100)
	b.ReportAllocs()
	b.SetBytes(int64(len(body2k)))
	for i := 0; i < b.N; i += len(items) {
		for j := range items {
			items[j] = Item{Env: env, Body: strings.NewReader(body2k)}
		}
		if _, err := c.SendMany(items); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPool8(b *testing.B) {
	a := newAutoServer(b)
	p := NewPool(testOptions(a.ln.Addr().(*net.TCPAddr).Port), 8, 0)
	defer p.Close()
	env := Envelope{From: "a@x.example", To: []string{"b@y.example"}, Size: int64(len(body2k))}
	ctx := context.Background()
	b.ReportAllocs()
	b.SetParallelism(4) // 8 goroutines on 2 CPUs
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := p.Send(ctx, env, strings.NewReader(body2k)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
