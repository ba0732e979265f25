package hostile

import (
	"strings"

	"mailwire/core/errs"
)

// The replies of a well-behaved SMTP server (RFC 5321, RFC 3207, RFC 4954).
const (
	smtpGreeting = "220 hostile.test ESMTP\r\n"
	ehloTLS      = "250-hostile.test\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"
	ehloNoTLS    = "250-hostile.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"
	ehloInTLS    = "250-hostile.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"
	ehloBare     = "250-hostile.test\r\n250 8BITMIME\r\n"
	flood        = 8 << 20
)

var smtpBase = []Opt{
	{"security", "starttls"}, {"username", User}, {"password", Password},
	{"ca_file", "$CA"}, {"timeout", "2"}, {"data_timeout", "2"}, {"helo", "client.test"},
}

var smtpAnon = without(smtpBase, "username", "password")

// smtpConv is the whole well-behaved conversation: STARTTLS, AUTH, one
// message to one recipient, QUIT.
func smtpConv() []stage {
	return []stage{
		{"greeting", nil, []Step{Say(smtpGreeting)}, Nothing},
		{"ehlo", []Step{Read(1)}, []Step{Say(ehloTLS)}, Nothing},
		{"starttls", []Step{Read(1)}, []Step{Say("220 2.0.0 go ahead\r\n")}, Nothing},
		{"handshake", nil, []Step{StartTLS(Good)}, Nothing},
		{"ehlo-tls", []Step{Read(1)}, []Step{Say(ehloInTLS)}, Nothing},
		{"auth", []Step{Read(1)}, []Step{Say("235 2.7.0 accepted\r\n")}, Envelope | DataCmd | Body},
		{"mail", []Step{Read(1)}, []Step{Say("250 2.1.0 ok\r\n")}, DataCmd | Body},
		{"rcpt", []Step{Read(1)}, []Step{Say("250 2.1.5 ok\r\n")}, DataCmd | Body},
		{"data", []Step{Read(1)}, []Step{Say("354 go on\r\n")}, Body},
		{"data-end", []Step{Data()}, []Step{Say("250 2.0.0 queued\r\n")}, 0},
		{"quit", []Step{Read(1)}, []Step{Say("221 2.0.0 bye\r\n")}, 0},
	}
}

// smtpAt returns the stages of smtpConv from the one named from on.
func smtpAt(from string) []Step { return playFrom(smtpConv(), from) }

// smtpUntil returns the stages of smtpConv before the one named to.
func smtpUntil(to string) []Step { return playUntil(smtpConv(), to) }

// smtpPlain is a plaintext conversation after an EHLO reply: MAIL to QUIT.
func smtpPlain(ehlo string, auth bool) []Step {
	s := seq([]Step{Say(smtpGreeting)}, ex(1, ehlo))
	if auth {
		s = append(s, ex(1, "235 2.7.0 accepted\r\n")...)
	}
	return append(s, smtpAt("mail")...)
}

func smtpCases() []Case {
	var cs []Case
	add := func(name string, opts []Opt, want errs.Kind, forbid Forbid, script ...[]Step) {
		cs = append(cs, Case{Name: name, Proto: "smtp", Opts: opts, Script: seq(script...), Want: want, Forbid: forbid})
	}
	add("baseline/starttls", smtpBase, 0, 0, play(smtpConv()))
	add("baseline/implicit-tls", with(smtpBase, "security", "tls"), 0, 0,
		[]Step{StartTLS(Good), Say(smtpGreeting)}, ex(1, ehloInTLS), smtpAt("auth"))
	add("baseline/plaintext-anonymous", with(smtpAnon, "security", "none"), 0, 0, smtpPlain(ehloBare, false))
	cs = append(cs, smtpSteps()...)
	cs = append(cs, smtpStartTLS()...)
	cs = append(cs, smtpCerts()...)
	cs = append(cs, smtpCodes()...)
	cs = append(cs, smtpEndless()...)
	return cs
}

// smtpSteps drops and stalls the connection at every step.
func smtpSteps() []Case {
	var cs []Case
	conv := smtpConv()
	for i, st := range conv {
		drop := errs.Closed
		if st.name == "handshake" {
			drop = errs.TLS
		}
		cs = append(cs, Case{Name: "drop/" + st.name, Proto: "smtp", Opts: smtpBase,
			Script: cut(conv, i, Drop()), Want: drop, Forbid: st.forbid})
		stall := errs.Timeout
		cs = append(cs, Case{Name: "stall/" + st.name, Proto: "smtp",
			Opts:   with(smtpBase, "timeout", "0.3", "data_timeout", "0.3"),
			Script: cut(conv, i, Stall()), Want: stall, Forbid: st.forbid})
	}
	return cs
}

