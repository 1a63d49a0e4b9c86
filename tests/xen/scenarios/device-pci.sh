# Scenario: PCI passthrough by signed policy: kurad binds the second xHCI controller to pciback and the client VM drives it; dom0 keeps its own USB controller; after the client stops, the controller goes back to dom0 on request
# timeout: 300

# pci_driver BDF: the driver dom0 has bound to a PCI function.
pci_driver() {
	basename "$(readlink -f "/sys/bus/pci/devices/$1/driver")"
}

pci_state() {
	kuractl device list | awk -v id="pci:$1" '$1 == id { print $2 }'
}

run() {
	local m out pt=0000:00:07.0
	for m in xhci-pci xen-pciback; do
		modprobe $m || fail "modprobe $m"
	done
	check "dom0 drives both xHCI controllers at first" [ "$(pci_driver $pt)" = xhci_hcd ]
	kurad_config pv
	kura-policy keygen "$KURA_ETC/policy" > /dev/null || fail "keygen"
	printf '%s\n' 'version 1' 'default deny' 'hubs: allow kind hub' \
		"pt: allow bus pci pci-address \"$pt\"" > "$KURA_ETC/policy.txt"
	check "the policy is signed" kura-policy sign --key "$KURA_ETC/policy.key" \
		-o "$KURA_ETC/policy.signed" "$KURA_ETC/policy.txt"
	kurad_start
	wait_alive 90 kura-service > /dev/null || fail "the service domain did not come up"
	CLI=$(wait_alive 120 kura-client) || fail "the client VM did not come up"
	kuractl device list
	check "the controller is bound to pciback in dom0" [ "$(pci_driver $pt)" = pciback ]
	check "kurad shows it attached" wait_for 10 sh -c "[ \"\$(kuractl device list | awk '\$1 == \"pci:$pt\" { print \$2 }')\" = attached ]"
	m=$(kuractl device list | awk '/ 1b36:000d / && $1 != "pci:'$pt'" { print $1 }')
	check "dom0 keeps its own xHCI controller ($m, $(pci_state "${m#pci:}"))" [ "$(pci_state "${m#pci:}")" = dom0 ]
	out=$(guest_exec "$CLI" 60 "modprobe xen-pcifront; modprobe xhci-pci; sleep 2; cat /sys/bus/pci/devices/*/vendor /sys/bus/pci/devices/*/device | tr '\n' ' '")
	check "the client VM sees a 1b36:000d ($out)" sh -c "echo '$out' | grep -q 0x1b36 && echo '$out' | grep -q 0x000d"
	out=$(guest_exec "$CLI" 30 "ls /sys/bus/usb/devices | tr '\n' ' '")
	check "and drives it: it has USB buses of its own ($out)" sh -c "echo '$out' | grep -q usb1"
	check "the audit log has the decision" grep -q '"action":"attach".*"id":"pci:0000:00:07.0"' "$AUDIT_LOG"
	check "kuractl vm stop" kuractl vm stop
	check "the client VM stops" wait_for 60 state_is kura-client stopped
	check "the controller goes back to dom0" xl pci-assignable-remove -r $pt
	check "xhci_hcd drives it again" wait_for 10 sh -c "[ \"\$(basename \"\$(readlink -f /sys/bus/pci/devices/$pt/driver)\")\" = xhci_hcd ]"
}
