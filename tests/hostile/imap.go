package hostile

import (
	"strconv"
	"strings"

	"mailwire/core/errs"
)

// The responses of a well-behaved IMAP server (RFC 3501), tagged as the
// client numbers its commands: A1 STARTTLS, A2 CAPABILITY, A3 LOGIN, A4
// SELECT, A5 UID SEARCH, A6 UID FETCH, A7 UID FETCH FLAGS, A8 LOGOUT.
const (
	imapGreeting = "* OK [CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED] hostile IMAP ready\r\n"
	imapCaps     = "* CAPABILITY IMAP4rev1 IDLE\r\nA2 OK\r\n"
	imapLogin    = "A3 OK [CAPABILITY IMAP4rev1 IDLE UIDPLUS] logged in\r\n"
	imapSelect   = "* 1 EXISTS\r\n* OK [UIDVALIDITY 7] x\r\n* OK [UIDNEXT 2] x\r\nA4 OK [READ-WRITE] selected\r\n"
	imapSearch   = "* SEARCH 1\r\nA5 OK\r\n"
	imapFlags    = "* 1 FETCH (UID 1 FLAGS (\\Seen))\r\nA7 OK\r\n"
	imapLogout   = "* BYE bye\r\nA8 OK\r\n"
)

// imapFetch is the response to A6 UID FETCH 1 (UID BODY.PEEK[]).
var imapFetch = "* 1 FETCH (UID 1 BODY[] {" + strconv.Itoa(len(Message)) + "}\r\n" + Message + ")\r\nA6 OK\r\n"

var imapBase = []Opt{
	{"security", "starttls"}, {"username", User}, {"password", Password},
	{"ca_file", "$CA"}, {"timeout", "2"},
}

// imapConv is the whole well-behaved session in the order the runners use:
// STARTTLS, LOGIN, SELECT INBOX, UID SEARCH ALL, UID FETCH 1, its flags,
// LOGOUT.
func imapConv() []stage {
	return []stage{
		{"greeting", nil, []Step{Say(imapGreeting)}, Creds},
		{"starttls", []Step{Read(1)}, []Step{Say("A1 OK begin TLS\r\n")}, Creds},
		{"handshake", nil, []Step{StartTLS(Good)}, Creds},
		{"capability", []Step{Read(1)}, []Step{Say(imapCaps)}, Creds},
		{"login", []Step{Read(1)}, []Step{Say(imapLogin)}, 0},
		{"select", []Step{Read(1)}, []Step{Say(imapSelect)}, 0},
		{"search", []Step{Read(1)}, []Step{Say(imapSearch)}, 0},
		{"fetch", []Step{Read(1)}, []Step{Say(imapFetch)}, 0},
		{"flags", []Step{Read(1)}, []Step{Say(imapFlags)}, 0},
		{"logout", []Step{Read(1)}, []Step{Say(imapLogout)}, 0},
	}
}

// imapAt returns the stages of imapConv from the one named from on.
func imapAt(from string) []Step { return playFrom(imapConv(), from) }

// imapUntil returns the stages of imapConv before the one named to.
func imapUntil(to string) []Step { return playUntil(imapConv(), to) }

func imapCases() []Case {
	cs := []Case{
		{Name: "baseline/starttls", Opts: imapBase, Script: play(imapConv())},
		{Name: "baseline/implicit-tls", Opts: with(imapBase, "security", "tls"),
			Script: seq([]Step{StartTLS(Good), Say("* OK [CAPABILITY IMAP4rev1 IDLE] ready\r\n")},
				ex(1, "A1 OK [CAPABILITY IMAP4rev1 IDLE UIDPLUS] in\r\n"), imapFrom("select", -2))},
	}
	cs = append(cs, imapSteps()...)
	cs = append(cs, imapSTARTTLS()...)
	cs = append(cs, imapCerts()...)
	cs = append(cs, imapTags()...)
	cs = append(cs, imapLiterals()...)
	cs = append(cs, imapCodes()...)
	cs = append(cs, imapSASL()...)
	cs = append(cs, imapEndless()...)
	for i := range cs {
		cs[i].Proto = "imap"
	}
	return cs
}

