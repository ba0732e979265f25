package charset_test

import (
	"fmt"
	"io"
	"strings"

	"mailwire/core/charset"
)

func ExampleDecode() {
	s, err := charset.Decode("ISO-2022-JP", []byte("\x1b$BF|K\\8l\x1b(B"))
	fmt.Println(s, err)
	fmt.Println(charset.Canonical("cp932"), charset.Known("x-unknown"))
	// Output:
	// 日本語 <nil>
	// windows-31j false
}

func ExampleNewReader() {
	r, err := charset.NewReader("koi8-r", strings.NewReader("\xf0\xd2\xc9\xd7\xc5\xd4"))
	if err != nil {
		panic(err)
	}
	b, _ := io.ReadAll(r)
	fmt.Println(string(b))
	// Output: Привет
}