// smtpStartTLS strips or refuses STARTTLS under every security mode, and
// injects replies after it (RFC 3207 section 4.2, RFC 8314).
func smtpStartTLS() []Case {
	greet := []Step{Say(smtpGreeting)}
	stripped := seq(greet, ex(1, ehloNoTLS))
	refused := func(reply string) []Step { return seq(greet, ex(1, ehloTLS), ex(1, reply)) }
	c := func(name string, opts []Opt, want errs.Kind, forbid Forbid, script []Step) Case {
		return Case{Name: name, Proto: "smtp", Opts: opts, Script: script, Want: want, Forbid: forbid, OneConn: true}
	}
	opt := with(smtpBase, "security", "starttls-optional")
	none := with(smtpBase, "security", "none")
	inject := func(reply string) []Step { return seq(greet, ex(1, ehloTLS), ex(1, reply)) }
	return []Case{
		c("starttls/stripped-required", smtpBase, errs.Security, Nothing, stripped),
		c("starttls/stripped-required-anonymous", smtpAnon, errs.Security, Nothing, stripped),
		c("starttls/stripped-optional-password", opt, errs.Security, Nothing, stripped),
		c("starttls/stripped-optional-anonymous", without(opt, "username", "password"), 0, 0, smtpPlain(ehloNoTLS, false)),
		c("starttls/stripped-none-password", none, errs.Security, Nothing, stripped),
		c("starttls/stripped-none-allowed", with(none, "allow_plaintext_auth", "1"), 0, 0, smtpPlain(ehloNoTLS, true)),
		c("starttls/stripped-implicit", with(smtpBase, "security", "tls"), errs.TLS, Nothing, greet),
		c("starttls/refused-454-required", smtpBase, errs.Security, Nothing, refused("454 4.7.0 TLS not available\r\n")),
		c("starttls/refused-502-required", smtpBase, errs.Security, Nothing, refused("502 5.5.1 not implemented\r\n")),
		c("starttls/refused-454-optional-password", opt, errs.Security, Nothing, refused("454 4.7.0 TLS not available\r\n")),
		c("starttls/refused-454-optional-anonymous", without(opt, "username", "password"), 0, 0,
			seq(refused("454 4.7.0 TLS not available\r\n"), smtpAt("mail"))),
		c("starttls/refused-421-required", smtpBase, errs.Closed, Nothing, refused("421 4.3.2 shutting down\r\n")),
		c("starttls/refused-421-optional", without(opt, "username", "password"), errs.Closed, Nothing, refused("421 4.3.2 shutting down\r\n")),
		c("starttls/offered-but-none", with(smtpAnon, "security", "none"), 0, 0, smtpPlain(ehloTLS, false)),
		c("starttls/auth-only-before-tls", smtpBase, errs.Unsupported, Nothing,
			seq(smtpUntil("ehlo-tls"), ex(1, ehloBare))),
		c("starttls/size-forgotten-after-tls", smtpBase, 0, 0,
			seq(greet, ex(1, "250-hostile.test\r\n250-STARTTLS\r\n250-SIZE 10\r\n250 AUTH PLAIN\r\n"), smtpAt("starttls"))),
		c("starttls/offered-again-in-tls", smtpBase, 0, 0,
			seq(smtpUntil("ehlo-tls"), ex(1, ehloTLS), smtpAt("auth"))),
		c("injection/after-220", smtpBase, errs.Protocol, Nothing, inject("220 go ahead\r\n250-injected\r\n250 AUTH PLAIN\r\n")),
		c("injection/blank-line-after-220", smtpBase, errs.Protocol, Nothing, inject("220 go ahead\r\n\r\n")),
		c("injection/multiline-220", smtpBase, errs.Protocol, Nothing, inject("220-go\r\n220 ahead\r\n250 injected\r\n")),
		c("injection/after-220-optional", opt, errs.Protocol, Nothing, inject("220 go ahead\r\n250 injected\r\n")),
		c("injection/after-220-anonymous", smtpAnon, errs.Protocol, Nothing, inject("220 go ahead\r\nMAIL FROM:<x@y>\r\n")),
	}
}

