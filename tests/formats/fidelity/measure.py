#!/usr/bin/env python3
"""Fidelity of `hvctl convert FILE --to yaml` on the corpus next to this file (issue #19).

For every NAME.cfg (xl.cfg) and NAME.vmx with a NAME.expect.yaml (written by hand from the
file and its format's documentation, never by running hvctl), this prints:
  - the expected fields the converted spec gets wrong (field agreement);
  - the native file's top-level keys that are neither carried over nor named in a loss
    warning (silent drops);
  - any secret placeholder value that hvctl prints;
  - the files that fail to convert.
Exit status 0 only when nothing fails, nothing is dropped silently, no secret is printed and
the agreement is at least HVCTL_FIDELITY_MIN percent (default 100).

A key is "carried" when the spec has a field for its meaning: a column of hvctl's field table
(.xl/.vmx in src/core/spec_field_table.cpp) or one of the device and identity keys listed
below (CARRIED_XL, CARRIED_VMX), which map to spec fields that the expected specs check, or a
key that hvctl writes back with the same value when the converted spec is exported to the file's
own format again (a default the spec reproduces). Every other key must be named in a loss
warning (by name, or by a warning at the key's line). A key of a .vmx device marked present = "FALSE" is
carried: an absent device has nothing to carry.
"""
import os
import re
import subprocess
import tempfile
import sys
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
FIELD_TABLE = HERE.parents[2] / "src" / "core" / "spec_field_table.cpp"

# Keys with a spec field, beyond the field table's columns (lower case; N = a number).
CARRIED_XL = {"name", "type", "builder", "disk", "vif", "extra", "root", "bios", "firmware"}
# Keys at the default xl.cfg(5) gives them: a written file that leaves such a
# key out means the same to xl, so the key is carried (the issue: "a key whose
# value is the format's default, and that the spec reproduces, is no loss").
# From xl.cfg(5) itself, not from hvctl's code.
XL_DEFAULTS = {"acpi": "1", "apic": "1", "hpet": "1", "acpi_s3": "1", "acpi_s4": "1", "localtime": "0",
               "nestedhvm": "0", "rtc_timeoffset": "0"}
CARRIED_VMX = {
    ".encoding",  # consumed: the file is read in that encoding
    "displayname", "guestos", "firmware",
    "ethernetN.present", "ethernetN.virtualdev", "ethernetN.networkname", "ethernetN.address",
    "ethernetN.generatedaddress",
    "scsiN.present", "scsiN.virtualdev", "sataN.present", "nvmeN.present",
    "BUS:N.present", "BUS:N.filename", "BUS:N.devicetype",
}
# VMware's documented defaults for keys that need no spec field: at this value the key is no
# loss (issue #19: a default the spec reproduces), so it may go unreported. Printed, not counted.
DEFAULT_VMX = {"BUS:N.startconnected": "true", "ethernetN.generatedaddressoffset": "0"}
# Expected values that may instead be reported lost: network disks and Open vSwitch VLANs/trunks.
NETWORK_DISK = re.compile(r"^(rbd:|nbd:|iscsi:|iqn\.)")


def field_table_keys():
    if not FIELD_TABLE.exists():
        return set(), set()
    text = FIELD_TABLE.read_text()
    xl = {k.lower() for k in re.findall(r'\.xl = "([^"]+)"', text)}
    vmx = {k.lower() for k in re.findall(r'\.vmx = "([^"]+)"', text)}
    return xl, vmx


def strip_comment(line):
    out, quote = [], None
    for c in line:
        if quote:
            quote = None if c == quote else quote
        elif c in "\"'":
            quote = c
        elif c == "#":
            break
        out.append(c)
    return "".join(out)


def xl_keys(text):
    """Top-level keys of an xl.cfg -> (value, line): KEY = VALUE statements, lists over lines."""
    body = "\n".join(strip_comment(l) for l in text.splitlines())
    stmt = re.compile(r"""([A-Za-z_][A-Za-z0-9_.\-]*)\s*=\s*(\[.*?\]|"[^"]*"|'[^']*'|[^;\n]*)""", re.S)
    keys, pos = {}, 0
    while True:
        m = stmt.search(body, pos)
        if not m:
            return keys
        keys.setdefault(m.group(1), (m.group(2).strip(), body.count("\n", 0, m.start()) + 1))
        pos = m.end()