// imapFrom is the stages from SELECT (select, search, fetch, flags,
// logout) from the one named from on, with their tags shifted by d: for a
// session in which STARTTLS and CAPABILITY took no tags, or LOGIN did not.
func imapFrom(from string, d int) []Step {
	var s []Step
	on := false
	for _, name := range []string{"select", "search", "fetch", "flags", "logout"} {
		on = on || name == from
		if on {
			s = append(s, Read(1), Say(retag(replyOf(name), d)))
		}
	}
	return s
}

// replyOf returns the reply text of stage name.
func replyOf(name string) string {
	switch name {
	case "select":
		return imapSelect
	case "search":
		return imapSearch
	case "fetch":
		return imapFetch
	case "flags":
		return imapFlags
	}
	return imapLogout
}

// retag shifts the tags "An " at the starts of lines of s by d.
func retag(s string, d int) string {
	lines := strings.SplitAfter(s, "\r\n")
	for i, l := range lines {
		if len(l) > 2 && l[0] == 'A' && l[1] >= '0' && l[1] <= '9' {
			sp := strings.IndexByte(l, ' ')
			n, _ := strconv.Atoi(l[1:sp])
			lines[i] = "A" + strconv.Itoa(n+d) + l[sp:]
		}
	}
	return strings.Join(lines, "")
}

// imapSteps drops and stalls the connection at every step.
func imapSteps() []Case {
	var cs []Case
	conv := imapConv()
	for i, st := range conv {
		drop := errs.Closed
		if st.name == "handshake" {
			drop = errs.TLS
		}
		cs = append(cs,
			Case{Name: "drop/" + st.name, Opts: imapBase, Script: cut(conv, i, Drop()), Want: drop, Forbid: st.forbid},
			Case{Name: "stall/" + st.name, Opts: with(imapBase, "timeout", "0.3"), Script: cut(conv, i, Stall()),
				Want: errs.Timeout, Forbid: st.forbid})
	}
	return cs
}

// imapSTARTTLS strips or refuses STARTTLS under every security mode, greets
// with PREAUTH, and injects responses after the tagged OK (RFC 3501 section
// 6.2.1; CVE-2021-33515 was Dovecot's side of this).
func imapSTARTTLS() []Case {
	stripped := []Step{Say("* OK [CAPABILITY IMAP4rev1] ready\r\n")}
	refused := seq([]Step{Say(imapGreeting)}, ex(1, "A1 NO not now\r\n"))
	opt := with(imapBase, "security", "starttls-optional")
	none := with(imapBase, "security", "none")
	allowed := func(o []Opt) []Opt { return with(o, "allow_plaintext_auth", "1") }
	plainLogin := func(tag int) []Step {
		return seq(ex(1, "A"+strconv.Itoa(tag)+" OK [CAPABILITY IMAP4rev1] in\r\n"), imapFrom("select", tag-3))
	}
	c := func(name string, opts []Opt, want errs.Kind, forbid Forbid, script ...[]Step) Case {
		return Case{Name: name, Opts: opts, Script: seq(script...), Want: want, Forbid: forbid, OneConn: true}
	}
	inject := func(reply string) []Step { return seq([]Step{Say(imapGreeting)}, ex(1, reply)) }
	preauth := []Step{Say("* PREAUTH [CAPABILITY IMAP4rev1 STARTTLS] welcome\r\n")}
	return []Case{
		c("starttls/stripped-required", imapBase, errs.Security, Creds, stripped),
		c("starttls/stripped-optional", opt, errs.Security, Creds, stripped),
		c("starttls/stripped-optional-allowed", allowed(opt), 0, 0, stripped, plainLogin(1)),
		c("starttls/stripped-none", none, errs.Security, Creds, stripped),
		c("starttls/stripped-none-allowed", allowed(none), 0, 0, stripped, plainLogin(1)),
		c("starttls/stripped-implicit", with(imapBase, "security", "tls"), errs.TLS, Creds, stripped),
		c("starttls/refused-required", imapBase, errs.Security, Creds, refused),
		c("starttls/refused-optional", opt, errs.Security, Creds, refused),
		c("starttls/bad-required", imapBase, errs.Security, Creds, []Step{Say(imapGreeting)}, ex(1, "A1 BAD what\r\n")),
		c("starttls/preauth-required", imapBase, errs.Security, Nothing, preauth),
		c("starttls/preauth-optional", opt, 0, 0, preauth, imapFrom("select", -3)),
		c("starttls/logindisabled-after-tls", imapBase, errs.Unsupported, Creds, imapUntil("capability"),
			ex(1, "* CAPABILITY IMAP4rev1 LOGINDISABLED\r\nA2 OK\r\n")),
		c("starttls/no-capability-response", imapBase, errs.Protocol, Creds, []Step{Say("* OK ready\r\n")}, ex(1, "A1 OK\r\n")),
		c("injection/untagged-after-ok", imapBase, errs.Protocol, Creds, inject("A1 OK begin TLS\r\n* OK injected\r\n")),
		c("injection/tagged-after-ok", imapBase, errs.Protocol, Creds, inject("A1 OK begin TLS\r\nA2 OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] x\r\n")),
		c("injection/capability-after-ok", imapBase, errs.Protocol, Creds, inject("A1 OK begin TLS\r\n* CAPABILITY IMAP4rev1\r\n")),
		c("injection/blank-line", imapBase, errs.Protocol, Creds, inject("A1 OK begin TLS\r\n\r\n")),
		c("injection/optional", opt, errs.Protocol, Creds, inject("A1 OK begin TLS\r\n* OK injected\r\n")),
	}
}

