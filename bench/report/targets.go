package main

// goal is one target: Mailwire's figure in workload divided by the figure
// of other in the same workload (inverted for times) must reach min; max
// bounds an absolute figure (peak RSS in MB, ns, ms) instead.
type goal struct {
	group    string
	name     string
	workload string
	mw       string
	other    string
	min      float64
	max      float64
	rss      bool
}

// Groups of targets, printed in this order.
const (
	loopback   = "loopback (issue 7)"
	roundTrips = "round trips and the pool"
)

var goals = []goal{
	{group: loopback, name: "1 rcpt DATA vs one-round-trip floor >= 0.5x", workload: "smtp_1rcpt", mw: "mailwire", other: "floor_one_rt", min: 0.5},
	{group: loopback, name: "1 rcpt DATA vs Go net/smtp >= 2.5x", workload: "smtp_1rcpt", mw: "mailwire", other: "go_netsmtp", min: 2.5},
	{group: loopback, name: "CHUNKING vs BDAT floor (embedded server) >= 0.25x", workload: "smtp_chunking", mw: "mailwire", other: "floor_bdat", min: 0.25},
	{group: loopback, name: "5 rcpts vs Go net/smtp >= 3x", workload: "smtp_5rcpt", mw: "mailwire", other: "go_netsmtp", min: 3},
	{group: loopback, name: "batch: 1 rcpt DATA vs one-round-trip floor >= 0.5x", workload: "smtp_1rcpt", mw: "mailwire_batch", other: "floor_one_rt", min: 0.5},
	{group: loopback, name: "batch: 1 rcpt DATA vs Go net/smtp >= 2.5x", workload: "smtp_1rcpt", mw: "mailwire_batch", other: "go_netsmtp", min: 2.5},
	{group: loopback, name: "batch: CHUNKING vs BDAT floor (embedded) >= 0.25x", workload: "smtp_chunking", mw: "mailwire_batch", other: "floor_bdat", min: 0.25},
	{group: loopback, name: "batch: 5 rcpts vs Go net/smtp >= 3x", workload: "smtp_5rcpt", mw: "mailwire_batch", other: "go_netsmtp", min: 3},
	{group: loopback, name: "pool of 8 vs Go net/smtp 8 goroutines >= 3x", workload: "smtp_8conn", mw: "mailwire", other: "go_netsmtp_8", min: 3},
	{group: loopback, name: "pool, 8 threads on 2 conns, vs Go net/smtp 8 >= 3x", workload: "smtp_8conn", mw: "mailwire_8thr_2conn", other: "go_netsmtp_8", min: 3},
	{group: loopback, name: "100 MB attachment vs base64 floor >= 0.6x", workload: "attach_100mb", mw: "mailwire", other: "floor_base64", min: 0.6},
	{group: loopback, name: "100 MB attachment vs Go mime/multipart >= 3x", workload: "attach_100mb", mw: "mailwire", other: "go_multipart", min: 3},
	{group: loopback, name: "100 MB attachment peak RSS < 32 MB", workload: "attach_100mb", mw: "mailwire", max: 32, rss: true},
	{group: loopback, name: "POP3 vs pipelined raw floor >= 0.8x", workload: "pop3_fetch", mw: "mailwire", other: "floor_pipelined", min: 0.8},
	{group: loopback, name: "POP3 vs poplib >= 2.5x", workload: "pop3_fetch", mw: "mailwire", other: "python_poplib", min: 2.5},
	{group: loopback, name: "IMAP pipelined fetch vs imaplib >= 3x (embedded)", workload: "imap_fetch", mw: "mailwire", other: "python_imaplib", min: 3},
	{group: loopback, name: "IMAP pipelined fetch vs imaplib 1:* >= 3x (embedded)", workload: "imap_fetch", mw: "mailwire", other: "python_imaplib_range", min: 3},
	{group: loopback, name: "IMAP pipelined fetch vs imaplib >= 3x (Dovecot)", workload: "imap_dovecot", mw: "mailwire", other: "python_imaplib", min: 3},
	{group: loopback, name: "IMAP pipelined fetch vs imaplib 1:* >= 3x (Dovecot)", workload: "imap_dovecot", mw: "mailwire", other: "python_imaplib_range", min: 3},
	{group: loopback, name: "IMAP pipelined fetch vs curl >= 3x (Dovecot)", workload: "imap_dovecot", mw: "mailwire", other: "curl_url_glob", min: 3},
	{group: loopback, name: "MIME parse vs Python email >= 10x", workload: "mime_parse", mw: "mailwire", other: "python_email", min: 10},
	{group: loopback, name: "MIME parse vs Go net/mail+multipart >= 0.8x", workload: "mime_parse", mw: "mailwire", other: "go_mail_multipart", min: 0.8},
	{group: loopback, name: "mw_version call <= 100 ns", workload: "abi_call", mw: "mailwire", max: 100},
	{group: loopback, name: "dlopen + first call <= 5 ms", workload: "dlopen_first", mw: "mailwire", max: 5},

	{group: roundTrips, name: "1 ms: send_many CHUNKING, 100 a call, vs BDAT floor >= 0.5x", workload: "wan_1ms", mw: "mailwire_many_bdat", other: "floor_bdat", min: 0.5},
	{group: roundTrips, name: "20 ms: send_many CHUNKING, 100 a call, vs BDAT floor >= 0.3x", workload: "wan_20ms", mw: "mailwire_many_bdat", other: "floor_bdat", min: 0.3},
	{group: roundTrips, name: "1 ms: send_many CHUNKING, 1,000 a call, vs BDAT floor >= 0.5x", workload: "wan_1ms", mw: "mailwire_many1k_bdat", other: "floor_bdat", min: 0.5},
	{group: roundTrips, name: "20 ms: send_many CHUNKING, 1,000 a call, vs BDAT floor >= 0.3x", workload: "wan_20ms", mw: "mailwire_many1k_bdat", other: "floor_bdat", min: 0.3},
	{group: roundTrips, name: "1 ms: send_many CHUNKING, one call, vs BDAT floor >= 0.5x", workload: "wan_1ms", mw: "mailwire_stream_bdat", other: "floor_bdat", min: 0.5},
	{group: roundTrips, name: "20 ms: send_many CHUNKING, one call, vs BDAT floor >= 0.3x", workload: "wan_20ms", mw: "mailwire_stream_bdat", other: "floor_bdat", min: 0.3},
	{group: roundTrips, name: "1 ms: pool DATA, 8 threads, vs 8-conn one-round-trip floor >= 0.8x", workload: "wan_1ms", mw: "mailwire_pool_data_x8", other: "floor_one_rt_x8", min: 0.8},
	{group: roundTrips, name: "1 ms: pool DATA, 8 threads, vs Go net/smtp x8 >= 4x", workload: "wan_1ms", mw: "mailwire_pool_data_x8", other: "go_netsmtp_x8", min: 4},
	{group: roundTrips, name: "1 ms: pool CHUNKING, 8 threads, vs 8-conn one-round-trip floor >= 0.8x", workload: "wan_1ms", mw: "mailwire_pool_bdat_x8", other: "floor_one_rt_x8", min: 0.8},
	{group: roundTrips, name: "1 ms: pool CHUNKING, 8 threads, vs Go net/smtp x8 >= 4x", workload: "wan_1ms", mw: "mailwire_pool_bdat_x8", other: "go_netsmtp_x8", min: 4},
	{group: roundTrips, name: "1 ms: single send DATA vs Go net/smtp >= 2x", workload: "wan_1ms", mw: "mailwire_send_data", other: "go_netsmtp", min: 2},
	{group: roundTrips, name: "1 ms: single send CHUNKING vs one-round-trip floor >= 0.9x", workload: "wan_1ms", mw: "mailwire_send_bdat", other: "floor_one_rt", min: 0.9},
	{group: roundTrips, name: "1 ms: IMAP pipelined fetch vs imaplib >= 3x (Dovecot)", workload: "imap_1ms", mw: "mailwire", other: "python_imaplib", min: 3},
	{group: roundTrips, name: "1 ms: IMAP pipelined fetch vs imaplib 1:* >= 3x (Dovecot)", workload: "imap_1ms", mw: "mailwire", other: "python_imaplib_range", min: 3},
	{group: roundTrips, name: "1 ms: IMAP pipelined fetch vs curl >= 3x (Dovecot)", workload: "imap_1ms", mw: "mailwire", other: "curl_url_glob", min: 3},
	{group: roundTrips, name: "20 ms: IMAP pipelined fetch vs imaplib >= 3x (Dovecot)", workload: "imap_20ms", mw: "mailwire", other: "python_imaplib", min: 3},
	{group: roundTrips, name: "20 ms: IMAP pipelined fetch vs imaplib 1:* >= 3x (Dovecot)", workload: "imap_20ms", mw: "mailwire", other: "python_imaplib_range", min: 3},
	{group: roundTrips, name: "20 ms: IMAP pipelined fetch vs curl >= 3x (Dovecot)", workload: "imap_20ms", mw: "mailwire", other: "curl_url_glob", min: 3},
	{group: roundTrips, name: "loopback: pool of 8 vs Go net/smtp 8 goroutines >= 1.5x", workload: "smtp_8conn", mw: "mailwire", other: "go_netsmtp_8", min: 1.5},
	{group: roundTrips, name: "send_many stream of 10,000 (20 ms, CHUNKING) peak RSS < 32 MB", workload: "wan_20ms", mw: "mailwire_stream_bdat", max: 32, rss: true},
}

// targets evaluates every goal whose figures the run has.
func targets(entries []Entry) []Target {
	var out []Target
	for _, g := range goals {
		mw := find(entries, g.workload, g.mw)
		if mw == nil || mw.Median <= 0 {
			continue
		}
		if g.max > 0 {
			v := mw.Median
			if g.rss {
				v = mw.RSSKB / 1024
			}
			out = append(out, Target{Group: g.group, Name: g.name, Ratio: v, Goal: g.max, Met: v <= g.max})
			continue
		}
		o := find(entries, g.workload, g.other)
		if o == nil || o.Median <= 0 {
			continue
		}
		r := mw.Median / o.Median
		if lowerIsBetter(mw.Unit) {
			r = o.Median / mw.Median
		}
		out = append(out, Target{Group: g.group, Name: g.name, Ratio: r, Goal: g.min, Met: r >= g.min})
	}
	return out
}
