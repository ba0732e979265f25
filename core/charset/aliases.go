package charset

// byLabel maps a lower-case label to its charset: the labels of the WHATWG
// Encoding Standard section 4.2, plus IANA names and aliases that mail
// software writes (RFC 1345, RFC 1468, RFC 1557, RFC 1842, RFC 1922).
func byLabel(l string) (cs, bool) {
	if c, ok := unicodeLabel(l); ok {
		return c, true
	}
	if c, ok := latinLabel(l); ok {
		return c, true
	}
	if c, ok := windowsLabel(l); ok {
		return c, true
	}
	return cjkLabel(l)
}

// unicodeLabel maps the labels of UTF-8, UTF-16 and US-ASCII.
func unicodeLabel(l string) (cs, bool) {
	switch l {
	case "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8",
		"x-unicode20utf8", "csutf8":
		return cUTF8, true
	case "utf-16", "csutf16":
		return cUTF16, true
	case "utf-16be", "unicodefffe", "csutf16be":
		return cUTF16BE, true
	case "utf-16le", "csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff",
		"csutf16le":
		return cUTF16LE, true
	case "us-ascii", "ascii", "ansi_x3.4-1968", "ansi_x3.4-1986", "iso646-us", "us",
		"csascii", "ibm367", "cp367", "iso-ir-6", "iso_646.irv:1991", "646":
		return cASCII, true
	}
	return 0, false
}

// latinLabel maps the labels of ISO 8859, KOI8, IBM866 and the Mac charsets.
func latinLabel(l string) (cs, bool) {
	switch l {
	case "iso-8859-1", "cp819", "csisolatin1", "ibm819", "iso-ir-100", "iso8859-1",
		"iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1", "latin-1", "iso8859_1":
		return c8859x1, true
	case "iso-8859-2", "csisolatin2", "iso-ir-101", "iso8859-2", "iso88592", "iso_8859-2",
		"iso_8859-2:1987", "l2", "latin2", "latin-2":
		return c8859x2, true
	case "iso-8859-3", "csisolatin3", "iso-ir-109", "iso8859-3", "iso88593", "iso_8859-3",
		"iso_8859-3:1988", "l3", "latin3":
		return c8859x3, true
	case "iso-8859-4", "csisolatin4", "iso-ir-110", "iso8859-4", "iso88594", "iso_8859-4",
		"iso_8859-4:1988", "l4", "latin4":
		return c8859x4, true
	case "iso-8859-5", "csisolatincyrillic", "cyrillic", "iso-ir-144", "iso8859-5",
		"iso88595", "iso_8859-5", "iso_8859-5:1988":
		return c8859x5, true
	case "iso-8859-6", "arabic", "asmo-708", "csiso88596e", "csiso88596i", "csisolatinarabic",
		"ecma-114", "iso-8859-6-e", "iso-8859-6-i", "iso-ir-127", "iso8859-6", "iso88596",
		"iso_8859-6", "iso_8859-6:1987":
		return c8859x6, true
	case "iso-8859-7", "csisolatingreek", "ecma-118", "elot_928", "greek", "greek8",
		"iso-ir-126", "iso8859-7", "iso88597", "iso_8859-7", "iso_8859-7:1987", "sun_eu_greek":
		return c8859x7, true
	case "iso-8859-8", "csiso88598e", "csisolatinhebrew", "hebrew", "iso-8859-8-e",
		"iso-ir-138", "iso8859-8", "iso88598", "iso_8859-8", "iso_8859-8:1988", "visual":
		return c8859x8, true
	case "iso-8859-8-i", "csiso88598i", "logical":
		return c8859x8I, true
	case "iso-8859-9", "csisolatin5", "iso-ir-148", "iso8859-9", "iso88599", "iso_8859-9",
		"iso_8859-9:1989", "l5", "latin5":
		return c8859x9, true
	case "iso-8859-10", "csisolatin6", "iso-ir-157", "iso8859-10", "iso885910", "l6",
		"latin6", "iso_8859-10", "iso_8859-10:1992":
		return c8859x10, true
	case "iso-8859-11", "iso8859-11", "iso885911", "iso_8859-11":
		return c8859x11, true
	case "iso-8859-13", "iso8859-13", "iso885913", "iso_8859-13", "l7", "latin7":
		return c8859x13, true
	case "iso-8859-14", "iso8859-14", "iso885914", "iso_8859-14", "iso-ir-199", "l8",
		"latin8", "iso-celtic":
		return c8859x14, true
	case "iso-8859-15", "csisolatin9", "iso8859-15", "iso885915", "iso_8859-15", "l9",
		"latin-9", "latin9":
		return c8859x15, true
	case "iso-8859-16", "iso8859-16", "iso885916", "iso_8859-16", "iso_8859-16:2001",
		"iso-ir-226", "l10", "latin10":
		return c8859x16, true
	}
	return otherLabel(l)
}

