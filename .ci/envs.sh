#!/usr/bin/env bash
# The course where learners are: two environments besides the main one, each a separate venv
# under .ci/envs/ (ignored by git; the main .venv is never touched):
#
#   colab   Google Colab's package versions (ipywidgets 7.7.1, numpy 2.0.2, pandas 2.2.2,
#           matplotlib 3.10.0, scikit-learn 1.6.1, statsmodels 0.14.4, IPython 7.34,
#           ipykernel 6.17), with tslab installed `--no-deps` exactly as the notebooks' Colab
#           bootstrap cell does, so Colab's own versions stay as they are.
#   lowest  every direct dependency at the lower bound pyproject.toml declares
#           (`uv pip install --resolution lowest-direct`).
#
# In each: the unit tests and every notebook under nbval (the README's `pytest`), except the
# browser tests (JupyterLab, and the slide walk), which run in the main environment only.
#
# Known limits of this machine (stated in README, "Tested versions"): only Python 3.11 exists here
# (Colab runs 3.12), and the only CPU build of torch on disk is 2.13.0 (PyPI's torch for Linux is
# the multi-GB CUDA build), so both environments use torch 2.13.0 CPU.
#
# Usage: .ci/envs.sh [colab] [lowest]        (default: both). Exit status: non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ENVS="$ROOT/.ci/envs"
PYTHON=${TSLAB_ENV_PYTHON:-/usr/bin/python3}       # the interpreter the venvs are made from
WHEELS=${TSLAB_TORCH_WHEELS:-/opt/wheels}          # where the local CPU wheel of torch lies
TORCH=${TSLAB_ENV_TORCH:-torch==2.13.0+cpu}   # the local CPU build, not PyPI's CUDA one
mkdir -p "$ENVS"

# uv lives in its own venv: neither the main .venv nor the test environments get it.
if [ ! -x "$ENVS/uv/bin/uv" ]; then
  "$PYTHON" -m venv "$ENVS/uv" && "$ENVS/uv/bin/python" -m pip install -q uv || { echo "cannot install uv" >&2; exit 1; }
fi
UV="$ENVS/uv/bin/uv"
FIND_LINKS=()
[ -d "$WHEELS" ] && FIND_LINKS=(--find-links "$WHEELS")

# Colab's versions. statsmodels 0.14.4 fails in SARIMAX with scipy >= 1.18, which Colab does not
# have: scipy is held below 1.18 here, as on Colab.
COLAB_PINS=(ipywidgets==7.7.1 numpy==2.0.2 pandas==2.2.2 matplotlib==3.10.0 scikit-learn==1.6.1
            statsmodels==0.14.4 "scipy<1.18" ipython==7.34.0 ipykernel==6.17.1 tqdm)

install_colab() {  # $1: venv python
  "$UV" pip install -q --python "$1" "${FIND_LINKS[@]}" "$TORCH" "${COLAB_PINS[@]}" &&
  # the test tools, never allowed to move a Colab version
  printf '%s\n' "${COLAB_PINS[@]}" "$TORCH" > "$ENVS/colab-constraints.txt" &&
  "$UV" pip install -q --python "$1" "${FIND_LINKS[@]}" -c "$ENVS/colab-constraints.txt" \
      "jupyterlab>=4.0" "nbconvert>=7.1" "jupytext>=1.16" "nbval>=0.11" "pytest>=7.4" \
      "vega_datasets>=0.9" &&   # notebook 08's data; its Colab bootstrap installs it the same way
  "$UV" pip install -q --python "$1" --no-deps -e "$ROOT"          # as the Colab bootstrap cell does
}

install_lowest() {  # $1: venv python
  # torch: the local CPU wheel (an override, since the declared lower bound 2.2 has no CPU wheel here)
  echo "$TORCH" > "$ENVS/lowest-overrides.txt" &&
  "$UV" pip install -q --python "$1" "${FIND_LINKS[@]}" --resolution lowest-direct \
      --override "$ENVS/lowest-overrides.txt" -e "$ROOT[dev]"
}

status=0
summary=()
for name in "${@:-colab lowest}"; do
  for env in $name; do
    venv="$ENVS/$env"
    echo "=== environment: $env ($venv)"
    rm -rf "$venv"
    start=$(date +%s)
    if ! { "$UV" venv -q --python "$PYTHON" "$venv" && "install_$env" "$venv/bin/python"; }; then
      echo "=== $env: install FAILED" >&2
      summary+=("$env: install failed")
      status=1
      continue
    fi
    installed=$(( $(date +%s) - start ))
    "$UV" pip list --python "$venv/bin/python" 2>/dev/null |
      grep -iE '^(torch|numpy|pandas|scipy|matplotlib|scikit-learn|statsmodels|ipywidgets|ipython|ipykernel|jupyterlab|nbconvert|nbval|pytest) ' |
      awk '{printf "%s %s, ", $1, $2} END {print ""}'
    echo "=== $env: installed in ${installed} s; running the unit tests and every notebook"
    start=$(date +%s)
    # `env -i`-like isolation: no activated main venv, no PYTHONPATH pointing elsewhere.
    ( unset VIRTUAL_ENV PYTHONPATH; export PATH="$venv/bin:/usr/bin:/bin" MPLBACKEND=Agg TSLAB_DEVICE=cpu PYDEVD_DISABLE_FILE_VALIDATION=1;
      "$venv/bin/python" -m pytest -q --ignore=tests/test_browser.py \
        --deselect tests/test_slides.py::test_every_deck_walks_on_screen_offline 2>&1 ) | tee "$ENVS/$env.log" | tail -n 25
    rc=${PIPESTATUS[0]}
    tested=$(( $(date +%s) - start ))
    result=$(grep -E '^[=]* ?[0-9]+ (passed|failed)|no tests ran|error' "$ENVS/$env.log" | tail -n 1)
    summary+=("$env: install ${installed} s, tests ${tested} s, exit ${rc}: ${result}")
    [ "$rc" -ne 0 ] && status=1
  done
done
echo "=== summary"
printf '%s\n' "${summary[@]}"
exit $status
