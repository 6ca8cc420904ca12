# Source this to use cargo-leptos by hand: `. tools/env.sh; cargo leptos watch`.
# Puts the cargo shim and the wasm-opt wrapper first on PATH.
_whp_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case ":$PATH:" in
  *":$_whp_root/tools/bin:"*) ;;
  *) export PATH="$_whp_root/tools/bin:$HOME/.cargo/bin:$PATH" ;;
esac
unset _whp_root