// imapCerts presents certificates that must not verify.
func imapCerts() []Case {
	var cs []Case
	for _, k := range []struct {
		name string
		k    CertKind
	}{{"wrong-host", WrongHost}, {"expired", Expired}, {"self-signed", SelfSigned}} {
		stls := seq(imapUntil("handshake"), []Step{StartTLS(k.k)}, imapAt("capability"))
		cs = append(cs,
			Case{Name: "tls/" + k.name + "-starttls", Opts: imapBase, Script: stls, Want: errs.TLS, Forbid: Creds, OneConn: true},
			Case{Name: "tls/" + k.name + "-implicit", Opts: with(imapBase, "security", "tls"),
				Script: []Step{StartTLS(k.k), Say(imapGreeting)}, Want: errs.TLS, Forbid: Creds, OneConn: true})
	}
	return append(cs,
		Case{Name: "tls/unknown-ca", Opts: without(imapBase, "ca_file"), Script: play(imapConv()), Want: errs.TLS,
			Forbid: Creds, OneConn: true},
		Case{Name: "tls/self-signed-verify-off", Opts: with(imapBase, "tls_verify", "0"),
			Script: seq(imapUntil("handshake"), []Step{StartTLS(SelfSigned)}, imapAt("capability"))})
}

// imapReply plays the conversation up to stage, reads its command and
// replies.
func imapReply(stage, reply string) []Step { return seq(imapUntil(stage), ex(1, reply)) }

