// Command pecheck prints what the Windows tests check of a DLL without
// running it (the 32-bit build, on a machine that cannot run 32-bit code):
// its machine type, its exported functions, the DLLs it imports, and its
// resources; -extract TYPE/ID=FILE writes one resource to a file (the type
// library, TYPELIB/1).
//
//	go run ./tests/windows/pecheck [-extract TYPELIB/1=out.tlb] file.dll
//
// Output, one fact to a line:
//
//	machine i386
//	export DllGetClassObject
//	import KERNEL32.dll
//	resource TYPELIB/1 27372
package main

import (
	"debug/pe"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

var machines = map[uint16]string{
	pe.IMAGE_FILE_MACHINE_I386:  "i386",
	pe.IMAGE_FILE_MACHINE_AMD64: "amd64",
	pe.IMAGE_FILE_MACHINE_ARM64: "arm64",
}

func main() {
	extract := flag.String("extract", "", "TYPE/ID=FILE: write that resource to FILE")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: pecheck [-extract TYPE/ID=FILE] file.dll")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *extract); err != nil {
		fmt.Fprintln(os.Stderr, "pecheck:", err)
		os.Exit(1)
	}
}

func run(path, extract string) error {
	f, err := pe.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	m, ok := machines[f.Machine]
	if !ok {
		m = fmt.Sprintf("0x%x", f.Machine)
	}
	fmt.Println("machine", m)
	exports, err := exportNames(f)
	if err != nil {
		return err
	}
	for _, e := range exports {
		fmt.Println("export", e)
	}
	// debug/pe's ImportedLibraries is not implemented; each imported
	// symbol is "name:DLL".
	syms, err := f.ImportedSymbols()
	if err != nil {
		return err
	}
	libs := map[string]bool{}
	for _, s := range syms {
		if _, dll, ok := strings.Cut(s, ":"); ok {
			libs[dll] = true
		}
	}
	var names []string
	for l := range libs {
		names = append(names, l)
	}
	sort.Strings(names)
	for _, l := range names {
		fmt.Println("import", l)
	}
	res, err := resources(f)
	if err != nil {
		return err
	}
	var keys []string
	for k := range res {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Println("resource", k, len(res[k]))
	}
	if extract != "" {
		name, file, ok := strings.Cut(extract, "=")
		if !ok || res[name] == nil {
			return fmt.Errorf("no resource %s", name)
		}
		return os.WriteFile(file, res[name], 0o644)
	}
	return nil
}

// directory returns data directory i of the optional header.
func directory(f *pe.File, i int) pe.DataDirectory {
	switch h := f.OptionalHeader.(type) {
	case *pe.OptionalHeader32:
		if i < int(h.NumberOfRvaAndSizes) {
			return h.DataDirectory[i]
		}
	case *pe.OptionalHeader64:
		if i < int(h.NumberOfRvaAndSizes) {
			return h.DataDirectory[i]
		}
	}
	return pe.DataDirectory{}
}

// image reads n bytes at relative virtual address rva.
func image(f *pe.File, rva, n uint32) ([]byte, error) {
	for _, s := range f.Sections {
		if rva >= s.VirtualAddress && rva < s.VirtualAddress+s.VirtualSize {
			data, err := s.Data()
			if err != nil {
				return nil, err
			}
			off := rva - s.VirtualAddress
			if uint64(off)+uint64(n) > uint64(len(data)) {
				return nil, fmt.Errorf("rva 0x%x+%d beyond section %s", rva, n, s.Name)
			}
			return data[off : off+n], nil
		}
	}
	return nil, fmt.Errorf("rva 0x%x in no section", rva)
}

// cstring reads a NUL-terminated string at rva.
func cstring(f *pe.File, rva uint32) (string, error) {
	var b []byte
	for {
		c, err := image(f, rva+uint32(len(b)), 1)
		if err != nil {
			return "", err
		}
		if c[0] == 0 {
			return string(b), nil
		}
		b = append(b, c[0])
	}
}

// exportNames reads the names of the export directory (PE/COFF 6.3).
func exportNames(f *pe.File) ([]string, error) {
	d := directory(f, pe.IMAGE_DIRECTORY_ENTRY_EXPORT)
	if d.VirtualAddress == 0 {
		return nil, nil
	}
	hdr, err := image(f, d.VirtualAddress, 40)
	if err != nil {
		return nil, err
	}
	n := binary.LittleEndian.Uint32(hdr[24:])
	names := binary.LittleEndian.Uint32(hdr[32:])
	var out []string
	for i := uint32(0); i < n; i++ {
		p, err := image(f, names+4*i, 4)
		if err != nil {
			return nil, err
		}
		s, err := cstring(f, binary.LittleEndian.Uint32(p))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// resourceTypes names the standard resource types by number.
var resourceTypes = map[uint32]string{16: "VERSION", 24: "MANIFEST"}

// resources reads the resource tree (PE/COFF 6.9): type, name, language.
// It returns each resource's data by "TYPE/NAME" (the first language).
func resources(f *pe.File) (map[string][]byte, error) {
	out := map[string][]byte{}
	d := directory(f, pe.IMAGE_DIRECTORY_ENTRY_RESOURCE)
	if d.VirtualAddress == 0 {
		return out, nil
	}
	base := d.VirtualAddress
	entries := func(off uint32) ([][2]uint32, error) {
		h, err := image(f, base+off, 16)
		if err != nil {
			return nil, err
		}
		n := uint32(binary.LittleEndian.Uint16(h[12:])) + uint32(binary.LittleEndian.Uint16(h[14:]))
		var es [][2]uint32
		for i := uint32(0); i < n; i++ {
			e, err := image(f, base+off+16+8*i, 8)
			if err != nil {
				return nil, err
			}
			es = append(es, [2]uint32{binary.LittleEndian.Uint32(e), binary.LittleEndian.Uint32(e[4:])})
		}
		return es, nil
	}
	name := func(id uint32, numbers map[uint32]string) (string, error) {
		if id&0x80000000 == 0 {
			if s, ok := numbers[id]; ok {
				return s, nil
			}
			return fmt.Sprint(id), nil
		}
		h, err := image(f, base+id&0x7fffffff, 2)
		if err != nil {
			return "", err
		}
		n := binary.LittleEndian.Uint16(h)
		u, err := image(f, base+id&0x7fffffff+2, 2*uint32(n))
		if err != nil {
			return "", err
		}
		r := make([]rune, n)
		for i := range r {
			r[i] = rune(binary.LittleEndian.Uint16(u[2*i:]))
		}
		return string(r), nil
	}
	types, err := entries(0)
	if err != nil {
		return nil, err
	}
	for _, t := range types {
		tn, err := name(t[0], resourceTypes)
		if err != nil || t[1]&0x80000000 == 0 {
			return nil, errors.Join(err, errors.New("bad resource type entry"))
		}
		ids, err := entries(t[1] & 0x7fffffff)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			in, err := name(id[0], nil)
			if err != nil || id[1]&0x80000000 == 0 {
				return nil, errors.Join(err, errors.New("bad resource name entry"))
			}
			langs, err := entries(id[1] & 0x7fffffff)
			if err != nil || len(langs) == 0 {
				return nil, errors.Join(err, errors.New("resource without a language"))
			}
			de, err := image(f, base+langs[0][1], 16)
			if err != nil {
				return nil, err
			}
			data, err := image(f, binary.LittleEndian.Uint32(de), binary.LittleEndian.Uint32(de[4:]))
			if err != nil {
				return nil, err
			}
			out[tn+"/"+in] = data
		}
	}
	return out, nil
}
