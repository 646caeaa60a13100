package btfdwarf

import "strings"

// BuiltinType resolves a C base type or fixed-width alias by name alone,
// for casts when no type source is loaded.
func BuiltinType(name string, ptrSize int) (*Type, bool) {
	return builtinType(normalizeTypeName(name), ptrSize)
}

// baseType is a base type's size and sign; size 0 means the pointer size.
type baseType struct {
	size   int
	signed bool
}

// baseTypes are the C base type names and the kernel's fixed-width
// aliases: BTF spells them "long unsigned int" while users write
// "unsigned long" or "u64", and both must mean the same.
var baseTypes = map[string]baseType{
	"char": {1, true}, "signed char": {1, true}, "unsigned char": {1, false},
	"short": {2, true}, "unsigned short": {2, false},
	"int": {4, true}, "unsigned int": {4, false}, "unsigned": {4, false},
	"long": {0, true}, "unsigned long": {0, false},
	"long long": {8, true}, "unsigned long long": {8, false},
	"u8": {1, false}, "u16": {2, false}, "u32": {4, false}, "u64": {8, false},
	"s8": {1, true}, "s16": {2, true}, "s32": {4, true}, "s64": {8, true},
	"__u8": {1, false}, "__u16": {2, false}, "__u32": {4, false}, "__u64": {8, false},
	"__s8": {1, true}, "__s16": {2, true}, "__s32": {4, true}, "__s64": {8, true},
	"uint8_t": {1, false}, "uint16_t": {2, false}, "uint32_t": {4, false}, "uint64_t": {8, false},
	"int8_t": {1, true}, "int16_t": {2, true}, "int32_t": {4, true}, "int64_t": {8, true},
	"size_t": {0, false}, "ssize_t": {0, true},
	"uintptr_t": {0, false}, "bool": {1, false}, "_Bool": {1, false},
}

// builtinType answers base types without a lookup in the type source.
func builtinType(name string, ptrSize int) (*Type, bool) {
	if name == "void" {
		return &Type{Kind: Void, Name: "void"}, true
	}
	b, ok := baseTypes[name]
	if !ok {
		return nil, false
	}
	size := b.size
	if size == 0 {
		size = ptrSize
	}
	return &Type{Kind: Int, Name: name, Size: size, Signed: b.signed, Char: name == "char"}, true
}

// normalizeTypeName collapses blanks and the C synonyms of base types
// ("long unsigned int" → "unsigned long", "short int" → "short").
func normalizeTypeName(name string) string {
	f := strings.Fields(name)
	name = strings.Join(f, " ")
	switch name {
	case "long unsigned int", "unsigned long int", "long unsigned":
		return "unsigned long"
	case "long int", "signed long", "long signed int":
		return "long"
	case "long long unsigned int", "unsigned long long int", "long long unsigned":
		return "unsigned long long"
	case "long long int", "signed long long":
		return "long long"
	case "short int", "signed short", "short signed int":
		return "short"
	case "short unsigned int", "unsigned short int", "short unsigned":
		return "unsigned short"
	case "signed int", "signed":
		return "int"
	}
	return name
}
