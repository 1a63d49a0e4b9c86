# Scenario: without an IOMMU, kurad refuses to start a client VM the policy gives a PCI device, says why, and leaves the device to dom0; the service domain runs all the same
# timeout: 200
# boot: noiommu
# iommu: off

run() {
	local m pt=0000:00:07.0
	for m in xhci-pci xen-pciback; do
		modprobe $m || fail "modprobe $m"
	done
	check "Xen has no IOMMU here" sh -c "! xl info | grep virt_caps | grep -q hvm_directio"
	kurad_config pv
	kura-policy keygen "$KURA_ETC/policy" > /dev/null || fail "keygen"
	printf '%s\n' 'version 1' 'default deny' "pt: allow bus pci pci-address \"$pt\"" > "$KURA_ETC/policy.txt"
	check "the policy is signed" kura-policy sign --key "$KURA_ETC/policy.key" \
		-o "$KURA_ETC/policy.signed" "$KURA_ETC/policy.txt"
	kurad_start
	wait_alive 90 kura-service > /dev/null || fail "the service domain did not come up"
	check "kurad refuses the client VM, and says why" wait_for 30 grep -q \
		'kura-client: not created: the policy gives it 1 PCI device(s), and Xen has no IOMMU' "$KURAD_LOG"
	check "in the audit log too" grep -q '"domain-refused".*no IOMMU' "$AUDIT_LOG"
	check "no client domain exists" sh -c "! xl domid kura-client"
	check "the controller stays dom0's" [ "$(basename "$(readlink -f /sys/bus/pci/devices/$pt/driver)")" = xhci_hcd ]
	check "the service domain runs" state_is kura-service running
	kuractl status
}
