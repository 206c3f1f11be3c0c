#!/usr/bin/env bash
# Runs one docspace-webhooks command for the GitHub Action (action.yml) and turns its result into
# step outputs and the job summary. Every input arrives in the environment, never spliced into
# this script, so no value of an input can run as shell code.
#
# Environment (the Action's inputs):
#   DOCSPACE_WEBHOOKS_DIR  where install.sh put the binary
#   INPUT_COMMAND          validate, plan, apply, show or export
#   INPUT_FILE             the webhooks file (-f); empty: webhooks.yaml (for export, only if it exists)
#   INPUT_FORMAT           --format, when not empty
#   INPUT_OUT              --out: the saved plan, or export's file; its SHA-256 is the output
#                          `digest` when this run wrote it
#   INPUT_ARGS             more arguments, split on whitespace (no quoting); never --out (plan,
#                          export: INPUT_OUT) nor the API key
#   INPUT_SUMMARY          true (the default) or false: write the output to the job summary
#                          (export's: only where it is and its SHA-256, as in the log)
#   INPUT_FAIL             true (the default) or false: fail the step when the command failed (1, or a signal); plan's
#                          2 (changes, under --detailed-exitcode) is not a failure
# Outputs ($GITHUB_OUTPUT): exit-code, digest, markdown (the path of the Markdown output, when
# --format markdown), stdout (the path of the command's stdout, whatever its format).
set -uo pipefail

# Escaped as GitHub reads a workflow command's message: a line break in an input cannot start
# a line of the log that GitHub would read as a command (`::error ...`, `::stop-commands::`).
escape() {
  local text=${1//%/%25}
  text=${text//$'\r'/%0D}
  printf '%s' "${text//$'\n'/%0A}"
}

fail() {
  echo "::error title=docspace-webhooks::$(escape "$*")" >&2
  exit 1
}

# `fail` and `summary`: true or false in any case, spaces around them ignored; empty is true.
# Anything else is refused before the command runs: read as false, `fail: True` would let a
# failing command pass the step.
flag() {
  local value
  value=$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')
  value=${value#"${value%%[![:space:]]*}"}
  value=${value%"${value##*[![:space:]]}"}
  case "$value" in
    '' | true) echo true ;;
    false) echo false ;;
    *) fail "$1 must be true or false, not '$2'" ;;
  esac
}
fail_step=$(flag fail "${INPUT_FAIL:-}") || exit 1
summary=$(flag summary "${INPUT_SUMMARY:-}") || exit 1

command=${INPUT_COMMAND:-}
case "$command" in
  validate | plan | apply | show | export) ;;
  *) fail "command must be one of validate, plan, apply, show, export, not '$command'" ;;
esac
file=${INPUT_FILE:-webhooks.yaml}
# export starts the file from the portal: with none yet, the portal is DOCSPACE_URL's, and `-f`
# would name a file that cannot be read.
[ "$command" != export ] || [ -n "${INPUT_FILE:-}" ] || [ -e "$file" ] || file=
argv=("$command")
[ -z "$file" ] || argv+=(-f "$file")
[ -z "${INPUT_FORMAT:-}" ] || argv+=(--format "$INPUT_FORMAT")
[ -z "${INPUT_OUT:-}" ] || argv+=(--out "$INPUT_OUT")
extra=()
read -r -d '' -a extra <<< "${INPUT_ARGS:-}" || true
# The file plan or export writes is the one this script hashes and names in the log: given in
# `args`, it would go unseen (no `digest`, and export said to be in `stdout`, an empty file).
for arg in ${extra[@]+"${extra[@]}"}; do
  case "$command $arg" in
    'plan --out' | 'plan --out='* | 'export --out' | 'export --out='*)
      fail "give the file $command writes as the input out, not as $arg in args (only out's file gets its SHA-256 reported)"
      ;;
  esac
done
# The `+` form: macOS's bash 3.2 calls an empty array unbound under `set -u`.
argv+=(${extra[@]+"${extra[@]}"})