def vmx_keys(text):
    """Keys of a .vmx -> (value, line)."""
    keys = {}
    for n, line in enumerate(text.splitlines(), 1):
        m = re.match(r'\s*([^#=\s][^=]*?)\s*=\s*"?(.*?)"?\s*$', line)
        if m and not line.lstrip().startswith("#"):
            keys.setdefault(m.group(1), (m.group(2), n))
    return keys


def vmx_pattern(key):
    k = key.lower()
    k = re.sub(r"^(ethernet|scsi|sata|nvme)\d+\.", r"\1N.", k)
    return re.sub(r"^(scsi|sata|nvme|ide)\d+:\d+\.", "BUS:N.", k)


def vmx_absent_device(key, keys):
    m = re.match(r"^((?:ethernet|scsi|sata|nvme|ide)\d+(?::\d+)?)\.", key, re.I)
    if not m:
        return False
    present = {k.lower(): v for k, (v, _) in keys.items()}.get(m.group(1).lower() + ".present")
    return present is not None and present.strip().lower() == "false"


def loss_names(stderr):
    """Every key a loss warning names, lower case, grouped names (a.{b, c}) expanded, and the
    lines that warnings point at (a warning at a key's line names that key)."""
    names, lines = set(), set()
    for line in stderr.splitlines():
        if not line.startswith("warning:"):
            continue
        at = re.match(r"^warning:\s*\S+?:(\d+):", line)
        if at:
            lines.add(int(at.group(1)))
        msg = re.sub(r"^warning:\s*\S+?:\d+:\s*", "", line)
        for prefix, group in re.findall(r"([\w.:\-]+?)\.\{([^}]*)\}", msg):
            for g in group.split(","):  # "virtualDev (line 15)": the key, and its own line
                item = re.match(r"\s*([^\s(]+)(?:\s*\(line (\d+)\))?", g)
                if not item:
                    continue
                names.add(f"{prefix}.{item.group(1)}".lower())
                if item.group(2):
                    lines.add(int(item.group(2)))
        first = re.match(r"[^\s=\[{]+", msg)  # a warning names its key first: KEY = "v" ...
        if first:
            names.add(first.group(0).rstrip(".").lower())
    return names, lines


def mib(size):
    m = re.fullmatch(r"\s*(\d+)\s*(KiB|MiB|GiB|TiB)\s*", str(size))
    if not m:
        return str(size)
    return int(m.group(1)) * {"KiB": 1 / 1024, "MiB": 1, "GiB": 1024, "TiB": 1024 * 1024}[m.group(2)]


def same(path, want, got):
    if got is None:
        return False
    if path.endswith(("size", "max")) and "memory" in path:
        return mib(want) == mib(got)
    if path.endswith("mac"):
        return str(want).lower() == str(got).lower()
    return str(want) == str(got)


def match_items(kind, want_list, got_list):
    """Pairs (expected item, converted item or None): by path / image / mac, else by position."""
    key = {"disks": "path", "cdroms": "image", "nics": "mac"}.get(kind)
    pairs, used = [], set()
    for i, want in enumerate(want_list):
        found = None
        if key and key in want:
            for j, got in enumerate(got_list):
                if j not in used and same(key, want[key], got.get(key)):
                    found = j
                    break
        if found is None and i < len(got_list) and i not in used:
            found = i
        if found is not None:
            used.add(found)
        pairs.append((want, got_list[found] if found is not None else None))
    return pairs


def fields(want, got, prefix=""):
    """(path, expected, converted) for every expected leaf; list lengths count as fields."""
    out = []
    for k, v in want.items():
        path = f"{prefix}{k}"
        g = got.get(k) if isinstance(got, dict) else None
        if isinstance(v, dict):
            out += fields(v, g or {}, path + ".")
        elif isinstance(v, list):
            glist = g if isinstance(g, list) else []
            out.append((path + ".count", len(v), len(glist)))
            for i, (w, gi) in enumerate(match_items(k, v, glist)):
                out += fields(w, gi or {}, f"{path}[{i}].")
        else:
            out.append((path, v, g))
    return out


