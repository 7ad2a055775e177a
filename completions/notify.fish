# fish completion for notify(1)
#
# Completes subcommands, options and their arguments, and profile and group
# names.  Names come from `notify list --names` run at completion time, with
# the --config/-c value already on the line passed through (NOTIFY_CONFIG is
# inherited).  Prints nothing when notify is missing or the config is broken.

# Options that take a separate argument word.
set -g __notify_arg_opts -c --config -t --title --username --icon --channel --timeout \
    --retries --max-parts --file --type --webhook-url --token --chat-id --thread-id --to \
    --icon-url --avatar-url --api-base --server --topic --priority --smtp-url --password \
    --from --ping-url --push-url --homeserver --access-token --room --profile --on

# Positional words before the cursor (options and their arguments removed).
function __notify_positionals
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    for t in $tokens
        if test $skip -eq 1
            set skip 0
            continue
        end
        if test "$t" = --
            break
        end
        if contains -- $t $__notify_arg_opts
            set skip 1
        else if not string match -q -- '-*' $t
            echo $t
        end
    end
end

# True when no positional word has been typed yet.
function __notify_no_positional
    test (count (__notify_positionals)) -eq 0
end

# True when the first positional word is one of the arguments.
function __notify_sub
    set -l pos (__notify_positionals)
    test (count $pos) -ge 1; and contains -- $pos[1] $argv
end

# True when the first positional is $argv[1] and exactly $argv[2] positionals exist.
function __notify_sub_npos
    set -l pos (__notify_positionals)
    test (count $pos) -eq $argv[2]; and test "$pos[1]" = $argv[1]
end

# True when sending (the first positional is a target, not a subcommand).
function __notify_sending
    set -l pos (__notify_positionals)
    test (count $pos) -eq 0; and return 0
    test "$pos[1]" = send; and return 0
    not contains -- $pos[1] setup telegram list test flush check run spool help
end

function __notify_telegram_discover
    set -l pos (__notify_positionals)
    test (count $pos) -ge 2; and test "$pos[1]" = telegram; and test "$pos[2]" = discover
end

# Profile and group names; silent on any failure.
function __notify_names
    set -l tokens (commandline -opc)
    set -l bin $tokens[1]
    if string match -q -- '*/*' $bin
        set bin (string replace -r '^~' -- $HOME $bin)
        test -x "$bin"; or set bin notify
    else
        set bin notify
    end
    test -x "$bin"; or command -sq $bin; or return 0
    set -l cfg
    set -l n (count $tokens)
    for i in (seq 2 $n)
        set -l t $tokens[$i]
        switch $t
            case --
                break
            case -c --config
                set -l j (math $i + 1)
                test $j -le $n; and set cfg $tokens[$j]
            case '--config=*'
                set cfg (string replace -- --config= '' $t)
            case '-c?*'
                set cfg (string sub -s 3 -- $t)
        end
    end
    if test -n "$cfg"
        set cfg (string replace -r '^~' -- $HOME $cfg)
        command $bin --config $cfg list --names 2>/dev/null </dev/null
    else
        command $bin list --names 2>/dev/null </dev/null
    end
    return 0
end

# Targets, completing after the last comma of a list.
function __notify_targets
    set -l cur (commandline -ct)
    set -l prefix ''
    if string match -q -- '*,*' $cur
        set prefix (string replace -r ',[^,]*$' ',' -- $cur)
    end
    for n in (__notify_names)
        echo $prefix$n
    end
end

# --code=LANG candidates (the language must be attached with '=').
function __notify_code_langs
    for l in sh bash zsh fish json yaml toml xml html css javascript typescript python ruby \
        go rust c cpp java sql diff log ini dockerfile makefile text
        echo --code=$l
    end
end

complete -c notify -f

# First word: subcommands and targets.
complete -c notify -n __notify_no_positional -a setup -d 'create a profile (wizard, or flags)'
complete -c notify -n __notify_no_positional -a telegram -d 'Telegram helpers (discover)'
complete -c notify -n __notify_no_positional -a list -d 'list profiles and groups, secrets masked'
complete -c notify -n __notify_no_positional -a test -d 'send a test message to a target'
complete -c notify -n __notify_no_positional -a flush -d 'deliver what the spool holds'
complete -c notify -n __notify_no_positional -a check -d 'validate the profile file, send nothing'
complete -c notify -n __notify_no_positional -a run -d 'run a command and send its output'
complete -c notify -n __notify_no_positional -a spool -d 'list, show, drop or retry spooled messages'
complete -c notify -n __notify_no_positional -a send -d 'send to a target named like a command'
complete -c notify -n __notify_no_positional -a help -d 'show help for a command'
complete -c notify -n __notify_no_positional -a '(__notify_targets)' -d target
complete -c notify -n '__notify_sub_npos spool 1' -a 'list show drop retry' -d action
complete -c notify -n '__notify_sub_npos help 1' -a 'send list check test flush spool setup run telegram help services priority options' -d 'command or topic'
complete -c notify -n '__notify_sub spool' -l failed -d 'every failed message'
complete -c notify -n '__notify_sub spool' -l all -d 'every message (drop)'

