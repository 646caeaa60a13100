package vocab

import "slices"

// The tables are read-only: callers get copies of the rows, so nothing
// outside this package can change what a prefix, a kind or a header means.

// Prefixes returns the name prefix rows, in the order completion offers them.
func Prefixes() []Prefix { return slices.Clone(prefixes) }

// Kinds returns the probe kind rows.
func Kinds() []KindInfo { return slices.Clone(kinds) }

// Headers returns the packet header rows.
func Headers() []Header { return slices.Clone(headers) }

// PacketDatas returns the packet data pseudo-member rows.
func PacketDatas() []PacketData { return slices.Clone(packetDatas) }
