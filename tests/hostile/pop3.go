package hostile

import (
	"strings"

	"mailwire/core/errs"
)

// The replies of a well-behaved POP3 server (RFC 1939, RFC 2449, RFC 2595).
const (
	popGreeting = "+OK hostile POP3 ready\r\n"
	capaTLS     = "+OK\r\nUSER\r\nUIDL\r\nTOP\r\nSTLS\r\n.\r\n"
	capaNoTLS   = "+OK\r\nUSER\r\nUIDL\r\nTOP\r\n.\r\n"
	statReply   = "+OK 1 120\r\n"
	listReply   = "+OK\r\n1 120\r\n.\r\n"
	retrReply   = "+OK message follows\r\n" + Message + ".\r\n"
	uidlReply   = "+OK\r\n1 uid-0001\r\n.\r\n"
)

var popBase = []Opt{
	{"security", "starttls"}, {"username", User}, {"password", Password},
	{"ca_file", "$CA"}, {"timeout", "2"},
}

// popConv is the whole well-behaved session in the order the runners use:
// STLS, USER/PASS, STAT, LIST, RETR 1, UIDL, QUIT.
func popConv() []stage {
	return []stage{
		{"greeting", nil, []Step{Say(popGreeting)}, Creds},
		{"capa", []Step{Read(1)}, []Step{Say(capaTLS)}, Creds},
		{"stls", []Step{Read(1)}, []Step{Say("+OK begin TLS\r\n")}, Creds},
		{"handshake", nil, []Step{StartTLS(Good)}, Creds},
		{"capa-tls", []Step{Read(1)}, []Step{Say(capaNoTLS)}, Creds},
		{"user", []Step{Read(1)}, []Step{Say("+OK\r\n")}, Creds},
		{"pass", []Step{Read(1)}, []Step{Say("+OK logged in\r\n")}, 0},
		{"stat", []Step{Read(1)}, []Step{Say(statReply)}, 0},
		{"list", []Step{Read(1)}, []Step{Say(listReply)}, 0},
		{"retr", []Step{Read(1)}, []Step{Say(retrReply)}, 0},
		{"uidl", []Step{Read(1)}, []Step{Say(uidlReply)}, 0},
		{"quit", []Step{Read(1)}, []Step{Say("+OK bye\r\n")}, 0},
	}
}

// popAt returns the stages of popConv from the one named from on.
func popAt(from string) []Step { return playFrom(popConv(), from) }

// popUntil returns the stages of popConv before the one named to.
func popUntil(to string) []Step { return playUntil(popConv(), to) }

func popCases() []Case {
	cs := []Case{
		{Name: "baseline/stls", Opts: popBase, Script: play(popConv())},
		{Name: "baseline/implicit-tls", Opts: with(popBase, "security", "tls"),
			Script: seq([]Step{StartTLS(Good), Say(popGreeting)}, ex(1, capaNoTLS), popAt("user"))},
	}
	cs = append(cs, popSteps()...)
	cs = append(cs, popSTLS()...)
	cs = append(cs, popCerts()...)
	cs = append(cs, popCodes()...)
	cs = append(cs, popEndless()...)
	for i := range cs {
		cs[i].Proto = "pop3"
	}
	return cs
}

// popSteps drops and stalls the connection at every step.
func popSteps() []Case {
	var cs []Case
	conv := popConv()
	for i, st := range conv {
		drop, stall := errs.Closed, errs.Timeout
		switch st.name {
		case "handshake":
			drop = errs.TLS
		case "quit":
			// Without the +OK the client cannot know whether the update
			// state ran (RFC 1939 section 6): an error is right.
		}
		cs = append(cs,
			Case{Name: "drop/" + st.name, Opts: popBase, Script: cut(conv, i, Drop()), Want: drop, Forbid: st.forbid},
			Case{Name: "stall/" + st.name, Opts: with(popBase, "timeout", "0.3"), Script: cut(conv, i, Stall()),
				Want: stall, Forbid: st.forbid})
	}
	return cs
}

