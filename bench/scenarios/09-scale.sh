#!/usr/bin/env bash
# summary: vcsim: no-op plan of 1k/5k/10k VMs (time, peak memory, vcsim's CPU) vs Terraform's core on the same N
# Scenario 9, the curve: for each N of BENCH_SCALE (1000 5000 10000), a fresh
# vcsim gets N VMs by one hvctl apply (untimed), then a no-op `hvctl plan
# --detailed-exitcode` of their specs is timed, its peak RSS read (GNU time's
# %M), and the CPU time vcsim spends answering that plan read from its
# /proc/PID/stat (utime + stime), which is what the server side of the bulk
# property reads costs. The peer is Terraform's own core with no provider:
# N `terraform_data` resources of the same settings and a local state that
# holds them, then `terraform plan -detailed-exitcode` (exit 0: no changes);
# skipped where /usr/local/bin/terraform (or terraform on PATH) is missing.
# The state is one real `terraform apply` of one such resource, copied for
# the N names (an apply of all 10,000 ran for over 12 minutes here and is not
# what is compared); the plan's exit 0 proves it matches the configuration.
# Writes bench/results/scale.tsv and, with gnuplot, bench/results/scale.svg.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
W=$(mktemp -d /tmp/hvctl-bench-9.XXXXXX)
trap 'vcsim_stop "$W/sim"; rm -rf "$W"' EXIT
export VC_PASSWORD=pass XDG_CACHE_HOME=$W/cache
NS=${BENCH_SCALE:-1000 5000 10000}
TF=$(command -v /usr/local/bin/terraform terraform 2>/dev/null | head -1 || true)
RESULTS=$BENCH_DIR/results
mkdir -p "$RESULTS"
TSV=$RESULTS/scale.tsv
printf '# N\thvctl_plan_s\thvctl_peak_rss_kib\tvcsim_cpu_s\tterraform_plan_s\n' > "$TSV"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# tf_fleet N: the same VMs as terraform_data resources, one block each.
tf_fleet() {
  local n
  for n in $(vm_names "$1"); do
    printf 'resource "terraform_data" "%s" {\n  input = { cpu = 1, memory = "64MiB", disk = "1GiB", network = "VM Network", power = "running" }\n}\n' "$n"
  done
}

median() { jq '.results[0].median' "$1"; }

for N in $NS; do
  vsphere_fleet "$N" > "$W/fleet.yaml"
  vcsim_fresh "$W/sim"
  made=$SECONDS
  HVCTL_CONFIG=$W/sim/hvctl.yaml "$HVCTL" apply -q -f "$W/fleet.yaml" >/dev/null
  note "N=$N: made by hvctl apply in $((SECONDS - made)) s"
  plan="HVCTL_CONFIG=$W/sim/hvctl.yaml $HVCTL plan --detailed-exitcode -f $W/fleet.yaml >/dev/null"
  runs=$(runs_or 3)
  hyperfine --style basic --runs "$runs" --warmup 1 --export-json "$W/h.json" -- "$plan" >&2 ||
    bench_die "hvctl plan of $N VMs is not a no-op"
  h=$(median "$W/h.json")
  last=$([ "$N" = "${NS##* }" ] && echo 1 || echo 0)  # the table compares the largest N; the notes have each
  [ "$last" = 0 ] || result hvctl "hvctl plan ($N VMs, no changes)" "$h" "$runs"
  rss=$( { /usr/bin/time -f '%M' bash -c "$plan" ; } 2>&1 | tail -1)
  pid=$(cat "$W/sim/pid")
  before=$(cpu_ticks "$pid")
  bash -c "$plan"
  vcsim_cpu=$(awk -v t=$(( $(cpu_ticks "$pid") - before )) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}')
  t=""
  if [ -n "$TF" ]; then
    mkdir -p "$W/tf$N"
    tf_fleet 1 > "$W/tf$N/main.tf"
    (cd "$W/tf$N" && "$TF" init -input=false >/dev/null 2>&1 && "$TF" apply -auto-approve -input=false >/dev/null 2>&1)
    tf_fleet "$N" > "$W/tf$N/main.tf"
    python3 - "$N" "$W/tf$N/terraform.tfstate" > "$W/tf$N/state.json" <<'EOP'
import json, sys, uuid
n, one = int(sys.argv[1]), json.load(open(sys.argv[2]))
template = one["resources"][0]
state = dict(one, serial=one["serial"] + 1, resources=[])
for i in range(1, n + 1):
    r = json.loads(json.dumps(template))
    r["name"] = "bench-%04d" % i
    r["instances"][0]["attributes"]["id"] = str(uuid.UUID(int=i))
    state["resources"].append(r)
json.dump(state, sys.stdout)
EOP
    mv "$W/tf$N/state.json" "$W/tf$N/terraform.tfstate"
    tf_runs=$([ "$N" -ge 10000 ] && echo 1 || runs_or 3)
    hyperfine --style basic --runs "$tf_runs" --export-json "$W/t.json" -- \
      "cd $W/tf$N && $TF plan -detailed-exitcode -input=false -lock=false >/dev/null" >&2 ||
      bench_die "terraform plan of $N resources is not a no-op"
    t=$(median "$W/t.json")
    [ "$last" = 0 ] || result peer "terraform plan ($N terraform_data, no changes)" "$t" "$tf_runs"
    rm -rf "$W/tf$N"
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$N" "$h" "$rss" "$vcsim_cpu" "${t:-nan}" >> "$TSV"
  note "N=$N: hvctl plan $(printf '%.2f' "$h") s, peak RSS $((rss / 1024)) MiB, vcsim CPU $vcsim_cpu s for it" \
       "(plan / vcsim CPU: $(awk -v a="$h" -v b="$vcsim_cpu" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'))" \
       "${t:+, terraform plan $(printf '%.2f' "$t") s ($(awk -v a="$t" -v b="$h" 'BEGIN {printf "%.1f", a / b}')x)}"
  vcsim_stop "$W/sim"
done

# Memory per VM between the first two sizes: (RSS(N2) - RSS(N1)) / (N2 - N1).
awk -F'\t' '!/^#/ {n[++k] = $1; r[k] = $3} END {
  if (k >= 2) printf "NOTE\tpeak RSS per VM, N=%d..%d: %.1f KiB\n", n[1], n[2], (r[2] - r[1]) / (n[2] - n[1]) }' "$TSV"
if command -v gnuplot >/dev/null; then
  gnuplot <<EOG
set terminal svg size 760,440 dynamic font "sans,11" noenhanced
set output "$RESULTS/scale.svg"
set title "No-op plan on one vcsim: hvctl vs Terraform's core (terraform_data), one run of bench/run 9"
set xlabel "VMs (resources)"
set ylabel "seconds (median)"
set y2label "hvctl peak RSS (MiB)"
set ytics nomirror
set y2tics
set key top left opaque box
set grid
set datafile missing "nan"
plot "$TSV" using 1:2 with linespoints lw 2 pt 7 title "hvctl plan", \
     "$TSV" using 1:5 with linespoints lw 2 pt 5 title "terraform plan", \
     "$TSV" using 1:4 with linespoints dt 2 title "vcsim CPU for hvctl's reads", \
     "$TSV" using 1:(\$3/1024) axes x1y2 with linespoints dt 3 title "hvctl peak RSS (right)"
EOG
  note "wrote $RESULTS/scale.tsv and $RESULTS/scale.svg"
else
  note "wrote $RESULTS/scale.tsv (no gnuplot: apt-get install gnuplot-nox for the SVG)"
fi
