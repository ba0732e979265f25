#!/usr/bin/env python3
"""Generate the charset tables of package mailwire/core/charset.

Run from core/charset (go generate does this):

    python3 internal/gen/gen.py

It reads the mappings of CPython's codecs and writes:

    data/*.bin        little-endian uint16 code points, 0 (or U+FFFD for
                      single-byte tables) where a code is unmapped
    tables_gen.go     the embed directives and table offsets
    testdata/vectors.txt  encoded sample strings with their expected UTF-8

The build never runs this script; its output is checked in.
"""

import os
import struct
import subprocess
import sys

# Single-byte charsets: (Go constant, Python codec, fill undefined C1 bytes,
# label used in the test vectors). Windows code pages map their undefined
# bytes 0x80-0x9F to the C1 controls of the same value, as the WHATWG Encoding
# Standard's indexes do.
SBCS = [
    ("sbISO8859x2", "iso8859_2", False, "iso-8859-2"),
    ("sbISO8859x3", "iso8859_3", False, "iso-8859-3"),
    ("sbISO8859x4", "iso8859_4", False, "iso-8859-4"),
    ("sbISO8859x5", "iso8859_5", False, "iso-8859-5"),
    ("sbISO8859x6", "iso8859_6", False, "iso-8859-6"),
    ("sbISO8859x7", "iso8859_7", False, "iso-8859-7"),
    ("sbISO8859x8", "iso8859_8", False, "iso-8859-8"),
    ("sbISO8859x10", "iso8859_10", False, "iso-8859-10"),
    ("sbISO8859x13", "iso8859_13", False, "iso-8859-13"),
    ("sbISO8859x14", "iso8859_14", False, "iso-8859-14"),
    ("sbISO8859x15", "iso8859_15", False, "iso-8859-15"),
    ("sbISO8859x16", "iso8859_16", False, "iso-8859-16"),
    ("sbWindows874", "cp874", True, "windows-874"),
    ("sbWindows1250", "cp1250", True, "windows-1250"),
    ("sbWindows1251", "cp1251", True, "windows-1251"),
    ("sbWindows1252", "cp1252", True, "windows-1252"),
    ("sbWindows1253", "cp1253", True, "windows-1253"),
    ("sbWindows1254", "cp1254", True, "windows-1254"),
    ("sbWindows1255", "cp1255", True, "windows-1255"),
    ("sbWindows1256", "cp1256", True, "windows-1256"),
    ("sbWindows1257", "cp1257", True, "windows-1257"),
    ("sbWindows1258", "cp1258", True, "windows-1258"),
    ("sbKOI8R", "koi8_r", False, "koi8-r"),
    ("sbKOI8U", "koi8_u", False, "koi8-u"),
    ("sbIBM866", "cp866", False, "ibm866"),
    ("sbMacintosh", "mac_roman", False, "macintosh"),
    ("sbMacCyrillic", "mac_cyrillic", False, "x-mac-cyrillic"),
]


def dec(b, codec):
    """Return the single code point b decodes to, or None."""
    try:
        s = b.decode(codec)
    except UnicodeDecodeError:
        return None
    if len(s) != 1:
        return None
    cp = ord(s)
    if cp > 0xFFFF:
        sys.exit("gen: %s %s decodes outside the BMP" % (codec, b.hex()))
    return cp


def pack(cps):
    return b"".join(struct.pack("<H", c) for c in cps)


def sbcs_table(codec, fill):
    out = []
    for b in range(0x80, 0x100):
        cp = dec(bytes([b]), codec)
        if cp is None:
            cp = b if (fill and b < 0xA0) else 0xFFFD
        out.append(cp)
    return out


def dbcs_table(codec, leads, trails, prefix=b""):
    out = []
    for lead in leads:
        for trail in trails:
            cp = dec(prefix + bytes([lead, trail]), codec)
            out.append(cp or 0)
    return out