// smtpCerts presents certificates that must not verify.
func smtpCerts() []Case {
	var cs []Case
	kinds := []struct {
		name string
		k    CertKind
	}{{"wrong-host", WrongHost}, {"expired", Expired}, {"self-signed", SelfSigned}}
	for _, k := range kinds {
		starttls := seq(smtpUntil("handshake"), []Step{StartTLS(k.k)}, smtpAt("ehlo-tls"))
		cs = append(cs,
			Case{Name: "tls/" + k.name + "-starttls", Proto: "smtp", Opts: smtpBase, Script: starttls,
				Want: errs.TLS, Forbid: Nothing, OneConn: true},
			Case{Name: "tls/" + k.name + "-optional", Proto: "smtp", Opts: with(smtpBase, "security", "starttls-optional"),
				Script: starttls, Want: errs.TLS, Forbid: Nothing, OneConn: true},
			Case{Name: "tls/" + k.name + "-implicit", Proto: "smtp", Opts: with(smtpBase, "security", "tls"),
				Script: seq([]Step{StartTLS(k.k), Say(smtpGreeting)}, ex(1, ehloInTLS), smtpAt("auth")),
				Want:   errs.TLS, Forbid: Nothing, OneConn: true})
	}
	cs = append(cs,
		Case{Name: "tls/unknown-ca", Proto: "smtp", Opts: without(smtpBase, "ca_file"), Script: play(smtpConv()),
			Want: errs.TLS, Forbid: Nothing, OneConn: true},
		Case{Name: "tls/self-signed-verify-off", Proto: "smtp", Opts: with(smtpBase, "tls_verify", "0"),
			Script: seq(smtpUntil("handshake"), []Step{StartTLS(SelfSigned)}, smtpAt("ehlo-tls")), Want: 0})
	return cs
}

// smtpCodes answers with odd, mixed and refusing reply codes.
func smtpCodes() []Case {
	greet := []Step{Say(smtpGreeting)}
	c := func(name string, want errs.Kind, forbid Forbid, script ...[]Step) Case {
		return Case{Name: "codes/" + name, Proto: "smtp", Opts: smtpBase, Script: seq(script...), Want: want, Forbid: forbid}
	}
	bad := func(name, greeting string) Case { return c(name, errs.Protocol, Nothing, []Step{Say(greeting)}) }
	at := func(stage, reply string) []Step { return seq(smtpUntil(stage), ex(1, reply)) }
	noBody := DataCmd | Body
	return []Case{
		c("greeting-554", errs.Refused, Nothing, []Step{Say("554 5.3.2 go away\r\n")}),
		c("greeting-421", errs.Closed, Nothing, []Step{Say("421 4.3.2 busy\r\n")}),
		c("greeting-450", errs.Temporary, Nothing, []Step{Say("450 4.3.2 later\r\n")}),
		bad("greeting-two-digits", "22 hostile\r\n"),
		bad("greeting-four-digits", "2200 hostile\r\n"),
		bad("greeting-letters", "2x0 hostile\r\n"),
		bad("greeting-class-6", "620 hostile\r\n"),
		bad("greeting-bad-separator", "220*hostile\r\n"),
		bad("greeting-empty-line", "\r\n"),
		bad("greeting-mixed-codes", "220-hostile\r\n250 mixed\r\n"),
		c("ehlo-mixed-codes", errs.Protocol, Nothing, greet, ex(1, "250-hostile.test\r\n251-STARTTLS\r\n250 AUTH PLAIN\r\n")),
		c("ehlo-500-helo-no-starttls", errs.Security, Nothing, greet, ex(1, "500 5.5.1 what\r\n"), ex(1, "250 hostile.test\r\n")),
		c("auth-535", errs.Auth, Envelope|noBody, at("auth", "535 5.7.8 bad credentials\r\n")),
		c("auth-454", errs.Temporary, Envelope|noBody, at("auth", "454 4.7.0 try later\r\n")),
		c("auth-bad-challenge", errs.Protocol, Envelope|noBody, at("auth", "334 !!not-base64!!\r\n"), ex(1, "501 5.7.0 cancelled\r\n")),
		c("mail-550", errs.Refused, noBody, at("mail", "550 5.7.1 no\r\n")),
		c("mail-421", errs.Closed, noBody, at("mail", "421 4.3.2 closing\r\n")),
		c("mail-class-1", errs.Protocol, noBody, at("mail", "150 what\r\n")),
		c("mail-354", errs.Protocol, noBody, at("mail", "354 go on\r\n")),
		c("mail-enhanced-mismatch", 0, 0, at("mail", "250 5.1.0 fine anyway\r\n"), smtpAt("rcpt")),
		c("rcpt-550", errs.Refused, noBody, at("rcpt", "550 5.1.1 no such user\r\n")),
		c("rcpt-450", errs.Temporary, noBody, at("rcpt", "450 4.2.1 later\r\n")),
		c("data-250-not-354", errs.Protocol, Body, at("data", "250 2.0.0 ok\r\n")),
		c("data-554", errs.Refused, Body, at("data", "554 5.6.0 no data\r\n")),
		c("data-end-552", errs.TooBig, 0, smtpUntil("data-end"), []Step{Data(), Say("552 5.3.4 too big\r\n")}),
		c("data-end-451", errs.Temporary, 0, smtpUntil("data-end"), []Step{Data(), Say("451 4.3.0 later\r\n")}),
		c("data-end-mixed", errs.Protocol, 0, smtpUntil("data-end"), []Step{Data(), Say("250-ok\r\n550 no\r\n")}),
	}
}

