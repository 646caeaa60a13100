package compile

import "strconv"

// aarch64: AAPCS64; x0–x7 carry arguments, the return address is in x30
// (the link register), so $stack0 is the first stack argument.
var archArm64 = func() *Arch {
	a := &Arch{
		Name:       "aarch64",
		PtrSize:    8,
		StackSlot0: 0,
		Regs:       setOf("sp", "pc", "pstate"),
		Aliases:    map[string]string{"lr": "x30", "fp": "x29"},
	}
	for i := 0; i <= 30; i++ {
		r := "x" + strconv.Itoa(i)
		a.Regs[r] = true
		a.Aliases["w"+strconv.Itoa(i)] = r
		if i < 8 {
			a.KernelArgs = append(a.KernelArgs, r)
		}
	}
	a.UserArgs = a.KernelArgs
	return a
}()
