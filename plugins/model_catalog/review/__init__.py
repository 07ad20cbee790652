"""Review: the approvers registry, SSH signatures, the gate that judges approvals, and approving a card."""
