#!/bin/bash
# With a Russian locale the program speaks Russian, and po/ru.po covers
# every translatable string of the sources.
. "$(dirname "$0")/lib.sh"

# Generate the locale privately (no root, nothing written outside $T).
mkdir -p "$T/locale"
if ! localedef -i ru_RU -f UTF-8 "$T/locale/ru_RU.UTF-8" 2>"$T/localedef.err"; then
	bad "localedef ru_RU.UTF-8 (is the 'locales' package installed?)"; cat "$T/localedef.err"; finish
fi
# The locale is set for the program only (bash itself would warn).
ru() { LOCPATH=$T/locale LANG=ru_RU.UTF-8 LC_ALL=ru_RU.UTF-8 LANGUAGE= "$RR_BIN" "$@"; }

expect_status 0 "--help in Russian" ru --help
expect_grep "$T/out" '^Использование: raidrescue' "usage line is Russian"
expect_grep "$T/out" '^Команды:' "commands heading is Russian"
expect_status 0 "examine --help in Russian" ru examine --help
expect_grep "$T/out" 'суперблок' "examine help is Russian"
expect_status 2 "unknown command in Russian" ru frobnicate
expect_grep "$T/err" '^raidrescue: frobnicate: нет такой команды' "error message is Russian"

# Completeness: extract the strings afresh and merge them into ru.po.
cd "$RR_SRC"
xgettext --keyword=_ --keyword=N_ --keyword=P_:1,2 --from-code=UTF-8 -C \
	-f po/POTFILES.in -o "$T/raidrescue.pot" 2>"$T/xgettext.err" || { bad "xgettext"; cat "$T/xgettext.err"; }
msgmerge -q --no-fuzzy-matching "po/ru.po" "$T/raidrescue.pot" -o "$T/ru.po" 2>/dev/null
stats=$(LC_ALL=C msgfmt --statistics -o /dev/null "$T/ru.po" 2>&1)
echo "ru.po: $stats"
case "$stats" in
*untranslated*|*fuzzy*) bad "po/ru.po is incomplete: $stats"
	LC_ALL=C msgattrib --untranslated "$T/ru.po" | grep '^msgid' | head -20 ;;
*) ok "po/ru.po translates every string" ;;
esac
# Every source file with translatable strings is listed in POTFILES.in.
for f in $(grep -lE '\b(_|N_|P_)\(' core/*.c probes/*.c actions/*.c ui/*.c ui/*/*.c 2>/dev/null); do
	grep -qx "$f" po/POTFILES.in || bad "$f has strings but is not in po/POTFILES.in"
done
finish
