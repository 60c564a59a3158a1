# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_dlq_global_optspecs
    string join \n token= base-url= env-file= profile= sandbox o/output= color= q/quiet v/verbose debug timeout= y/yes no-input url= h/help V/version
end

function __fish_dlq_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_dlq_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_dlq_using_subcommand
    set -l cmd (__fish_dlq_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c dlq -n "__fish_dlq_needs_command" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_needs_command" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_needs_command" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_needs_command" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_needs_command" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_needs_command" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_needs_command" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_needs_command" -l url -d '`--url` before the verb: refused, because after the verb it is the destination filter and one flag must not mean two things by its position' -r
complete -c dlq -n "__fish_dlq_needs_command" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_needs_command" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_needs_command" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_needs_command" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_needs_command" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_needs_command" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_needs_command" -s V -l version -d 'Print version'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "list" -d 'List DLQ entries (QStash messages, or failed workflow runs with --workflow)'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "ls" -d 'List DLQ entries (QStash messages, or failed workflow runs with --workflow)'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "get" -d 'Show everything about one DLQ entry'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "retry" -d 'Retry QStash messages: deliver them again and remove them from the DLQ'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "delete" -d 'Delete entries from the DLQ for good'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "rm" -d 'Delete entries from the DLQ for good'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "republish" -d 'Republish QStash messages changed: a new destination, headers or body; then remove them'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "resume" -d 'Resume failed workflow runs from the failed step'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "restart" -d 'Restart failed workflow runs from the beginning'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "callback" -d 'Re-run the failure callback of workflow runs whose callback failed'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "stats" -d 'Group the DLQ and count: what fails, where, since when'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "exporter" -d 'Serve the DLQs\' figures on /metrics for Prometheus, refreshed every --interval'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "export" -d 'Write whole entries as NDJSON (the format `dlq sandbox --fixture` loads)'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "triage" -d 'A guided session at the terminal: pick a failing group, look, act, repeat'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "jobs" -d 'Bulk runs: list them, show one, forget old ones'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "verify" -d 'What became of a job\'s entries: delivered, failed again, cancelled or pending'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "sandbox" -d 'Serve a local QStash-compatible DLQ API to rehearse on and test against'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "config" -d 'Show and change settings: tokens, base URLs, profiles'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "completions" -d 'Print the completion script for a shell'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "man" -d 'Write man pages into a directory (how the committed man/ is built)'
complete -c dlq -n "__fish_dlq_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dlq -n "__fish_dlq_using_subcommand list" -l limit -d 'Stop after N entries' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l cursor -d 'Start at this cursor (from a previous page)' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l watch -d 'Print entries as they land, polling every INTERVAL (default 10s), until Ctrl-C (or --limit new entries); those already there are counted, not printed' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l label -d 'Label' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l caller-ip -d 'IP address of the publisher' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l from -d 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l to -d 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l where -d 'Keep the entries this jq program selects (as `select` would), run on each entry as `dlq get -o json` prints it; $body and $response are the request and response bodies parsed as JSON (null when not JSON). Example: \'$body.tenant == "acme"\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l grep -d 'Keep the entries whose body or response body (decoded) matches this regular expression; (?i) makes it case-insensitive. Example: \'(?i)invalid signature\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l signature -d 'Failure signature, exactly as `stats --by response` shows it (checked by dlq: each group\'s selector is in `stats --by response -o json`)' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l url -d 'Destination URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l url-group -d 'URL group, also called topic' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l queue -d 'Queue name' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l schedule -d 'Schedule id' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l message-id -d 'Message id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l status -d 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l workflow-url -d 'Workflow URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l workflow-run-id -d 'Workflow run id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l workflow-created-at -d 'Creation time of the workflow run, epoch ms or RFC 3339' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l callback-state -d 'State of the failure callback' -r -f -a "CALLBACK_INPROGRESS\t''
CALLBACK_SUCCESS\t''
CALLBACK_FAIL\t''
CALLBACK_CANCELED\t''"
complete -c dlq -n "__fish_dlq_using_subcommand list" -l flow-control-key -d 'Flow control key' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand list" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand list" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand list" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand list" -l workflow -d 'List failed workflow runs instead of QStash messages'
complete -c dlq -n "__fish_dlq_using_subcommand list" -l all -d 'Follow every cursor to the end (streamed: memory stays flat)'
complete -c dlq -n "__fish_dlq_using_subcommand list" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand list" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand list" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand list" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand list" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand list" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l limit -d 'Stop after N entries' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l cursor -d 'Start at this cursor (from a previous page)' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l watch -d 'Print entries as they land, polling every INTERVAL (default 10s), until Ctrl-C (or --limit new entries); those already there are counted, not printed' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l label -d 'Label' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l caller-ip -d 'IP address of the publisher' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l from -d 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l to -d 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l where -d 'Keep the entries this jq program selects (as `select` would), run on each entry as `dlq get -o json` prints it; $body and $response are the request and response bodies parsed as JSON (null when not JSON). Example: \'$body.tenant == "acme"\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l grep -d 'Keep the entries whose body or response body (decoded) matches this regular expression; (?i) makes it case-insensitive. Example: \'(?i)invalid signature\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l signature -d 'Failure signature, exactly as `stats --by response` shows it (checked by dlq: each group\'s selector is in `stats --by response -o json`)' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l url -d 'Destination URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l url-group -d 'URL group, also called topic' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l queue -d 'Queue name' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l schedule -d 'Schedule id' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l message-id -d 'Message id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l status -d 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l workflow-url -d 'Workflow URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l workflow-run-id -d 'Workflow run id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l workflow-created-at -d 'Creation time of the workflow run, epoch ms or RFC 3339' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l callback-state -d 'State of the failure callback' -r -f -a "CALLBACK_INPROGRESS\t''
CALLBACK_SUCCESS\t''
CALLBACK_FAIL\t''
CALLBACK_CANCELED\t''"
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l flow-control-key -d 'Flow control key' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l workflow -d 'List failed workflow runs instead of QStash messages'
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l all -d 'Follow every cursor to the end (streamed: memory stays flat)'
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand ls" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand ls" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand ls" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand ls" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand ls" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand get" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand get" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand get" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand get" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand get" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand get" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand get" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand get" -l workflow -d 'Look only among failed workflow runs'
complete -c dlq -n "__fish_dlq_using_subcommand get" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand get" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand get" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand get" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand get" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand get" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l ids-from -d 'Read ids from a file: one id a line, or the NDJSON of `list -o ndjson` / `export`' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l limit -d 'Act on the first N entries that match the filters' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l label -d 'Label' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l caller-ip -d 'IP address of the publisher' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l from -d 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l to -d 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l where -d 'Keep the entries this jq program selects (as `select` would), run on each entry as `dlq get -o json` prints it; $body and $response are the request and response bodies parsed as JSON (null when not JSON). Example: \'$body.tenant == "acme"\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l grep -d 'Keep the entries whose body or response body (decoded) matches this regular expression; (?i) makes it case-insensitive. Example: \'(?i)invalid signature\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l signature -d 'Failure signature, exactly as `stats --by response` shows it (checked by dlq: each group\'s selector is in `stats --by response -o json`)' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l url -d 'Destination URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l url-group -d 'URL group, also called topic' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l queue -d 'Queue name' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l schedule -d 'Schedule id' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l message-id -d 'Message id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l status -d 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l match-flow-control-key -d 'Flow control key (a filter; --flow-control-key sets a new key)' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l retries -d 'Number of delivery retries (Upstash-Retries)' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l delay -d 'Delay before the next delivery, like 10s or 5m (Upstash-Delay)' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l retry-delay -d 'Retry delay expression, like "1000 * pow(2, retried)" (Upstash-Retry-Delay)' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l flow-control-key -d 'New flow control key (Upstash-Flow-Control-Key); needs --parallelism, --rate or --period' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l parallelism -d 'Flow control: deliveries in flight at once' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l rate -d 'Flow control: deliveries per period' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l period -d 'Flow control: the period of --rate, like 1s, 1m, 1h' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l set-label -d 'Replace the labels, comma-separated (Upstash-Label)' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l failure-callback -d 'New failure callback URL (Upstash-Failure-Callback)' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l callback -d 'New callback URL (Upstash-Callback)' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l delivery-timeout -d 'Timeout of each delivery attempt, like 30s (Upstash-Timeout)' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l method -d 'HTTP method of the delivery (Upstash-Method)' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l max -d 'Refuse to act when the plan holds more than N entries' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l concurrency -d 'Most requests in flight at once, 1 to 64 [default: adapts between 1 and 32, 64 for callback (one run a request): more while replies are fast and clean, fewer when the server throttles]' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l rps -d 'At most this many requests a second, like 10 or 0.5' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l report -d 'Write one JSON line per entry (dlqId, outcome, new id, error) to a new FILE; with --continue, an existing report of the job is appended to' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l continue -d 'Continue an interrupted run by its job id (see `dlq jobs`); does exactly what is left, on the server and with the settings the job recorded' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l verify -d 'After acting, follow every new message or run until it is delivered or failed again (back in the DLQ), waiting up to WAIT [default: 2m]; exit 3 if any failed again' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l canary -d 'Act on N entries first (or P% of the plan), spread across its url or workflow-url groups; verify them, and go on with the rest only if enough were delivered' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l canary-threshold -d 'Share of the canary that must be delivered to go on, like 90% [default: 100%]' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l all -d 'Act on every entry that matches the filters (the whole DLQ without filters)'
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l dry-run -d 'Print the plan and stop; nothing is changed'
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l server-side -d 'Skip the plan: drive the API\'s own filter-and-cursor bulk call (fewest requests, no preview)'
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l past-canary -d 'With --continue: go on with a job whose canary did not pass'
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand retry" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand retry" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand retry" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand retry" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand retry" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l ids-from -d 'Read ids from a file: one id a line, or the NDJSON of `list -o ndjson` / `export`' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l limit -d 'Act on the first N entries that match the filters' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l backup -d 'Write every planned entry to FILE (NDJSON, as `export`; a new file, mode 0600) and sync it before deleting anything; if it cannot be written, nothing is deleted' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l label -d 'Label' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l caller-ip -d 'IP address of the publisher' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l from -d 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l to -d 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l where -d 'Keep the entries this jq program selects (as `select` would), run on each entry as `dlq get -o json` prints it; $body and $response are the request and response bodies parsed as JSON (null when not JSON). Example: \'$body.tenant == "acme"\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l grep -d 'Keep the entries whose body or response body (decoded) matches this regular expression; (?i) makes it case-insensitive. Example: \'(?i)invalid signature\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l signature -d 'Failure signature, exactly as `stats --by response` shows it (checked by dlq: each group\'s selector is in `stats --by response -o json`)' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l url -d 'Destination URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l url-group -d 'URL group, also called topic' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l queue -d 'Queue name' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l schedule -d 'Schedule id' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l message-id -d 'Message id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l status -d 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l workflow-url -d 'Workflow URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l workflow-run-id -d 'Workflow run id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l workflow-created-at -d 'Creation time of the workflow run, epoch ms or RFC 3339' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l callback-state -d 'State of the failure callback' -r -f -a "CALLBACK_INPROGRESS\t''
CALLBACK_SUCCESS\t''
CALLBACK_FAIL\t''
CALLBACK_CANCELED\t''"
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l match-flow-control-key -d 'Flow control key (a filter; --flow-control-key sets a new key)' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l max -d 'Refuse to act when the plan holds more than N entries' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l concurrency -d 'Most requests in flight at once, 1 to 64 [default: adapts between 1 and 32, 64 for callback (one run a request): more while replies are fast and clean, fewer when the server throttles]' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l rps -d 'At most this many requests a second, like 10 or 0.5' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l report -d 'Write one JSON line per entry (dlqId, outcome, new id, error) to a new FILE; with --continue, an existing report of the job is appended to' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l continue -d 'Continue an interrupted run by its job id (see `dlq jobs`); does exactly what is left, on the server and with the settings the job recorded' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l all -d 'Act on every entry that matches the filters (the whole DLQ without filters)'
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l workflow -d 'Failed workflow runs: filters select them, and ids are looked up only among them'
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l dry-run -d 'Print the plan and stop; nothing is changed'
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l server-side -d 'Skip the plan: drive the API\'s own filter-and-cursor bulk call (fewest requests, no preview)'
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand delete" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand delete" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand delete" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand delete" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l ids-from -d 'Read ids from a file: one id a line, or the NDJSON of `list -o ndjson` / `export`' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l limit -d 'Act on the first N entries that match the filters' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l backup -d 'Write every planned entry to FILE (NDJSON, as `export`; a new file, mode 0600) and sync it before deleting anything; if it cannot be written, nothing is deleted' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l label -d 'Label' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l caller-ip -d 'IP address of the publisher' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l from -d 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l to -d 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l where -d 'Keep the entries this jq program selects (as `select` would), run on each entry as `dlq get -o json` prints it; $body and $response are the request and response bodies parsed as JSON (null when not JSON). Example: \'$body.tenant == "acme"\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l grep -d 'Keep the entries whose body or response body (decoded) matches this regular expression; (?i) makes it case-insensitive. Example: \'(?i)invalid signature\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l signature -d 'Failure signature, exactly as `stats --by response` shows it (checked by dlq: each group\'s selector is in `stats --by response -o json`)' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l url -d 'Destination URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l url-group -d 'URL group, also called topic' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l queue -d 'Queue name' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l schedule -d 'Schedule id' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l message-id -d 'Message id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l status -d 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l workflow-url -d 'Workflow URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l workflow-run-id -d 'Workflow run id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l workflow-created-at -d 'Creation time of the workflow run, epoch ms or RFC 3339' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l callback-state -d 'State of the failure callback' -r -f -a "CALLBACK_INPROGRESS\t''
CALLBACK_SUCCESS\t''
CALLBACK_FAIL\t''
CALLBACK_CANCELED\t''"
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l match-flow-control-key -d 'Flow control key (a filter; --flow-control-key sets a new key)' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l max -d 'Refuse to act when the plan holds more than N entries' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l concurrency -d 'Most requests in flight at once, 1 to 64 [default: adapts between 1 and 32, 64 for callback (one run a request): more while replies are fast and clean, fewer when the server throttles]' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l rps -d 'At most this many requests a second, like 10 or 0.5' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l report -d 'Write one JSON line per entry (dlqId, outcome, new id, error) to a new FILE; with --continue, an existing report of the job is appended to' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l continue -d 'Continue an interrupted run by its job id (see `dlq jobs`); does exactly what is left, on the server and with the settings the job recorded' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l all -d 'Act on every entry that matches the filters (the whole DLQ without filters)'
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l workflow -d 'Failed workflow runs: filters select them, and ids are looked up only among them'
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l dry-run -d 'Print the plan and stop; nothing is changed'
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l server-side -d 'Skip the plan: drive the API\'s own filter-and-cursor bulk call (fewest requests, no preview)'
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand rm" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand rm" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand rm" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand rm" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand rm" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l ids-from -d 'Read ids from a file: one id a line, or the NDJSON of `list -o ndjson` / `export`' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l limit -d 'Act on the first N entries that match the filters' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l to-url -d 'Send every new message to URL (`--to` is the time filter, as on every verb)' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l rewrite-url -d 'Move destinations under FROM to TO: FROM is an origin (scheme, host, port) or a path under one, matched whole (`/v1` is not `/v10`); the rest of each URL is kept as it was (repeatable; the first match wins; entries no rule matches are refused in the plan)' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l to-url-group -d 'Publish to the URL group NAME instead of a URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l to-queue -d 'Enqueue on queue NAME [default: the queue the message came through, if any]' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l header -d 'Set a header forwarded to the destination, replacing one of that name (repeatable)' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l drop-header -d 'Remove a forwarded header (repeatable)' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l body-jq -d 'Transform the JSON body with a jq expression (one output per entry)' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l body-file -d 'Replace the body with the contents of FILE' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l backup -d 'Write every planned entry to FILE (NDJSON, as `export`; a new file, mode 0600) and sync it before anything is sent' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l batch-size -d 'Messages per `POST /v2/batch`, 1 to 100: fewer for large bodies or a server with a smaller request limit (also with --continue)' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l label -d 'Label' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l caller-ip -d 'IP address of the publisher' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l from -d 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l to -d 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l where -d 'Keep the entries this jq program selects (as `select` would), run on each entry as `dlq get -o json` prints it; $body and $response are the request and response bodies parsed as JSON (null when not JSON). Example: \'$body.tenant == "acme"\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l grep -d 'Keep the entries whose body or response body (decoded) matches this regular expression; (?i) makes it case-insensitive. Example: \'(?i)invalid signature\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l signature -d 'Failure signature, exactly as `stats --by response` shows it (checked by dlq: each group\'s selector is in `stats --by response -o json`)' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l url -d 'Destination URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l url-group -d 'URL group, also called topic' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l queue -d 'Queue name' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l schedule -d 'Schedule id' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l message-id -d 'Message id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l status -d 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l match-flow-control-key -d 'Flow control key (a filter; --flow-control-key sets a new key)' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l retries -d 'Number of delivery retries (Upstash-Retries)' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l delay -d 'Delay before the next delivery, like 10s or 5m (Upstash-Delay)' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l retry-delay -d 'Retry delay expression, like "1000 * pow(2, retried)" (Upstash-Retry-Delay)' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l flow-control-key -d 'New flow control key (Upstash-Flow-Control-Key); needs --parallelism, --rate or --period' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l parallelism -d 'Flow control: deliveries in flight at once' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l rate -d 'Flow control: deliveries per period' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l period -d 'Flow control: the period of --rate, like 1s, 1m, 1h' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l set-label -d 'Replace the labels, comma-separated (Upstash-Label)' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l failure-callback -d 'New failure callback URL (Upstash-Failure-Callback)' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l callback -d 'New callback URL (Upstash-Callback)' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l delivery-timeout -d 'Timeout of each delivery attempt, like 30s (Upstash-Timeout)' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l method -d 'HTTP method of the delivery (Upstash-Method)' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l max -d 'Refuse to act when the plan holds more than N entries' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l concurrency -d 'Most requests in flight at once, 1 to 64 [default: adapts between 1 and 32, 64 for callback (one run a request): more while replies are fast and clean, fewer when the server throttles]' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l rps -d 'At most this many requests a second, like 10 or 0.5' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l report -d 'Write one JSON line per entry (dlqId, outcome, new id, error) to a new FILE; with --continue, an existing report of the job is appended to' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l continue -d 'Continue an interrupted run by its job id (see `dlq jobs`); does exactly what is left, on the server and with the settings the job recorded' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l verify -d 'After acting, follow every new message or run until it is delivered or failed again (back in the DLQ), waiting up to WAIT [default: 2m]; exit 3 if any failed again' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l canary -d 'Act on N entries first (or P% of the plan), spread across its url or workflow-url groups; verify them, and go on with the rest only if enough were delivered' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l canary-threshold -d 'Share of the canary that must be delivered to go on, like 90% [default: 100%]' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l all -d 'Act on every entry that matches the filters (the whole DLQ without filters)'
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l dry-run -d 'Print the plan and stop; nothing is changed'
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l server-side -d 'Skip the plan: drive the API\'s own filter-and-cursor bulk call (fewest requests, no preview)'
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l past-canary -d 'With --continue: go on with a job whose canary did not pass'
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand republish" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand republish" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand republish" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand republish" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand republish" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l ids-from -d 'Read ids from a file: one id a line, or the NDJSON of `list -o ndjson` / `export`' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l limit -d 'Act on the first N entries that match the filters' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l label -d 'Label' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l caller-ip -d 'IP address of the publisher' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l from -d 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l to -d 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l where -d 'Keep the entries this jq program selects (as `select` would), run on each entry as `dlq get -o json` prints it; $body and $response are the request and response bodies parsed as JSON (null when not JSON). Example: \'$body.tenant == "acme"\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l grep -d 'Keep the entries whose body or response body (decoded) matches this regular expression; (?i) makes it case-insensitive. Example: \'(?i)invalid signature\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l signature -d 'Failure signature, exactly as `stats --by response` shows it (checked by dlq: each group\'s selector is in `stats --by response -o json`)' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l workflow-url -d 'Workflow URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l workflow-run-id -d 'Workflow run id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l workflow-created-at -d 'Creation time of the workflow run, epoch ms or RFC 3339' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l callback-state -d 'State of the failure callback' -r -f -a "CALLBACK_INPROGRESS\t''
CALLBACK_SUCCESS\t''
CALLBACK_FAIL\t''
CALLBACK_CANCELED\t''"
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l match-flow-control-key -d 'Flow control key (a filter; --flow-control-key sets a new key)' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l retries -d 'Number of delivery retries (Upstash-Retries)' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l delay -d 'Delay before the next delivery, like 10s or 5m (Upstash-Delay)' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l retry-delay -d 'Retry delay expression, like "1000 * pow(2, retried)" (Upstash-Retry-Delay)' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l flow-control-key -d 'New flow control key (Upstash-Flow-Control-Key); needs --parallelism, --rate or --period' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l parallelism -d 'Flow control: deliveries in flight at once' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l rate -d 'Flow control: deliveries per period' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l period -d 'Flow control: the period of --rate, like 1s, 1m, 1h' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l set-label -d 'Replace the labels, comma-separated (Upstash-Label)' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l failure-callback -d 'New failure callback URL (Upstash-Failure-Callback)' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l max -d 'Refuse to act when the plan holds more than N entries' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l concurrency -d 'Most requests in flight at once, 1 to 64 [default: adapts between 1 and 32, 64 for callback (one run a request): more while replies are fast and clean, fewer when the server throttles]' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l rps -d 'At most this many requests a second, like 10 or 0.5' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l report -d 'Write one JSON line per entry (dlqId, outcome, new id, error) to a new FILE; with --continue, an existing report of the job is appended to' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l continue -d 'Continue an interrupted run by its job id (see `dlq jobs`); does exactly what is left, on the server and with the settings the job recorded' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l verify -d 'After acting, follow every new message or run until it is delivered or failed again (back in the DLQ), waiting up to WAIT [default: 2m]; exit 3 if any failed again' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l canary -d 'Act on N entries first (or P% of the plan), spread across its url or workflow-url groups; verify them, and go on with the rest only if enough were delivered' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l canary-threshold -d 'Share of the canary that must be delivered to go on, like 90% [default: 100%]' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l all -d 'Act on every entry that matches the filters (the whole DLQ without filters)'
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l dry-run -d 'Print the plan and stop; nothing is changed'
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l server-side -d 'Skip the plan: drive the API\'s own filter-and-cursor bulk call (fewest requests, no preview)'
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l past-canary -d 'With --continue: go on with a job whose canary did not pass'
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand resume" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand resume" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand resume" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand resume" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand resume" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l ids-from -d 'Read ids from a file: one id a line, or the NDJSON of `list -o ndjson` / `export`' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l limit -d 'Act on the first N entries that match the filters' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l label -d 'Label' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l caller-ip -d 'IP address of the publisher' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l from -d 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l to -d 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l where -d 'Keep the entries this jq program selects (as `select` would), run on each entry as `dlq get -o json` prints it; $body and $response are the request and response bodies parsed as JSON (null when not JSON). Example: \'$body.tenant == "acme"\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l grep -d 'Keep the entries whose body or response body (decoded) matches this regular expression; (?i) makes it case-insensitive. Example: \'(?i)invalid signature\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l signature -d 'Failure signature, exactly as `stats --by response` shows it (checked by dlq: each group\'s selector is in `stats --by response -o json`)' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l workflow-url -d 'Workflow URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l workflow-run-id -d 'Workflow run id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l workflow-created-at -d 'Creation time of the workflow run, epoch ms or RFC 3339' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l callback-state -d 'State of the failure callback' -r -f -a "CALLBACK_INPROGRESS\t''
CALLBACK_SUCCESS\t''
CALLBACK_FAIL\t''
CALLBACK_CANCELED\t''"
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l match-flow-control-key -d 'Flow control key (a filter; --flow-control-key sets a new key)' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l retries -d 'Number of delivery retries (Upstash-Retries)' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l delay -d 'Delay before the next delivery, like 10s or 5m (Upstash-Delay)' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l retry-delay -d 'Retry delay expression, like "1000 * pow(2, retried)" (Upstash-Retry-Delay)' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l flow-control-key -d 'New flow control key (Upstash-Flow-Control-Key); needs --parallelism, --rate or --period' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l parallelism -d 'Flow control: deliveries in flight at once' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l rate -d 'Flow control: deliveries per period' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l period -d 'Flow control: the period of --rate, like 1s, 1m, 1h' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l set-label -d 'Replace the labels, comma-separated (Upstash-Label)' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l failure-callback -d 'New failure callback URL (Upstash-Failure-Callback)' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l max -d 'Refuse to act when the plan holds more than N entries' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l concurrency -d 'Most requests in flight at once, 1 to 64 [default: adapts between 1 and 32, 64 for callback (one run a request): more while replies are fast and clean, fewer when the server throttles]' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l rps -d 'At most this many requests a second, like 10 or 0.5' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l report -d 'Write one JSON line per entry (dlqId, outcome, new id, error) to a new FILE; with --continue, an existing report of the job is appended to' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l continue -d 'Continue an interrupted run by its job id (see `dlq jobs`); does exactly what is left, on the server and with the settings the job recorded' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l verify -d 'After acting, follow every new message or run until it is delivered or failed again (back in the DLQ), waiting up to WAIT [default: 2m]; exit 3 if any failed again' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l canary -d 'Act on N entries first (or P% of the plan), spread across its url or workflow-url groups; verify them, and go on with the rest only if enough were delivered' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l canary-threshold -d 'Share of the canary that must be delivered to go on, like 90% [default: 100%]' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l all -d 'Act on every entry that matches the filters (the whole DLQ without filters)'
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l dry-run -d 'Print the plan and stop; nothing is changed'
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l server-side -d 'Skip the plan: drive the API\'s own filter-and-cursor bulk call (fewest requests, no preview)'
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l past-canary -d 'With --continue: go on with a job whose canary did not pass'
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand restart" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand restart" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand restart" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand restart" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand restart" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l ids-from -d 'Read ids from a file: one id a line, or the NDJSON of `list -o ndjson` / `export`' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l limit -d 'Act on the first N entries that match the filters' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l label -d 'Label' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l caller-ip -d 'IP address of the publisher' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l from -d 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l to -d 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l where -d 'Keep the entries this jq program selects (as `select` would), run on each entry as `dlq get -o json` prints it; $body and $response are the request and response bodies parsed as JSON (null when not JSON). Example: \'$body.tenant == "acme"\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l grep -d 'Keep the entries whose body or response body (decoded) matches this regular expression; (?i) makes it case-insensitive. Example: \'(?i)invalid signature\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l signature -d 'Failure signature, exactly as `stats --by response` shows it (checked by dlq: each group\'s selector is in `stats --by response -o json`)' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l workflow-url -d 'Workflow URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l workflow-run-id -d 'Workflow run id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l workflow-created-at -d 'Creation time of the workflow run, epoch ms or RFC 3339' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l callback-state -d 'State of the failure callback' -r -f -a "CALLBACK_INPROGRESS\t''
CALLBACK_SUCCESS\t''
CALLBACK_FAIL\t''
CALLBACK_CANCELED\t''"
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l match-flow-control-key -d 'Flow control key (a filter; --flow-control-key sets a new key)' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l max -d 'Refuse to act when the plan holds more than N entries' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l concurrency -d 'Most requests in flight at once, 1 to 64 [default: adapts between 1 and 32, 64 for callback (one run a request): more while replies are fast and clean, fewer when the server throttles]' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l rps -d 'At most this many requests a second, like 10 or 0.5' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l report -d 'Write one JSON line per entry (dlqId, outcome, new id, error) to a new FILE; with --continue, an existing report of the job is appended to' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l continue -d 'Continue an interrupted run by its job id (see `dlq jobs`); does exactly what is left, on the server and with the settings the job recorded' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l verify -d 'After acting, follow every new message or run until it is delivered or failed again (back in the DLQ), waiting up to WAIT [default: 2m]; exit 3 if any failed again' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l canary -d 'Act on N entries first (or P% of the plan), spread across its url or workflow-url groups; verify them, and go on with the rest only if enough were delivered' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l canary-threshold -d 'Share of the canary that must be delivered to go on, like 90% [default: 100%]' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l all -d 'Act on every entry that matches the filters (the whole DLQ without filters)'
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l dry-run -d 'Print the plan and stop; nothing is changed'
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l server-side -d 'Skip the plan: drive the API\'s own filter-and-cursor bulk call (fewest requests, no preview)'
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l past-canary -d 'With --continue: go on with a job whose canary did not pass'
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand callback" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand callback" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand callback" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand callback" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand callback" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l by -d 'Group by these keys, comma-separated [default: url, unless --by-jq is given]' -r -f -a "url\t''
status\t''
label\t''
queue\t''
url-group\t''
schedule\t''
flow-control-key\t''
caller-ip\t''
workflow-url\t''
callback-state\t''
hour\t''
day\t''
response\t'The failure signature of the endpoint\'s answer (`api::signature`)'"
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l by-jq -d 'Group by what a jq program says of each entry, after the --by keys: its first output as compact JSON, (none) for null or no output. It sees the entry as `dlq get -o json` prints it, with $body and $response as --where does. Example: --by-jq \'$body.tenant\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l top -d 'Show only the N largest groups (-o openmetrics: 100 by default, and the rest are folded into one series whose --by labels read __other__)' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l fail-above -d 'Exit 6 when more than N entries match (a CI gate on DLQ depth)' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l fail-older-than -d 'Exit 6 when the oldest matching entry has waited longer than DURATION, like 6h or 2d (a CI gate on DLQ age)' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l watch -d 'Read again every INTERVAL (default 10s) until Ctrl-C; at a terminal the table is redrawn in place with the time of the refresh and the change since the previous one' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l retention -d 'How long the DLQ keeps entries on your plan (free 3d, pay-as-you-go 7d, fixed up to 90d); entries within a day of it are called out' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l label -d 'Label' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l caller-ip -d 'IP address of the publisher' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l from -d 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l to -d 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l where -d 'Keep the entries this jq program selects (as `select` would), run on each entry as `dlq get -o json` prints it; $body and $response are the request and response bodies parsed as JSON (null when not JSON). Example: \'$body.tenant == "acme"\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l grep -d 'Keep the entries whose body or response body (decoded) matches this regular expression; (?i) makes it case-insensitive. Example: \'(?i)invalid signature\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l signature -d 'Failure signature, exactly as `stats --by response` shows it (checked by dlq: each group\'s selector is in `stats --by response -o json`)' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l url -d 'Destination URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l url-group -d 'URL group, also called topic' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l queue -d 'Queue name' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l schedule -d 'Schedule id' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l message-id -d 'Message id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l status -d 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l workflow-url -d 'Workflow URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l workflow-run-id -d 'Workflow run id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l workflow-created-at -d 'Creation time of the workflow run, epoch ms or RFC 3339' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l callback-state -d 'State of the failure callback' -r -f -a "CALLBACK_INPROGRESS\t''
CALLBACK_SUCCESS\t''
CALLBACK_FAIL\t''
CALLBACK_CANCELED\t''"
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l flow-control-key -d 'Flow control key' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l workflow -d 'Count failed workflow runs instead of QStash messages'
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l total -d 'Print only the number of matching entries'
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand stats" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand stats" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand stats" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand stats" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l listen -d 'Address to serve /metrics on (plain HTTP)' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l interval -d 'How often to read the DLQs' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l dlq -d 'Which DLQ to read: qstash, workflow or both' -r -f -a "qstash\t''
workflow\t''
both\t''"
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l by -d 'Group by these keys, comma-separated (one label each)' -r -f -a "url\t''
status\t''
label\t''
queue\t''
url-group\t''
schedule\t''
flow-control-key\t''
caller-ip\t''
workflow-url\t''
callback-state\t''
hour\t''
day\t''
response\t'The failure signature of the endpoint\'s answer (`api::signature`)'"
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l top -d 'Series per DLQ at most: the largest N groups, the rest folded into one whose labels read __other__ [default: 100]' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l retention -d 'How long the DLQ keeps entries on your plan; entries within a day of it count as expiring' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l label -d 'Label' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l caller-ip -d 'IP address of the publisher' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l from -d 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l to -d 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l where -d 'Keep the entries this jq program selects (as `select` would), run on each entry as `dlq get -o json` prints it; $body and $response are the request and response bodies parsed as JSON (null when not JSON). Example: \'$body.tenant == "acme"\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l grep -d 'Keep the entries whose body or response body (decoded) matches this regular expression; (?i) makes it case-insensitive. Example: \'(?i)invalid signature\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l signature -d 'Failure signature, exactly as `stats --by response` shows it (checked by dlq: each group\'s selector is in `stats --by response -o json`)' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l url -d 'Destination URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l url-group -d 'URL group, also called topic' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l queue -d 'Queue name' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l schedule -d 'Schedule id' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l message-id -d 'Message id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l status -d 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l workflow-url -d 'Workflow URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l workflow-run-id -d 'Workflow run id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l workflow-created-at -d 'Creation time of the workflow run, epoch ms or RFC 3339' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l callback-state -d 'State of the failure callback' -r -f -a "CALLBACK_INPROGRESS\t''
CALLBACK_SUCCESS\t''
CALLBACK_FAIL\t''
CALLBACK_CANCELED\t''"
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l flow-control-key -d 'Flow control key' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand exporter" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand export" -l limit -d 'The first N matching entries' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l output-file -d 'Write to FILE instead of stdout (replaced only once the export is complete)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand export" -l label -d 'Label' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l caller-ip -d 'IP address of the publisher' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l from -d 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l to -d 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l where -d 'Keep the entries this jq program selects (as `select` would), run on each entry as `dlq get -o json` prints it; $body and $response are the request and response bodies parsed as JSON (null when not JSON). Example: \'$body.tenant == "acme"\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l grep -d 'Keep the entries whose body or response body (decoded) matches this regular expression; (?i) makes it case-insensitive. Example: \'(?i)invalid signature\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l signature -d 'Failure signature, exactly as `stats --by response` shows it (checked by dlq: each group\'s selector is in `stats --by response -o json`)' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l url -d 'Destination URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l url-group -d 'URL group, also called topic' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l queue -d 'Queue name' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l schedule -d 'Schedule id' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l message-id -d 'Message id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l status -d 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l workflow-url -d 'Workflow URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l workflow-run-id -d 'Workflow run id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l workflow-created-at -d 'Creation time of the workflow run, epoch ms or RFC 3339' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l callback-state -d 'State of the failure callback' -r -f -a "CALLBACK_INPROGRESS\t''
CALLBACK_SUCCESS\t''
CALLBACK_FAIL\t''
CALLBACK_CANCELED\t''"
complete -c dlq -n "__fish_dlq_using_subcommand export" -l flow-control-key -d 'Flow control key' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand export" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand export" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand export" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand export" -l workflow -d 'Export failed workflow runs instead of QStash messages'
complete -c dlq -n "__fish_dlq_using_subcommand export" -l all -d 'Every matching entry'
complete -c dlq -n "__fish_dlq_using_subcommand export" -l redact-bodies -d 'Replace bodies with their size and blank credential headers (Authorization, Cookie...), for data that must not leave the machine'
complete -c dlq -n "__fish_dlq_using_subcommand export" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand export" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand export" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand export" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand export" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand export" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l by -d 'Group by these keys, comma-separated [default: url,status; with --workflow: workflow-url,callback-state]' -r -f -a "url\t''
status\t''
label\t''
queue\t''
url-group\t''
schedule\t''
flow-control-key\t''
caller-ip\t''
workflow-url\t''
callback-state\t''
hour\t''
day\t''
response\t'The failure signature of the endpoint\'s answer (`api::signature`)'"
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l retention -d 'How long the DLQ keeps entries on your plan; entries about to expire are called out' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l label -d 'Label' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l caller-ip -d 'IP address of the publisher' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l from -d 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l to -d 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l where -d 'Keep the entries this jq program selects (as `select` would), run on each entry as `dlq get -o json` prints it; $body and $response are the request and response bodies parsed as JSON (null when not JSON). Example: \'$body.tenant == "acme"\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l grep -d 'Keep the entries whose body or response body (decoded) matches this regular expression; (?i) makes it case-insensitive. Example: \'(?i)invalid signature\'' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l signature -d 'Failure signature, exactly as `stats --by response` shows it (checked by dlq: each group\'s selector is in `stats --by response -o json`)' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l url -d 'Destination URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l url-group -d 'URL group, also called topic' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l queue -d 'Queue name' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l schedule -d 'Schedule id' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l message-id -d 'Message id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l status -d 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l workflow-url -d 'Workflow URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l workflow-run-id -d 'Workflow run id (one value)' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l workflow-created-at -d 'Creation time of the workflow run, epoch ms or RFC 3339' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l callback-state -d 'State of the failure callback' -r -f -a "CALLBACK_INPROGRESS\t''
CALLBACK_SUCCESS\t''
CALLBACK_FAIL\t''
CALLBACK_CANCELED\t''"
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l flow-control-key -d 'Flow control key' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l workflow -d 'Failed workflow runs instead of QStash messages'
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand triage" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand triage" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand triage" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand triage" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand triage" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -l retention -d 'How long the DLQ keeps entries on your plan; older jobs are flagged, since what they left may have expired' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -f -a "list" -d 'List the jobs, newest first (the default)'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -f -a "show" -d 'Show one job: its target, plan, outcomes and how to continue it'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -f -a "forget" -d 'Remove jobs from this machine\'s journals (never one that is running)'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and not __fish_seen_subcommand_from list show forget help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l retention -d 'How long the DLQ keeps entries on your plan; older jobs are flagged, since what they left may have expired' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from list" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from show" -l retention -d 'How long the DLQ keeps entries on your plan; older jobs are flagged, since what they left may have expired' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from show" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from show" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from show" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from show" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from show" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from show" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from show" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from show" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from show" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from forget" -l older-than -d 'Every job started longer ago than this, like 30d' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from forget" -l retention -d 'How long the DLQ keeps entries on your plan; older jobs are flagged, since what they left may have expired' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from forget" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from forget" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from forget" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from forget" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from forget" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from forget" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from forget" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from forget" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from forget" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from forget" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from forget" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from forget" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from forget" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from forget" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the jobs, newest first (the default)'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show one job: its target, plan, outcomes and how to continue it'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "forget" -d 'Remove jobs from this machine\'s journals (never one that is running)'
complete -c dlq -n "__fish_dlq_using_subcommand jobs; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dlq -n "__fish_dlq_using_subcommand verify" -l wait -d 'How long to wait for outcomes that are not final yet' -r
complete -c dlq -n "__fish_dlq_using_subcommand verify" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand verify" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand verify" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand verify" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand verify" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand verify" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand verify" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand verify" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand verify" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand verify" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand verify" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand verify" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand verify" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l port -d 'Port on 127.0.0.1; 0 picks a free one' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l state -d 'Keep the state in FILE across restarts (loaded if it exists; --seed and --fixture then do nothing)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l seed -d 'Seed N QStash DLQ messages and N failed workflow runs [default: 100, or 0 with --fixture]' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l seed-rng -d 'Seed of the generator: the same entries every time (random otherwise)' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l fixture -d 'Load entries from an NDJSON file as `dlq export` writes it (repeatable)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l latency -d 'Delay every API response by MS milliseconds' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l fault-rate -d 'Probability (0 to 1) that an API request gets a fault from --faults (publish, enqueue and batch too); mutations get it before the change or after it (the change happens, the reply is lost)' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l faults -d 'Faults to inject: HTTP statuses (429 comes with rate-limit headers), `reset` (drop the connection) and `timeout` (no answer for --fault-stall-ms, then drop)' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l fault-stall-ms -d 'How long a `timeout` fault stalls before dropping the connection' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l rate-limit -d 'Limit the API to RPS requests a second (bursts up to BURST, default RPS), as QStash\'s burst limit does: 429 with Burst-RateLimit-* headers once spent; replies that pass carry the headers too. Publish, enqueue and batch are exempt' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l workflow-bulk-cap -d 'Most workflow runs one bulk resume, restart or delete handles in filter mode; the cursor continues' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l delivery-backoff-ms -d 'Pause between delivery attempts of messages and runs (times the attempt)' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l delivery-delay -d 'How long a new message waits before its first delivery attempt, as on QStash; until then GET /v2/messages/<id> reads it and DELETE /v2/messages cancels it. 0 delivers at once' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l simulate -d 'How destinations the sandbox does not contact answer (repeatable; the first rule whose PATTERN matches the URL wins; * matches anything). OUTCOME is ok, an HTTP status 400-599, flaky:P (each attempt fails with probability P, answering 500) or timeout (no answer within the message\'s Upstash-Timeout, else 15s)' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -f -a "reset" -d 'Start the persistent state of `dlq --sandbox` afresh: new entries and a new token'
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and not __fish_seen_subcommand_from reset help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and __fish_seen_subcommand_from reset" -l seed -d 'Seed N QStash DLQ messages and N failed workflow runs' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and __fish_seen_subcommand_from reset" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and __fish_seen_subcommand_from reset" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and __fish_seen_subcommand_from reset" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and __fish_seen_subcommand_from reset" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and __fish_seen_subcommand_from reset" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and __fish_seen_subcommand_from reset" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and __fish_seen_subcommand_from reset" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and __fish_seen_subcommand_from reset" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and __fish_seen_subcommand_from reset" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and __fish_seen_subcommand_from reset" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and __fish_seen_subcommand_from reset" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and __fish_seen_subcommand_from reset" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and __fish_seen_subcommand_from reset" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and __fish_seen_subcommand_from reset" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "reset" -d 'Start the persistent state of `dlq --sandbox` afresh: new entries and a new token'
complete -c dlq -n "__fish_dlq_using_subcommand sandbox; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -f -a "show" -d 'Show the resolved settings and where each came from (the token is masked)'
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -f -a "path" -d 'Print the path of the config file'
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -f -a "set-token" -d 'Store a token in a profile, read from standard input or a hidden prompt'
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -f -a "use" -d 'Make PROFILE the one used by default'
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -f -a "list" -d 'List the profiles of the config file'
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -f -a "unset" -d 'Remove a profile'
complete -c dlq -n "__fish_dlq_using_subcommand config; and not __fish_seen_subcommand_from show path set-token use list unset help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from show" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from show" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from show" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from show" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from show" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from show" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from show" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from show" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from show" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from show" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from show" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from path" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from path" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from path" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from path" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from path" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from path" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from path" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from path" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from path" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from path" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from path" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from path" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from path" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from path" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from set-token" -l base-url -d 'Base URL to store with it, e.g. https://qstash-us-east-1.upstash.io' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from set-token" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from set-token" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from set-token" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from set-token" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from set-token" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from set-token" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from set-token" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from set-token" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from set-token" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from set-token" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from set-token" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from set-token" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from set-token" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from use" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from use" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from use" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from use" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from use" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from use" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from use" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from use" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from use" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from use" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from use" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from use" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from use" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from list" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from list" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from list" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from list" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from list" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from list" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from list" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from list" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from list" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from list" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from list" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from unset" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from unset" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from unset" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from unset" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from unset" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from unset" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from unset" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from unset" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from unset" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from unset" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from unset" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from unset" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from unset" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show the resolved settings and where each came from (the token is masked)'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "path" -d 'Print the path of the config file'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "set-token" -d 'Store a token in a profile, read from standard input or a hidden prompt'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "use" -d 'Make PROFILE the one used by default'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the profiles of the config file'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "unset" -d 'Remove a profile'
complete -c dlq -n "__fish_dlq_using_subcommand config; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dlq -n "__fish_dlq_using_subcommand completions" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand completions" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand completions" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand completions" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand completions" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand completions" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand completions" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand completions" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand completions" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand completions" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand completions" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand completions" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand completions" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand man" -l token -d 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)' -r
complete -c dlq -n "__fish_dlq_using_subcommand man" -l base-url -d 'Base URL of the QStash API [default: https://qstash.upstash.io]' -r
complete -c dlq -n "__fish_dlq_using_subcommand man" -l env-file -d 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)' -r -F
complete -c dlq -n "__fish_dlq_using_subcommand man" -l profile -d 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL' -r
complete -c dlq -n "__fish_dlq_using_subcommand man" -s o -l output -d 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]' -r -f -a "table\t'Human table (tab-separated text when stdout is not a terminal)'
json\t'One JSON document'
ndjson\t'One JSON object a line, streamed'
ids\t'Only the ids, one a line'
openmetrics\t'OpenMetrics text for Prometheus (`dlq stats` only)'"
complete -c dlq -n "__fish_dlq_using_subcommand man" -l color -d 'When to use colour' -r -f -a "auto\t''
always\t''
never\t''"
complete -c dlq -n "__fish_dlq_using_subcommand man" -l timeout -d 'Timeout of each HTTP request, like 30s or 2m' -r
complete -c dlq -n "__fish_dlq_using_subcommand man" -l sandbox -d 'Run against a local seeded sandbox instead of Upstash (no account needed)'
complete -c dlq -n "__fish_dlq_using_subcommand man" -s q -l quiet -d 'Print only data and errors: no progress, no summaries'
complete -c dlq -n "__fish_dlq_using_subcommand man" -s v -l verbose -d 'Say more on stderr: where each setting came from, retries and waits'
complete -c dlq -n "__fish_dlq_using_subcommand man" -l debug -d 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v'
complete -c dlq -n "__fish_dlq_using_subcommand man" -s y -l yes -d 'Answer yes to confirmation prompts (needed for mutations without a terminal)'
complete -c dlq -n "__fish_dlq_using_subcommand man" -l no-input -d 'Never prompt; fail instead where a prompt would be needed'
complete -c dlq -n "__fish_dlq_using_subcommand man" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "list" -d 'List DLQ entries (QStash messages, or failed workflow runs with --workflow)'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "get" -d 'Show everything about one DLQ entry'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "retry" -d 'Retry QStash messages: deliver them again and remove them from the DLQ'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "delete" -d 'Delete entries from the DLQ for good'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "republish" -d 'Republish QStash messages changed: a new destination, headers or body; then remove them'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "resume" -d 'Resume failed workflow runs from the failed step'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "restart" -d 'Restart failed workflow runs from the beginning'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "callback" -d 'Re-run the failure callback of workflow runs whose callback failed'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "stats" -d 'Group the DLQ and count: what fails, where, since when'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "exporter" -d 'Serve the DLQs\' figures on /metrics for Prometheus, refreshed every --interval'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "export" -d 'Write whole entries as NDJSON (the format `dlq sandbox --fixture` loads)'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "triage" -d 'A guided session at the terminal: pick a failing group, look, act, repeat'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "jobs" -d 'Bulk runs: list them, show one, forget old ones'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "verify" -d 'What became of a job\'s entries: delivered, failed again, cancelled or pending'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "sandbox" -d 'Serve a local QStash-compatible DLQ API to rehearse on and test against'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "config" -d 'Show and change settings: tokens, base URLs, profiles'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "completions" -d 'Print the completion script for a shell'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "man" -d 'Write man pages into a directory (how the committed man/ is built)'
complete -c dlq -n "__fish_dlq_using_subcommand help; and not __fish_seen_subcommand_from list get retry delete republish resume restart callback stats exporter export triage jobs verify sandbox config completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c dlq -n "__fish_dlq_using_subcommand help; and __fish_seen_subcommand_from jobs" -f -a "list" -d 'List the jobs, newest first (the default)'
complete -c dlq -n "__fish_dlq_using_subcommand help; and __fish_seen_subcommand_from jobs" -f -a "show" -d 'Show one job: its target, plan, outcomes and how to continue it'
complete -c dlq -n "__fish_dlq_using_subcommand help; and __fish_seen_subcommand_from jobs" -f -a "forget" -d 'Remove jobs from this machine\'s journals (never one that is running)'
complete -c dlq -n "__fish_dlq_using_subcommand help; and __fish_seen_subcommand_from sandbox" -f -a "reset" -d 'Start the persistent state of `dlq --sandbox` afresh: new entries and a new token'
complete -c dlq -n "__fish_dlq_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "show" -d 'Show the resolved settings and where each came from (the token is masked)'
complete -c dlq -n "__fish_dlq_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "path" -d 'Print the path of the config file'
complete -c dlq -n "__fish_dlq_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "set-token" -d 'Store a token in a profile, read from standard input or a hidden prompt'
complete -c dlq -n "__fish_dlq_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "use" -d 'Make PROFILE the one used by default'
complete -c dlq -n "__fish_dlq_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "list" -d 'List the profiles of the config file'
complete -c dlq -n "__fish_dlq_using_subcommand help; and __fish_seen_subcommand_from config" -f -a "unset" -d 'Remove a profile'
