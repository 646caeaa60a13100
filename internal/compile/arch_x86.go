package compile

// x86_64: System V AMD64 ABI, the same for the kernel and user space.
var archX86_64 = &Arch{
	Name:       "x86_64",
	PtrSize:    8,
	KernelArgs: []string{"di", "si", "dx", "cx", "r8", "r9"},
	UserArgs:   []string{"di", "si", "dx", "cx", "r8", "r9"},
	StackSlot0: 1,
	ArgNStack:  true,
	Regs: setOf("ax", "bx", "cx", "dx", "si", "di", "bp", "sp", "ip", "flags",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "orig_ax", "cs", "ss"),
	Aliases: map[string]string{
		"rax": "ax", "rbx": "bx", "rcx": "cx", "rdx": "dx", "rsi": "si", "rdi": "di",
		"rbp": "bp", "rsp": "sp", "rip": "ip", "eax": "ax", "ebx": "bx", "ecx": "cx",
		"edx": "dx", "esi": "si", "edi": "di", "ebp": "bp", "esp": "sp",
	},
}

// x86 (32-bit): the kernel is built with regparm(3); user code passes
// everything on the stack.
var archX86 = &Arch{
	Name:       "x86",
	PtrSize:    4,
	KernelArgs: []string{"ax", "dx", "cx"},
	UserArgs:   nil,
	StackSlot0: 1,
	ArgNStack:  true,
	Regs:       setOf("ax", "bx", "cx", "dx", "si", "di", "bp", "sp", "ip", "flags", "orig_ax", "cs", "ss"),
	Aliases: map[string]string{
		"eax": "ax", "ebx": "bx", "ecx": "cx", "edx": "dx", "esi": "si", "edi": "di",
		"ebp": "bp", "esp": "sp", "eip": "ip",
	},
}

func setOf(s ...string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, x := range s {
		m[x] = true
	}
	return m
}