def gb18030_ranges():
    """Return (pointer, code point) pairs where the four-byte BMP run jumps."""
    ranges = []
    prev = None
    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        b = chr(cp).encode("gb18030")
        if len(b) != 4:
            continue
        p = (((b[0] - 0x81) * 10 + (b[1] - 0x30)) * 126 + (b[2] - 0x81)) * 10 + (b[3] - 0x30)
        if prev is None or p != prev[0] + 1 or cp != prev[1] + 1:
            ranges.append((p, cp))
        prev = (p, cp)
    return [v for pair in ranges for v in pair], len(ranges)


def jis0208_from_cp932():
    """Derive the 94x94 JIS X 0208 table (with the NEC and IBM rows of
    Windows-31J, as the WHATWG jis0208 index has) from the cp932 codec."""
    out = []
    for ku in range(94):
        for ten in range(94):
            lead = ku // 2 + (0x81 if ku < 62 else 0xC1)
            if ku % 2 == 0:
                trail = ten + (0x40 if ten < 63 else 0x41)
            else:
                trail = ten + 0x9F
            cp = dec(bytes([lead, trail]), "cp932")
            out.append(cp or 0)
    return out


SAMPLES = {
    "gbk": ("gbk", "中文邮件测试：你好，世界！ ABC 龘"),
    "gb2312": ("gb2312", "简体中文电子邮件"),
    "gb18030": ("gb18030", "中文 € ¥ ß ḿ ǹ 😀 𠀀 \u0080 \uffff"),
    "big5": ("cp950", "繁體中文電子郵件，臺灣！€"),
    "shift_jis": ("cp932", "日本語のメール、テスト。ｶﾀｶﾅ ①Ⅹ"),
    "cp932": ("cp932", "髙﨑 ∑ ｱｲｳ 漢字"),
    "euc-jp": ("euc_jp", "日本語のメール ｶﾀｶﾅ 丂 漢字"),
    "iso-2022-jp": ("iso2022_jp", "日本語のメール、テスト。ABC"),
    "euc-kr": ("euc_kr", "한국어 전자 메일 테스트"),
    "cp949": ("cp949", "똠방각하 한글 똠"),
    "koi8-r": ("koi8_r", "Привет, мир! Ёё"),
    "koi8-u": ("koi8_u", "Привіт, світ! Ґґ Її"),
    "windows-1251": ("cp1251", "Привет, мир! Ђђ"),
    "windows-1252": ("cp1252", "“Smart” quotes – café €5 Œuvre"),
    "iso-8859-1": ("latin_1", "Grüße aus Köln, ça va? ÿ"),
    "iso-8859-2": ("iso8859_2", "Zażółć gęślą jaźń"),
    "iso-8859-7": ("iso8859_7", "Καλημέρα κόσμε"),
    "iso-8859-15": ("iso8859_15", "Prix: 5€ œuvre Š"),
    "ibm866": ("cp866", "Привет ╔═╗"),
    "macintosh": ("mac_roman", "Café ∞ ≠ π"),
    "windows-1255": ("cp1255", "שלום עולם"),
    "windows-1256": ("cp1256", "مرحبا بالعالم"),
    "windows-874": ("cp874", "สวัสดีชาวโลก"),
    "utf-16le": ("utf-16-le", "UTF-16 😀 テスト"),
    "utf-16be": ("utf-16-be", "UTF-16 😀 テスト"),
    "utf-16": ("utf-16", "UTF-16 with BOM 😀"),
}


def sampled(codec, prefix, leads, trails, step):
    """Return every step-th mapped sequence of a multi-byte codec, decoded
    by Python byte by byte, so that the tests check the layout of our tables
    against the codec itself."""
    raw, text, i = b"", "", 0
    for lead in leads:
        for trail in trails:
            b = prefix + bytes([lead, trail])
            cp = dec(b, codec)
            if cp is None:
                continue
            if i % step == 0:
                raw += b
                text += chr(cp)
            i += 1
    return raw, text


