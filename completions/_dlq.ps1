
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'dlq' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'dlq'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'dlq' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, '`--url` before the verb: refused, because after the verb it is the destination filter and one flag must not mean two things by its position')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List DLQ entries (QStash messages, or failed workflow runs with --workflow)')
            [CompletionResult]::new('ls', 'ls', [CompletionResultType]::ParameterValue, 'List DLQ entries (QStash messages, or failed workflow runs with --workflow)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show everything about one DLQ entry')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Retry QStash messages: deliver them again and remove them from the DLQ')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete entries from the DLQ for good')
            [CompletionResult]::new('rm', 'rm', [CompletionResultType]::ParameterValue, 'Delete entries from the DLQ for good')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume failed workflow runs from the failed step')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Restart failed workflow runs from the beginning')
            [CompletionResult]::new('callback', 'callback', [CompletionResultType]::ParameterValue, 'Re-run the failure callback of workflow runs whose callback failed')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Group the DLQ and count: what fails, where, since when')
            [CompletionResult]::new('exporter', 'exporter', [CompletionResultType]::ParameterValue, 'Serve the DLQs'' figures on /metrics for Prometheus, refreshed every --interval')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write whole entries as NDJSON (the format `dlq sandbox --fixture` loads)')
            [CompletionResult]::new('triage', 'triage', [CompletionResultType]::ParameterValue, 'A guided session at the terminal: pick a failing group, look, act, repeat')
            [CompletionResult]::new('jobs', 'jobs', [CompletionResultType]::ParameterValue, 'Bulk runs: list them, show one, forget old ones')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'What became of a job''s entries: delivered, failed again, cancelled or pending')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Serve a local QStash-compatible DLQ API to rehearse on and test against')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show and change settings: tokens, base URLs, profiles')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages into a directory (how the committed man/ is built)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dlq;list' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after N entries')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Start at this cursor (from a previous page)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Print entries as they land, polling every INTERVAL (default 10s), until Ctrl-C (or --limit new entries); those already there are counted, not printed')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label')
            [CompletionResult]::new('--caller-ip', '--caller-ip', [CompletionResultType]::ParameterName, 'IP address of the publisher')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Destination URL')
            [CompletionResult]::new('--url-group', '--url-group', [CompletionResultType]::ParameterName, 'URL group, also called topic')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queue name')
            [CompletionResult]::new('--schedule', '--schedule', [CompletionResultType]::ParameterName, 'Schedule id')
            [CompletionResult]::new('--message-id', '--message-id', [CompletionResultType]::ParameterName, 'Message id (one value)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504')
            [CompletionResult]::new('--workflow-url', '--workflow-url', [CompletionResultType]::ParameterName, 'Workflow URL')
            [CompletionResult]::new('--workflow-run-id', '--workflow-run-id', [CompletionResultType]::ParameterName, 'Workflow run id (one value)')
            [CompletionResult]::new('--workflow-created-at', '--workflow-created-at', [CompletionResultType]::ParameterName, 'Creation time of the workflow run, epoch ms or RFC 3339')
            [CompletionResult]::new('--callback-state', '--callback-state', [CompletionResultType]::ParameterName, 'State of the failure callback')
            [CompletionResult]::new('--flow-control-key', '--flow-control-key', [CompletionResultType]::ParameterName, 'Flow control key')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--workflow', '--workflow', [CompletionResultType]::ParameterName, 'List failed workflow runs instead of QStash messages')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Follow every cursor to the end (streamed: memory stays flat)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;ls' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Stop after N entries')
            [CompletionResult]::new('--cursor', '--cursor', [CompletionResultType]::ParameterName, 'Start at this cursor (from a previous page)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Print entries as they land, polling every INTERVAL (default 10s), until Ctrl-C (or --limit new entries); those already there are counted, not printed')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label')
            [CompletionResult]::new('--caller-ip', '--caller-ip', [CompletionResultType]::ParameterName, 'IP address of the publisher')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Destination URL')
            [CompletionResult]::new('--url-group', '--url-group', [CompletionResultType]::ParameterName, 'URL group, also called topic')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queue name')
            [CompletionResult]::new('--schedule', '--schedule', [CompletionResultType]::ParameterName, 'Schedule id')
            [CompletionResult]::new('--message-id', '--message-id', [CompletionResultType]::ParameterName, 'Message id (one value)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504')
            [CompletionResult]::new('--workflow-url', '--workflow-url', [CompletionResultType]::ParameterName, 'Workflow URL')
            [CompletionResult]::new('--workflow-run-id', '--workflow-run-id', [CompletionResultType]::ParameterName, 'Workflow run id (one value)')
            [CompletionResult]::new('--workflow-created-at', '--workflow-created-at', [CompletionResultType]::ParameterName, 'Creation time of the workflow run, epoch ms or RFC 3339')
            [CompletionResult]::new('--callback-state', '--callback-state', [CompletionResultType]::ParameterName, 'State of the failure callback')
            [CompletionResult]::new('--flow-control-key', '--flow-control-key', [CompletionResultType]::ParameterName, 'Flow control key')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--workflow', '--workflow', [CompletionResultType]::ParameterName, 'List failed workflow runs instead of QStash messages')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Follow every cursor to the end (streamed: memory stays flat)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;get' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--workflow', '--workflow', [CompletionResultType]::ParameterName, 'Look only among failed workflow runs')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;retry' {
            [CompletionResult]::new('--ids-from', '--ids-from', [CompletionResultType]::ParameterName, 'Read ids from a file: one id a line, or the NDJSON of `list -o ndjson` / `export`')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Act on the first N entries that match the filters')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label')
            [CompletionResult]::new('--caller-ip', '--caller-ip', [CompletionResultType]::ParameterName, 'IP address of the publisher')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Destination URL')
            [CompletionResult]::new('--url-group', '--url-group', [CompletionResultType]::ParameterName, 'URL group, also called topic')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queue name')
            [CompletionResult]::new('--schedule', '--schedule', [CompletionResultType]::ParameterName, 'Schedule id')
            [CompletionResult]::new('--message-id', '--message-id', [CompletionResultType]::ParameterName, 'Message id (one value)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504')
            [CompletionResult]::new('--match-flow-control-key', '--match-flow-control-key', [CompletionResultType]::ParameterName, 'Flow control key (a filter; --flow-control-key sets a new key)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Number of delivery retries (Upstash-Retries)')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Delay before the next delivery, like 10s or 5m (Upstash-Delay)')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'Retry delay expression, like "1000 * pow(2, retried)" (Upstash-Retry-Delay)')
            [CompletionResult]::new('--flow-control-key', '--flow-control-key', [CompletionResultType]::ParameterName, 'New flow control key (Upstash-Flow-Control-Key); needs --parallelism, --rate or --period')
            [CompletionResult]::new('--parallelism', '--parallelism', [CompletionResultType]::ParameterName, 'Flow control: deliveries in flight at once')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Flow control: deliveries per period')
            [CompletionResult]::new('--period', '--period', [CompletionResultType]::ParameterName, 'Flow control: the period of --rate, like 1s, 1m, 1h')
            [CompletionResult]::new('--set-label', '--set-label', [CompletionResultType]::ParameterName, 'Replace the labels, comma-separated (Upstash-Label)')
            [CompletionResult]::new('--failure-callback', '--failure-callback', [CompletionResultType]::ParameterName, 'New failure callback URL (Upstash-Failure-Callback)')
            [CompletionResult]::new('--callback', '--callback', [CompletionResultType]::ParameterName, 'New callback URL (Upstash-Callback)')
            [CompletionResult]::new('--delivery-timeout', '--delivery-timeout', [CompletionResultType]::ParameterName, 'Timeout of each delivery attempt, like 30s (Upstash-Timeout)')
            [CompletionResult]::new('--method', '--method', [CompletionResultType]::ParameterName, 'HTTP method of the delivery (Upstash-Method)')
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'Refuse to act when the plan holds more than N entries')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Most requests in flight at once, 1 to 64 [default: adapts between 1 and 32: more while replies are fast and clean, fewer when the server throttles]')
            [CompletionResult]::new('--rps', '--rps', [CompletionResultType]::ParameterName, 'At most this many requests a second, like 10 or 0.5')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Write one JSON line per entry (dlqId, outcome, new id, error) to a new FILE; with --continue, an existing report of the job is appended to')
            [CompletionResult]::new('--continue', '--continue', [CompletionResultType]::ParameterName, 'Continue an interrupted run by its job id (see `dlq jobs`); does exactly what is left, on the server and with the settings the job recorded')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'After acting, follow every new message or run until it is delivered or failed again (back in the DLQ), waiting up to WAIT [default: 2m]; exit 3 if any failed again')
            [CompletionResult]::new('--canary', '--canary', [CompletionResultType]::ParameterName, 'Act on N entries first (or P% of the plan), spread across its url or workflow-url groups; verify them, and go on with the rest only if enough were delivered')
            [CompletionResult]::new('--canary-threshold', '--canary-threshold', [CompletionResultType]::ParameterName, 'Share of the canary that must be delivered to go on, like 90% [default: 100%]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Act on every entry that matches the filters (the whole DLQ without filters)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan and stop; nothing is changed')
            [CompletionResult]::new('--server-side', '--server-side', [CompletionResultType]::ParameterName, 'Skip the plan: drive the API''s own filter-and-cursor bulk call (fewest requests, no preview)')
            [CompletionResult]::new('--past-canary', '--past-canary', [CompletionResultType]::ParameterName, 'With --continue: go on with a job whose canary did not pass')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;delete' {
            [CompletionResult]::new('--ids-from', '--ids-from', [CompletionResultType]::ParameterName, 'Read ids from a file: one id a line, or the NDJSON of `list -o ndjson` / `export`')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Act on the first N entries that match the filters')
            [CompletionResult]::new('--backup', '--backup', [CompletionResultType]::ParameterName, 'Write every planned entry to FILE (NDJSON, as `export`; a new file, mode 0600) and sync it before deleting anything; if it cannot be written, nothing is deleted')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label')
            [CompletionResult]::new('--caller-ip', '--caller-ip', [CompletionResultType]::ParameterName, 'IP address of the publisher')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Destination URL')
            [CompletionResult]::new('--url-group', '--url-group', [CompletionResultType]::ParameterName, 'URL group, also called topic')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queue name')
            [CompletionResult]::new('--schedule', '--schedule', [CompletionResultType]::ParameterName, 'Schedule id')
            [CompletionResult]::new('--message-id', '--message-id', [CompletionResultType]::ParameterName, 'Message id (one value)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504')
            [CompletionResult]::new('--workflow-url', '--workflow-url', [CompletionResultType]::ParameterName, 'Workflow URL')
            [CompletionResult]::new('--workflow-run-id', '--workflow-run-id', [CompletionResultType]::ParameterName, 'Workflow run id (one value)')
            [CompletionResult]::new('--workflow-created-at', '--workflow-created-at', [CompletionResultType]::ParameterName, 'Creation time of the workflow run, epoch ms or RFC 3339')
            [CompletionResult]::new('--callback-state', '--callback-state', [CompletionResultType]::ParameterName, 'State of the failure callback')
            [CompletionResult]::new('--match-flow-control-key', '--match-flow-control-key', [CompletionResultType]::ParameterName, 'Flow control key (a filter; --flow-control-key sets a new key)')
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'Refuse to act when the plan holds more than N entries')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Most requests in flight at once, 1 to 64 [default: adapts between 1 and 32: more while replies are fast and clean, fewer when the server throttles]')
            [CompletionResult]::new('--rps', '--rps', [CompletionResultType]::ParameterName, 'At most this many requests a second, like 10 or 0.5')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Write one JSON line per entry (dlqId, outcome, new id, error) to a new FILE; with --continue, an existing report of the job is appended to')
            [CompletionResult]::new('--continue', '--continue', [CompletionResultType]::ParameterName, 'Continue an interrupted run by its job id (see `dlq jobs`); does exactly what is left, on the server and with the settings the job recorded')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Act on every entry that matches the filters (the whole DLQ without filters)')
            [CompletionResult]::new('--workflow', '--workflow', [CompletionResultType]::ParameterName, 'Failed workflow runs: filters select them, and ids are looked up only among them')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan and stop; nothing is changed')
            [CompletionResult]::new('--server-side', '--server-side', [CompletionResultType]::ParameterName, 'Skip the plan: drive the API''s own filter-and-cursor bulk call (fewest requests, no preview)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;rm' {
            [CompletionResult]::new('--ids-from', '--ids-from', [CompletionResultType]::ParameterName, 'Read ids from a file: one id a line, or the NDJSON of `list -o ndjson` / `export`')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Act on the first N entries that match the filters')
            [CompletionResult]::new('--backup', '--backup', [CompletionResultType]::ParameterName, 'Write every planned entry to FILE (NDJSON, as `export`; a new file, mode 0600) and sync it before deleting anything; if it cannot be written, nothing is deleted')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label')
            [CompletionResult]::new('--caller-ip', '--caller-ip', [CompletionResultType]::ParameterName, 'IP address of the publisher')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Destination URL')
            [CompletionResult]::new('--url-group', '--url-group', [CompletionResultType]::ParameterName, 'URL group, also called topic')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queue name')
            [CompletionResult]::new('--schedule', '--schedule', [CompletionResultType]::ParameterName, 'Schedule id')
            [CompletionResult]::new('--message-id', '--message-id', [CompletionResultType]::ParameterName, 'Message id (one value)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504')
            [CompletionResult]::new('--workflow-url', '--workflow-url', [CompletionResultType]::ParameterName, 'Workflow URL')
            [CompletionResult]::new('--workflow-run-id', '--workflow-run-id', [CompletionResultType]::ParameterName, 'Workflow run id (one value)')
            [CompletionResult]::new('--workflow-created-at', '--workflow-created-at', [CompletionResultType]::ParameterName, 'Creation time of the workflow run, epoch ms or RFC 3339')
            [CompletionResult]::new('--callback-state', '--callback-state', [CompletionResultType]::ParameterName, 'State of the failure callback')
            [CompletionResult]::new('--match-flow-control-key', '--match-flow-control-key', [CompletionResultType]::ParameterName, 'Flow control key (a filter; --flow-control-key sets a new key)')
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'Refuse to act when the plan holds more than N entries')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Most requests in flight at once, 1 to 64 [default: adapts between 1 and 32: more while replies are fast and clean, fewer when the server throttles]')
            [CompletionResult]::new('--rps', '--rps', [CompletionResultType]::ParameterName, 'At most this many requests a second, like 10 or 0.5')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Write one JSON line per entry (dlqId, outcome, new id, error) to a new FILE; with --continue, an existing report of the job is appended to')
            [CompletionResult]::new('--continue', '--continue', [CompletionResultType]::ParameterName, 'Continue an interrupted run by its job id (see `dlq jobs`); does exactly what is left, on the server and with the settings the job recorded')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Act on every entry that matches the filters (the whole DLQ without filters)')
            [CompletionResult]::new('--workflow', '--workflow', [CompletionResultType]::ParameterName, 'Failed workflow runs: filters select them, and ids are looked up only among them')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan and stop; nothing is changed')
            [CompletionResult]::new('--server-side', '--server-side', [CompletionResultType]::ParameterName, 'Skip the plan: drive the API''s own filter-and-cursor bulk call (fewest requests, no preview)')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;resume' {
            [CompletionResult]::new('--ids-from', '--ids-from', [CompletionResultType]::ParameterName, 'Read ids from a file: one id a line, or the NDJSON of `list -o ndjson` / `export`')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Act on the first N entries that match the filters')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label')
            [CompletionResult]::new('--caller-ip', '--caller-ip', [CompletionResultType]::ParameterName, 'IP address of the publisher')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m')
            [CompletionResult]::new('--workflow-url', '--workflow-url', [CompletionResultType]::ParameterName, 'Workflow URL')
            [CompletionResult]::new('--workflow-run-id', '--workflow-run-id', [CompletionResultType]::ParameterName, 'Workflow run id (one value)')
            [CompletionResult]::new('--workflow-created-at', '--workflow-created-at', [CompletionResultType]::ParameterName, 'Creation time of the workflow run, epoch ms or RFC 3339')
            [CompletionResult]::new('--callback-state', '--callback-state', [CompletionResultType]::ParameterName, 'State of the failure callback')
            [CompletionResult]::new('--match-flow-control-key', '--match-flow-control-key', [CompletionResultType]::ParameterName, 'Flow control key (a filter; --flow-control-key sets a new key)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Number of delivery retries (Upstash-Retries)')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Delay before the next delivery, like 10s or 5m (Upstash-Delay)')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'Retry delay expression, like "1000 * pow(2, retried)" (Upstash-Retry-Delay)')
            [CompletionResult]::new('--flow-control-key', '--flow-control-key', [CompletionResultType]::ParameterName, 'New flow control key (Upstash-Flow-Control-Key); needs --parallelism, --rate or --period')
            [CompletionResult]::new('--parallelism', '--parallelism', [CompletionResultType]::ParameterName, 'Flow control: deliveries in flight at once')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Flow control: deliveries per period')
            [CompletionResult]::new('--period', '--period', [CompletionResultType]::ParameterName, 'Flow control: the period of --rate, like 1s, 1m, 1h')
            [CompletionResult]::new('--set-label', '--set-label', [CompletionResultType]::ParameterName, 'Replace the labels, comma-separated (Upstash-Label)')
            [CompletionResult]::new('--failure-callback', '--failure-callback', [CompletionResultType]::ParameterName, 'New failure callback URL (Upstash-Failure-Callback)')
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'Refuse to act when the plan holds more than N entries')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Most requests in flight at once, 1 to 64 [default: adapts between 1 and 32: more while replies are fast and clean, fewer when the server throttles]')
            [CompletionResult]::new('--rps', '--rps', [CompletionResultType]::ParameterName, 'At most this many requests a second, like 10 or 0.5')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Write one JSON line per entry (dlqId, outcome, new id, error) to a new FILE; with --continue, an existing report of the job is appended to')
            [CompletionResult]::new('--continue', '--continue', [CompletionResultType]::ParameterName, 'Continue an interrupted run by its job id (see `dlq jobs`); does exactly what is left, on the server and with the settings the job recorded')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'After acting, follow every new message or run until it is delivered or failed again (back in the DLQ), waiting up to WAIT [default: 2m]; exit 3 if any failed again')
            [CompletionResult]::new('--canary', '--canary', [CompletionResultType]::ParameterName, 'Act on N entries first (or P% of the plan), spread across its url or workflow-url groups; verify them, and go on with the rest only if enough were delivered')
            [CompletionResult]::new('--canary-threshold', '--canary-threshold', [CompletionResultType]::ParameterName, 'Share of the canary that must be delivered to go on, like 90% [default: 100%]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Act on every entry that matches the filters (the whole DLQ without filters)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan and stop; nothing is changed')
            [CompletionResult]::new('--server-side', '--server-side', [CompletionResultType]::ParameterName, 'Skip the plan: drive the API''s own filter-and-cursor bulk call (fewest requests, no preview)')
            [CompletionResult]::new('--past-canary', '--past-canary', [CompletionResultType]::ParameterName, 'With --continue: go on with a job whose canary did not pass')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;restart' {
            [CompletionResult]::new('--ids-from', '--ids-from', [CompletionResultType]::ParameterName, 'Read ids from a file: one id a line, or the NDJSON of `list -o ndjson` / `export`')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Act on the first N entries that match the filters')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label')
            [CompletionResult]::new('--caller-ip', '--caller-ip', [CompletionResultType]::ParameterName, 'IP address of the publisher')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m')
            [CompletionResult]::new('--workflow-url', '--workflow-url', [CompletionResultType]::ParameterName, 'Workflow URL')
            [CompletionResult]::new('--workflow-run-id', '--workflow-run-id', [CompletionResultType]::ParameterName, 'Workflow run id (one value)')
            [CompletionResult]::new('--workflow-created-at', '--workflow-created-at', [CompletionResultType]::ParameterName, 'Creation time of the workflow run, epoch ms or RFC 3339')
            [CompletionResult]::new('--callback-state', '--callback-state', [CompletionResultType]::ParameterName, 'State of the failure callback')
            [CompletionResult]::new('--match-flow-control-key', '--match-flow-control-key', [CompletionResultType]::ParameterName, 'Flow control key (a filter; --flow-control-key sets a new key)')
            [CompletionResult]::new('--retries', '--retries', [CompletionResultType]::ParameterName, 'Number of delivery retries (Upstash-Retries)')
            [CompletionResult]::new('--delay', '--delay', [CompletionResultType]::ParameterName, 'Delay before the next delivery, like 10s or 5m (Upstash-Delay)')
            [CompletionResult]::new('--retry-delay', '--retry-delay', [CompletionResultType]::ParameterName, 'Retry delay expression, like "1000 * pow(2, retried)" (Upstash-Retry-Delay)')
            [CompletionResult]::new('--flow-control-key', '--flow-control-key', [CompletionResultType]::ParameterName, 'New flow control key (Upstash-Flow-Control-Key); needs --parallelism, --rate or --period')
            [CompletionResult]::new('--parallelism', '--parallelism', [CompletionResultType]::ParameterName, 'Flow control: deliveries in flight at once')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Flow control: deliveries per period')
            [CompletionResult]::new('--period', '--period', [CompletionResultType]::ParameterName, 'Flow control: the period of --rate, like 1s, 1m, 1h')
            [CompletionResult]::new('--set-label', '--set-label', [CompletionResultType]::ParameterName, 'Replace the labels, comma-separated (Upstash-Label)')
            [CompletionResult]::new('--failure-callback', '--failure-callback', [CompletionResultType]::ParameterName, 'New failure callback URL (Upstash-Failure-Callback)')
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'Refuse to act when the plan holds more than N entries')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Most requests in flight at once, 1 to 64 [default: adapts between 1 and 32: more while replies are fast and clean, fewer when the server throttles]')
            [CompletionResult]::new('--rps', '--rps', [CompletionResultType]::ParameterName, 'At most this many requests a second, like 10 or 0.5')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Write one JSON line per entry (dlqId, outcome, new id, error) to a new FILE; with --continue, an existing report of the job is appended to')
            [CompletionResult]::new('--continue', '--continue', [CompletionResultType]::ParameterName, 'Continue an interrupted run by its job id (see `dlq jobs`); does exactly what is left, on the server and with the settings the job recorded')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'After acting, follow every new message or run until it is delivered or failed again (back in the DLQ), waiting up to WAIT [default: 2m]; exit 3 if any failed again')
            [CompletionResult]::new('--canary', '--canary', [CompletionResultType]::ParameterName, 'Act on N entries first (or P% of the plan), spread across its url or workflow-url groups; verify them, and go on with the rest only if enough were delivered')
            [CompletionResult]::new('--canary-threshold', '--canary-threshold', [CompletionResultType]::ParameterName, 'Share of the canary that must be delivered to go on, like 90% [default: 100%]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Act on every entry that matches the filters (the whole DLQ without filters)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan and stop; nothing is changed')
            [CompletionResult]::new('--server-side', '--server-side', [CompletionResultType]::ParameterName, 'Skip the plan: drive the API''s own filter-and-cursor bulk call (fewest requests, no preview)')
            [CompletionResult]::new('--past-canary', '--past-canary', [CompletionResultType]::ParameterName, 'With --continue: go on with a job whose canary did not pass')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;callback' {
            [CompletionResult]::new('--ids-from', '--ids-from', [CompletionResultType]::ParameterName, 'Read ids from a file: one id a line, or the NDJSON of `list -o ndjson` / `export`')
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'Act on the first N entries that match the filters')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label')
            [CompletionResult]::new('--caller-ip', '--caller-ip', [CompletionResultType]::ParameterName, 'IP address of the publisher')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m')
            [CompletionResult]::new('--workflow-url', '--workflow-url', [CompletionResultType]::ParameterName, 'Workflow URL')
            [CompletionResult]::new('--workflow-run-id', '--workflow-run-id', [CompletionResultType]::ParameterName, 'Workflow run id (one value)')
            [CompletionResult]::new('--workflow-created-at', '--workflow-created-at', [CompletionResultType]::ParameterName, 'Creation time of the workflow run, epoch ms or RFC 3339')
            [CompletionResult]::new('--callback-state', '--callback-state', [CompletionResultType]::ParameterName, 'State of the failure callback')
            [CompletionResult]::new('--match-flow-control-key', '--match-flow-control-key', [CompletionResultType]::ParameterName, 'Flow control key (a filter; --flow-control-key sets a new key)')
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'Refuse to act when the plan holds more than N entries')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Most requests in flight at once, 1 to 64 [default: adapts between 1 and 32: more while replies are fast and clean, fewer when the server throttles]')
            [CompletionResult]::new('--rps', '--rps', [CompletionResultType]::ParameterName, 'At most this many requests a second, like 10 or 0.5')
            [CompletionResult]::new('--report', '--report', [CompletionResultType]::ParameterName, 'Write one JSON line per entry (dlqId, outcome, new id, error) to a new FILE; with --continue, an existing report of the job is appended to')
            [CompletionResult]::new('--continue', '--continue', [CompletionResultType]::ParameterName, 'Continue an interrupted run by its job id (see `dlq jobs`); does exactly what is left, on the server and with the settings the job recorded')
            [CompletionResult]::new('--verify', '--verify', [CompletionResultType]::ParameterName, 'After acting, follow every new message or run until it is delivered or failed again (back in the DLQ), waiting up to WAIT [default: 2m]; exit 3 if any failed again')
            [CompletionResult]::new('--canary', '--canary', [CompletionResultType]::ParameterName, 'Act on N entries first (or P% of the plan), spread across its url or workflow-url groups; verify them, and go on with the rest only if enough were delivered')
            [CompletionResult]::new('--canary-threshold', '--canary-threshold', [CompletionResultType]::ParameterName, 'Share of the canary that must be delivered to go on, like 90% [default: 100%]')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Act on every entry that matches the filters (the whole DLQ without filters)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print the plan and stop; nothing is changed')
            [CompletionResult]::new('--server-side', '--server-side', [CompletionResultType]::ParameterName, 'Skip the plan: drive the API''s own filter-and-cursor bulk call (fewest requests, no preview)')
            [CompletionResult]::new('--past-canary', '--past-canary', [CompletionResultType]::ParameterName, 'With --continue: go on with a job whose canary did not pass')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;stats' {
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Group by these keys, comma-separated')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'Show only the N largest groups (-o openmetrics: 100 by default, and the rest are folded into one series whose --by labels read __other__)')
            [CompletionResult]::new('--fail-above', '--fail-above', [CompletionResultType]::ParameterName, 'Exit 6 when more than N entries match (a CI gate on DLQ depth)')
            [CompletionResult]::new('--fail-older-than', '--fail-older-than', [CompletionResultType]::ParameterName, 'Exit 6 when the oldest matching entry has waited longer than DURATION, like 6h or 2d (a CI gate on DLQ age)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Read again every INTERVAL (default 10s) until Ctrl-C; at a terminal the table is redrawn in place with the time of the refresh and the change since the previous one')
            [CompletionResult]::new('--retention', '--retention', [CompletionResultType]::ParameterName, 'How long the DLQ keeps entries on your plan (free 3d, pay-as-you-go 7d, fixed up to 90d); entries within a day of it are called out')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label')
            [CompletionResult]::new('--caller-ip', '--caller-ip', [CompletionResultType]::ParameterName, 'IP address of the publisher')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Destination URL')
            [CompletionResult]::new('--url-group', '--url-group', [CompletionResultType]::ParameterName, 'URL group, also called topic')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queue name')
            [CompletionResult]::new('--schedule', '--schedule', [CompletionResultType]::ParameterName, 'Schedule id')
            [CompletionResult]::new('--message-id', '--message-id', [CompletionResultType]::ParameterName, 'Message id (one value)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504')
            [CompletionResult]::new('--workflow-url', '--workflow-url', [CompletionResultType]::ParameterName, 'Workflow URL')
            [CompletionResult]::new('--workflow-run-id', '--workflow-run-id', [CompletionResultType]::ParameterName, 'Workflow run id (one value)')
            [CompletionResult]::new('--workflow-created-at', '--workflow-created-at', [CompletionResultType]::ParameterName, 'Creation time of the workflow run, epoch ms or RFC 3339')
            [CompletionResult]::new('--callback-state', '--callback-state', [CompletionResultType]::ParameterName, 'State of the failure callback')
            [CompletionResult]::new('--flow-control-key', '--flow-control-key', [CompletionResultType]::ParameterName, 'Flow control key')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--workflow', '--workflow', [CompletionResultType]::ParameterName, 'Count failed workflow runs instead of QStash messages')
            [CompletionResult]::new('--total', '--total', [CompletionResultType]::ParameterName, 'Print only the number of matching entries')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;exporter' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Address to serve /metrics on (plain HTTP)')
            [CompletionResult]::new('--interval', '--interval', [CompletionResultType]::ParameterName, 'How often to read the DLQs')
            [CompletionResult]::new('--dlq', '--dlq', [CompletionResultType]::ParameterName, 'Which DLQ to read: qstash, workflow or both')
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Group by these keys, comma-separated (one label each)')
            [CompletionResult]::new('--top', '--top', [CompletionResultType]::ParameterName, 'Series per DLQ at most: the largest N groups, the rest folded into one whose labels read __other__ [default: 100]')
            [CompletionResult]::new('--retention', '--retention', [CompletionResultType]::ParameterName, 'How long the DLQ keeps entries on your plan; entries within a day of it count as expiring')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label')
            [CompletionResult]::new('--caller-ip', '--caller-ip', [CompletionResultType]::ParameterName, 'IP address of the publisher')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Destination URL')
            [CompletionResult]::new('--url-group', '--url-group', [CompletionResultType]::ParameterName, 'URL group, also called topic')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queue name')
            [CompletionResult]::new('--schedule', '--schedule', [CompletionResultType]::ParameterName, 'Schedule id')
            [CompletionResult]::new('--message-id', '--message-id', [CompletionResultType]::ParameterName, 'Message id (one value)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504')
            [CompletionResult]::new('--workflow-url', '--workflow-url', [CompletionResultType]::ParameterName, 'Workflow URL')
            [CompletionResult]::new('--workflow-run-id', '--workflow-run-id', [CompletionResultType]::ParameterName, 'Workflow run id (one value)')
            [CompletionResult]::new('--workflow-created-at', '--workflow-created-at', [CompletionResultType]::ParameterName, 'Creation time of the workflow run, epoch ms or RFC 3339')
            [CompletionResult]::new('--callback-state', '--callback-state', [CompletionResultType]::ParameterName, 'State of the failure callback')
            [CompletionResult]::new('--flow-control-key', '--flow-control-key', [CompletionResultType]::ParameterName, 'Flow control key')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;export' {
            [CompletionResult]::new('--limit', '--limit', [CompletionResultType]::ParameterName, 'The first N matching entries')
            [CompletionResult]::new('--output-file', '--output-file', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout (replaced only once the export is complete)')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label')
            [CompletionResult]::new('--caller-ip', '--caller-ip', [CompletionResultType]::ParameterName, 'IP address of the publisher')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Destination URL')
            [CompletionResult]::new('--url-group', '--url-group', [CompletionResultType]::ParameterName, 'URL group, also called topic')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queue name')
            [CompletionResult]::new('--schedule', '--schedule', [CompletionResultType]::ParameterName, 'Schedule id')
            [CompletionResult]::new('--message-id', '--message-id', [CompletionResultType]::ParameterName, 'Message id (one value)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504')
            [CompletionResult]::new('--workflow-url', '--workflow-url', [CompletionResultType]::ParameterName, 'Workflow URL')
            [CompletionResult]::new('--workflow-run-id', '--workflow-run-id', [CompletionResultType]::ParameterName, 'Workflow run id (one value)')
            [CompletionResult]::new('--workflow-created-at', '--workflow-created-at', [CompletionResultType]::ParameterName, 'Creation time of the workflow run, epoch ms or RFC 3339')
            [CompletionResult]::new('--callback-state', '--callback-state', [CompletionResultType]::ParameterName, 'State of the failure callback')
            [CompletionResult]::new('--flow-control-key', '--flow-control-key', [CompletionResultType]::ParameterName, 'Flow control key')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--workflow', '--workflow', [CompletionResultType]::ParameterName, 'Export failed workflow runs instead of QStash messages')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every matching entry')
            [CompletionResult]::new('--redact-bodies', '--redact-bodies', [CompletionResultType]::ParameterName, 'Replace bodies with their size and blank credential headers (Authorization, Cookie...), for data that must not leave the machine')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;triage' {
            [CompletionResult]::new('--by', '--by', [CompletionResultType]::ParameterName, 'Group by these keys, comma-separated [default: url,status; with --workflow: workflow-url,callback-state]')
            [CompletionResult]::new('--retention', '--retention', [CompletionResultType]::ParameterName, 'How long the DLQ keeps entries on your plan; entries about to expire are called out')
            [CompletionResult]::new('--label', '--label', [CompletionResultType]::ParameterName, 'Label')
            [CompletionResult]::new('--caller-ip', '--caller-ip', [CompletionResultType]::ParameterName, 'IP address of the publisher')
            [CompletionResult]::new('--from', '--from', [CompletionResultType]::ParameterName, 'Entered the DLQ at or after: RFC 3339, epoch ms, or relative like 2h, 7d')
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'Entered the DLQ at or before: RFC 3339, epoch ms, or relative like 30m')
            [CompletionResult]::new('--url', '--url', [CompletionResultType]::ParameterName, 'Destination URL')
            [CompletionResult]::new('--url-group', '--url-group', [CompletionResultType]::ParameterName, 'URL group, also called topic')
            [CompletionResult]::new('--queue', '--queue', [CompletionResultType]::ParameterName, 'Queue name')
            [CompletionResult]::new('--schedule', '--schedule', [CompletionResultType]::ParameterName, 'Schedule id')
            [CompletionResult]::new('--message-id', '--message-id', [CompletionResultType]::ParameterName, 'Message id (one value)')
            [CompletionResult]::new('--status', '--status', [CompletionResultType]::ParameterName, 'Response status of the last attempt: 500, a class like 5xx, or a range like 500-504')
            [CompletionResult]::new('--workflow-url', '--workflow-url', [CompletionResultType]::ParameterName, 'Workflow URL')
            [CompletionResult]::new('--workflow-run-id', '--workflow-run-id', [CompletionResultType]::ParameterName, 'Workflow run id (one value)')
            [CompletionResult]::new('--workflow-created-at', '--workflow-created-at', [CompletionResultType]::ParameterName, 'Creation time of the workflow run, epoch ms or RFC 3339')
            [CompletionResult]::new('--callback-state', '--callback-state', [CompletionResultType]::ParameterName, 'State of the failure callback')
            [CompletionResult]::new('--flow-control-key', '--flow-control-key', [CompletionResultType]::ParameterName, 'Flow control key')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--workflow', '--workflow', [CompletionResultType]::ParameterName, 'Failed workflow runs instead of QStash messages')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;jobs' {
            [CompletionResult]::new('--retention', '--retention', [CompletionResultType]::ParameterName, 'How long the DLQ keeps entries on your plan; older jobs are flagged, since what they left may have expired')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the jobs, newest first (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one job: its target, plan, outcomes and how to continue it')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Remove jobs from this machine''s journals (never one that is running)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dlq;jobs;list' {
            [CompletionResult]::new('--retention', '--retention', [CompletionResultType]::ParameterName, 'How long the DLQ keeps entries on your plan; older jobs are flagged, since what they left may have expired')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;jobs;show' {
            [CompletionResult]::new('--retention', '--retention', [CompletionResultType]::ParameterName, 'How long the DLQ keeps entries on your plan; older jobs are flagged, since what they left may have expired')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;jobs;forget' {
            [CompletionResult]::new('--older-than', '--older-than', [CompletionResultType]::ParameterName, 'Every job started longer ago than this, like 30d')
            [CompletionResult]::new('--retention', '--retention', [CompletionResultType]::ParameterName, 'How long the DLQ keeps entries on your plan; older jobs are flagged, since what they left may have expired')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;jobs;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the jobs, newest first (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one job: its target, plan, outcomes and how to continue it')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Remove jobs from this machine''s journals (never one that is running)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dlq;jobs;help;list' {
            break
        }
        'dlq;jobs;help;show' {
            break
        }
        'dlq;jobs;help;forget' {
            break
        }
        'dlq;jobs;help;help' {
            break
        }
        'dlq;verify' {
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'How long to wait for outcomes that are not final yet')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;sandbox' {
            [CompletionResult]::new('--port', '--port', [CompletionResultType]::ParameterName, 'Port on 127.0.0.1; 0 picks a free one')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Keep the state in FILE across restarts (loaded if it exists; --seed and --fixture then do nothing)')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed N QStash DLQ messages and N failed workflow runs [default: 100, or 0 with --fixture]')
            [CompletionResult]::new('--seed-rng', '--seed-rng', [CompletionResultType]::ParameterName, 'Seed of the generator: the same entries every time (random otherwise)')
            [CompletionResult]::new('--fixture', '--fixture', [CompletionResultType]::ParameterName, 'Load entries from an NDJSON file as `dlq export` writes it (repeatable)')
            [CompletionResult]::new('--latency', '--latency', [CompletionResultType]::ParameterName, 'Delay every API response by MS milliseconds')
            [CompletionResult]::new('--fault-rate', '--fault-rate', [CompletionResultType]::ParameterName, 'Probability (0 to 1) that an API request gets a fault from --faults (publish, enqueue and batch too); mutations get it before the change or after it (the change happens, the reply is lost)')
            [CompletionResult]::new('--faults', '--faults', [CompletionResultType]::ParameterName, 'Faults to inject: HTTP statuses (429 comes with rate-limit headers), `reset` (drop the connection) and `timeout` (no answer for --fault-stall-ms, then drop)')
            [CompletionResult]::new('--fault-stall-ms', '--fault-stall-ms', [CompletionResultType]::ParameterName, 'How long a `timeout` fault stalls before dropping the connection')
            [CompletionResult]::new('--rate-limit', '--rate-limit', [CompletionResultType]::ParameterName, 'Limit the API to RPS requests a second (bursts up to BURST, default RPS), as QStash''s burst limit does: 429 with Burst-RateLimit-* headers once spent; replies that pass carry the headers too. Publish, enqueue and batch are exempt')
            [CompletionResult]::new('--workflow-bulk-cap', '--workflow-bulk-cap', [CompletionResultType]::ParameterName, 'Most workflow runs one bulk resume, restart or delete handles in filter mode; the cursor continues')
            [CompletionResult]::new('--delivery-backoff-ms', '--delivery-backoff-ms', [CompletionResultType]::ParameterName, 'Pause between delivery attempts of messages and runs (times the attempt)')
            [CompletionResult]::new('--simulate', '--simulate', [CompletionResultType]::ParameterName, 'How destinations the sandbox does not contact answer (repeatable; the first rule whose PATTERN matches the URL wins; * matches anything). OUTCOME is ok, an HTTP status 400-599, flaky:P (each attempt fails with probability P, answering 500) or timeout (no answer within the message''s Upstash-Timeout, else 15s)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Start the persistent state of `dlq --sandbox` afresh: new entries and a new token')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dlq;sandbox;reset' {
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Seed N QStash DLQ messages and N failed workflow runs')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;sandbox;help' {
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Start the persistent state of `dlq --sandbox` afresh: new entries and a new token')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dlq;sandbox;help;reset' {
            break
        }
        'dlq;sandbox;help;help' {
            break
        }
        'dlq;config' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the resolved settings and where each came from (the token is masked)')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of the config file')
            [CompletionResult]::new('set-token', 'set-token', [CompletionResultType]::ParameterValue, 'Store a token in a profile, read from standard input or a hidden prompt')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make PROFILE the one used by default')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles of the config file')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a profile')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dlq;config;show' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;config;path' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;config;set-token' {
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL to store with it, e.g. https://qstash-us-east-1.upstash.io')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;config;use' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;config;list' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;config;unset' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;config;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the resolved settings and where each came from (the token is masked)')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of the config file')
            [CompletionResult]::new('set-token', 'set-token', [CompletionResultType]::ParameterValue, 'Store a token in a profile, read from standard input or a hidden prompt')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make PROFILE the one used by default')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles of the config file')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a profile')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dlq;config;help;show' {
            break
        }
        'dlq;config;help;path' {
            break
        }
        'dlq;config;help;set-token' {
            break
        }
        'dlq;config;help;use' {
            break
        }
        'dlq;config;help;list' {
            break
        }
        'dlq;config;help;unset' {
            break
        }
        'dlq;config;help;help' {
            break
        }
        'dlq;completions' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;man' {
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'QStash token (prefer QSTASH_TOKEN or `dlq config`: flags end up in shell history)')
            [CompletionResult]::new('--base-url', '--base-url', [CompletionResultType]::ParameterName, 'Base URL of the QStash API [default: https://qstash.upstash.io]')
            [CompletionResult]::new('--env-file', '--env-file', [CompletionResultType]::ParameterName, 'Read QSTASH_TOKEN, QSTASH_URL and friends from a dotenv file (the environment wins)')
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile of the config file to use (also DLQ_PROFILE); its token and URL win over QSTASH_TOKEN and QSTASH_URL')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: table, json, ndjson, ids, or openmetrics (stats) [default: table on a terminal, tab-separated text otherwise]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colour')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Timeout of each HTTP request, like 30s or 2m')
            [CompletionResult]::new('--sandbox', '--sandbox', [CompletionResultType]::ParameterName, 'Run against a local seeded sandbox instead of Upstash (no account needed)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only data and errors: no progress, no summaries')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Say more on stderr: where each setting came from, retries and waits')
            [CompletionResult]::new('--debug', '--debug', [CompletionResultType]::ParameterName, 'Log each HTTP exchange to stderr: full URL, status, time (never the token); implies -v')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Answer yes to confirmation prompts (needed for mutations without a terminal)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; fail instead where a prompt would be needed')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'dlq;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List DLQ entries (QStash messages, or failed workflow runs with --workflow)')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Show everything about one DLQ entry')
            [CompletionResult]::new('retry', 'retry', [CompletionResultType]::ParameterValue, 'Retry QStash messages: deliver them again and remove them from the DLQ')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete entries from the DLQ for good')
            [CompletionResult]::new('resume', 'resume', [CompletionResultType]::ParameterValue, 'Resume failed workflow runs from the failed step')
            [CompletionResult]::new('restart', 'restart', [CompletionResultType]::ParameterValue, 'Restart failed workflow runs from the beginning')
            [CompletionResult]::new('callback', 'callback', [CompletionResultType]::ParameterValue, 'Re-run the failure callback of workflow runs whose callback failed')
            [CompletionResult]::new('stats', 'stats', [CompletionResultType]::ParameterValue, 'Group the DLQ and count: what fails, where, since when')
            [CompletionResult]::new('exporter', 'exporter', [CompletionResultType]::ParameterValue, 'Serve the DLQs'' figures on /metrics for Prometheus, refreshed every --interval')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Write whole entries as NDJSON (the format `dlq sandbox --fixture` loads)')
            [CompletionResult]::new('triage', 'triage', [CompletionResultType]::ParameterValue, 'A guided session at the terminal: pick a failing group, look, act, repeat')
            [CompletionResult]::new('jobs', 'jobs', [CompletionResultType]::ParameterValue, 'Bulk runs: list them, show one, forget old ones')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'What became of a job''s entries: delivered, failed again, cancelled or pending')
            [CompletionResult]::new('sandbox', 'sandbox', [CompletionResultType]::ParameterValue, 'Serve a local QStash-compatible DLQ API to rehearse on and test against')
            [CompletionResult]::new('config', 'config', [CompletionResultType]::ParameterValue, 'Show and change settings: tokens, base URLs, profiles')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print the completion script for a shell')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write man pages into a directory (how the committed man/ is built)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'dlq;help;list' {
            break
        }
        'dlq;help;get' {
            break
        }
        'dlq;help;retry' {
            break
        }
        'dlq;help;delete' {
            break
        }
        'dlq;help;resume' {
            break
        }
        'dlq;help;restart' {
            break
        }
        'dlq;help;callback' {
            break
        }
        'dlq;help;stats' {
            break
        }
        'dlq;help;exporter' {
            break
        }
        'dlq;help;export' {
            break
        }
        'dlq;help;triage' {
            break
        }
        'dlq;help;jobs' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the jobs, newest first (the default)')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show one job: its target, plan, outcomes and how to continue it')
            [CompletionResult]::new('forget', 'forget', [CompletionResultType]::ParameterValue, 'Remove jobs from this machine''s journals (never one that is running)')
            break
        }
        'dlq;help;jobs;list' {
            break
        }
        'dlq;help;jobs;show' {
            break
        }
        'dlq;help;jobs;forget' {
            break
        }
        'dlq;help;verify' {
            break
        }
        'dlq;help;sandbox' {
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Start the persistent state of `dlq --sandbox` afresh: new entries and a new token')
            break
        }
        'dlq;help;sandbox;reset' {
            break
        }
        'dlq;help;config' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show the resolved settings and where each came from (the token is masked)')
            [CompletionResult]::new('path', 'path', [CompletionResultType]::ParameterValue, 'Print the path of the config file')
            [CompletionResult]::new('set-token', 'set-token', [CompletionResultType]::ParameterValue, 'Store a token in a profile, read from standard input or a hidden prompt')
            [CompletionResult]::new('use', 'use', [CompletionResultType]::ParameterValue, 'Make PROFILE the one used by default')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the profiles of the config file')
            [CompletionResult]::new('unset', 'unset', [CompletionResultType]::ParameterValue, 'Remove a profile')
            break
        }
        'dlq;help;config;show' {
            break
        }
        'dlq;help;config;path' {
            break
        }
        'dlq;help;config;set-token' {
            break
        }
        'dlq;help;config;use' {
            break
        }
        'dlq;help;config;list' {
            break
        }
        'dlq;help;config;unset' {
            break
        }
        'dlq;help;completions' {
            break
        }
        'dlq;help;man' {
            break
        }
        'dlq;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