// otherLabel maps the labels of KOI8, IBM866 and the Mac charsets.
func otherLabel(l string) (cs, bool) {
	switch l {
	case "koi8-r", "cskoi8r", "koi", "koi8", "koi8_r":
		return cKOI8R, true
	case "koi8-u", "koi8-ru", "cskoi8u":
		return cKOI8U, true
	case "ibm866", "866", "cp866", "csibm866":
		return cIBM866, true
	case "macintosh", "csmacintosh", "mac", "x-mac-roman":
		return cMac, true
	case "x-mac-cyrillic", "x-mac-ukrainian":
		return cMacCyrillic, true
	}
	return 0, false
}

// windowsLabel maps the labels of the Windows single-byte code pages.
func windowsLabel(l string) (cs, bool) {
	switch l {
	case "windows-874", "dos-874", "tis-620", "cp874", "x-cp874":
		return cWin874, true
	case "windows-1250", "cp1250", "x-cp1250":
		return cWin1250, true
	case "windows-1251", "cp1251", "x-cp1251":
		return cWin1251, true
	case "windows-1252", "cp1252", "x-cp1252":
		return cWin1252, true
	case "windows-1253", "cp1253", "x-cp1253":
		return cWin1253, true
	case "windows-1254", "cp1254", "x-cp1254":
		return cWin1254, true
	case "windows-1255", "cp1255", "x-cp1255":
		return cWin1255, true
	case "windows-1256", "cp1256", "x-cp1256":
		return cWin1256, true
	case "windows-1257", "cp1257", "x-cp1257":
		return cWin1257, true
	case "windows-1258", "cp1258", "x-cp1258":
		return cWin1258, true
	}
	return 0, false
}

// cjkLabel maps the labels of the Chinese, Japanese and Korean charsets.
func cjkLabel(l string) (cs, bool) {
	switch l {
	case "gb2312", "chinese", "csgb2312", "csiso58gb231280", "gb_2312", "gb_2312-80",
		"iso-ir-58", "euc-cn", "x-euc-cn", "cseuccn":
		return cGB2312, true
	case "gbk", "x-gbk", "cp936", "ms936", "windows-936", "csgbk":
		return cGBK, true
	case "gb18030", "csgb18030":
		return cGB18030, true
	case "big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5", "cp950", "x-big5",
		"big-5", "big5hkscs":
		return cBig5, true
	case "shift_jis", "csshiftjis", "ms_kanji", "shift-jis", "sjis", "x-sjis", "s-jis":
		return cShiftJIS, true
	case "windows-31j", "cp932", "ms932", "cswindows31j", "x-ms-cp932":
		return cWin31J, true
	case "euc-jp", "cseucpkdfmtjapanese", "x-euc-jp", "eucjp", "ujis":
		return cEUCJP, true
	case "iso-2022-jp", "csiso2022jp", "jis", "iso2022jp":
		return cISO2022JP, true
	case "euc-kr", "cseuckr", "korean", "euckr", "x-euc-kr":
		return cEUCKR, true
	case "ks_c_5601-1987", "ks_c_5601-1989", "ksc5601", "ksc_5601", "csksc56011987",
		"iso-ir-149", "ks_c_5601":
		return cKSC5601, true
	case "windows-949", "cp949", "ms949", "uhc", "x-windows-949":
		return cWin949, true
	}
	return 0, false
}
