package charset

import "strings"

// cs identifies a supported charset; it indexes charsets.
type cs uint8

// Kinds of decoder.
const (
	kindUTF8 = iota
	kindSBCS
	kindGB18030
	kindBig5
	kindSJIS
	kindEUCJP
	kindISO2022JP
	kindEUCKR
	kindUTF16
)

// The supported charsets, one for each canonical name.
const (
	cUTF8 cs = iota
	cASCII
	c8859x1
	c8859x2
	c8859x3
	c8859x4
	c8859x5
	c8859x6
	c8859x7
	c8859x8
	c8859x8I
	c8859x9
	c8859x10
	c8859x11
	c8859x13
	c8859x14
	c8859x15
	c8859x16
	cWin874
	cWin1250
	cWin1251
	cWin1252
	cWin1253
	cWin1254
	cWin1255
	cWin1256
	cWin1257
	cWin1258
	cKOI8R
	cKOI8U
	cIBM866
	cMac
	cMacCyrillic
	cGB2312
	cGBK
	cGB18030
	cBig5
	cShiftJIS
	cWin31J
	cEUCJP
	cISO2022JP
	cEUCKR
	cKSC5601
	cWin949
	cUTF16
	cUTF16BE
	cUTF16LE
)

// charsets holds the canonical name, decoder kind and table of each charset
// (for kindSBCS the table number in sbcsData, for kindUTF16 the byte order).
var charsets = [...]struct {
	name string
	kind uint8
	tab  uint8
}{
	cUTF8:        {"UTF-8", kindUTF8, 0},
	cASCII:       {"US-ASCII", kindSBCS, sbWindows1252},
	c8859x1:      {"ISO-8859-1", kindSBCS, sbWindows1252},
	c8859x2:      {"ISO-8859-2", kindSBCS, sbISO8859x2},
	c8859x3:      {"ISO-8859-3", kindSBCS, sbISO8859x3},
	c8859x4:      {"ISO-8859-4", kindSBCS, sbISO8859x4},
	c8859x5:      {"ISO-8859-5", kindSBCS, sbISO8859x5},
	c8859x6:      {"ISO-8859-6", kindSBCS, sbISO8859x6},
	c8859x7:      {"ISO-8859-7", kindSBCS, sbISO8859x7},
	c8859x8:      {"ISO-8859-8", kindSBCS, sbISO8859x8},
	c8859x8I:     {"ISO-8859-8-I", kindSBCS, sbISO8859x8},
	c8859x9:      {"ISO-8859-9", kindSBCS, sbWindows1254},
	c8859x10:     {"ISO-8859-10", kindSBCS, sbISO8859x10},
	c8859x11:     {"ISO-8859-11", kindSBCS, sbWindows874},
	c8859x13:     {"ISO-8859-13", kindSBCS, sbISO8859x13},
	c8859x14:     {"ISO-8859-14", kindSBCS, sbISO8859x14},
	c8859x15:     {"ISO-8859-15", kindSBCS, sbISO8859x15},
	c8859x16:     {"ISO-8859-16", kindSBCS, sbISO8859x16},
	cWin874:      {"windows-874", kindSBCS, sbWindows874},
	cWin1250:     {"windows-1250", kindSBCS, sbWindows1250},
	cWin1251:     {"windows-1251", kindSBCS, sbWindows1251},
	cWin1252:     {"windows-1252", kindSBCS, sbWindows1252},
	cWin1253:     {"windows-1253", kindSBCS, sbWindows1253},
	cWin1254:     {"windows-1254", kindSBCS, sbWindows1254},
	cWin1255:     {"windows-1255", kindSBCS, sbWindows1255},
	cWin1256:     {"windows-1256", kindSBCS, sbWindows1256},
	cWin1257:     {"windows-1257", kindSBCS, sbWindows1257},
	cWin1258:     {"windows-1258", kindSBCS, sbWindows1258},
	cKOI8R:       {"KOI8-R", kindSBCS, sbKOI8R},
	cKOI8U:       {"KOI8-U", kindSBCS, sbKOI8U},
	cIBM866:      {"IBM866", kindSBCS, sbIBM866},
	cMac:         {"macintosh", kindSBCS, sbMacintosh},
	cMacCyrillic: {"x-mac-cyrillic", kindSBCS, sbMacCyrillic},
	cGB2312:      {"GB2312", kindGB18030, 0},
	cGBK:         {"GBK", kindGB18030, 0},
	cGB18030:     {"GB18030", kindGB18030, 0},
	cBig5:        {"Big5", kindBig5, 0},
	cShiftJIS:    {"Shift_JIS", kindSJIS, 0},
	cWin31J:      {"windows-31j", kindSJIS, 0},
	cEUCJP:       {"EUC-JP", kindEUCJP, 0},
	cISO2022JP:   {"ISO-2022-JP", kindISO2022JP, 0},
	cEUCKR:       {"EUC-KR", kindEUCKR, 0},
	cKSC5601:     {"KS_C_5601-1987", kindEUCKR, 0},
	cWin949:      {"windows-949", kindEUCKR, 0},
	cUTF16:       {"UTF-16", kindUTF16, orderBOM},
	cUTF16BE:     {"UTF-16BE", kindUTF16, orderBE},
	cUTF16LE:     {"UTF-16LE", kindUTF16, orderLE},
}

// maxLabel bounds the labels worth looking up; the longest is 19 bytes.
const maxLabel = 40

// lookup finds the charset named by label after trimming white space and
// quotes, lowering case and cutting an RFC 2231 section 5 language suffix
// ("us-ascii*en").
func lookup(label string) (cs, bool) {
	label = strings.Trim(label, " \t\r\n\f\"'")
	if i := strings.IndexByte(label, '*'); i >= 0 {
		label = label[:i]
	}
	if label == "" || len(label) > maxLabel {
		return 0, false
	}
	return byLabel(strings.ToLower(label))
}
