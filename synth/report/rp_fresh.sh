# synth/report/rp_fresh.sh — freshness by content for the steps of make report (sourced).
#
# Each step's output OUT has OUT.key, a hash of the contents of the step's inputs and of its
# parameters; the step reruns only when that hash changes. Rebuilt-but-identical binaries,
# `make rtl` rewriting the same files, or a new checkout's mtimes do not rerun anything.
#
#   k=$(rp_key "PARAMETERS" INPUT...)    inputs: files or directories (every file below, by name;
#                                        symbolic links followed: build/model links to the
#                                        installed package)
#   rp_fresh OUT "$k" || { make OUT; rp_stamp OUT "$k"; }
# Paths below RP_ROOT (default: the current directory) are hashed relative to it, so a clone
# elsewhere has the same keys.

rp_key() {
  local args=$1 root=${RP_ROOT:-$PWD}
  shift
  { printf '%s\n' "$args"
    for i in "$@"; do
      if [ -d "$i" ]; then find -L "$i" -type f -not -name '*.key' -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
      elif [ -e "$i" ]; then sha256sum "$i"
      else echo "missing $i"; fi
    done; } | sed "s|  $root/|  |" | sha256sum | cut -c1-32
}

# rp_fresh OUT KEY: 0 if OUT exists and was made from inputs with this key
rp_fresh() { [ -e "$1" ] && [ "$(cat "$1.key" 2>/dev/null)" = "$2" ]; }

# rp_stamp OUT KEY: record that OUT was made from inputs with this key
rp_stamp() { echo "$2" > "$1.key"; }
