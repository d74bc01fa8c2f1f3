/// The owner set the guardian.
event GuardianSet(address indexed guardian);
/// The guardian or the owner paused the vault: deposits stop.
event Paused(address indexed account);
/// The owner unpaused the vault.
event Unpaused(address indexed account);
/// The risk admin listed a collateral token or changed its parameters.
event CollateralConfigured(
    address indexed token, address indexed oracle, uint16 haircutBps, uint256 depositCap, uint32 heartbeat
);
/// A change of `token`'s haircut started ramping in from `fromBps` to `toBps` over `duration`
/// seconds (advanced by at most an hour at a time).
event HaircutRampStarted(address indexed token, uint16 fromBps, uint16 toBps, uint64 duration);
/// A haircut ramp moved `token`'s haircut to `haircutBps`: `applied` of its `duration` seconds.
event HaircutAdvanced(address indexed token, uint16 haircutBps, uint64 applied, uint64 duration);
/// The risk admin set (or cleared, with the zero address) the L2 sequencer-uptime feed.
event SequencerFeedSet(address indexed feed, uint32 gracePeriod);
/// `amount` of `token` (what the vault actually received) was credited to `account`, paid by `from`.
event Deposited(address indexed account, address indexed token, address indexed from, uint256 amount);
/// `amount` of `token` left `account`'s balance and was sent to `to`.
event Withdrawn(address indexed account, address indexed token, address indexed to, uint256 amount);
/// The owner connected the clearinghouse; `settlementToken` carries realised PnL, fees and debt.
event ClearinghouseSet(address indexed clearinghouse, address indexed settlementToken);
/// The clearinghouse moved `amount` settlement-token units from `counterparty` to `account`
/// (negative: from `account` to `counterparty`); a balance that runs out becomes debt.
event Settled(address indexed account, address indexed counterparty, int256 amount);
/// In a liquidation, `liquidator` bought `amount` of `account`'s `token` for `paid` settlement-token
/// units, which paid down `account`'s debt.
event CollateralSeized(
    address indexed account, address indexed liquidator, address indexed token, uint256 amount, uint256 paid
);
/// A liquidated account's settlement-token debt that nothing was left to pay was written off:
/// every settlement-token balance now bears its share (`lossIndex`: 18 decimals, 1 before any loss).
event DebtSocialised(address indexed account, uint256 amount, uint256 lossIndex);
/// A new collateral table was published: what a valuation reads of the listing and the sequencer
/// feed, as the code of the data contract `table` (`collateralTable`).
event CollateralTablePublished(address table);