def reported_lost(path, want, stderr):
    """A network disk must be reported lost: the spec's disks[].path is a local image, so a
    URL kept there is a file path to every exporter. A warning must name the network part
    (rbd, nbd, iscsi) outside its quoted copy of the disk entry. An Open vSwitch VLAN or trunk
    bridge (ovsbr0.42, ovsbr0.10:20:30) may be carried verbatim in nics[].network or be
    reported lost (a warning quoting it)."""
    warnings = [l for l in stderr.splitlines() if l.startswith("warning:")]
    if path.endswith(".path") and NETWORK_DISK.match(str(want)):
        return any(re.search(r"rbd|nbd|iscsi|network", re.sub(r"^warning:\s*\S+?:\d+:|'[^']*'", "", l), re.I)
                   for l in warnings)
    if path.endswith(".network") and re.match(r"^[\w\-]+[.:]\d", str(want)):
        return any(str(want) in l for l in warnings)
    return False


def network_disk(path, want):
    return path.endswith(".path") and NETWORK_DISK.match(str(want)) is not None


def measure(hvctl, native, expect):
    r = subprocess.run([hvctl, "convert", str(native), "--to", "yaml"], capture_output=True, text=True)
    want = yaml.safe_load(expect.read_text()) or {}
    refused = re.search(r"^# expect: refused", expect.read_text(), re.M) is not None
    res = {"refused": refused, "failed": r.returncode != 0 and not refused, "err": r.stderr, "bad": [], "agreed": 0, "total": 0, "drops": [],
           "leaks": []}
    text = native.read_text(errors="replace")
    for secret in set(re.findall(r"PLACEHOLDER-[A-Z\-]+", text)):
        if secret in r.stdout or secret in r.stderr:
            res["leaks"].append(secret)
    if refused:  # xl's own parser refuses the file: so must hvctl
        res["total"] = 1
        res["agreed"] = int(r.returncode != 0)
        if r.returncode == 0:
            res["bad"].append(("(whole file)", "refused, as xl refuses it", "converted"))
        return res
    docs = [d for d in yaml.safe_load_all(r.stdout)] if not res["failed"] else []
    got = docs[0] if docs and isinstance(docs[0], dict) else {}
    for path, w, g in fields(want, got):
        res["total"] += 1
        if network_disk(path, w):
            ok = not res["failed"] and reported_lost(path, w, r.stderr)
        else:
            ok = same(path, w, g) or (not res["failed"] and reported_lost(path, w, r.stderr))
        if ok:
            res["agreed"] += 1
        elif network_disk(path, w) and g is not None:
            res["bad"].append((path, w, f"{g!r} as a local image path, its loss not reported"))
        else:
            res["bad"].append((path, w, g))
    if not res["failed"]:
        res["drops"] = silent_drops(native, text, r.stderr, got, reexport(hvctl, native, r.stdout))
    return res


def reexport(hvctl, native, spec_yaml):
    """The native keys (lower case) -> normalised value of the spec written back to the file's
    own format: a key the writer reproduces with the same value is carried (a default)."""
    to = "vmx" if native.suffix == ".vmx" else "xl"
    with tempfile.NamedTemporaryFile("w", suffix=".yaml") as f:
        f.write(spec_yaml)
        f.flush()
        r = subprocess.run([hvctl, "-q", "convert", f.name, "--to", to], capture_output=True, text=True)
    if r.returncode != 0:
        return {}
    keys = vmx_keys(r.stdout) if to == "vmx" else xl_keys(r.stdout)
    return {k.lower(): norm(v) for k, (v, _) in keys.items()}


def norm(value):
    return re.sub(r"\s+", " ", str(value).strip().strip("\"'")).lower()


