#!/usr/bin/env bash
# Test: every per-service claim of the docs is the registry's. The registry
# is read from `notify help services --json`; each claim is derived from it
# and compared with what `notify --help`, `notify setup --help`, the man
# page, the README, the completions and the .deb description say:
#
#   - which services carry files, take --username, --icon or --channel,
#     have a silent or a louder switch, let urgent_mentions notify (and, once
#     a row says so, can edit or reply), how many services there are, and
#     what each setup flag means for each service;
#   - the man page's Services list (part size, files) and its Loudness table
#     (the rows of `notify help priority`, one per type);
#   - profiles.example.toml sets every loudness key (its validity under
#     `notify check` is tests/docs/example_profile.sh's).
#
# A claim in a document is marked, invisibly, just before the text it makes:
#   man page:     .\" claim: SPEC    up to the next `.\" claim` line or paragraph macro
#   README:       <!-- claim: SPEC -->  up to the next `<!-- claim` or blank line
#   completions:  # claim: SPEC      the next line
# (`claim: end` only closes a region.) The region must name exactly the
# services SPEC selects, by their prose names (JSON "name"):
#   all                    every service
#   can WORD, cannot WORD  by JSON "can": files silent louder mentions
#                          username icon channel edit reply
#   no-switch              neither a silent nor a louder switch
#   setup KEY [doc~WORD]   whose setup asks KEY (whose KEY doc holds WORD)
#   parts                  those that split, each with its part size
#   lower-only             those whose max_length may only lower the size
#   count                  (names none) says how many services there are
#   secret-keys            (names keys) every key some service keeps secret
# Each document must hold the claims listed under "required" below.
# usage: registry_claims.sh NOTIFY_BINARY SOURCE_DIR BUILD_DIR
set -u
. "$(dirname "$0")/lib.sh"

bin=${1:?usage: registry_claims.sh NOTIFY_BINARY SOURCE_DIR BUILD_DIR}
src=${2:?usage: registry_claims.sh NOTIFY_BINARY SOURCE_DIR BUILD_DIR}
build=${3:?usage: registry_claims.sh NOTIFY_BINARY SOURCE_DIR BUILD_DIR}
[[ -x $bin ]] || fail "$bin is not executable"
require_tool jq jq
make_tmpdir
export NOTIFY_CONFIG=$tmp/none.toml XDG_CONFIG_HOME=$tmp HOME=$tmp

json=$("$bin" help services --json 2>&1) || fail "notify help services --json failed: $json"
jq -e '.services | length >= 4' <<<"$json" >/dev/null || fail "help services --json lists no services: $json"
failures=0
bad() {
    note "FAIL: $*"
    failures=$((failures + 1))
}

