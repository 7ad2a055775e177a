#!/usr/bin/env bash
# Test: the command line's table, as `notify help options --json` dumps it
# (src/cli/table.cpp: every command and option, declared once), is what the
# man page and the three completion files say (the docs-sync idea of curl's
# test1139). An option or command added to the table fails here until it is
# documented:
#
#   man/notify.1   every command has its entry under COMMANDS, every action
#                  of one ("spool drop") too, and every help topic one as
#                  "help TOPIC"; under OPTIONS, an option sending
#                  takes has an entry before "Command options", any other an
#                  entry under it whose "(...)" names each command taking it;
#                  an entry names the short form too, and every choice
#                  (--on failure|always|success).
#   notify.bash    _notify_opts_WORD holds every option of that command,
#                  _notify_arg_opts every option that takes a separate value,
#                  _notify_commands and _notify_help_topics the words,
#                  _notify_WORD_actions a command's actions and
#                  _notify_NAME_values each option's choices.
#   _notify        the `case` arm of each command (with the arrays it names
#                  expanded) spells each of its options and actions.
#   notify.fish    each option of each command has a `complete` line whose
#                  -n condition holds for that command (none: every command;
#                  __notify_sending: send; __notify_sub WORD...; and
#                  __notify_telegram_discover), and `__notify_sub_npos WORD 1`
#                  offers the command's actions.
# usage: options_documented.sh NOTIFY_BINARY SOURCE_DIR
set -u
. "$(dirname "$0")/lib.sh"

bin=${1:?usage: options_documented.sh NOTIFY_BINARY SOURCE_DIR}
src=${2:?usage: options_documented.sh NOTIFY_BINARY SOURCE_DIR}
[[ -x $bin ]] || fail "$bin is not executable"
require_tool jq jq
make_tmpdir

# Help must not depend on a config file.
export NOTIFY_CONFIG=$tmp/none.toml XDG_CONFIG_HOME=$tmp HOME=$tmp

json=$("$bin" help options --json 2>&1) || fail "notify help options --json failed: $json"
jq -e '(.commands | length) >= 8 and (.options | length) >= 20' <<<"$json" >/dev/null ||
    fail "notify help options --json holds too little: $json"

failures=0
bad() {
    note "FAIL: $*"
    failures=$((failures + 1))
}

# has_word TEXT WORD: WORD in TEXT, not as part of a longer option or word.
has_word() {
    grep -qE -- "(^|[^A-Za-z0-9_-])$(sed 's/[.[\*^$]/\\&/g' <<<"$2")([^A-Za-z0-9_-]|\$)" <<<"$1"
}