// imapTags confuses the tags of responses and sends unsolicited ones.
func imapTags() []Case {
	c := func(name string, want errs.Kind, script ...[]Step) Case {
		return Case{Name: name, Opts: imapBase, Script: seq(script...), Want: want}
	}
	return []Case{
		c("tags/unknown-tag", errs.Protocol, imapReply("select", "* 1 EXISTS\r\nA9 OK selected\r\n")),
		c("tags/earlier-tag", errs.Protocol, imapReply("select", "A3 OK again\r\n")),
		c("tags/next-tag", errs.Protocol, imapReply("select", "A5 OK early\r\n")),
		c("tags/lowercase-tag", errs.Protocol, imapReply("select", "a4 OK selected\r\n")),
		c("tags/unsolicited-continuation", errs.Protocol, imapReply("select", "+ go ahead\r\nA4 OK\r\n")),
		c("tags/tagged-okay", errs.Protocol, imapReply("select", "A4 OKAY\r\n")),
		c("tags/tagged-preauth", errs.Protocol, imapReply("select", "A4 PREAUTH\r\n")),
		c("tags/empty-tag", errs.Protocol, imapReply("select", " OK\r\n")),
		c("tags/giant-tag", errs.Protocol, imapReply("select", strings.Repeat("A", 100)+" OK\r\n")),
		c("unsolicited/exists-expunge-fetch", 0, imapUntil("search"),
			ex(1, "* 2 EXISTS\r\n* 2 EXPUNGE\r\n* 1 FETCH (FLAGS (\\Seen))\r\n* 1 RECENT\r\n"+imapSearch), imapAt("fetch")),
		c("unsolicited/alert-and-unknown-code", 0, imapUntil("search"),
			ex(1, "* OK [ALERT] maintenance\r\n* OK [X-FOO (a \"b\") c] what\r\n* NO warning\r\n"+imapSearch), imapAt("fetch")),
		c("unsolicited/other-body-first", 0, imapUntil("fetch"),
			ex(1, "* 2 FETCH (UID 99 BODY[] {5}\r\nWRONG)\r\n"+imapFetch), imapAt("flags")),
		c("unsolicited/body-twice", 0, imapUntil("fetch"),
			ex(1, "* 1 FETCH (UID 1 BODY[] {"+strconv.Itoa(len(Message))+"}\r\n"+Message+")\r\n"+
				"* 1 FETCH (UID 1 BODY[] {5}\r\nWRONG)\r\nA6 OK\r\n"), imapAt("flags")),
		c("unsolicited/body-before-uid", 0, imapUntil("fetch"),
			ex(1, "* 1 FETCH (BODY[] {"+strconv.Itoa(len(Message))+"}\r\n"+Message+" UID 1)\r\nA6 OK\r\n"), imapAt("flags")),
		c("unsolicited/only-other-uid", errs.NotFound, imapUntil("fetch"),
			ex(1, "* 1 FETCH (UID 2 BODY[] {5}\r\nWRONG)\r\nA6 OK\r\n")),
		c("unsolicited/bye-at-select", errs.Closed, imapReply("select", "* BYE shutting down\r\n"), []Step{Drop()}),
		c("unsolicited/unknown-numbered", errs.Protocol, imapReply("select", "* 1 FOO\r\nA4 OK\r\n")),
		c("unsolicited/exists-garbage", errs.Protocol, imapReply("select", "* 1 EXISTS now\r\nA4 OK\r\n")),
	}
}