def silent_drops(native, text, stderr, got, written):
    table_xl, table_vmx = field_table_keys()
    named, lines = loss_names(stderr)
    drops = []
    if native.suffix == ".vmx":
        keys = vmx_keys(text)
        for k, (value, line) in keys.items():
            if k.lower() in named or line in lines or vmx_absent_device(k, keys):
                continue
            if written.get(k.lower()) == norm(value):
                continue
            if k.lower() in table_vmx or vmx_pattern(k) in CARRIED_VMX:
                continue
            if DEFAULT_VMX.get(vmx_pattern(k)) == norm(value):
                drops.append(k + " (default)")
                continue
            drops.append(k)
    else:
        cmdline = str(((got.get("spec") or {}).get("boot") or {}).get("cmdline", ""))
        for k, (v, line) in xl_keys(text).items():
            lk = k.lower()
            if lk in named or line in lines or written.get(lk) == norm(v):
                continue
            if lk in XL_DEFAULTS and norm(v) == XL_DEFAULTS[lk] and lk not in written:
                continue
            if lk in ("extra", "root"):  # carried only if the value is in boot.cmdline
                if v.strip("\"' ") in cmdline:
                    continue
            elif lk in table_xl or lk in CARRIED_XL:
                continue
            drops.append(k)
    return drops


def drop_class(key):
    return re.sub(r"\d+", "N", key.lower())


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: measure.py HVCTL")
    hvctl = sys.argv[1]
    files = sorted(p for p in HERE.iterdir() if p.suffix in (".cfg", ".vmx"))
    agreed = total = failed = 0
    drop_classes, bad_classes, leaks, drop_count, default_count = Counter(), Counter(), 0, 0, 0
    for native in files:
        expect = native.with_suffix(".expect.yaml")
        if not expect.exists():
            print(f"{native.name}: no expected spec")
            failed += 1
            continue
        res = measure(hvctl, native, expect)
        agreed += res["agreed"]
        total += res["total"]
        lines = []
        if res["failed"]:
            failed += 1
            problems = [l for l in res["err"].splitlines() if not l.startswith(("warning:", "hvctl:"))]
            lines.append("  FAILS TO CONVERT: " + ("; ".join(problems) or res["err"].strip()))
        for path, w, g in res["bad"]:
            got = g if isinstance(g, str) and g.endswith("not reported") else repr(g)
            lines.append(f"  disagrees {path}: expected {w!r}, got {got}")
            kind = "unset" if g is None else "network disk kept as a path" if got is g else "wrong value"
            bad_classes[re.sub(r"\[\d+\]", "[]", path) + f" ({kind})"] += 1
        drops = [k for k in res["drops"] if not k.endswith(" (default)")]
        defaults = [k[:-len(" (default)")] for k in res["drops"] if k.endswith(" (default)")]
        if drops:
            lines.append("  silent drops: " + ", ".join(drops))
            drop_count += len(drops)
            drop_classes.update(drop_class(k) for k in drops)
        if defaults:
            lines.append("  unreported, at VMware's default (no loss): " + ", ".join(defaults))
            default_count += len(defaults)
        for s in res["leaks"]:
            lines.append(f"  SECRET PRINTED: {s}")
            leaks += 1
        note = " (refused, as by xl)" if res["refused"] and not res["bad"] else ""
        print(f"{native.name}: {res['agreed']}/{res['total']} fields{note}" + ("" if lines else ", ok"))
        for l in lines:
            print(l)
    pct = 100.0 * agreed / total if total else 0.0
    print("\ndisagreements by field:")
    for k, n in bad_classes.most_common():
        print(f"  {n:3d}  {k}")
    print("silent drops by key:")
    for k, n in drop_classes.most_common():
        print(f"  {n:3d}  {k}")
    print(f"\nfiles: {len(files)}, failing to convert: {failed}")
    print(f"field agreement: {agreed}/{total} = {pct:.1f}%")
    print(f"silent drops: {drop_count} keys in {sum(1 for _ in drop_classes)} classes")
    print(f"unreported keys at VMware's default (not counted): {default_count}")
    print(f"secrets printed: {leaks}")
    minimum = float(os.environ.get("HVCTL_FIDELITY_MIN", "100"))
    ok = failed == 0 and drop_count == 0 and leaks == 0 and pct >= minimum
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