stdout=$(mktemp "${RUNNER_TEMP:-/tmp}/docspace-webhooks-$command.XXXXXX")
# The command line, escaped, and without the word after a flag that would carry the API key:
# the tool refuses those flags (with a tip), but only after this line is in the log. A second
# layer only: GitHub has printed the `args` input in the step's header already, masking only
# secrets.* values, so the key belongs in `env:`, from secrets.*.
shown=()
hide=
for arg in "${argv[@]}"; do
  if [ -n "$hide" ]; then
    shown+=('***')
    hide=
    continue
  fi
  case "$arg" in
    --api-key=* | --apikey=* | --key=* | --token=*) shown+=("${arg%%=*}=***") ;;
    --api-key | --apikey | --key | --token)
      shown+=("$arg")
      hide=1
      ;;
    *) shown+=("$arg") ;;
  esac
done
echo "+ docspace-webhooks $(escape "${shown[*]}")" >&2
# A file left from before must not pass for the plan saved now (a plan of a `portals:` file
# with a portal down is saved while the command exits 1, so the exit code does not tell), nor
# be deleted: the tool refuses to replace a file that is not a saved plan (`out: webhooks.yaml`)
# and export refuses any. The tool writes by renaming a new file into place, so a file written
# now has another inode than the one there before.
# `ls -di`: stat's options differ between GNU and BSD; only the first field, the inode, is read.
# shellcheck disable=SC2012
inode() { [ ! -e "$1" ] || ls -di -- "$1" | awk '{ print $1 }'; }
before=
[ -z "${INPUT_OUT:-}" ] || before=$(inode "$INPUT_OUT")
if [ "$command" = export ]; then
  # export's output is a file to commit, holding each uri as the portal has it: a password in
  # it and a ?token= value, which the tool masks wherever it shows a uri. The log and the job
  # summary are read by anyone who can read the run, so they get where it is and its SHA-256.
  "${DOCSPACE_WEBHOOKS_DIR:?}/docspace-webhooks" "${argv[@]}" > "$stdout"
  code=$?
else
  # Through tee, so the log shows stdout as it comes (and GitHub reads the workflow commands of
  # --format github from it) while the file keeps it for the outputs and the summary.
  "${DOCSPACE_WEBHOOKS_DIR:?}/docspace-webhooks" "${argv[@]}" | tee "$stdout"
  code=${PIPESTATUS[0]}
fi

sha256() {
  if command -v sha256sum >/dev/null; then
    sha256sum "$1" | awk '{ print $1 }'
  else
    shasum -a 256 "$1" | awk '{ print $1 }'
  fi
}
digest=
if [ -n "${INPUT_OUT:-}" ] && [ -f "$INPUT_OUT" ] && [ "$(inode "$INPUT_OUT")" != "$before" ]; then
  digest=$(sha256 "$INPUT_OUT")
fi
exported=
if [ "$command" = export ] && [ "$code" = 0 ]; then
  if [ -n "${INPUT_OUT:-}" ]; then
    exported="exported to \`$(escape "$INPUT_OUT")\` (SHA-256 $digest)"
  else
    exported="exported to the file the output \`stdout\` names (SHA-256 $(sha256 "$stdout"))"
  fi
  echo "docspace-webhooks $exported; not shown, as its uris may hold passwords and tokens" >&2
fi
markdown=
[ "${INPUT_FORMAT:-}" != markdown ] || markdown=$stdout
{
  echo "exit-code=$code"
  echo "digest=$digest"
  echo "markdown=$markdown"
  echo "stdout=$stdout"
} >> "${GITHUB_OUTPUT:?}"

if [ "$summary" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    if [ "$command" = export ]; then
      [ -z "$exported" ] ||
        echo "docspace-webhooks $exported; not shown here, as its uris may hold passwords and tokens."
    elif [ -n "$markdown" ] && [ -s "$markdown" ]; then
      cat "$markdown"
    elif [ -s "$stdout" ] && [ "${INPUT_FORMAT:-text}" = text ]; then
      fence='```'
      echo "${fence}text"
      cat "$stdout"
      echo "$fence"
    fi
    if [ "$code" != 0 ] && ! { [ "$command" = plan ] && [ "$code" = 2 ]; }; then
      echo
      echo "**docspace-webhooks $command failed (exit $code)**: see the job log."
    fi
  } >> "$GITHUB_STEP_SUMMARY"
fi

if [ "$fail_step" = true ] && [ "$code" != 0 ] && ! { [ "$command" = plan ] && [ "$code" = 2 ]; }; then
  exit "$code"
fi
exit 0
