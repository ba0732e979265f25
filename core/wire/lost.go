package wire

import "mailwire/core/errs"

// A client keeps the error that lost its connection in one field: nil
// while the connection lives, then the first error that ended it, which
// every later call reports. Fail, Lose and Close are the only writers of
// that field, and they close the connection when they set it, so that it
// is set and closed once; Lost is how a call that finds it set refuses.

// Fail records err in *lost when its kind says the connection is gone
// (errs.Gone) and nothing is recorded yet, and closes conn. It returns err.
func Fail(conn *Conn, lost *error, err error) error {
	if err != nil && errs.Gone(err) {
		Lose(conn, lost, err)
	}
	return err
}

// Lose records err in *lost, whatever its kind, when nothing is recorded
// yet, and closes conn: the caller has decided the connection cannot go
// on (an SMTP 421 reply, a literal that could not be written whole).
func Lose(conn *Conn, lost *error, err error) {
	if *lost == nil {
		*lost = err
		conn.Close()
	}
}

// Close closes conn for a client that gives it up, and records, when
// nothing is recorded yet, that it is closed (errs.Closed, "proto: the
// connection is closed"), which later calls report.
func Close(conn *Conn, lost *error, proto string) error {
	if *lost == nil {
		*lost = errs.New(errs.Closed, proto+": the connection is closed")
	}
	return conn.Close()
}

// Lost is how a client refuses a call once its connection is gone: nil
// while lost is nil, else an error of kind errs.State, "proto: the
// connection was lost: " and what lost it.
func Lost(proto string, lost error) error {
	if lost == nil {
		return nil
	}
	return errs.New(errs.State, proto+": the connection was lost: "+lost.Error())
}