// popSTLS strips or refuses STLS under every security mode and injects
// replies after it (RFC 2595 section 4).
func popSTLS() []Case {
	greet := []Step{Say(popGreeting)}
	stripped := seq(greet, ex(1, capaNoTLS))
	refused := seq(greet, ex(1, capaTLS), ex(1, "-ERR not now\r\n"))
	plainLogin := seq(ex(1, "+OK\r\n"), popAt("pass"))
	opt := with(popBase, "security", "starttls-optional")
	none := with(popBase, "security", "none")
	c := func(name string, opts []Opt, want errs.Kind, forbid Forbid, script ...[]Step) Case {
		return Case{Name: name, Opts: opts, Script: seq(script...), Want: want, Forbid: forbid, OneConn: true}
	}
	inject := func(reply string) []Step { return seq(greet, ex(1, capaTLS), ex(1, reply)) }
	return []Case{
		c("stls/stripped-required", popBase, errs.Security, Creds, stripped),
		c("stls/stripped-optional", opt, errs.Security, Creds, stripped),
		c("stls/stripped-optional-allowed", with(opt, "allow_plaintext_auth", "1"), 0, 0, stripped, plainLogin),
		c("stls/stripped-none", none, errs.Security, Creds, stripped),
		c("stls/stripped-none-allowed", with(none, "allow_plaintext_auth", "1"), 0, 0, stripped, plainLogin),
		c("stls/stripped-implicit", with(popBase, "security", "tls"), errs.TLS, Creds, greet),
		c("stls/refused-required", popBase, errs.Security, Creds, refused),
		c("stls/refused-optional", opt, errs.Security, Creds, refused),
		c("stls/refused-optional-allowed", with(opt, "allow_plaintext_auth", "1"), 0, 0, refused, plainLogin),
		c("stls/no-capa-required", popBase, errs.Security, Creds, greet, ex(1, "-ERR unknown command\r\n"),
			ex(1, "-ERR unknown command\r\n")),
		c("stls/offered-but-none", with(none, "allow_plaintext_auth", "1"), 0, 0, greet, ex(1, capaTLS), plainLogin),
		c("stls/apop-without-tls", with(none, "auth", "apop"), errs.Security, Creds,
			[]Step{Say("+OK ready <1896.697170952@hostile.test>\r\n")}, ex(1, capaNoTLS)),
		c("stls/auth-capa-forgotten", popBase, 0, 0,
			greet, ex(1, "+OK\r\nUSER\r\nSTLS\r\nSASL PLAIN\r\n.\r\n"), popAt("stls")),
		c("injection/after-ok", popBase, errs.Protocol, Creds, inject("+OK begin TLS\r\n+OK injected\r\n")),
		c("injection/after-ok-err", popBase, errs.Protocol, Creds, inject("+OK begin TLS\r\n-ERR injected\r\n")),
		c("injection/blank-line", popBase, errs.Protocol, Creds, inject("+OK begin TLS\r\n\r\n")),
		c("injection/after-ok-optional", opt, errs.Protocol, Creds, inject("+OK begin TLS\r\n+OK injected\r\n")),
	}
}

// popCerts presents certificates that must not verify.
func popCerts() []Case {
	var cs []Case
	kinds := []struct {
		name string
		k    CertKind
	}{{"wrong-host", WrongHost}, {"expired", Expired}, {"self-signed", SelfSigned}}
	for _, k := range kinds {
		stls := seq(popUntil("handshake"), []Step{StartTLS(k.k)}, popAt("capa-tls"))
		cs = append(cs,
			Case{Name: "tls/" + k.name + "-stls", Opts: popBase, Script: stls, Want: errs.TLS, Forbid: Creds, OneConn: true},
			Case{Name: "tls/" + k.name + "-optional", Opts: with(popBase, "security", "starttls-optional"), Script: stls,
				Want: errs.TLS, Forbid: Creds, OneConn: true},
			Case{Name: "tls/" + k.name + "-implicit", Opts: with(popBase, "security", "tls"),
				Script: seq([]Step{StartTLS(k.k), Say(popGreeting)}, ex(1, capaNoTLS), popAt("user")),
				Want:   errs.TLS, Forbid: Creds, OneConn: true})
	}
	return append(cs,
		Case{Name: "tls/unknown-ca", Opts: without(popBase, "ca_file"), Script: play(popConv()), Want: errs.TLS,
			Forbid: Creds, OneConn: true},
		Case{Name: "tls/self-signed-verify-off", Opts: with(popBase, "tls_verify", "0"),
			Script: seq(popUntil("handshake"), []Step{StartTLS(SelfSigned)}, popAt("capa-tls"))})
}

