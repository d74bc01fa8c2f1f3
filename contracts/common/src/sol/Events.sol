/// `transferOwnership` named a pending owner, who must call `acceptOwnership`.
event OwnershipTransferStarted(address indexed previousOwner, address indexed newOwner);
/// The owner changed (also emitted by the constructor, from the zero address).
event OwnershipTransferred(address indexed previousOwner, address indexed newOwner);
/// The owner set the risk admin.
event RiskAdminSet(address indexed riskAdmin);
