# Sourced by the scripts: picks the interpreter and the virtual environment.
#   Python >= 3.14.2 -> Home Assistant 2026.10.4; otherwise Python 3.13 -> Home Assistant 2025.4.4.
# SE5_PYTHON=/path/to/python forces an interpreter; SE5_PYTHON_LINE=3.13 or 3.14 forces a line.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

_se5_version_ok() { # $1 = interpreter, $2 = minimum as "3.14.2", $3 = below as "3.15"
  "$1" -c "import sys
lo = tuple(map(int, '$2'.split('.'))); hi = tuple(map(int, '$3'.split('.')))
sys.exit(0 if lo <= sys.version_info[:3] and sys.version_info[:2] < hi else 1)" 2>/dev/null
}

se5_find_python() { # $1 = line ("3.13"), $2 = minimum patch version ("3.13.0"), $3 = below
  local c
  for c in "python$1" "/usr/bin/python$1" "/usr/local/bin/python$1" \
    "$HOME"/.pyenv/versions/"$1".*/bin/"python$1"; do
    if command -v "$c" >/dev/null 2>&1 && _se5_version_ok "$c" "$2" "$3"; then
      command -v "$c"
      return 0
    fi
  done
  return 1
}

se5_pick_python() {
  if [ -n "${SE5_PYTHON:-}" ]; then echo "$SE5_PYTHON"; return; fi
  case "${SE5_PYTHON_LINE:-}" in
    3.14) se5_find_python 3.14 3.14.2 3.15 && return ;;
    3.13) se5_find_python 3.13 3.13.0 3.14 && return ;;
    "") se5_find_python 3.14 3.14.2 3.15 || se5_find_python 3.13 3.13.0 3.14 && return ;;
  esac
  echo "scripts: need python3.14 (>= 3.14.2) or python3.13" >&2
  return 1
}

PYTHON="$(se5_pick_python)"
PYVER="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if _se5_version_ok "$PYTHON" 3.14.2 4.0; then HA_LINE=2026.10; else HA_LINE=2025.4; fi
VENV="$ROOT/.venv/py$PYVER"
export PATH="$VENV/bin:$PATH"