complete -c notify -n '__notify_sub_npos telegram 1' -a discover -d 'list the chats the bot has seen'
complete -c notify -n '__notify_sub_npos send 1; or __notify_sub_npos test 1; or __notify_sub_npos flush 1; or __notify_sub_npos run 1' \
    -a '(__notify_targets)' -d target

# Each command's options, as `notify help options --json` lists them
# (tests/docs/options_documented.sh holds these lines to it). A line without
# -n is every command's; __notify_sending is send's.
complete -c notify -s c -l config -r -F -d 'profile file (also $NOTIFY_CONFIG)'
complete -c notify -s h -l help -d 'show help and exit'
complete -c notify -l json -d 'print JSON'
complete -c notify -s v -l verbose -d 'say what happens, secrets masked'
complete -c notify -s q -l quiet -d 'only errors on stderr'
complete -c notify -l version -d 'show version and exit'

# Send options (also test's, flush's and run's).
complete -c notify -n '__notify_sending; or __notify_sub test flush run' -s t -l title -x -d 'title line, bold where the service allows'
complete -c notify -n '__notify_sending; or __notify_sub test flush run' -l code -d 'send as a monospace code block (--code=LANG)'
complete -c notify -n 'string match -q -- "--code=*" (commandline -ct)' -a '(__notify_code_langs)' -d language
complete -c notify -n __notify_sending -l markdown -d 'message is Markdown, rendered for each service'
complete -c notify -n '__notify_sending; or __notify_sub test flush run' -l silent -d 'deliver without notification sound/push'
complete -c notify -n '__notify_sending; or __notify_sub test flush run' -l priority -x -a 'low normal high urgent' -d 'how loudly it must arrive'
# Which services take an option is the registry's: a `claim` comment names
# what tests/docs/registry_claims.sh checks the next line for.
# claim: can username
complete -c notify -n '__notify_sending; or __notify_sub test flush run' -l username -x -d 'override the sender name (Mattermost, Discord, Slack)'
# claim: can icon
complete -c notify -n '__notify_sending; or __notify_sub test flush run' -l icon -x -d 'override the sender icon, URL or :emoji: (Mattermost, Discord, Slack, ntfy)'
# claim: can channel
complete -c notify -n '__notify_sending; or __notify_sub test flush run' -l channel -x -d 'post to another channel (Mattermost, Slack)'
complete -c notify -n '__notify_sending; or __notify_sub test flush run' -l dry-run -d 'print every request (secrets masked), send nothing'
complete -c notify -n '__notify_sending; or __notify_sub test flush run' -l tee -d 'copy stdin to stdout while reading it'
complete -c notify -n __notify_sending -l stream -d 'send stdin in batches as lines arrive (--stream=SECONDS)'
complete -c notify -n __notify_sending -l key -x -d 'name the alert: counted, held back by cooldown, resolved'
complete -c notify -n __notify_sending -l cooldown -x -a '90s 30m 6h 1d' -d 'with --key: at most one message per profile per DURATION'
complete -c notify -n __notify_sending -l resolve -d 'with --key: send only when the key is in trouble, and clear it'
complete -c notify -n '__notify_sending; or __notify_sub run' -l edit -d 'with --key: replace the key\'s last message where the service can edit'
complete -c notify -n '__notify_sending; or __notify_sub run' -l reply -d 'with --key: answer the key\'s first message where the service can'
complete -c notify -n __notify_sending -l fail -d 'tell heartbeat profiles the job failed'
complete -c notify -n '__notify_sending; or __notify_sub test flush run' -l timeout -x -d 'per-request timeout in seconds (default 10)'
complete -c notify -n '__notify_sending; or __notify_sub test flush run' -l retries -x -d 'extra attempts for retryable failures (default 3)'
complete -c notify -n '__notify_sending; or __notify_sub test flush run' -l max-parts -x -d 'cap on parts per message (default 10)'
# claim: can files
complete -c notify -n '__notify_sending; or __notify_sub test flush run' -l file -r -F -d 'attach a file (Telegram, Discord, ntfy, e-mail, Pushover)'