# --- What the registry says -----------------------------------------------------
# expected SPEC: the prose names SPEC selects, one per line, registry order.
expected() {
    local spec=$1 filter
    case $spec in
        all) filter='true' ;;
        "can "*) filter="any(.can[]; . == \"${spec#can }\")" ;;
        "cannot "*) filter="all(.can[]; . != \"${spec#cannot }\")" ;;
        no-switch) filter='all(.can[]; . != "silent" and . != "louder")' ;;
        parts) filter='.parts.max_length > 0' ;;
        lower-only) filter='.parts.max_length > 0 and .parts.max_length == .parts.limit' ;;
        "setup "*)
            local rest=${spec#setup } key word=
            key=${rest%% *}
            [[ $rest == *' doc~'* ]] && word=${rest##*doc~}
            filter="any(.keys[]; .name == \"$key\" and .setup and
                    (.doc | ascii_downcase | contains(\"$word\" | ascii_downcase)))"
            ;;
        *) return 1 ;;
    esac
    jq -r ".services[] | select($filter) | .name" <<<"$json"
}

mapfile -t all_names < <(expected all)

# named TEXT: the services TEXT names, one per line, registry order. A name
# counts as a word; its first letter may be either case ("E-mail", "slack").
named() {
    local text=$1 name first pattern
    for name in "${all_names[@]}"; do
        first=${name:0:1}
        pattern="[${first,}${first^}]${name:1}"
        grep -qE -- "(^|[^A-Za-z0-9_-])${pattern}([^A-Za-z0-9_]|\$)" <<<"$text" && printf '%s\n' "$name"
    done
}

# The number of services, as a numeral or in words.
count=${#all_names[@]}
words=(zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
       fifteen sixteen seventeen eighteen nineteen twenty)
count_word=${words[count]:-$count}

# check_region WHERE SPEC TEXT: TEXT names exactly what SPEC selects
# (`count`: TEXT says how many services there are).
check_region() {
    local where=$1 spec=$2 text=$3 want got
    if [[ $spec == secret-keys ]]; then
        local key
        while IFS= read -r key; do
            grep -qE "(^|[^a-z_])${key}([^a-z_]|\$)" <<<"$text" ||
                bad "$where: the secret key '$key' is not named in: $text"
        done < <(jq -r '[.services[].keys[] | select(.secret) | .name] | unique[]' <<<"$json")
        return
    fi
    if [[ $spec == count ]]; then
        grep -qiE "(^|[^a-z0-9])($count|$count_word)([^a-z0-9]|\$)" <<<"$text" ||
            bad "$where: says '$text', but there are $count_word services"
        return
    fi
    if ! want=$(expected "$spec"); then
        bad "$where: unknown claim '$spec'"
        return
    fi
    got=$(named "$text")
    if [[ $got != "$want" ]]; then
        bad "$where: claim '$spec' names [$(tr '\n' ' ' <<<"$got")] but the registry says [$(tr '\n' ' ' <<<"$want")] in: $text"
    fi
    if [[ $spec == parts ]]; then
        local limit
        while IFS= read -r limit; do
            grep -qE "(^|[^0-9])$limit([^0-9]|\$)" <<<"$text" ||
                bad "$where: claim 'parts' lacks the part size $limit in: $text"
        done < <(jq -r '.services[] | select(.parts.max_length > 0) | .parts.limit' <<<"$json")
    fi
}

# --- Marked regions -------------------------------------------------------------
# Roff to plain text: escapes and font macros out, the words kept.
unroff() {
    sed -e 's/\\-/-/g' -e 's/\\(em/-/g' -e 's/\\(dq/"/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' \
        -e 's/^\.[A-Z][A-Z]* //' -e 's/"//g'
}

# regions FORMAT FILE: "SPEC<TAB>TEXT" per marked region (TEXT on one line).
regions() {
    case $1 in
        man)
            awk '/^\.\\" claim: /{ if (spec != "") print spec "\t" text; spec = substr($0, 12); text = ""; next }
                 spec != "" && /^\.(TP|PP|P|LP|IP|HP|SS|SH|nf|EX)( |$)/ { print spec "\t" text; spec = "" }
                 spec != "" { line = $0; sub(/^\.[A-Z][A-Z]* /, "", line); text = text " " line }
                 END { if (spec != "") print spec "\t" text }' "$2" |
                while IFS=$'\t' read -r spec text; do
                    printf '%s\t%s\n' "$spec" "$(unroff <<<"$text" | tr '\n' ' ')"
                done
            ;;
        md)
            # A marker may sit inside a line: split each line at its markers.
            perl -ne '
                BEGIN { $spec = ""; $text = "" }
                sub flush { print "$spec\t$text\n" if $spec ne "" && $spec ne "end"; $spec = ""; $text = "" }
                if (/^\s*$/) { flush(); next }
                chomp;
                my @bits = split /(<!-- claim: [^>]*? -->)/;
                for my $b (@bits) {
                    if ($b =~ /^<!-- claim: (.*?) -->$/) { flush(); $spec = $1 }
                    else { $text .= " $b" if $spec ne "" }
                }
                END { flush() }' "$2"
            ;;
        shell)
            awk '/^[[:space:]]*# claim: /{ sub(/^[[:space:]]*# claim: /, ""); spec = $0; next }
                 spec != "" { print spec "\t" $0; spec = "" }' "$2"
            ;;
    esac | grep -vE '^(end|priority-table)	'
}

