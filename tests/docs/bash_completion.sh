#!/usr/bin/env bash
# Test: completions/notify.bash, exercised in bash against the real binary.
# Subcommands, options and their arguments complete; profile and group names
# come from `notify list --names` with NOTIFY_CONFIG or the --config/-c value
# on the line; nothing is printed when notify is missing or the config is
# broken.
# usage: bash_completion.sh NOTIFY_BINARY SOURCE_DIR
set -u
. "$(dirname "$0")/lib.sh"

bin=${1:?usage: bash_completion.sh NOTIFY_BINARY SOURCE_DIR}
src=${2:?usage: bash_completion.sh NOTIFY_BINARY SOURCE_DIR}
[[ -x $bin ]] || fail "$bin is not executable"
make_tmpdir

# Two small configs with distinct names, so --config pass-through is visible.
cat >"$tmp/a.toml" <<'TOML'
[profiles.alpha-ops]
type = "mattermost"
webhook_url = "https://chat.example.com/hooks/aaaaaaaaaaaaaaaaaaaaaaaaaa"

[profiles.bravo]
type = "discord"
webhook_url = "https://discord.com/api/webhooks/1/bbbbbbbbbbbbbbbbbbbb"

[groups]
crew = ["alpha-ops", "bravo"]
TOML
cat >"$tmp/b.toml" <<'TOML'
[profiles.zulu]
type = "telegram"
token = "123456789:AAzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
chat_id = 42
TOML
printf 'this is = not [ toml\n' >"$tmp/broken.toml"
chmod 600 "$tmp"/*.toml

# The binary in a directory of its own, found through PATH as "notify".
mkdir "$tmp/bin"
ln -s "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" "$tmp/bin/notify"

# Sanity: the binary lists the names the way the completion expects.
names=$(NOTIFY_CONFIG=$tmp/a.toml "$tmp/bin/notify" list --names 2>&1) ||
    fail "notify list --names failed: $names"
for n in alpha-ops bravo crew; do
    grep -qx -- "$n" <<<"$names" || fail "notify list --names lacks $n: $names"
done

# complete WORD... : run the completion function with COMP_WORDS set to the
# words given (the last one is the word being completed); print COMPREPLY
# one per line, and fail on any stderr output.
run_completion() {
    PATH=$1 bash --norc --noprofile -c '
        . "$1"; shift
        COMP_WORDS=("$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        COMP_LINE="${COMP_WORDS[*]}"
        COMP_POINT=${#COMP_LINE}
        COMPREPLY=()
        _notify notify "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf "%s\n" "${COMPREPLY[@]}"
    ' _ "$src/completions/notify.bash" "${@:2}"
}

errors=0
# check PATH "WORDS" PRESENT... [-- ABSENT...]: complete the last of WORDS
# (space separated, $E for an empty word) with PATH as the search path.
check() {
    local path=$1 words=$2 out err w i arr
    shift 2
    read -ra arr <<<"$words"
    for i in "${!arr[@]}"; do
        [[ ${arr[i]} == "$E" ]] && arr[i]=
    done
    out=$(run_completion "$path" "${arr[@]}" 2>"$tmp/err")
    err=$(<"$tmp/err")
    if [[ -n $err ]]; then
        note "completing [$words]: unexpected stderr: $err"
        errors=$((errors + 1))
    fi
    local want=1
    for w in "$@"; do
        if [[ $w == -- ]]; then
            want=0
            continue
        fi
        if grep -qx -- "$w" <<<"$out"; then
            ((want)) && continue
            note "completing [$words]: did not expect '$w' in: $(tr '\n' ' ' <<<"$out")"
        else
            ((want)) || continue
            note "completing [$words]: expected '$w' in: $(tr '\n' ' ' <<<"$out")"
        fi
        errors=$((errors + 1))
    done
}

P=$tmp/bin:$PATH
E="@@"  # stands for an empty word: completing at the start of a new word

export NOTIFY_CONFIG=$tmp/a.toml
# Subcommands and targets at the first position.
check "$P" "notify $E" setup telegram list test flush check run alpha-ops bravo crew
check "$P" "notify te" telegram test -- list alpha-ops
check "$P" "notify al" alpha-ops -- bravo crew
check "$P" "notify alpha-ops,b" alpha-ops,bravo -- bravo
check "$P" "notify test $E" alpha-ops bravo crew -- setup
check "$P" "notify flush $E" alpha-ops crew
check "$P" "notify run $E" alpha-ops crew
check "$P" "notify telegram $E" discover
check "$P" "notify telegram discover --profile $E" alpha-ops
check "$P" "notify send $E" alpha-ops crew -- setup
check "$P" "notify help $E" list setup spool -- alpha-ops
check "$P" "notify spool $E" list show drop retry -- alpha-ops
check "$P" "notify alpha-ops list $E" -- setup list
# The binary typed as a path is the one asked for names.
check "$PATH" "$tmp/bin/notify $E" alpha-ops crew
# --config / -c on the line wins over NOTIFY_CONFIG and is passed through.
check "$P" "notify --config $tmp/b.toml $E" zulu run -- alpha-ops
check "$P" "notify -c $tmp/b.toml z" zulu
check "$P" "notify --config=$tmp/b.toml test $E" zulu -- alpha-ops
check "$P" "notify --config = $tmp/b.toml $E" zulu -- alpha-ops
# Options and their arguments.
check "$P" "notify --co" --code --code= --config
check "$P" "notify --code=js" --code=json
check "$P" "notify alpha-ops --ti" --title --timeout
check "$P" "notify alpha-ops --dr" --dry-run
check "$P" "notify --max" --max-parts
check "$P" "notify list --" --json --names
check "$P" "notify setup --type $E" mattermost telegram line discord
check "$P" "notify setup --" --type --webhook-url --token --chat-id --thread-id --to \
    --username --channel --icon-url --avatar-url --api-base --config --force --yes --test
check "$P" "notify setup --av" --avatar-url
check "$P" "notify setup --te" --test -- --title
check "$P" "notify setup --avatar-url $E" -- alpha-ops --type
check "$P" "notify setup me --type telegram --token - --chat-id 42 --" --thread-id --test
check "$P" "notify telegram discover --" --profile --token --api-base --json
check "$P" "notify run alpha-ops --on $E" failure always success
# test, flush and run take the sending options; list, spool and setup do not.
check "$P" "notify test alpha-ops --ti" --title --timeout
check "$P" "notify run alpha-ops --dr" --dry-run
check "$P" "notify flush --ma" --max-parts -- --markdown
check "$P" "notify spool --" --failed --all --json -- --title
check "$P" "notify help $E" services priority options
# Message words get nothing.
check "$P" "notify alpha-ops hello $E" -- alpha-ops setup
# Broken config or missing binary: subcommands only, and silence.
NOTIFY_CONFIG=$tmp/broken.toml check "$P" "notify $E" setup run -- alpha-ops
NOTIFY_CONFIG=$tmp/missing.toml check "$P" "notify $E" setup run -- alpha-ops
check "$P" "notify -c $tmp/broken.toml $E" list -- alpha-ops zulu
check "/usr/bin:/bin" "notify $E" setup list -- alpha-ops

((errors == 0)) || fail "$errors bash completion check(s) failed"
echo "bash completion: ok"
