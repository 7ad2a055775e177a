# bash completion for notify(1)                              -*- shell-script -*-
#
# Completes subcommands, options and their arguments, and profile and group
# names.  Names come from `notify list --names` run at completion time, with
# the --config/-c value already on the line passed through (NOTIFY_CONFIG is
# inherited).  Prints nothing when notify is missing or the config is broken.

_notify_commands="send setup telegram list test flush check run spool help"
_notify_help_topics="services priority options"
_notify_spool_actions="list show drop retry"
_notify_telegram_actions="discover"
_notify_services="mattermost telegram line discord slack ntfy email matrix gotify pushover teams googlechat webhook healthchecks uptime_kuma"
_notify_languages="sh bash zsh fish json yaml toml xml html css javascript typescript python ruby go rust c cpp java sql diff log ini dockerfile makefile text"
_notify_on_values="failure always success"

# Options that take a separate argument word, in any context.
_notify_arg_opts="-c --config -t --title --username --icon --channel --timeout --retries --max-parts --file --type --webhook-url --token --chat-id --thread-id --to --icon-url --avatar-url --api-base --server --topic --user --priority --smtp-url --password --from --homeserver --access-token --room --url --ping-url --push-url --profile --on --after --key --cooldown"

# Each command's options, as `notify help options --json` lists them
# (tests/docs/options_documented.sh holds these lists to it).
_notify_global_opts="-c --config --json -v --verbose -q --quiet -h --help --version"
_notify_sending_opts="-t --title --code --code= --silent --priority --username --icon --channel --max-parts --file --timeout --retries --dry-run --tee"
_notify_opts_send="$_notify_sending_opts --markdown --stream --stream= --key --cooldown --resolve --edit --reply --fail $_notify_global_opts"
_notify_opts_test="$_notify_sending_opts $_notify_global_opts"
_notify_opts_flush="$_notify_sending_opts $_notify_global_opts"
_notify_opts_run="--on --after --live --key --cooldown --edit --reply $_notify_sending_opts $_notify_global_opts"
_notify_opts_list="--names $_notify_global_opts"
_notify_opts_check="$_notify_global_opts"
_notify_opts_spool="--failed --all $_notify_global_opts"
_notify_opts_setup="--type --webhook-url --token --chat-id --thread-id --to --username --channel --icon-url --avatar-url --api-base --server --topic --user --priority --smtp-url --password --from --homeserver --access-token --room --url --ping-url --push-url --force --yes --test --save-anyway $_notify_global_opts"
_notify_opts_telegram="--profile --token --api-base $_notify_global_opts"
_notify_opts_help="$_notify_global_opts"