declare -A seen=()
check_file() {  # check_file FORMAT FILE LABEL
    local spec text
    while IFS=$'\t' read -r spec text; do
        seen["$3|$spec"]=1 seen["$3|${spec%% doc~*}"]=1
        check_region "$3 ($spec)" "$spec" "$text"
    done < <(regions "$1" "$2")
}
check_file man "$src/man/notify.1" man
check_file md "$src/README.md" README
check_file shell "$src/completions/_notify" zsh
check_file shell "$src/completions/notify.fish" fish

required=(
    "man|all" "man|can files" "man|cannot files" "man|can username" "man|can icon"
    "man|can channel" "man|can mentions" "man|parts" "man|lower-only" "man|secret-keys"
    "man|can edit" "man|can reply" "README|can edit" "README|can reply"
    "README|all" "README|count" "README|can files" "README|cannot files" "README|parts"
    "README|no-switch" "README|can silent" "README|can louder" "README|secret-keys"
    "zsh|can files" "zsh|can channel" "fish|can files" "fish|can channel"
)
# Every flag of setup is explained per service in the man page.
while IFS= read -r key; do
    required+=("man|setup $key")
done < <(jq -r '[.services[].keys[] | select(.setup) | .name] | unique[]' <<<"$json")
for r in "${required[@]}"; do
    [[ -n ${seen[$r]:-} ]] || bad "${r%%|*}: no marked claim '${r#*|}'"
done

# --- notify --help: the options whose meaning is per service --------------------
help=$("$bin" --help 2>&1) || fail "notify --help failed: $help"
# entry OPTION: the option's line and its continuation lines, as one line.
entry() {
    awk -v opt="$1" 'on && match($0, /^ +[^ ]/) && RLENGTH > 20 { printf " %s", $0; next } on { exit }
                     $0 ~ "^ +(-[a-z], )?" opt "[ =]" { on = 1; printf "%s", $0 }' <<<"$help"
}
for pair in "--file|can files" "--username|can username" "--icon|can icon" "--channel|can channel"; do
    text=$(entry "${pair%%|*}")
    [[ -n $text ]] || { bad "notify --help has no ${pair%%|*} entry"; continue; }
    check_region "notify --help ${pair%%|*}" "${pair#*|}" "$text"
done