// smtpEndless sends replies and lines that never end, and sizes that lie.
func smtpEndless() []Case {
	c := func(name string, want errs.Kind, forbid Forbid, script ...[]Step) Case {
		return Case{Name: name, Proto: "smtp", Opts: smtpBase, Script: seq(script...), Want: want, Forbid: forbid}
	}
	upto := func(stage string, steps ...Step) []Step {
		s := smtpUntil(stage)
		if stage == "data-end" {
			return append(append(s, Data()), steps...)
		}
		return append(append(s, Read(1)), steps...)
	}
	long := strings.Repeat("x", 8300)
	ehloSize := func(size string) string {
		return "250-hostile.test\r\n250-SIZE " + size + "\r\n250 AUTH PLAIN\r\n"
	}
	sized := func(size string) []Step { return seq(smtpUntil("ehlo-tls"), ex(1, ehloSize(size)), smtpAt("auth")) }
	return []Case{
		c("endless/greeting", errs.Protocol, Nothing, []Step{Flood("220-more\r\n", flood)}),
		c("endless/ehlo", errs.Protocol, Nothing, upto("ehlo", Flood("250-MORE\r\n", flood))),
		c("endless/ehlo-101-lines", errs.Protocol, Nothing, upto("ehlo", Say(strings.Repeat("250-X\r\n", 100)+"250 STARTTLS\r\n"))),
		c("endless/ehlo-100-lines", 0, 0, upto("ehlo", Say(strings.Repeat("250-X\r\n", 99)+"250 STARTTLS\r\n")), smtpAt("starttls")),
		c("endless/starttls", errs.Protocol, Nothing, upto("starttls", Flood("220-go\r\n", flood))),
		c("endless/auth", errs.Protocol, Envelope|DataCmd|Body, upto("auth", Flood("334-x\r\n", flood))),
		c("endless/rcpt", errs.Protocol, DataCmd|Body, upto("rcpt", Flood("250-ok\r\n", flood))),
		c("endless/data-end", errs.Protocol, 0, upto("data-end", Flood("250-ok\r\n", flood))),
		c("endless/reply-then-drop", errs.Closed, DataCmd|Body, upto("mail", Say("250-ok\r\n250-ok\r\n"), Drop())),
		c("longline/greeting", errs.Protocol, Nothing, []Step{Say("220 "), Flood("A", flood)}),
		c("longline/ehlo", errs.Protocol, Nothing, upto("ehlo", Say("250-"), Flood("A", flood))),
		c("longline/auth", errs.Protocol, Envelope|DataCmd|Body, upto("auth", Say("334 "), Flood("QUFB", flood))),
		c("longline/mail", errs.Protocol, DataCmd|Body, upto("mail", Say("250 "), Flood("A", flood))),
		c("longline/data-end", errs.Protocol, 0, upto("data-end", Say("250 "), Flood("A", flood))),
		c("longline/greeting-8300", errs.Protocol, Nothing, []Step{Say("220 " + long + "\r\n")}),
		c("longline/greeting-8000", 0, 0, []Step{Say("220 " + long[:8000] + "\r\n")}, smtpAt("ehlo")),
		c("size/limit-below-message", errs.TooBig, DataCmd|Body, sized("10")),
		c("size/negative", 0, 0, sized("-5")),
		c("size/overflow", 0, 0, sized("99999999999999999999999")),
		c("size/not-a-number", 0, 0, sized("many")),
	}
}
