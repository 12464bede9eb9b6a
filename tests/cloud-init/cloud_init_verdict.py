#!/usr/bin/env python3
"""cloud-init 22.4's own verdict on each file: prints "<file> ok" or
"<file> refused: <why>". Run with PYTHONPATH at an extracted cloud-init tree.
  user-data:      #cloud-config goes through `cloud-init schema`'s own
                  validate_cloudconfig_file (strict); any other text is
                  typed by cloudinit.handlers.type_from_starts_with (or MIME,
                  as cloudinit.user_data.convert_string does); unknown: refused
  network-config: yaml.safe_load, the top-level network: key dropped as
                  stages.py does, then network_state.parse_net_config_data
                  with skip_broken=False
Usage: cloud_init_verdict.py user-data|network-config FILE..."""
import email
import sys

import yaml
from cloudinit import handlers
from cloudinit.config import schema
from cloudinit.net import network_state


def user_data(path):
    with open(path, "rb") as f:
        blob = f.read()
    if blob[:2] == b"\x1f\x8b":
        return None
    text = blob.decode("utf-8", "replace")
    if text.startswith("#cloud-config") and not handlers.type_from_starts_with(text) == "text/cloud-config-archive":
        schema.validate_cloudconfig_file(path, schema.get_schema(), annotate=False)
        return None
    if "mime-version:" in text[0:4096].lower() or text.lower().startswith("content-type:"):
        msg = email.message_from_string(text)
        if msg.is_multipart():
            parts = [p for p in msg.walk() if not p.is_multipart()]
            if not parts or msg.get_boundary() is None:
                return "a multipart message without parts"
        return None
    if handlers.type_from_starts_with(text) is None:
        return "no user-data type cloud-init knows"
    return None


def network_config(path):
    with open(path) as f:
        cfg = yaml.safe_load(f)
    if cfg and "network" in cfg:
        cfg = cfg["network"]
    network_state.parse_net_config_data(cfg, skip_broken=False)
    return None


def main():
    check = user_data if sys.argv[1] == "user-data" else network_config
    for path in sys.argv[2:]:
        try:
            why = check(path)
        except Exception as e:  # cloud-init's own refusal, whatever its type
            why = f"{type(e).__name__}: {e}".replace("\n", " ")[:300]
        print(f"{path} " + ("ok" if why is None else f"refused: {why}"))


main()
