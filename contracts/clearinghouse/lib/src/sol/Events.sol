/// The owner set the risk oracle.
event RiskOracleSet(address indexed riskOracle);
/// The owner authorised a market, or revoked it.
event MarketSet(address indexed market, bool authorised);
/// The owner set the most a market's `settle` may move per hour (settlement-token units).
event SettleCapSet(address indexed market, uint256 cap);
/// An account let a market trade for it, or revoked that.
event MarketApproved(address indexed account, address indexed market, bool approved);
/// The risk admin listed an underlying or changed its feed or parameters.
event UnderlyingSet(uint256 indexed index, address indexed feed, uint32 heartbeat, uint32 volMaxAge);
/// The risk admin set the account-wide risk parameters (they ramp in: `RampStarted`).
event RiskParamsSet(uint8 gridLevels, int128[9] scalars);
/// The risk oracle posted the risk surface: every listed underlying's vol and the correlations
/// above the diagonal (18 decimals).
event RiskUpdatePosted(int128[] vols, int128[] correlations);
/// The owner set the risk oracle's bounds and the ramp duration (0: a default).
event OracleBoundsSet(int128 volStep, int128 correlationStep, int128 minGap, int128 rampDuration);
/// A change of a parameter group (an underlying's index; 16: the account-wide scalars) started
/// ramping in over `duration` seconds (advanced by at most an hour at a time).
event RampStarted(uint256 indexed group, uint64 duration);
/// A ramp moved its group's parameters: `applied` of its `duration` seconds (whole when equal).
event RampAdvanced(uint256 indexed group, uint64 applied, uint64 duration);
/// A market changed an account's position at `price` per unit (USD, 18 decimals).
event PositionUpdated(
    address indexed account, address indexed market, uint128 indexed instrument, int128 sizeDelta, int128 price, int128 size
);
/// Anyone moved an underlying's reference price (USD, 18 decimals) towards its live price.
event ReferencePriceUpdated(uint256 indexed underlying, int256 price);
/// An expired position left the account: `size` units settled at `value` USD per unit (18 decimals).
event ExpirySettled(address indexed account, uint128 indexed instrument, int128 size, int128 value);
/// The risk admin set an underlying's trade bands (fractions of its price, 18 decimals).
event TradeBandsSet(uint256 indexed underlying, int128 futureBand, int128 optionBand);
/// An underlying's settlement price for an expiry was fixed from the feed's round `roundId` (USD,
/// 18 decimals); every position of that underlying and expiry settles at it.
event ExpiryPriceFixed(uint256 indexed underlying, uint256 indexed expiry, uint80 roundId, int256 price);
/// A liquidator took over `fraction` of every position of the account (18 decimals) and paid it
/// `transferValue` (the slice's value at the marks; negative: received it), and the account paid
/// the `discount` (at `discountRate` of the maintenance margin taken over), `fundShare` of it to
/// the insurance fund; the fund paid the liquidator `fundTopUp` when the account could not pay
/// the whole discount. Amounts in USD with 18 decimals.
event Liquidated(
    address indexed account,
    address indexed liquidator,
    int256 fraction,
    int256 discountRate,
    int256 transferValue,
    int256 discount,
    int256 fundShare,
    int256 fundTopUp
);
/// The risk admin set the liquidation parameters (fractions with 18 decimals).
event LiquidationParamsSet(int128 maxDiscount, int128 targetBuffer, int128 fundShare, int128 minReward);
/// A liquidation left the account with no positions, no other collateral and debt: the insurance
/// fund paid `coveredByFund` of it, and `socialised` was written off against every
/// settlement-token balance and recorded as bad debt (settlement-token units).
event BadDebt(address indexed account, uint256 coveredByFund, uint256 socialised);
/// What the margin checks read besides the book and the feeds (the risk program and the vault,
/// the risk parameters in force, each listed underlying's feed, vol and parameters, the correlations) was
/// published as the code of `table`, which every margin check now reads.
event ParamTablePublished(address table);
