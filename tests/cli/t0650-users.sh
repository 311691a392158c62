#!/bin/sh
# People from the command line: add, list, passwords, roles, disabling.
. "$(dirname "$0")/lib.sh" 2>/dev/null || . "$SRCDIR/tests/cli/lib.sh"

asurif init "$WORK/ws" >/dev/null
expect_ok "list when nobody exists" asurif user list
check "says how to add an administrator" 'grep -q "user add" out'
printf 'a very long password\n' >pw
expect_ok "add an administrator, password on standard input" sh -c "\"$ASURIF\" user add amina --role admin --name 'أمينة بنعلي' <pw"
expect_fail 2 "a password is never an argument" asurif user add karim --role member --password x
expect_fail 2 "a short password is refused" sh -c "printf 'short\n' | \"$ASURIF\" user add karim --role member"
check "with the rule" 'grep -q "at least 10 characters" err'
expect_fail 2 "a bad role is refused" sh -c "\"$ASURIF\" user add karim --role boss <pw"
expect_fail 2 "a bad user name is refused" sh -c "\"$ASURIF\" user add 'a b' --role member <pw"
expect_ok "add a member of an association" sh -c "\"$ASURIF\" user add karim --role member --org 'جمعية تادلة' <pw"
expect_fail 1 "a name already taken" sh -c "\"$ASURIF\" user add KARIM --role viewer <pw"
check "says so" 'grep -q "already taken" err'
expect_ok "list as JSON" asurif user list --json
jq_check "two people with their roles" '[.users[] | [.login, .role]] == [["amina","admin"],["karim","member"]] and .users[0].name == "أمينة بنعلي"' out
jq_check "and their organisations" '[.users[].org] == ["","جمعية تادلة"]' out
expect_ok "move someone to another organisation" asurif user org amina "Réseau Tadla-Atlas"
expect_ok "and out of it" asurif user org karim
check "both organisations exist once" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM organisations")" = 2 ]'
check "passwords are argon2id hashes" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM users WHERE password LIKE '"'"'\$argon2id\$%'"'"'")" = 2 ]'
check "no password in clear in the database file" '! grep -q "a very long password" ws/asurif.db'
expect_ok "change a role" asurif user role karim coordinator
expect_ok "the role changed" asurif user list --json
jq_check "coordinator" '.users[1].role == "coordinator"' out
expect_ok "change a password" sh -c "printf 'another long password\n' | \"$ASURIF\" user passwd karim"
expect_ok "disable" asurif user disable karim
expect_ok "the list shows it" asurif user list --json
jq_check "disabled" '.users[1].disabled == true' out
expect_ok "enable again" asurif user disable karim --enable
expect_fail 1 "an unknown person" asurif user passwd nobody
expect_fail 2 "an unknown action" asurif user frobnicate
check "the activity log records it all" '[ "$(sqlite3 ws/asurif.db "SELECT count(*) FROM audit WHERE action IN ('"'"'user-add'"'"','"'"'role'"'"','"'"'password'"'"','"'"'user-disable'"'"','"'"'user-enable'"'"')")" -ge 6 ]'
finish
