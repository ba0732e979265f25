package smtp

import "testing"

// splitEnhanced takes class.subject.detail (RFC 3463 section 2) and nothing
// else.
func TestSplitEnhanced(t *testing.T) {
	for in, want := range map[string]bool{
		"5.1.1 x": true, "2.0.0": true, "4.999.999 y": true,
		"5.1": false, "5.1.1.1 x": false, "55.1.1": false, "5.1234.1": false,
		"5..1": false, "3.1.1": false, "x": false, "": false, "5.1.1x": false,
	} {
		if _, _, ok := splitEnhanced(in); ok != want {
			t.Errorf("%q: ok %v, want %v", in, ok, want)
		}
	}
	if code, rest, _ := splitEnhanced("5.7.12 text"); code != [3]int{5, 7, 12} || rest != "text" {
		t.Errorf("5.7.12: %v %q", code, rest)
	}
}
