# Progress for the long set-up scripts (sourced): one line per step, "building THING: step N of M (what),
# about K minutes left", on the terminal and in a file that others can show (npm run try puts it in the
# editor). The estimates are minutes measured on 2 cores; once a step has finished, the rest are scaled by
# how this machine did against them. A command's own output goes to a log file, never to the terminal; on
# a TTY the line is rewritten in place every few seconds.
#
#   . progress.sh
#   progress_plan "the local cluster" "$W/progress" "fetching:2" "compiling:7"
#   progress_step 1; run_logged "$LOG" go mod download
#   progress_done "what was built"

_P_TITLE='' _P_FILE='' _P_LABELS=() _P_EST=() _P_STEP=0 _P_T0=0 _P_STEP_T0=0 _P_TAG=build
_P_SCALE_EST=0 _P_SCALE_TOOK=0   # minutes estimated and seconds taken by the finished "compiling" steps

progress_plan() { # TITLE FILE "label:minutes"...
  _P_TITLE=$1 _P_FILE=$2; shift 2
  _P_LABELS=() _P_EST=()
  local step
  for step in "$@"; do _P_LABELS+=("${step%:*}"); _P_EST+=("${step##*:}"); done
  _P_T0=$SECONDS _P_STEP=0 _P_SCALE_EST=0 _P_SCALE_TOOK=0
  _P_TAG=$(basename "${0%.sh}")
}

# Minutes left: this step's estimate less its elapsed time, plus the steps after it, all scaled by how the
# finished compiling steps went (between half and three times the estimate; downloads say nothing of the CPU).
_progress_left() {
  local i rest=0 now=$SECONDS scale=100
  for (( i = _P_STEP; i < ${#_P_EST[@]}; i++ )); do rest=$(( rest + _P_EST[i] * 60 )); done
  if (( _P_SCALE_EST > 0 )); then
    scale=$(( _P_SCALE_TOOK * 100 / (_P_SCALE_EST * 60) ))
    (( scale < 50 )) && scale=50; (( scale > 300 )) && scale=300
  fi
  local current=$(( _P_EST[_P_STEP - 1] * 60 * scale / 100 - (now - _P_STEP_T0) ))
  (( current < 30 )) && current=30
  echo $(( (current + rest * scale / 100 + 59) / 60 ))
}

_progress_line() {
  local left; left=$(_progress_left)
  local unit=minutes; [ "$left" = 1 ] && unit=minute
  echo "building ${_P_TITLE}: step ${_P_STEP} of ${#_P_LABELS[@]} (${_P_LABELS[_P_STEP - 1]}), about ${left} ${unit} left"
}

_progress_write() { [ -z "$_P_FILE" ] || { echo "$1" > "$_P_FILE.tmp" && mv "$_P_FILE.tmp" "$_P_FILE"; }; }

progress_step() { # N
  if (( _P_STEP > 0 )) && [[ ${_P_LABELS[_P_STEP - 1]} == compiling* ]]; then
    _P_SCALE_EST=$(( _P_SCALE_EST + _P_EST[_P_STEP - 1] )) _P_SCALE_TOOK=$(( _P_SCALE_TOOK + SECONDS - _P_STEP_T0 ))
  fi
  _P_STEP=$1 _P_STEP_T0=$SECONDS
  local line; line=$(_progress_line)
  _progress_write "$line"
  if [ -t 1 ]; then printf '\r\033[K[%s] %s' "$_P_TAG" "$line"; else echo "[$_P_TAG] $line"; fi
}

run_logged() { # LOG COMMAND... : the command's output to LOG; the progress line kept fresh meanwhile
  local log=$1; shift
  echo "=== $(date -u +%FT%TZ) step ${_P_STEP}: $*" >> "$log"
  "$@" >> "$log" 2>&1 &
  local pid=$! ticks=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1; ticks=$(( ticks + 1 ))
    if (( ticks % 10 == 0 )); then
      local line; line=$(_progress_line)
      _progress_write "$line"
      [ -t 1 ] && printf '\r\033[K[%s] %s' "$_P_TAG" "$line"
    fi
  done
  if ! wait "$pid"; then
    [ -t 1 ] && echo
    echo "[$_P_TAG] step ${_P_STEP} of ${#_P_LABELS[@]} failed (${_P_LABELS[_P_STEP - 1]}): $*; the end of $log:" >&2
    tail -n 25 "$log" | sed 's/^/    /' >&2
    _progress_write "building ${_P_TITLE} failed at step ${_P_STEP} of ${#_P_LABELS[@]} (${_P_LABELS[_P_STEP - 1]}); read $log"
    exit 1
  fi
}

progress_done() { # MESSAGE
  [ -t 1 ] && printf '\r\033[K'
  echo "[$_P_TAG] built in $(( SECONDS - _P_T0 ))s: $1"
  [ -z "$_P_FILE" ] || rm -f "$_P_FILE"
}
