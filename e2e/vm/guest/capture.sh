# capture: what the kernel itself lists, for the host to keep beside the
# kernel (sourced by /init when CAPTURE=1, after the modules are loaded).
# Each file goes out gzipped and base64-encoded between markers:
#   @@@FILE NAME … @@@ENDFILE NAME
capture_file() {
	[ -r "$2" ] || return 0
	say "@@@FILE $1"
	gzip -c <"$2" | base64 >&3
	say "@@@ENDFILE $1"
}
capture_all() {
	capture_file vmlinux.btf.gz /sys/kernel/btf/vmlinux
	for _b in /sys/kernel/btf/*; do
		[ "${_b##*/}" = vmlinux ] || capture_file "btf/${_b##*/}.gz" "$_b"
	done
	capture_file kallsyms.gz /proc/kallsyms
	capture_file available_filter_functions.gz "$T/available_filter_functions"
	capture_file available_events.gz "$T/available_events"
	capture_file kprobes-blacklist.gz /sys/kernel/debug/kprobes/blacklist
	capture_file tracing-README.gz "$T/README"
	say "@@@CAPTURED"
}