# Every (command, option) pair: "NAME<TAB>WORD<TAB>OPTION", long and short.
mapfile -t pairs < <(jq -r '.commands[] as $c | $c.options[] | [$c.name, $c.word, .] | @tsv' <<<"$json")
((${#pairs[@]} >= 50)) || fail "the dump pairs only ${#pairs[@]} options with commands"

# --- man page ----------------------------------------------------------------------
man=$src/man/notify.1
# roff to text: \- to -, fonts and quotes dropped, macro names removed.
clean_roff() {
    sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e 's/\\(dq/"/g' \
        -e 's/^\.[A-Z][A-Z]* *//' -e 's/"//g'
}
# The entries of a section: one line each, "TAG<TAB>BODY", where TAG is the
# line after .TP and BODY the text up to the next .TP, .SS, .SH or .PP.
# In OPTIONS, the entries from "Command options" on are marked "command".
entries() {  # entries SECTION
    awk -v want="$1" '
        function flush() {if (tag != "") print part "\t" tag "\t" body; tag = ""; body = ""}
        /^\.SH /{if (on) flush(); on = ($0 == ".SH " want); part = "main"; next}
        !on {next}
        /^\.(TP|SS|PP)/{flush(); want_tag = ($0 == ".TP")
                        if ($0 == ".SS Command options") part = "command"
                        next}
        want_tag {tag = $0; want_tag = 0; next}
        tag != "" {body = body " " $0}
        END {if (on) flush()}' "$man" |
        while IFS=$'\t' read -r part tag body; do
            printf '%s\t%s\t%s\n' "$part" "$(clean_roff <<<"$tag")" \
                "$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e 's/\\(dq/"/g' \
                    -e 's/ \.[A-Z][A-Z]* / /g' -e 's/"//g' <<<"$body")"
        done
}
mapfile -t command_entries < <(entries COMMANDS)
mapfile -t option_entries < <(entries OPTIONS)
((${#option_entries[@]} >= 20)) || fail "found only ${#option_entries[@]} entries under OPTIONS"

while IFS=$'\t' read -r name; do
    found=0
    for e in "${command_entries[@]}"; do
        IFS=$'\t' read -r _ tag _ <<<"$e"
        [[ $tag == "$name" || $tag == "$name "* ]] && found=1 && break
    done
    ((found)) || bad "man/notify.1 has no COMMANDS entry for '$name'"
done < <(jq -r '.commands[].name' <<<"$json")
while IFS=$'\t' read -r word action; do
    found=0
    for e in "${command_entries[@]}"; do
        IFS=$'\t' read -r _ tag _ <<<"$e"
        [[ $tag == "$word "* ]] && has_word "$tag" "$action" && found=1 && break
    done
    ((found)) || bad "man/notify.1 has no COMMANDS entry for '$word $action'"
done < <(jq -r '.commands[] | .word as $w | .actions[] | [$w, .] | @tsv' <<<"$json")
while IFS=$'\t' read -r topic; do
    found=0
    for e in "${command_entries[@]}"; do
        IFS=$'\t' read -r _ tag _ <<<"$e"
        [[ $tag == "help $topic" || $tag == "help $topic "* ]] && found=1 && break
    done
    ((found)) || bad "man/notify.1 has no COMMANDS entry for 'help $topic'"
done < <(jq -r '.topics[].name' <<<"$json")

# One option row: long, short, its commands (|-separated), sending or not,
# and its choices (space-separated); fields apart by \x1f, as some are empty.
while IFS=$'\x1f' read -r long short commands sending choices; do
    want_part=command
    [[ $sending == true ]] && want_part=main
    found=0
    for e in "${option_entries[@]}"; do
        IFS=$'\t' read -r part tag body <<<"$e"
        [[ $part == "$want_part" ]] || continue
        has_word "$tag" "$long" || continue
        if [[ $want_part == command ]]; then
            # The commands named in the "(...)" that opens the entry.
            named=${body#"${body%%[! ]*}"}
            [[ $named == "("* ]] || continue
            named=${named%%)*}
            missing=
            IFS='|' read -ra takers <<<"$commands"
            for c in "${takers[@]}"; do
                has_word "$named" "$c" || missing+=" '$c'"
            done
            [[ -z $missing ]] || continue
        fi
        found=1
        [[ -z $short ]] || has_word "$tag" "$short" ||
            bad "man/notify.1: the entry of $long does not name $short"
        for v in $choices; do
            has_word "$tag $body" "$v" || bad "man/notify.1: the entry of $long does not name '$v'"
        done
        break
    done
    if ((!found)); then
        if [[ $want_part == main ]]; then
            bad "man/notify.1 has no OPTIONS entry for $long (before 'Command options')"
        else
            bad "man/notify.1 has no 'Command options' entry for $long naming (${commands//|/, })"
        fi
    fi
done < <(jq -r '.options[] | [.long, (.short // ""), (.commands | join("|")),
                              (.commands | index("send") != null), ([.choices[].value] | join(" "))]
                            | join("\u001f")' <<<"$json")

# --- bash --------------------------------------------------------------------------
bash_vars=$(bash --norc --noprofile -c '. "$1"; set | grep "^_notify_[a-z_]*="' _ "$src/completions/notify.bash") ||
    fail "cannot source completions/notify.bash"
bash_var() {  # bash_var NAME: the value of NAME after sourcing notify.bash
    bash --norc --noprofile -c '. "$1"; printf "%s" "${!2}"' _ "$src/completions/notify.bash" "$1"
}
[[ -n $bash_vars ]] || fail "completions/notify.bash defines no _notify_ variables"
for pair in "${pairs[@]}"; do
    IFS=$'\t' read -r name word option <<<"$pair"
    list=$(bash_var "_notify_opts_$word")
    [[ -n $list ]] || { bad "completions/notify.bash has no _notify_opts_$word ($name)"; continue; }
    has_word "$list" "$option" || bad "completions/notify.bash: _notify_opts_$word lacks $option ($name)"
done
arg_opts=$(bash_var _notify_arg_opts)
while read -r option; do
    has_word "$arg_opts" "$option" || bad "completions/notify.bash: _notify_arg_opts lacks $option"
done < <(jq -r '.options[] | select(.arg == "required") | .long, (.short // empty)' <<<"$json")
same_words() {  # same_words WHAT GOT WANT
    [[ $(tr ' ' '\n' <<<"$2" | grep . | sort | tr '\n' ' ') == $(tr ' ' '\n' <<<"$3" | grep . | sort | tr '\n' ' ') ]] ||
        bad "$1 is '$2', the table's '$3'"
}
same_words "completions/notify.bash _notify_commands" "$(bash_var _notify_commands)" \
    "$(jq -r '[.commands[].word] | join(" ")' <<<"$json")"
same_words "completions/notify.bash _notify_help_topics" "$(bash_var _notify_help_topics)" \
    "$(jq -r '[.topics[].name] | join(" ")' <<<"$json")"
while IFS=$'\t' read -r long choices; do
    var=_notify_${long#--}_values
    same_words "completions/notify.bash ${var//-/_}" "$(bash_var "${var//-/_}")" "$choices"
done < <(jq -r '.options[] | select(.choices | length > 0) | [.long, ([.choices[].value] | join(" "))] | @tsv' <<<"$json")

# --- zsh ---------------------------------------------------------------------------
zsh_file=$src/completions/_notify
# zsh_arm WORD: the `case` arm of WORD, with the arrays it names expanded.
zsh_arm() {
    awk -v word="$1" '
        match($0, /^  [a-z_]+=\($/) {name = substr($0, 3, RLENGTH - 4); in_array = 1; next}
        in_array && /^  \)$/ {in_array = 0; next}
        in_array {arrays[name] = arrays[name] "\n" $0; next}
        match($0, /^    \([a-z|*]+\)$/) {
            split(substr($0, 6, RLENGTH - 6), words, "|")
            on = 0
            for (i in words) if (words[i] == word) on = 1
            next
        }
        on && /^      ;;$/ {exit}
        on {
            line = $0
            for (n in arrays) gsub("\\$" n "( |$)", arrays[n] "\n", line)
            print line
        }' "$zsh_file"
}
for pair in "${pairs[@]}"; do
    IFS=$'\t' read -r name word option <<<"$pair"
    arm=$(zsh_arm "$word")
    [[ -n $arm ]] || { bad "completions/_notify has no case arm for '$word' ($name)"; continue; }
    has_word "$arm" "$option" || bad "completions/_notify: the arm of '$word' lacks $option ($name)"
done
zsh_help=$(zsh_arm help)
while read -r topic; do
    has_word "$zsh_help" "$topic" || bad "completions/_notify: help does not offer the topic '$topic'"
done < <(jq -r '.topics[].name' <<<"$json")

# --- fish --------------------------------------------------------------------------
fish_file=$src/completions/notify.fish
# fish_commands LINE: the commands a `complete` line's -n condition holds for.
fish_commands() {
    local line=$1 cond
    if [[ $line != *" -n "* ]]; then
        jq -r '.commands[].name' <<<"$json"
        return
    fi
    cond=${line#* -n }
    if [[ $cond == \'* ]]; then
        cond=${cond#\'}
        cond=${cond%%\'*}
    else
        cond=${cond%% *}
    fi
    local part
    IFS=';' read -ra parts <<<"$cond"
    for part in "${parts[@]}"; do
        part=${part# }
        part=${part#or }
        case $part in
            __notify_sending) echo send ;;
            __notify_telegram_discover) echo "telegram discover" ;;
            "__notify_sub "*) tr ' ' '\n' <<<"${part#__notify_sub }" ;;
        esac
    done
}
for pair in "${pairs[@]}"; do
    IFS=$'\t' read -r name word option <<<"$pair"
    if [[ $option == --* ]]; then
        pattern=" -l ${option#--}( |\$)"
    else
        pattern=" -s ${option#-}( |\$)"
    fi
    found=0
    while IFS= read -r line; do
        fish_commands "$line" | grep -qxF -- "$name" && found=1 && break
        [[ $name == "telegram discover" ]] && fish_commands "$line" | grep -qxF telegram && found=1 && break
    done < <(grep -E -- "^complete -c notify( .*)?$pattern" "$fish_file")
    ((found)) || bad "completions/notify.fish completes $option for no condition of '$name'"
done
# --- actions: `spool drop`, `telegram discover` ----------------------------------
while IFS=$'\t' read -r word actions; do
    same_words "completions/notify.bash _notify_${word}_actions" "$(bash_var "_notify_${word}_actions")" "$actions"
    for a in $actions; do
        has_word "$(zsh_arm "$word")" "$a" || bad "completions/_notify: the arm of '$word' lacks '$a'"
        grep -E -- "__notify_sub_npos $word 1" "$src/completions/notify.fish" | grep -qE -- "-a '?([^']* )?$a( |'|\$)" ||
            bad "completions/notify.fish does not offer '$word $a'"
    done
done < <(jq -r '.commands[] | select(.actions | length > 0) | [.word, (.actions | join(" "))] | @tsv' <<<"$json")

fish_help=$(grep -F "__notify_sub_npos help 1" "$fish_file")
while read -r topic; do
    has_word "$fish_help" "$topic" || bad "completions/notify.fish: help does not offer the topic '$topic'"
done < <(jq -r '.topics[].name' <<<"$json")

((failures == 0)) || fail "$failures option(s) or command(s) undocumented"
echo "options documented: $(jq '.options | length' <<<"$json") rows, ${#pairs[@]} command/option pairs"
