package smtp

import (
	"context"
	"io"

	"mailwire/core/errs"
)

// Message is a message that knows its own envelope, as *mime.Message
// does: its sender and recipients from its header, the extensions its
// content needs, and its size.
type Message interface {
	io.WriterTo
	EnvelopeFrom() string // the reverse-path: Sender, else From
	Recipients() []string // To, Cc and Bcc
	NeedsSMTPUTF8() bool  // RFC 6531
	Needs8BitMIME() bool  // RFC 6152
	Size() (int64, error) // bytes as WriteTo writes them
}

// MessageItem returns the Item that sends m to its recipients (RFC 5321
// section 3.3), with SIZE, SMTPUTF8 and 8BITMIME as its content needs.
// When m has no sender or no recipient, or its size cannot be known, it
// returns the error (errs.Arg for a missing address), and the Item carries
// it too: SendMany then reports it for that message without writing it.
func MessageItem(m Message) (Item, error) {
	env := Envelope{From: m.EnvelopeFrom(), To: m.Recipients(), UTF8: m.NeedsSMTPUTF8(), EightBit: m.Needs8BitMIME()}
	it := Item{Env: env, Body: m}
	switch {
	case env.From == "":
		it.err = errs.New(errs.Arg, "the message has no From (or Sender) address")
	case len(env.To) == 0:
		it.err = errs.New(errs.Arg, "the message has no recipient (To, Cc or Bcc)")
	default:
		it.Env.Size, it.err = m.Size()
	}
	return it, it.err
}

// SendMessage sends m to its recipients (MessageItem), like Send.
func (c *Client) SendMessage(m Message) ([]Result, error) {
	it, err := MessageItem(m)
	if err != nil {
		return nil, err
	}
	return c.Send(it.Env, it.Body)
}

// SendMessages sends ms as one batch (SendMany); a message without a
// sender or recipient fails alone, with its error in its Outcome.
func (c *Client) SendMessages(ms []Message) ([]Outcome, error) {
	items := make([]Item, len(ms))
	for i, m := range ms {
		items[i], _ = MessageItem(m)
	}
	return c.SendMany(items)
}

// SendMessage sends m to its recipients (MessageItem) on a pooled
// connection, like Send.
func (p *Pool) SendMessage(ctx context.Context, m Message) ([]Result, error) {
	it, err := MessageItem(m)
	if err != nil {
		return nil, err
	}
	return p.Send(ctx, it.Env, it.Body)
}