# list
complete -c notify -n '__notify_sub list' -l names -d 'only profile and group names, one per line'

# setup
complete -c notify -n '__notify_sub setup' -l type -x -a 'mattermost telegram line discord slack ntfy email matrix gotify pushover teams googlechat webhook healthchecks uptime_kuma' -d service
# claim: setup webhook_url
complete -c notify -n '__notify_sub setup' -l webhook-url -x -d 'Mattermost, Discord, Slack, Teams or Google Chat webhook URL (- reads stdin)'
complete -c notify -n '__notify_sub setup; or __notify_telegram_discover' -l token -x -d 'token (- reads stdin)'
# claim: setup chat_id
complete -c notify -n '__notify_sub setup' -l chat-id -x -d 'Telegram chat id or @channel'
# claim: setup thread_id
complete -c notify -n '__notify_sub setup' -l thread-id -x -d 'Telegram forum topic id'
# claim: setup to
complete -c notify -n '__notify_sub setup' -l to -x -d 'LINE user, group or room id; e-mail recipient'
# claim: setup username
complete -c notify -n '__notify_sub setup' -l username -x -d 'Mattermost, Discord or Slack sender name; e-mail SMTP login'
# claim: setup channel
complete -c notify -n '__notify_sub setup' -l channel -x -d 'Mattermost channel'
# claim: setup icon_url
complete -c notify -n '__notify_sub setup' -l icon-url -x -d 'Mattermost sender icon URL'
# claim: setup avatar_url
complete -c notify -n '__notify_sub setup' -l avatar-url -x -d 'Discord sender avatar URL'
# claim: setup api_base
complete -c notify -n '__notify_sub setup; or __notify_telegram_discover' -l api-base -x -d 'Telegram, LINE or Pushover API server'
# claim: setup server
complete -c notify -n '__notify_sub setup' -l server -x -d 'ntfy or Gotify server'
# claim: setup user
complete -c notify -n '__notify_sub setup' -l user -x -d 'Pushover user or group key (- reads stdin)'
# claim: setup topic
complete -c notify -n '__notify_sub setup' -l topic -x -d 'ntfy topic'
complete -c notify -n '__notify_sub setup' -l priority -x -a 'low normal high urgent 1 2 3 4 5 min default max' -d 'the profile\'s default level'
# claim: setup smtp_url
complete -c notify -n '__notify_sub setup' -l smtp-url -x -d 'e-mail: SMTP server, smtps:// or smtp://'
# claim: setup password
complete -c notify -n '__notify_sub setup' -l password -x -d 'e-mail: SMTP password (- reads stdin)'
# claim: setup from
complete -c notify -n '__notify_sub setup' -l from -x -d 'e-mail sender'
# claim: setup homeserver
complete -c notify -n '__notify_sub setup' -l homeserver -x -d 'Matrix homeserver'
# claim: setup access_token
complete -c notify -n '__notify_sub setup' -l access-token -x -d 'Matrix access token (- reads stdin)'
# claim: setup room
complete -c notify -n '__notify_sub setup' -l room -x -d 'Matrix room, !id:server or #alias:server'
# claim: setup url
complete -c notify -n '__notify_sub setup' -l url -x -d 'HTTP webhook endpoint URL'
# claim: setup ping_url
complete -c notify -n '__notify_sub setup' -l ping-url -x -d 'healthchecks.io check\'s ping URL'
# claim: setup push_url
complete -c notify -n '__notify_sub setup' -l push-url -x -d 'Uptime Kuma push monitor\'s URL'
complete -c notify -n '__notify_sub setup' -l force -d 'replace an existing profile'
complete -c notify -n '__notify_sub setup' -l yes -d 'ask nothing, take defaults'
complete -c notify -n '__notify_sub setup' -l test -d 'send a test message first; write only if delivered'
complete -c notify -n '__notify_sub setup' -l save-anyway -d 'with --test: write even if the test failed'

# telegram discover
complete -c notify -n __notify_telegram_discover -l profile -x -a '(__notify_names)' -d 'take the token from this profile'

# run
complete -c notify -n '__notify_sub run' -l on -x -a 'failure always success' -d 'when to send the output'
complete -c notify -n '__notify_sub run' -l after -x -d 'report a failure only after N in a row (default 1)'
complete -c notify -n '__notify_sub run' -l live -d 'post "running" at the start and edit it into the report'
complete -c notify -n '__notify_sub run' -l key -x -d 'name the alert (default run: and the command line)'
complete -c notify -n '__notify_sub run' -l cooldown -x -a '90s 30m 6h 1d' -d 'at most one report per profile per DURATION'
