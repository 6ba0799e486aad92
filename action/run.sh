#!/usr/bin/env bash
# The logic of the seedform GitHub Action (action.yml): run one seedform
# command with -json in a configuration directory, write the Markdown
# report to the step summary, create or update one sticky pull-request
# comment for the directory, set the step's outputs, and exit as
# -detailed-exitcode says.
#
# Inputs, from the environment (action.yml maps its inputs to these):
#   SEEDFORM_DIR              configuration directory (default .)
#   SEEDFORM_COMMAND          plan (default), apply or report
#   SEEDFORM_ARGS             extra arguments, one per line
#   SEEDFORM_COMMENT          always, changes (default: when there are changes
#                             or errors, and to update an earlier comment) or never
#   SEEDFORM_FAIL_ON_CHANGES  true (default): a plan with changes fails the step
#   SEEDFORM_BIN              the seedform binary (default: seedform on PATH)
# and GitHub's: GITHUB_STEP_SUMMARY, GITHUB_OUTPUT, GITHUB_EVENT_NAME,
# GITHUB_EVENT_PATH, GITHUB_REPOSITORY, GITHUB_BASE_REF, RUNNER_TEMP, and
# GH_TOKEN for gh. Needs bash, jq and gh, as GitHub's runners have.
#
# Outputs: exitcode (seedform's: 0, 1, or 2 for changes), changes (true or
# false), cost_max (the plan's largest cost, when seedform reports one),
# html_report and artifact_name (the HTML report's folder, when written),
# comment_id.
set -uo pipefail

dir=${SEEDFORM_DIR:-.}
command=${SEEDFORM_COMMAND:-plan}
comment=${SEEDFORM_COMMENT:-changes}
fail_on_changes=${SEEDFORM_FAIL_ON_CHANGES:-true}
seedform=${SEEDFORM_BIN:-seedform}
tmp=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/seedform-action.XXXXXX")
: "${GITHUB_OUTPUT:?the action needs GITHUB_OUTPUT}"
: "${GITHUB_STEP_SUMMARY:?the action needs GITHUB_STEP_SUMMARY}"

fail() { echo "::error title=seedform action::$*" >&2; exit 1; }

case $command in plan | apply | report) ;; *) fail "command must be plan, apply or report, not \"$command\"" ;; esac
case $comment in always | changes | never) ;; *) fail "comment must be always, changes or never, not \"$comment\"" ;; esac
[ -d "$dir" ] || fail "working-directory \"$dir\" is not a directory"

# One argument per line, so that an address needs no shell quoting.
extra=()
while IFS= read -r line; do
  [ -n "$line" ] && extra+=("$line")
done <<<"${SEEDFORM_ARGS:-}"

export SEEDFORM_IN_AUTOMATION=1 NO_COLOR=1
sf() { "$seedform" -chdir="$dir" "$@"; }

# has_report tells whether this seedform has the review report command.
has_report() { sf report -h >/dev/null 2>&1; }

planfile=$tmp/seedform.plan
events=$tmp/events.jsonl
text=$tmp/text.txt
report=$tmp/report.md
rc=0
case $command in
plan)
  sf plan -input=false -detailed-exitcode -json -out="$planfile" ${extra[@]+"${extra[@]}"} >"$events" 2>"$tmp/stderr"
  rc=$?
  if [ $rc -ne 1 ]; then
    sf show -no-color "$planfile" >"$text" 2>>"$tmp/stderr"
  fi
  if [ $rc -ne 1 ] && has_report; then
    sf report -format=markdown -markdown-limit=60000 "$planfile" >"$report" 2>>"$tmp/stderr" || rm -f "$report"
    sf report -out="$tmp/html" "$planfile" >/dev/null 2>>"$tmp/stderr" || rm -rf "$tmp/html"
  fi
  ;;
apply)
  sf apply -input=false -auto-approve -json ${extra[@]+"${extra[@]}"} >"$events" 2>"$tmp/stderr"
  rc=$?
  if has_report && [ -n "${GITHUB_BASE_REF:-}" ]; then
    base=origin/$GITHUB_BASE_REF
    sf report -format=markdown -markdown-limit=60000 -base="$base" >"$report" 2>>"$tmp/stderr" || rm -f "$report"
    sf report -out="$tmp/html" -base="$base" >/dev/null 2>>"$tmp/stderr" || rm -rf "$tmp/html"
  fi
  ;;
report)
  has_report || fail "this seedform has no report command"
  sf report -format=markdown -markdown-limit=60000 ${extra[@]+"${extra[@]}"} >"$report" 2>"$tmp/stderr"
  rc=$?
  ;;
esac
cat "$tmp/stderr" >&2