// popCodes answers with malformed, refusing and lying replies.
func popCodes() []Case {
	c := func(name string, want errs.Kind, forbid Forbid, script ...[]Step) Case {
		return Case{Name: name, Opts: popBase, Script: seq(script...), Want: want, Forbid: forbid}
	}
	at := func(stage, reply string) []Step { return seq(popUntil(stage), ex(1, reply)) }
	bad := func(name, greeting string) Case { return c("codes/"+name, errs.Protocol, Creds, []Step{Say(greeting)}) }
	return []Case{
		c("codes/greeting-err", errs.Refused, Creds, []Step{Say("-ERR go away\r\n")}),
		bad("greeting-no-status", "hello there\r\n"),
		bad("greeting-okay", "+OKAY ready\r\n"),
		bad("greeting-empty-line", "\r\n"),
		bad("greeting-plus-only", "+\r\n"),
		c("codes/user-err", errs.Auth, Creds, at("user", "-ERR no such mailbox\r\n")),
		c("codes/pass-err", errs.Auth, 0, at("pass", "-ERR invalid password\r\n")),
		c("codes/pass-auth", errs.Auth, 0, at("pass", "-ERR [AUTH] invalid password\r\n")),
		c("codes/pass-in-use", errs.Temporary, 0, at("pass", "-ERR [IN-USE] mailbox locked\r\n")),
		c("codes/pass-sys-temp", errs.Temporary, 0, at("pass", "-ERR [SYS/TEMP] try later\r\n")),
		c("codes/pass-garbage", errs.Protocol, 0, at("pass", "OK fine\r\n")),
		c("codes/stat-err", errs.Refused, 0, at("stat", "-ERR no\r\n")),
		c("codes/stat-garbage", errs.Protocol, 0, at("stat", "+OK x y\r\n")),
		c("codes/stat-negative", errs.Protocol, 0, at("stat", "+OK -1 0\r\n")),
		c("codes/list-zero", errs.Protocol, 0, at("list", "+OK\r\n0 120\r\n.\r\n")),
		c("codes/retr-err", errs.Refused, 0, at("retr", "-ERR no such message\r\n")),
		c("codes/uidl-too-long", errs.Protocol, 0, at("uidl", "+OK\r\n1 "+strings.Repeat("u", 300)+"\r\n.\r\n")),
		c("codes/uidl-control", errs.Protocol, 0, at("uidl", "+OK\r\n1 uid\x01bad\r\n.\r\n")),
		c("size/stat-count-overflow", errs.Protocol, 0, at("stat", "+OK 99999999999999999999 0\r\n")),
		c("size/stat-count-too-big", errs.Protocol, 0, at("stat", "+OK 1000001 0\r\n")),
		c("size/stat-size-overflow", errs.Protocol, 0, at("stat", "+OK 1 99999999999999999999\r\n")),
		c("size/list-overflow", errs.Protocol, 0, at("list", "+OK\r\n1 99999999999999999999\r\n.\r\n")),
		c("size/list-negative", errs.Protocol, 0, at("list", "+OK\r\n1 -120\r\n.\r\n")),
		c("size/list-beyond-stat", errs.Protocol, 0, at("list", "+OK\r\n1 120\r\n2 50\r\n.\r\n")),
		c("size/list-understates", 0, 0, at("list", "+OK\r\n1 10\r\n.\r\n"), popAt("retr")),
		c("size/stat-zero", errs.NotFound, 0, at("stat", "+OK 0 0\r\n")),
	}
}

// popEndless sends listings and lines that never end.
func popEndless() []Case {
	c := func(name string, want errs.Kind, forbid Forbid, script ...[]Step) Case {
		return Case{Name: name, Opts: popBase, Script: seq(script...), Want: want, Forbid: forbid}
	}
	upto := func(stage string, steps ...Step) []Step { return append(append(popUntil(stage), Read(1)), steps...) }
	return []Case{
		c("endless/capa", errs.Protocol, Creds, upto("capa", Say("+OK\r\n"), Flood("X-MORE\r\n", flood))),
		c("endless/capa-1001-lines", errs.Protocol, Creds, upto("capa", Say("+OK\r\n"+strings.Repeat("X\r\n", 1001)+".\r\n"))),
		c("endless/list", errs.Protocol, 0, upto("list", Say("+OK\r\n"), Flood("1 120\r\n", 16<<20))),
		c("endless/uidl", errs.Protocol, 0, upto("uidl", Say("+OK\r\n"), Flood("1 uid\r\n", 16<<20))),
		c("endless/capa-then-drop", errs.Closed, Creds, upto("capa", Say("+OK\r\nUSER\r\n"), Drop())),
		c("endless/retr-then-drop", errs.Closed, 0, upto("retr", Say("+OK\r\n"+Message), Drop())),
		c("longline/greeting", errs.Protocol, Creds, []Step{Say("+OK "), Flood("A", flood)}),
		c("longline/capa", errs.Protocol, Creds, upto("capa", Say("+OK\r\n"), Flood("A", flood))),
		c("longline/pass", errs.Protocol, 0, upto("pass", Say("+OK "), Flood("A", flood))),
		c("longline/stat", errs.Protocol, 0, upto("stat", Say("+OK "), Flood("1", flood))),
		c("longline/list", errs.Protocol, 0, upto("list", Say("+OK\r\n1 "), Flood("1", flood))),
		c("longline/retr-status", errs.Protocol, 0, upto("retr", Say("+OK "), Flood("A", flood))),
	}
}