// imapLiterals lies about literal lengths and nests lists without end.
func imapLiterals() []Case {
	c := func(name string, want errs.Kind, script ...[]Step) Case {
		return Case{Name: name, Opts: imapBase, Script: seq(script...), Want: want}
	}
	at := func(stage, reply string) []Step { return imapReply(stage, reply) }
	return []Case{
		c("literal/over-4gib", errs.Protocol, at("fetch", "* 1 FETCH (UID 1 BODY[] {4294967296}\r\n")),
		c("literal/20-digits", errs.Protocol, at("fetch", "* 1 FETCH (UID 1 BODY[] {99999999999999999999}\r\n")),
		c("literal/not-a-number", errs.Protocol, at("fetch", "* 1 FETCH (UID 1 BODY[] {12a}\r\n")),
		c("literal/negative", errs.Protocol, at("fetch", "* 1 FETCH (UID 1 BODY[] {-5}\r\n")),
		c("literal/not-at-line-end", errs.Protocol, at("fetch", "* 1 FETCH (UID 1 BODY[] {5} x)\r\nA6 OK\r\n")),
		c("literal/short-then-drop", errs.Closed, at("fetch", "* 1 FETCH (UID 1 BODY[] {500}\r\n"+Message), []Step{Drop()}),
		c("literal/short-then-stall", errs.Timeout, at("fetch", "* 1 FETCH (UID 1 BODY[] {500}\r\n"+Message)),
		c("literal/held-too-big", errs.Protocol, at("select", "* FLAGS ({2000000}\r\n")),
		c("literal/held-total-too-big", errs.Protocol, at("select", "* LIST () \"/\" {1000000}\r\n"+strings.Repeat("x", 1000000)+
			" ("+strings.Repeat("{1000000}\r\n"+strings.Repeat("x", 1000000)+" ", 9)+")\r\nA4 OK\r\n")),
		c("literal/binary-literal", errs.Protocol, at("fetch", "* 1 FETCH (UID 1 BODY[] ~{5}\r\nabcde)\r\nA6 OK\r\n")),
		c("literal/after-list-end", errs.Protocol, at("fetch", "* 1 FETCH (UID 1) {5}\r\nabcde\r\nA6 OK\r\n")),
		c("nesting/deep", errs.Protocol, at("fetch", "* 1 FETCH (UID 1 X "+strings.Repeat("(", 100)+strings.Repeat(")", 100)+")\r\nA6 OK\r\n")),
		c("nesting/unclosed", errs.Protocol, at("fetch", "* 1 FETCH (UID 1 FLAGS (\\Seen)\r\nA6 OK\r\n")),
		c("nesting/unopened", errs.Protocol, at("select", "* FLAGS \\Seen))\r\nA4 OK\r\n")),
		c("nesting/quoted-unclosed", errs.Protocol, at("select", "* LIST () \"/\" \"INBOX\r\nA4 OK\r\n")),
		c("nesting/bad-escape", errs.Protocol, at("select", "* LIST () \"/\" \"a\\x\"\r\nA4 OK\r\n")),
	}
}

// imapCodes answers with refusals and malformed data.
func imapCodes() []Case {
	upto := func(stage string, steps ...Step) []Step { return append(append(imapUntil(stage), Read(1)), steps...) }
	c := func(name string, want errs.Kind, forbid Forbid, script ...[]Step) Case {
		return Case{Name: name, Opts: imapBase, Script: seq(script...), Want: want, Forbid: forbid}
	}
	at := func(stage, reply string) []Step { return imapReply(stage, reply) }
	return []Case{
		c("codes/greeting-bye", errs.Closed, Creds, []Step{Say("* BYE go away\r\n")}),
		c("codes/greeting-tagged", errs.Protocol, Creds, []Step{Say("A1 OK hello\r\n")}),
		c("codes/greeting-garbage", errs.Protocol, Creds, []Step{Say("hello there\r\n")}),
		c("codes/greeting-empty-line", errs.Protocol, Creds, []Step{Say("\r\n")}),
		c("codes/login-no", errs.Auth, 0, at("login", "A3 NO bad password\r\n")),
		c("codes/login-authenticationfailed", errs.Auth, 0, at("login", "A3 NO [AUTHENTICATIONFAILED] bad\r\n")),
		c("codes/login-unavailable", errs.Temporary, 0, at("login", "A3 NO [UNAVAILABLE] try later\r\n")),
		c("codes/select-nonexistent", errs.NotFound, 0, at("select", "A4 NO [NONEXISTENT] no such folder\r\n")),
		c("codes/select-bad", errs.Refused, 0, at("select", "A4 BAD what\r\n")),
		c("codes/fetch-no", errs.Refused, 0, at("fetch", "A6 NO no\r\n")),
		c("codes/search-garbage", errs.Protocol, 0, at("search", "* SEARCH 1 x\r\nA5 OK\r\n")),
		c("codes/search-zero", errs.Protocol, 0, at("search", "* SEARCH 0\r\nA5 OK\r\n")),
		c("codes/search-overflow", errs.Protocol, 0, at("search", "* SEARCH 4294967296\r\nA5 OK\r\n")),
		c("codes/search-nothing", errs.NotFound, 0, at("search", "* SEARCH\r\nA5 OK\r\n")),
		c("codes/unknown-untagged", 0, 0, at("select", "* XYZZY (a b) \"c\" NIL {3}\r\nabc\r\n"+imapSelect), imapAt("search")),
		c("codes/list-during-select", 0, 0, at("select", "* LIST () \"/\" \"&Jjo\"\r\n"+imapSelect), imapAt("search")),
		c("codes/search-huge-set", errs.Protocol, 0, upto("search", Say("* ESEARCH (TAG \"A5\") UID ALL 1:4294967295\r\nA5 OK\r\n"))),
	}
}