# What the JSON lines say: the summary sentence, the largest cost, whether
# anything was applied (one jq, three lines), and, when there is no text
# rendering, the messages, diagnostics with their place and detail.
summary_line="" cost_max="" applied=false
if [ -s "$events" ]; then
  {
    IFS= read -r summary_line
    IFS= read -r cost_max
    IFS= read -r applied
  } < <(jq -rn '[inputs] as $all
    | ([$all[] | select(.type == "change_summary")] | last // {}) as $s
    | ($s."@message" // ""),
      ((($s.cost // $s.changes.cost // {}).max // "") | tostring),
      ([$all[] | select(.type == "apply_complete")] | length > 0)' "$events" 2>/dev/null)
  if [ ! -s "$text" ]; then
    jq -r 'if .type == "diagnostic" then
        (.diagnostic.severity // "error" | ascii_upcase[:1] + .[1:]) + ": " + (.diagnostic.summary // ."@message")
        + (.diagnostic.range // null | if . then "\n  on \(.filename) line \(.start.line)" else "" end)
        + (.diagnostic.detail // "" | if . != "" then "\n\n" + . + "\n" else "" end)
      else ."@message" // empty end' "$events" >"$text" 2>/dev/null
  fi
fi
changes=false
case $command in
plan) [ $rc -eq 2 ] && changes=true ;;
apply) [ "$applied" = true ] && changes=true ;;
esac

# fence returns a Markdown code fence longer than any run of backticks in
# the file, so that no prompt can close it.
fence() {
  local n
  n=$(grep -o '`\+' "$1" 2>/dev/null | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
  [ "$n" -lt 3 ] && n=2
  printf '%*s' $((n + 1)) '' | tr ' ' '`'
}

# body writes the Markdown shown in the summary and the comment; $1 is
# the most characters it may take.
body() {
  local limit=$1 status
  case $rc in
  0) status="succeeded" ;;
  2) status="has changes" ;;
  *) status="failed (exit $rc)" ;;
  esac
  {
    # shellcheck disable=SC2016 # the backticks are Markdown's
    printf '### seedform %s in `%s` %s\n\n' "$command" "$dir" "$status"
    [ -n "$summary_line" ] && printf '%s\n\n' "$summary_line"
    if [ -s "$report" ]; then
      cat "$report"
      printf '\n'
    else
      local f
      f=$(fence "$text")
      printf '<details><summary>Output</summary>\n\n%s\n' "$f"
      cat "$text"
      [ -s "$tmp/stderr" ] && cat "$tmp/stderr"
      printf '%s\n\n</details>\n' "$f"
    fi
  } >"$tmp/body.full"
  if [ "$(wc -c <"$tmp/body.full")" -le "$limit" ]; then
    cat "$tmp/body.full"
    return
  fi
  # Cut on a line, close the fence and the details when the text was
  # cut, and say where the rest is.
  head -c $((limit - 400)) "$tmp/body.full" | sed '$d'
  if [ ! -s "$report" ]; then
    printf '\n%s\n\n</details>\n' "$(fence "$text")"
  fi
  printf '\n_Cut to fit: the whole output is in the job log._\n'
}

# The step summary takes up to 1 MiB; a comment 65,536 characters (the
# report was asked for 60,000, leaving room for the heading).
body 1000000 >>"$GITHUB_STEP_SUMMARY"

# One sticky comment per configuration directory, found by its marker.
pr=""
case ${GITHUB_EVENT_NAME:-} in
pull_request | pull_request_target)
  pr=$(jq -r '.pull_request.number // empty' "${GITHUB_EVENT_PATH:-/dev/null}" 2>/dev/null)
  ;;
esac
comment_id=""
if [ -n "$pr" ] && [ "$comment" != never ]; then
  marker="<!-- seedform-action dir=$dir -->"
  api="repos/$GITHUB_REPOSITORY/issues"
  existing=$(gh api --paginate "$api/$pr/comments" |
    jq -r --arg m "$marker" '.[] | select(.body | startswith($m)) | .id' | head -n 1)
  if [ -n "$existing" ] || [ "$comment" = always ] || [ "$changes" = true ] || [ $rc -eq 1 ]; then
    { printf '%s\n' "$marker"; body 65000; } >"$tmp/comment.md"
    jq -n --rawfile body "$tmp/comment.md" '{body: $body}' >"$tmp/comment.json"
    if [ -n "$existing" ]; then
      gh api --method PATCH "$api/comments/$existing" --input "$tmp/comment.json" >/dev/null &&
        comment_id=$existing
    else
      comment_id=$(gh api --method POST "$api/$pr/comments" --input "$tmp/comment.json" --jq .id)
    fi
    [ -n "$comment_id" ] || echo "::warning title=seedform action::could not write the pull request comment" >&2
  fi
fi

html_report=""
artifact_name=""
if [ -d "$tmp/html" ]; then
  html_report=$tmp/html
  artifact_name=seedform-report-$(printf '%s' "$dir" | tr -c 'A-Za-z0-9._-' '-')
fi
{
  echo "exitcode=$rc"
  echo "changes=$changes"
  echo "cost_max=$cost_max"
  echo "html_report=$html_report"
  echo "artifact_name=$artifact_name"
  echo "comment_id=$comment_id"
} >>"$GITHUB_OUTPUT"

if [ $rc -eq 2 ] && [ "$fail_on_changes" != true ]; then
  exit 0
fi
exit $rc
