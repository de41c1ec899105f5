f=/tmp/x.img
truncate -s 100M $f
t() { local s=$(date +%s.%N); "$@" >/dev/null; echo "$(awk -v a=$s -v b=$(date +%s.%N) 'BEGIN{printf "%.2f", b-a}')s: $*"; }
t dd if=/dev/urandom of=$f bs=1M count=8 conv=notrunc status=none
t sha256sum $f
t md5sum $f
l=$(losetup -f --show $f)
t mkfs.ext4 -q -F -E lazy_itable_init=0,lazy_journal_init=0 $l
mount $l /mnt
t sh -c 'awk "BEGIN { for (i = 0; i < 20000; i++) printf \"%-24.24s %010d jumps over the lazy dog...\n\", \"x\", i }" > /mnt/f; sync'
umount /mnt
t e2fsck -fn $l
losetup -d $l
grep -m1 'model name' /proc/cpuinfo
