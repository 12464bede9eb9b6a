#!/usr/bin/env python3
"""The fan-out examples in examples/fanout are files to copy: check that they
parse, that their shard counts agree with themselves, and that every hvctl
command line in them names a real command and only flags it has.
(xargs-apply.sh runs for real in tests/e2e/sharded_vcsim.sh.)
Usage: fanout_examples.py HVCTL SOURCE_DIR"""
import re
import shlex
import subprocess
import sys

import yaml

hvctl, src = sys.argv[1], sys.argv[2]
base = f"{src}/examples/fanout"
passed = failed = 0
help_cache = {}


def ok(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print(f"ok - {name}")
    else:
        failed += 1
        print(f"not ok - {name}" + (f": {detail}" if detail else ""))


def flags_of(command):
    if command not in help_cache:
        out = subprocess.run([hvctl, command, "--help"], capture_output=True, text=True)
        help_cache[command] = set(re.findall(r"(--[a-z][a-z-]*)", out.stdout)) if out.returncode == 0 else None
    return help_cache[command]


def check_command_line(where, words):
    """words: an hvctl command line split into words, hvctl first."""
    words = [w for w in words if w]
    i = 1
    while i < len(words) and words[i].startswith("-"):  # global flags before the command
        i += 2 if words[i] in ("--target", "--config", "-o", "--output") else 1
    command = words[i] if i < len(words) else ""
    if command == "report":
        ok(f"{where}: hvctl report {words[i + 1] if i + 1 < len(words) else ''}", words[i + 1:i + 2] == ["merge"])
        return
    known = flags_of(command)
    ok(f"{where}: 'hvctl {command}' is a command", known is not None)
    if known is None:
        return
    for w in words:
        if w.startswith("--"):
            ok(f"{where}: hvctl {command} has {w}", w.split("=")[0] in known)


def hvctl_lines(text):
    for line in text.splitlines():
        if "hvctl " in line and not line.lstrip().startswith("#"):
            yield shlex.split(line[line.index("hvctl "):], posix=True)


# Kubernetes Indexed Job.
job = yaml.safe_load(open(f"{base}/kubernetes-indexed-job.yaml"))
spec = job["spec"]
n = spec["completions"]
ok("kubernetes: a batch/v1 Job", job["apiVersion"] == "batch/v1" and job["kind"] == "Job")
ok("kubernetes: Indexed completion mode", spec["completionMode"] == "Indexed")
ok("kubernetes: one pod per shard at once", spec["parallelism"] == n)
ok("kubernetes: pods are not retried", spec["template"]["spec"]["restartPolicy"] == "Never" and spec["backoffLimit"] == 0)
container = spec["template"]["spec"]["containers"][0]
script = " ".join(container["args"])
ok("kubernetes: the shard comes from JOB_COMPLETION_INDEX, 1-based, of completions",
   f"--shard $((JOB_COMPLETION_INDEX + 1))/{n}" in script, script)
ok("kubernetes: each pod writes its own report", "--report /reports/shard-$((JOB_COMPLETION_INDEX + 1)).json" in script)
mounts = {m["mountPath"] for m in container["volumeMounts"]}
ok("kubernetes: specs, config and reports are mounted", {"/specs", "/etc/hvctl", "/reports"} <= mounts, str(mounts))
check_command_line("kubernetes", shlex.split(re.sub(r"\$\(\([^)]*\)\)", "1", script)))

# CI matrix (GitHub Actions).
wf = yaml.safe_load(open(f"{base}/github-actions.yml"))
apply_job, merge_job = wf["jobs"]["apply"], wf["jobs"]["merge"]
shards = apply_job["strategy"]["matrix"]["shard"]
ok("ci: the matrix is shards 1..N", shards == list(range(1, len(shards) + 1)), str(shards))
ok("ci: one failing shard does not cancel the others", apply_job["strategy"]["fail-fast"] is False)
runs = [s.get("run", "") for s in apply_job["steps"]]
apply_run = next((r for r in runs if "--shard" in r), "")
ok("ci: each job applies its matrix shard of N", f"--shard ${{{{ matrix.shard }}}}/{len(shards)}" in apply_run, apply_run)
ok("ci: the report is uploaded even when the shard failed",
   any(s.get("if") == "always()" and "upload-artifact" in s.get("uses", "") for s in apply_job["steps"]))
ok("ci: the merge job runs after all shards, whatever they did", merge_job["needs"] == "apply" and merge_job["if"] == "always()")
merge_run = next((s["run"] for s in merge_job["steps"] if "run" in s), "")
ok("ci: the merge names every shard's report",
   merge_run.split()[3:] == [f"shard-{i}.json" for i in shards], merge_run)
for r in [apply_run, merge_run]:
    for words in hvctl_lines(re.sub(r"\$\{\{[^}]*\}\}", "1", r)):
        check_command_line("ci", words)

# Ansible: one inventory host per target.
inventory = yaml.safe_load(open(f"{base}/ansible-inventory.yaml"))
hosts = list(inventory["all"]["children"]["hvctl_targets"]["hosts"])
ok("ansible: the inventory has targets", len(hosts) >= 2, str(hosts))
plays = yaml.safe_load(open(f"{base}/ansible-playbook.yaml"))
apply_play, merge_play = plays
ok("ansible: the apply play runs once per target, from the control node",
   apply_play["hosts"] == "hvctl_targets" and apply_play["connection"] == "local")
argv = apply_play["tasks"][0]["ansible.builtin.command"]["argv"]
ok("ansible: each host applies to its own target and writes its own report",
   argv[1:3] == ["--target", "{{ inventory_hostname }}"] and "reports/{{ inventory_hostname }}.json" in argv, str(argv))
check_command_line("ansible", [re.sub(r"\{\{[^}]*\}\}", "x", a) for a in argv])
merge_argv = merge_play["tasks"][0]["ansible.builtin.command"]["argv"]
ok("ansible: the merge play runs once, on the control node", merge_play["hosts"] == "localhost")
ok("ansible: it merges every host's report", "'report', 'merge'" in merge_argv and "groups['hvctl_targets']" in merge_argv)

# xargs: the script is valid shell and says how to use it.
ok("xargs: the script parses", subprocess.run(["bash", "-n", f"{base}/xargs-apply.sh"]).returncode == 0)
usage = subprocess.run([f"{base}/xargs-apply.sh"], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
ok("xargs: without arguments it prints its usage and exits 3", usage.returncode == 3 and "COMMAND SPECS N" in usage.stderr)

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