def sampled_gb18030_four(step):
    raw, text = b"", ""
    for cp in list(range(0x80, 0xD800, step)) + list(range(0xE000, 0x10000, step)) + [0xFFFF]:
        b = chr(cp).encode("gb18030")
        if len(b) == 4:
            raw += b
            text += chr(cp)
    return raw, text


def vectors():
    lines = ["# label<TAB>input hex<TAB>expected UTF-8 hex; generated by internal/gen/gen.py"]
    for label, (codec, text) in SAMPLES.items():
        lines.append("%s\t%s\t%s" % (label, text.encode(codec).hex(), text.encode("utf-8").hex()))
    hi = range(0xA1, 0xFF)
    samples = [
        ("gb18030", sampled("gb18030", b"", range(0x81, 0xFF), range(0x40, 0xFF), 37)),
        ("gb18030", sampled_gb18030_four(7)),
        ("big5", sampled("cp950", b"", range(0x81, 0xFF), range(0x40, 0xFF), 31)),
        ("windows-31j", sampled("cp932", b"", range(0x81, 0xFD), range(0x40, 0xFD), 23)),
        ("euc-jp", sampled("euc_jp", b"", hi, hi, 23)),
        ("euc-jp", sampled("euc_jp", b"\x8f", hi, hi, 19)),
        ("windows-949", sampled("cp949", b"", range(0x81, 0xFF), range(0x41, 0xFF), 37)),
    ]
    for label, (raw, text) in samples:
        lines.append("%s\t%s\t%s" % (label, raw.hex(), text.encode("utf-8").hex()))
    for name, codec, fill, label in SBCS:
        raw = bytes(range(0x80, 0x100))
        want = "".join(chr(c) for c in sbcs_table(codec, fill))
        lines.append("%s\t%s\t%s" % (label, raw.hex(), want.encode("utf-8").hex()))
    return "\n".join(lines) + "\n"


def main():
    files = {}
    sb = []
    for name, codec, fill, label in SBCS:
        sb.extend(sbcs_table(codec, fill))
    files["sbcs"] = sb
    every = range(0x40, 0xFF)
    files["gb18030"] = dbcs_table("gb18030", range(0x81, 0xFF), every)
    rng, nranges = gb18030_ranges()
    files["gb18030ranges"] = rng
    big5_trails = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))
    files["big5"] = dbcs_table("cp950", range(0x81, 0xFF), big5_trails)
    sj_leads = list(range(0x81, 0xA0)) + list(range(0xE0, 0xFD))
    sj_trails = list(range(0x40, 0x7F)) + list(range(0x80, 0xFD))
    files["sjis"] = dbcs_table("cp932", sj_leads, sj_trails)
    files["jis0208"] = jis0208_from_cp932()
    files["jis0212"] = dbcs_table("euc_jp", range(0xA1, 0xFF), range(0xA1, 0xFF), b"\x8f")
    files["euckr"] = dbcs_table("cp949", range(0x81, 0xFF), range(0x41, 0xFF))
    for name, cps in files.items():
        with open(os.path.join("data", name + ".bin"), "wb") as f:
            f.write(pack(cps))
    with open("testdata/vectors.txt", "w", encoding="utf-8") as f:
        f.write(vectors())
    go = ["// Code generated by internal/gen/gen.py; DO NOT EDIT.", "", "package charset", "",
          'import _ "embed"', ""]
    for name in files:
        go.append("//go:embed data/%s.bin" % name)
        go.append("var %sData string" % name)
        go.append("")
    go.append("// Offsets of the single-byte tables in sbcsData, in entries of 128.")
    go.append("const (")
    for i, (name, codec, fill, label) in enumerate(SBCS):
        go.append("\t%s = %d" % (name, i))
    go.append(")")
    go.append("")
    go.append("// gb18030RangeCount is the number of (pointer, code point) pairs in gb18030rangesData.")
    go.append("const gb18030RangeCount = %d" % nranges)
    with open("tables_gen.go", "w") as f:
        f.write("\n".join(go) + "\n")
    subprocess.run(["gofmt", "-w", "tables_gen.go"], check=True)


if __name__ == "__main__":
    main()