// imapSASL runs AUTHENTICATE against bad challenges.
func imapSASL() []Case {
	// Without TLS, with CRAM-MD5, which never exposes the password.
	opts := with(imapBase, "security", "none", "auth", "cram-md5")
	greet := []Step{Say("* OK [CAPABILITY IMAP4rev1 AUTH=CRAM-MD5] ready\r\n")}
	c := func(name string, want errs.Kind, script ...[]Step) Case {
		return Case{Name: name, Opts: opts, Script: seq(script...), Want: want}
	}
	return []Case{
		c("sasl/bad-base64", errs.Protocol, greet, ex(1, "+ %%%not base64\r\n"), ex(1, "A1 BAD cancelled\r\n")),
		c("sasl/endless-challenges", errs.Protocol, greet, ex(1, "+ PDE+\r\n"), ex(1, "+ PDE+\r\n"),
			ex(1, "+ PDE+\r\n"), ex(1, "+ PDE+\r\n"), ex(1, "+ PDE+\r\n"), ex(1, "+ PDE+\r\n"), ex(1, "+ PDE+\r\n"),
			ex(1, "+ PDE+\r\n"), ex(1, "+ PDE+\r\n"), ex(1, "+ PDE+\r\n"), ex(1, "+ PDE+\r\n"), ex(1, "A1 BAD cancelled\r\n")),
		c("sasl/refused", errs.Auth, greet, ex(1, "+ PDE+\r\n"), ex(1, "A1 NO [AUTHENTICATIONFAILED] no\r\n")),
		c("sasl/wrong-tag", errs.Protocol, greet, ex(1, "+ PDE+\r\n"), ex(1, "A7 OK welcome\r\n")),
		c("sasl/drop", errs.Closed, greet, ex(1, "+ PDE+\r\n"), []Step{Drop()}),
	}
}

// imapEndless sends responses and lines that never end.
func imapEndless() []Case {
	c := func(name string, want errs.Kind, forbid Forbid, script ...[]Step) Case {
		return Case{Name: name, Opts: imapBase, Script: seq(script...), Want: want, Forbid: forbid}
	}
	upto := func(stage string, steps ...Step) []Step { return append(append(imapUntil(stage), Read(1)), steps...) }
	return []Case{
		c("endless/untagged-exists", errs.Protocol, 0, upto("select", Flood("* 1 EXISTS\r\n", 16<<20))),
		c("endless/untagged-ok", errs.Protocol, 0, upto("search", Flood("* OK x\r\n", 12<<20))),
		c("endless/capability-before-tls", errs.Protocol, Creds, upto("starttls", Flood("* CAPABILITY IMAP4rev1\r\n", 32<<20))),
		c("endless/fetch-body-then-drop", errs.Closed, 0, upto("fetch", Say("* 1 FETCH (UID 1 BODY[] {100000000}\r\n"+strings.Repeat("x", 1<<20)), Drop())),
		c("longline/greeting", errs.Protocol, Creds, []Step{Say("* OK "), Flood("A", flood)}),
		c("longline/capability", errs.Protocol, Creds, upto("capability", Say("* CAPABILITY "), Flood("X ", flood))),
		c("longline/search", errs.Protocol, 0, upto("search", Say("* SEARCH"), Flood(" 1", flood))),
		c("longline/select", errs.Protocol, 0, upto("select", Say("* OK "), Flood("A", flood))),
	}
}