# Print profile and group names, one per line; silent on any failure.
_notify_names()
{
    local bin=${COMP_WORDS[0]} cfg= i w
    # Prefer the very binary being completed when it was typed as a path.
    if [[ $bin == */* ]]; then
        bin=${bin/#\~/$HOME}
        [[ -x $bin ]] || bin=notify
    else
        bin=notify
    fi
    type -P -- "$bin" >/dev/null 2>&1 || [[ -x $bin ]] || return 0

    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
            --) break ;;
            -c | --config)
                if [[ ${COMP_WORDS[i + 1]} == = ]]; then
                    cfg=${COMP_WORDS[i + 2]}
                else
                    cfg=${COMP_WORDS[i + 1]}
                fi
                ;;
            --config=*) cfg=${w#--config=} ;;
            -c?*) cfg=${w#-c} ;;
        esac
    done
    # Undo the quoting a user may have typed around the path, expand ~.
    cfg=${cfg#[\"\']}
    cfg=${cfg%[\"\']}
    cfg=${cfg/#\~/$HOME}

    if [[ -n $cfg ]]; then
        "$bin" --config "$cfg" list --names 2>/dev/null </dev/null
    else
        "$bin" list --names 2>/dev/null </dev/null
    fi
    return 0
}

# Complete a comma-separated list of targets in $1.
_notify_complete_targets()
{
    local cur=$1 prefix= last names
    if [[ $cur == *,* ]]; then
        prefix=${cur%,*},
        last=${cur##*,}
    else
        last=$cur
    fi
    names=$(_notify_names) || return 0
    local IFS=$'\n' n
    for n in $(compgen -W "$names" -- "$last"); do
        COMPREPLY+=("$prefix$n")
    done
}

_notify()
{
    local cur prev i w cword=$COMP_CWORD
    COMPREPLY=()
    cur=${COMP_WORDS[cword]}
    prev=${COMP_WORDS[cword - 1]}

    # --code=LANG and --on=WHEN, whether or not COMP_WORDBREAKS split at '='.
    if [[ $cur == --code=* ]]; then
        COMPREPLY=($(compgen -P --code= -W "$_notify_languages" -- "${cur#--code=}"))
        return 0
    fi
    if [[ $cur == = && $prev == --code ]]; then
        COMPREPLY=($(compgen -W "$_notify_languages"))
        return 0
    fi
    if [[ $prev == = && ${COMP_WORDS[cword - 2]} == --code ]]; then
        COMPREPLY=($(compgen -W "$_notify_languages" -- "$cur"))
        return 0
    fi
    # --stream=SECONDS: a number of the user's choosing, nothing to offer.
    if [[ $cur == --stream=* ]] || [[ $cur == = && $prev == --stream ]] ||
        [[ $prev == = && ${COMP_WORDS[cword - 2]} == --stream ]]; then
        return 0
    fi
    # Option given as --opt=VALUE split by readline: complete the value.
    if [[ $prev == = && ${COMP_WORDS[cword - 2]} == --* ]]; then
        prev=${COMP_WORDS[cword - 2]}
    elif [[ $cur == = && $prev == --* ]]; then
        cur=
    fi

    # Find the command (only ever the first positional word: later words are
    # targets or message text) and count positionals.
    local sub= sub2= npos=0 dashdash=0 skip=0
    for ((i = 1; i < cword; i++)); do
        w=${COMP_WORDS[i]}
        if ((skip > 0)); then
            skip=$((skip - 1))
            continue
        fi
        if ((dashdash)); then
            npos=$((npos + 1))
            continue
        fi
        case $w in
            --)
                dashdash=1
                continue
                ;;
            =)
                # "--code = LANG" split by readline: LANG belongs to the option.
                skip=1
                continue
                ;;
            --*=*) continue ;;
            -*)
                if [[ " $_notify_arg_opts " == *" $w "* ]]; then
                    # "--opt VALUE", or "--opt = VALUE" when readline split at '='.
                    if [[ ${COMP_WORDS[i + 1]} == = ]]; then
                        skip=2
                    else
                        skip=1
                    fi
                fi
                continue
                ;;
        esac
        if ((npos == 0)); then
            sub=$w
        elif ((npos == 1)); then
            sub2=$w
        fi
        npos=$((npos + 1))
    done

    # After `run TARGET ... --` complete the wrapped command line.
    if [[ $sub == run ]] && ((dashdash)); then
        local j
        for ((j = 1; j < cword; j++)); do
            [[ ${COMP_WORDS[j]} == -- ]] && break
        done
        if ((cword == j + 1)); then
            COMPREPLY=($(compgen -c -- "$cur"))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        return 0
    fi

    # Arguments of options.
    case $prev in
        -c | --config | --file)
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -f -- "$cur"))
            return 0
            ;;
        --type)
            COMPREPLY=($(compgen -W "$_notify_services" -- "$cur"))
            return 0
            ;;
        --on)
            COMPREPLY=($(compgen -W "$_notify_on_values" -- "$cur"))
            return 0
            ;;
        --profile)
            _notify_complete_targets "$cur"
            return 0
            ;;
    esac
    # Any other option's value is the user's own: nothing to offer.
    [[ " $_notify_arg_opts " == *" $prev "* ]] && return 0

    ((dashdash)) && return 0

    # A target or nothing yet in first place: sending.
    local opts var=_notify_opts_send
    [[ -n $sub && " $_notify_commands " == *" $sub "* ]] && var=_notify_opts_$sub
    opts=${!var}
    [[ $sub == telegram && $sub2 != discover ]] && opts="-h --help"

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        # Let "--code=" and "--stream=" stay open for their value.
        if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then
            compopt -o nospace 2>/dev/null
        fi
        return 0
    fi

    case $sub in
        "")
            # First positional: a subcommand or a target list.
            COMPREPLY=($(compgen -W "$_notify_commands" -- "$cur"))
            _notify_complete_targets "$cur"
            ;;
        telegram)
            ((npos == 1)) && COMPREPLY=($(compgen -W "$_notify_telegram_actions" -- "$cur"))
            ;;
        send | test | flush | run)
            ((npos == 1)) && _notify_complete_targets "$cur"
            ;;
        spool)
            ((npos == 1)) && COMPREPLY=($(compgen -W "$_notify_spool_actions" -- "$cur"))
            ;;
        help)
            ((npos == 1)) && COMPREPLY=($(compgen -W "$_notify_commands $_notify_help_topics" -- "$cur"))
            ;;
        *)
            # setup PROFILE: a new name; send: message words.
            ;;
    esac
    return 0
}

complete -F _notify notify
