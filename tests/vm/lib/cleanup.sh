# Leftover detection and forced teardown, used by the guest runner after
# every test (and by scn_assert_clean).  Inside the VM every dm device, md
# array and loop device was made by a test, so any of them is a leftover.

# Prints what is left and returns 1, or returns 0 when clean.
rr_leftovers() {
	local out="" dm md loops
	dm=$(dmsetup ls 2>&1 | grep -v '^No devices found')
	[ -n "$dm" ] && out+="dm devices: $(echo "$dm" | awk '{print $1}' | tr '\n' ' ')"$'\n'
	md=$(awk '/^md[0-9_a-z]* *:/ {print $1}' /proc/mdstat 2>/dev/null)
	[ -n "$md" ] && out+="md arrays: $(echo "$md" | tr '\n' ' ')"$'\n'
	loops=$(losetup -a 2>/dev/null)
	[ -n "$loops" ] && out+="loop devices: $(echo "$loops" | cut -d: -f1 | tr '\n' ' ')"$'\n'
	[ -z "$out" ] && return 0
	printf '%s' "$out"
	return 1
}

# Tear everything down, whatever state it is in.  Order matters: mounts,
# then dm (LVM and our overlays may sit on md or on loops), md, dm again
# (dm-raid/overlays under md), loops.
rr_force_cleanup() {
	local i m
	for m in $(awk '$2 ~ "^/tmp/" {print $2}' /proc/mounts | sort -r); do
		fsfreeze -u "$m" 2>/dev/null
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null
	done
	for i in 1 2 3; do
		dmsetup remove_all --force >/dev/null 2>&1
		for m in $(awk '/^md[0-9_a-z]* *:/ {print $1}' /proc/mdstat); do
			mdadm --stop "/dev/$m" >/dev/null 2>&1
		done
	done
	losetup -D 2>/dev/null
	sleep 0.2
	# losetup -D is lazy (autoclear) for busy devices; retry once.
	losetup -a 2>/dev/null | cut -d: -f1 | xargs -r -n1 losetup -d 2>/dev/null
	return 0
}
