#!/bin/bash
# Regenerate tests/vcsim/soap-samples/: raw SOAP exchanges with vcsim, for hvctl's C++ SOAP client
# (reference and parser fixtures). Starts its own vcsim with -trace, speaks SOAP to it with curl
# (hand-written requests, as a minimal client would send them), saves each request, response body
# and HTTP response headers, and stops vcsim again.
#
#   tests/vcsim/capture-soap-samples.sh [OUTDIR]     (default: tests/vcsim/soap-samples)
#
# Files per exchange NN-name: NN-name.request.xml, NN-name.response.xml (byte-exact body as sent
# by vcsim; it is the same text vcsim's -trace log prints after "Response: "), and all response
# headers in http-headers.txt. Morefs (vm-NN, task-NN, session-[...]) and UUIDs differ per run.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-$HERE/soap-samples}
mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
RUN=$(mktemp -d "${TMPDIR:-/tmp}/vcsim-capture.XXXXXX")
trap '"$HERE/vcsim.sh" stop "$RUN/sim"; rm -rf "$RUN"' EXIT

"$HERE/vcsim.sh" start "$RUN/sim" -trace >/dev/null
URL=$(cat "$RUN/sim/url")
rm -f "$OUT"/*.request.xml "$OUT"/*.response.xml "$OUT/http-headers.txt"

# soap NAME BODY: POST one vim25 request; the session cookie persists in a cookie jar.
soap() {
  local name=$1 body=$2
  {
    printf '<?xml version="1.0" encoding="UTF-8"?>\n'
    printf '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"'
    printf ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"'
    printf ' xmlns="urn:vim25"><soapenv:Body>%s</soapenv:Body></soapenv:Envelope>\n' "$body"
  } > "$OUT/$name.request.xml"
  local code
  code=$(curl -sk -o "$OUT/$name.response.xml" -D "$RUN/headers" -w '%{http_code}' \
      -b "$RUN/cookies" -c "$RUN/cookies" \
      -H 'Content-Type: text/xml; charset=utf-8' -H 'SOAPAction: "urn:vim25/6.5"' \
      --data-binary @"$OUT/$name.request.xml" "$URL")
  mkdir -p "$RUN/h"
  { echo "== $name (HTTP $code)"; tr -d '\r' < "$RUN/headers" | grep -v '^Date:'; } > "$RUN/h/$name"
  LAST_CODE=$code
}
# xp NAME XPATH: a string from a saved response (namespace-blind XPath via local-name()).
xp() { xmllint --xpath "string($2)" "$OUT/$1.response.xml"; }
# must VALUE WHAT: stop when an expected value did not come back.
must() { [ -n "$1" ] || { echo "capture-soap-samples: no $2 in the response" >&2; exit 1; }; }
el() { printf "//*[local-name()='%s']" "$1"; }

# Wait until a Task's info.state leaves queued/running; returns the last response's name.
wait_task() {
  local tag=$1 task=$2 i state
  for ((i = 0; i < 100; i++)); do
    soap "$tag" "<RetrievePropertiesEx><_this type=\"PropertyCollector\">propertyCollector</_this><specSet><propSet><type>Task</type><pathSet>info</pathSet></propSet><objectSet><obj type=\"Task\">$task</obj></objectSet></specSet><options/></RetrievePropertiesEx>"
    [ "$LAST_CODE" = 200 ] || { echo "$tag: HTTP $LAST_CODE" >&2; return 1; }
    state=$(xp "$tag" "$(el state)")
    case $state in success|error) return 0 ;; esac
    sleep 0.05
  done
  echo "task $task did not finish" >&2; return 1
}

soap 01-RetrieveServiceContent '<RetrieveServiceContent><_this type="ServiceInstance">ServiceInstance</_this></RetrieveServiceContent>'

soap 02-Login-wrong-password '<Login><_this type="SessionManager">SessionManager</_this><userName>user</userName><password>wrong</password></Login>'
soap 03-Login '<Login><_this type="SessionManager">SessionManager</_this><userName>user</userName><password>pass</password></Login>'

soap 04-FindByInventoryPath-vmFolder '<FindByInventoryPath><_this type="SearchIndex">SearchIndex</_this><inventoryPath>DC0/vm</inventoryPath></FindByInventoryPath>'
FOLDER=$(xp 04-FindByInventoryPath-vmFolder "$(el returnval)")
must "$FOLDER" "vm folder"
soap 05-FindByInventoryPath-pool '<FindByInventoryPath><_this type="SearchIndex">SearchIndex</_this><inventoryPath>DC0/host/DC0_C0/Resources</inventoryPath></FindByInventoryPath>'
POOL=$(xp 05-FindByInventoryPath-pool "$(el returnval)")
must "$POOL" "resource pool"

soap 06-CreateContainerView '<CreateContainerView><_this type="ViewManager">ViewManager</_this><container type="Folder">group-d1</container><type>VirtualMachine</type><recursive>true</recursive></CreateContainerView>'
VIEW=$(xp 06-CreateContainerView "$(el returnval)")
must "$VIEW" "ContainerView"

VMPROPS='<propSet><type>VirtualMachine</type><pathSet>name</pathSet><pathSet>runtime.powerState</pathSet><pathSet>config.hardware.numCPU</pathSet><pathSet>config.hardware.memoryMB</pathSet></propSet>'
soap 07-RetrievePropertiesEx-ContainerView-VMs "<RetrievePropertiesEx><_this type=\"PropertyCollector\">propertyCollector</_this><specSet>$VMPROPS<objectSet><obj type=\"ContainerView\">$VIEW</obj><skip>true</skip><selectSet xsi:type=\"TraversalSpec\"><name>view</name><type>ContainerView</type><path>view</path><skip>false</skip></selectSet></objectSet></specSet><options><maxObjects>2</maxObjects></options></RetrievePropertiesEx>"
# vcsim 0.24.2 ignores maxObjects: all VMs come back at once, without a continuation token.
# Real vCenter pages; a client must follow <token> with ContinueRetrievePropertiesEx.
VM0=$(xp 07-RetrievePropertiesEx-ContainerView-VMs "($(el obj))[1]"); must "$VM0" "VM in the view"
TOKEN=$(xp 07-RetrievePropertiesEx-ContainerView-VMs "$(el token)")
if [ -n "$TOKEN" ]; then
  soap 07b-ContinueRetrievePropertiesEx "<ContinueRetrievePropertiesEx><_this type=\"PropertyCollector\">propertyCollector</_this><token>$TOKEN</token></ContinueRetrievePropertiesEx>"
fi
# Array-valued properties: items of ArrayOfGuestNicInfo carry no type attribute, datastore morefs
# are file system paths ("/tmp/...govcsim-DC0-LocalDS_0-NNN@folder-5").
soap 08-RetrievePropertiesEx-VM-arrays "<RetrievePropertiesEx><_this type=\"PropertyCollector\">propertyCollector</_this><specSet><propSet><type>VirtualMachine</type><pathSet>datastore</pathSet><pathSet>network</pathSet><pathSet>guest.net</pathSet><pathSet>config.extraConfig</pathSet></propSet><objectSet><obj type=\"VirtualMachine\">$VM0</obj></objectSet></specSet><options/></RetrievePropertiesEx>"

soap 09-CreateVM_Task "<CreateVM_Task><_this type=\"Folder\">$FOLDER</_this><config><name>testvm</name><guestId>otherGuest</guestId><files><vmPathName>[LocalDS_0]</vmPathName></files><numCPUs>1</numCPUs><memoryMB>64</memoryMB><deviceChange><operation>add</operation><device xsi:type=\"VirtualE1000\"><key>-1</key><backing xsi:type=\"VirtualEthernetCardNetworkBackingInfo\"><deviceName>VM Network</deviceName></backing><addressType>generated</addressType></device></deviceChange></config><pool type=\"ResourcePool\">$POOL</pool></CreateVM_Task>"
TASK=$(xp 09-CreateVM_Task "$(el returnval)"); must "$TASK" "CreateVM task"
wait_task 10-RetrievePropertiesEx-Task-info-CreateVM "$TASK"
VM=$(xp 10-RetrievePropertiesEx-Task-info-CreateVM "$(el result)")
must "$VM" "created VM"

soap 11-PowerOnVM_Task "<PowerOnVM_Task><_this type=\"VirtualMachine\">$VM</_this></PowerOnVM_Task>"
TASK=$(xp 11-PowerOnVM_Task "$(el returnval)"); must "$TASK" "PowerOn task"
# Task completion the event-driven way: a filter on info.state, then WaitForUpdatesEx.
soap 12-CreateFilter-Task "<CreateFilter><_this type=\"PropertyCollector\">propertyCollector</_this><spec><propSet><type>Task</type><pathSet>info.state</pathSet><pathSet>info.error</pathSet></propSet><objectSet><obj type=\"Task\">$TASK</obj></objectSet></spec><partialUpdates>false</partialUpdates></CreateFilter>"
FILTER=$(xp 12-CreateFilter-Task "$(el returnval)")
must "$FILTER" "PropertyFilter"
soap 13-WaitForUpdatesEx '<WaitForUpdatesEx><_this type="PropertyCollector">propertyCollector</_this><version></version><options><maxWaitSeconds>10</maxWaitSeconds></options></WaitForUpdatesEx>'
VERSION=$(xp 13-WaitForUpdatesEx "$(el version)")
must "$VERSION" "update version"
# Nothing changes any more: the call returns after maxWaitSeconds with no returnval.
soap 14-WaitForUpdatesEx-timeout "<WaitForUpdatesEx><_this type=\"PropertyCollector\">propertyCollector</_this><version>$VERSION</version><options><maxWaitSeconds>1</maxWaitSeconds></options></WaitForUpdatesEx>"
soap 15-DestroyPropertyFilter "<DestroyPropertyFilter><_this type=\"PropertyFilter\">$FILTER</_this></DestroyPropertyFilter>"

# A task that fails: powering on a VM that is already on -> info.state error, info.error fault.
soap 16-PowerOnVM_Task-again "<PowerOnVM_Task><_this type=\"VirtualMachine\">$VM</_this></PowerOnVM_Task>"
wait_task 17-RetrievePropertiesEx-Task-info-error "$(xp 16-PowerOnVM_Task-again "$(el returnval)")"

soap 18-RetrievePropertiesEx-VM-object "<RetrievePropertiesEx><_this type=\"PropertyCollector\">propertyCollector</_this><specSet>$VMPROPS<objectSet><obj type=\"VirtualMachine\">$VM</obj></objectSet></specSet><options/></RetrievePropertiesEx>"

soap 19-PowerOffVM_Task "<PowerOffVM_Task><_this type=\"VirtualMachine\">$VM</_this></PowerOffVM_Task>"
wait_task 20-RetrievePropertiesEx-Task-info-PowerOff "$(xp 19-PowerOffVM_Task "$(el returnval)")"
# vcsim looks a moref up by type and value: the abstract type ManagedEntity does not match a
# VirtualMachine (ManagedObjectNotFound fault, HTTP 500). The real type works.
soap 21-Destroy_Task-wrong-moref-type "<Destroy_Task><_this type=\"ManagedEntity\">$VM</_this></Destroy_Task>"
soap 22-Destroy_Task "<Destroy_Task><_this type=\"VirtualMachine\">$VM</_this></Destroy_Task>"
wait_task 23-RetrievePropertiesEx-Task-info-Destroy "$(xp 22-Destroy_Task "$(el returnval)")"
# Properties of an object that no longer exists.
soap 24-RetrievePropertiesEx-deleted-VM "<RetrievePropertiesEx><_this type=\"PropertyCollector\">propertyCollector</_this><specSet>$VMPROPS<objectSet><obj type=\"VirtualMachine\">$VM</obj></objectSet></specSet><options/></RetrievePropertiesEx>"

soap 25-DestroyView "<DestroyView><_this type=\"ContainerView\">$VIEW</_this></DestroyView>"
soap 26-Logout '<Logout><_this type="SessionManager">SessionManager</_this></Logout>'
# After Logout the cookie no longer names a session. vcsim answers a property read with HTTP 200
# and a NotAuthenticated fault per property in missingSet (real vCenter: a NotAuthenticated SOAP
# fault), and a method call with a NotAuthenticated SOAP fault.
soap 27-RetrievePropertiesEx-after-Logout "<RetrievePropertiesEx><_this type=\"PropertyCollector\">propertyCollector</_this><specSet>$VMPROPS<objectSet><obj type=\"VirtualMachine\">$VM0</obj></objectSet></specSet><options/></RetrievePropertiesEx>"
soap 28-PowerOnVM_Task-after-Logout "<PowerOnVM_Task><_this type=\"VirtualMachine\">$VM0</_this></PowerOnVM_Task>"

# For comparison, how govmomi itself (govc) encodes a request: taken from vcsim's -trace log,
# where every exchange is "Request: <?xml ...?>" + envelope line, "Response: <?xml ...?>" + line.
GOVC=${GOVC_BIN:-$(dirname "$(dirname "$HERE")")/build/vcsim/bin/govc}
if [ -x "$GOVC" ]; then
  (
    # shellcheck disable=SC1091
    . "$RUN/sim/env"
    "$GOVC" vm.create -m 64 -c 1 -net 'VM Network' -ds LocalDS_0 -pool DC0_C0/Resources -on=false govcvm
  )
  awk -v want="<CreateVM_Task " '
    /^Request: / { hdr = substr($0, 10); getline body; if (index(body, want)) { print hdr; print body; exit } }
  ' "$RUN/sim/vcsim.log" > "$OUT/govc-CreateVM_Task.request.xml"
  must "$(cat "$OUT/govc-CreateVM_Task.request.xml")" "govc CreateVM_Task in the trace"
else
  echo "no govc at $GOVC: skipping govc-CreateVM_Task.request.xml" >&2
fi

# Response headers of every exchange (for polled tasks: the last poll).
cat "$RUN"/h/* > "$OUT/http-headers.txt"
for f in "$OUT"/*.response.xml; do
  printf '%-60s %5d bytes\n' "$(basename "$f")" "$(wc -c < "$f")" >&2
done