# --- notify setup --help: each flag, each meaning with its services -------------
setup=$("$bin" setup --help 2>&1) || fail "notify setup --help failed: $setup"
types=$(jq -r '[.services[].type] | join(" ")' <<<"$json")
# The list wraps: the --type line and the lines that continue it.
type_line=$(awk 'on && match($0, /^ +[^ ]/) && RLENGTH > 20 { printf " %s", $0; next } on { exit }
                 /^ +--type / { on = 1; printf "%s", $0 }' <<<"$setup")
for t in $types; do
    grep -qE "(^|[ ,])$t([ ,]|\$)" <<<"$type_line" || bad "setup --help: --type does not list $t: $type_line"
done
while IFS=$'\t' read -r key doc svc count; do
    flag=--${key//_/-}
    block=$(awk -v f="$flag" 'on && match($0, /^ +[^ ]/) && RLENGTH > 22 { printf " %s", $0; next } on { exit }
                              $0 ~ "^  " f " " { on = 1; printf "%s", $0 }' <<<"$setup" | tr -s ' ')
    [[ -n $block ]] || { bad "setup --help has no $flag entry"; continue; }
    if [[ $block != *"$doc ($svc)"* && $block != *"$svc: $doc"* ]]; then
        bad "setup --help $flag does not say '$doc' for $svc (of $count meanings): $block"
    fi
done < <(jq -r '[.services[] | .type as $t | .keys[] | select(.setup) | {key: .name, doc, t: $t}]
                 | group_by(.key)[] | (group_by(.doc) | length) as $n | group_by(.doc)[]
                 | [.[0].key, .[0].doc, (map(.t) | join(", ")), $n] | @tsv' <<<"$json")

# --- The man page's Services list and Loudness table ----------------------------
man=$src/man/notify.1
while IFS=$'\t' read -r type files limit max; do
    item=$(awk -v t="$type" '/^\.SS Services$/ { on = 1; next } on && /^\.S[SH] / { exit }
                             on && prev == ".TP" && $0 == ".B " t { got = 1; next }
                             got && /^\.TP/ { exit } got { print } { prev = $0 }' "$man" | unroff | tr '\n' ' ')
    [[ -n $item ]] || { bad "man Services list has no entry for $type"; continue; }
    if [[ $files == true ]]; then
        [[ $item != *'no files'* && $item == *files* ]] || bad "man Services: $type carries files, the entry says: $item"
    else
        [[ $item == *'no files'* ]] || bad "man Services: $type carries no files, the entry says: $item"
    fi
    grep -qE "(^|[^0-9])$limit([^0-9]|\$)" <<<"$item" || bad "man Services: $type's part size $limit missing: $item"
    if ((max == 0)); then
        [[ $item == *'never split'* ]] || bad "man Services: $type is never split, the entry says: $item"
    fi
done < <(jq -r '.services[] | [.type, .files, .parts.limit, .parts.max_length] | @tsv' <<<"$json")

table=$("$bin" help priority 2>&1) || fail "notify help priority failed: $table"
want_rows=$(awk '/^TYPE /{ on = 1 } on && /^$/ { exit } on' <<<"$table")
[[ -n $want_rows ]] || bad "notify help priority prints no table"
while IFS= read -r t; do
    grep -qE "^$t  " <<<"$want_rows" || bad "notify help priority has no row for $t"
done < <(jq -r '.services[].type' <<<"$json")
man_rows=$(awk '/^\.\\" claim: priority-table/ { on = 1; next } on && /^\.(fi|EE)/ { exit }
                on && !/^\./' "$man" | unroff)
[[ $man_rows == "$want_rows" ]] ||
    bad "man Loudness table differs from notify help priority:"$'\n'"$(diff <(printf '%s\n' "$man_rows") <(printf '%s\n' "$want_rows"))"

# Every key every profile takes has its entry under "Fields common to every
# profile" (each service's own keys: services_documented.sh).
common=$(awk '/^\.SS "Fields common to every profile"/ { on = 1; next } on && /^\.S[SH] / { exit } on' "$man")
while IFS= read -r key; do
    grep -qE "^\.BR? $key( |\$)" <<<"$common" ||
        bad "man page 'Fields common to every profile' does not document '$key'"
done < <(jq -r '.common_keys[].name' <<<"$json")

# --- The .deb description -------------------------------------------------------
cpack=$build/CPackConfig.cmake
[[ -f $cpack ]] || fail "$cpack missing (cmake/NotifyInstall.cmake not included?)"
description=$(awk '/^set\(CPACK_PACKAGE_DESCRIPTION "/ { on = 1 } on { print } on && /"\)$/ { exit }' "$cpack" | tr '\n' ' ')
[[ -n $description ]] || bad "CPackConfig.cmake sets no CPACK_PACKAGE_DESCRIPTION"
check_region ".deb description" all "$description"
summary=$(grep -E '^set\(CPACK_PACKAGE_DESCRIPTION_SUMMARY ' "$cpack")
got=$(named "$summary")
[[ -z $got || $got == "$(expected all)" ]] ||
    bad ".deb summary names some services, not all: $summary"

# --- The loudness keys in the example profile file ------------------------------
while IFS= read -r key; do
    grep -qE "^[[:space:]]*$key[[:space:]]*=" "$src/profiles.example.toml" ||
        bad "profiles.example.toml sets no '$key' (a loudness key every profile takes)"
    grep -qE "^  $key " < <("$bin" help services) || bad "notify help services does not list '$key'"
done < <(jq -r '.common_keys[] | select(.loudness) | .name' <<<"$json")

((failures == 0)) || fail "$failures claim(s) differ from the registry"
echo "registry claims: ok (${#seen[@]} marked claims, ${#all_names[@]} services: ${all_names[*]})"
