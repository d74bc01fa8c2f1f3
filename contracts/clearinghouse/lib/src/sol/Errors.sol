/// `initialize` ran already (the core's constructor runs it, once).
error AlreadyInitialized();
/// The caller is not the risk oracle.
error NotRiskOracle(address caller);
/// The caller is not a market the owner authorised.
error MarketNotAuthorised(address market);
/// The account has not approved the market to trade for it.
error MarketNotApproved(address account, address market);
/// The instrument id does not describe a perp, future, call or put on a listed underlying.
error InvalidInstrument(uint128 instrument);
/// The instrument has expired (or expires more than 5 years from now): it cannot be traded.
error InstrumentNotTradable(uint128 instrument, uint256 timestamp);
/// The account holds an expired position whose settlement price is fixed: `settleExpired(account)`
/// (anyone) turns it into cash before a trade is judged.
error ExpiredPositionUnsettled(address account, uint128 instrument);
/// A size change is zero, or a position would exceed the largest size.
error InvalidSize(uint128 instrument, int256 size);
/// A trade price is negative or above the largest price.
error InvalidTradePrice(int256 price);
/// Array arguments have different lengths, or a batch is empty.
error LengthMismatch();
/// No more underlyings can be listed.
error TooManyUnderlyings(uint256 max);
/// The underlying index is not listed (and is not the next index to list).
error UnknownUnderlying(uint256 index);
/// The account would hold more positions than the engine margins in one check.
error TooManyPositions(uint256 max);
/// The risk program rejected the parameters; `code` is its `RiskError` code (pm-risk).
error InvalidRiskParameters(uint8 code);
/// A volatility is outside [1%, 500%] (18 decimals).
error InvalidVolatility(int256 vol);
/// A posted vol moves more than the vol step from the one in force (18 decimals).
error VolatilityStepTooLarge(uint256 underlying, int128 inForce, int128 posted);
/// A posted correlation moves more than the correlation step from the one in force.
error CorrelationStepTooLarge(uint256 first, uint256 second, int128 inForce, int128 posted);
/// A risk update comes sooner than the least gap after the last one (unix seconds).
error RiskUpdateTooSoon(uint256 updatedAt, uint256 minGap, uint256 timestamp);
/// A risk oracle bound or the ramp duration is negative or beyond its maximum.
error InvalidOracleBounds();
/// An underlying's longest vol age is not above the risk oracle's least gap between updates, so
/// its vol would go stale before the oracle may post again (seconds).
error VolAgeWithinGap(uint256 volMaxAge, uint256 minGap);
/// No parameter group has this index (0–15: an underlying; 16: the account-wide scalars).
error UnknownRamp(uint256 group);
/// The underlying's implied volatility is older than its maximum age.
error StaleVolatility(uint256 underlying, uint256 updatedAt, uint256 maxAge, uint256 timestamp);
/// The risk program reverted; `code` is its `RiskError` code (pm-risk; 255: no answer, or one
/// that does not decode).
error RiskCheckFailed(uint8 code);
/// A call to the vault reverted or answered data that does not decode; `reason` is that data.
error VaultCallFailed(bytes reason);
/// A trade band is outside (0, 50%] (18 decimals).
error InvalidTradeBand(int256 band);
/// A trade price lies further than `maxDeviation` from the engine's mark of the instrument (USD
/// per unit, 18 decimals): the underlying's trade band times its price.
error TradePriceOutsideBand(uint128 instrument, int256 price, int256 mark, int256 maxDeviation);
/// The expiry has not been reached: its settlement price cannot be fixed yet.
error ExpiryNotReached(uint256 expiry, uint256 timestamp);
/// The round is not the feed's first at or after the expiry, or came later than one heartbeat
/// after it: `updatedAt` is the round's, `previousUpdatedAt` that of the round before it.
error InvalidSettlementRound(uint256 underlying, uint256 expiry, uint80 roundId, uint256 updatedAt, uint256 previousUpdatedAt);
/// The round's phase was not the feed's phase at the expiry: a later phase's first round
/// (`laterPhaseRound`) was updated at `laterPhaseUpdatedAt`, before the expiry (an aggregator the
/// feed replaced may go on posting rounds; only the last phase opened before the expiry settles it).
error SettlementPhaseSuperseded(uint256 underlying, uint256 expiry, uint80 roundId, uint80 laterPhaseRound, uint256 laterPhaseUpdatedAt);
/// A market's `settle` moves more than what is left of its hourly cap: `available` now
/// (settlement-token units; the meter drains at the cap per hour).
error SettleAboveCap(address market, int256 amount, uint256 available);
/// A liquidation parameter is out of its range (fractions with 18 decimals): the largest discount
/// in (0, 50%], the buffer in (0, 100%], the fund's share in [0, 100%], the least reward in [0,
/// the largest discount].
error InvalidLiquidationParams(int128 maxDiscount, int128 targetBuffer, int128 fundShare, int128 minReward);
/// The account's equity is not below its maintenance margin (or it owes none): nothing to liquidate.
error NotLiquidatable(address account, int256 equity, int256 maintenanceMargin);
/// An account cannot liquidate itself.
error InvalidLiquidator(address liquidator);
/// The liquidation would not have raised the account's maintenance health (equity − maintenance
/// margin): `healthBefore` and `healthAfter`, USD with 18 decimals.
error LiquidationDidNotImprove(address account, int256 healthBefore, int256 healthAfter);
/// The parameter table (the risk parameters, the risk oracle's vols and correlations, the risk
/// program's and the vault's addresses as the code of a data contract, read by every margin check) could not
/// be deployed, or the code recorded is not a whole table.
error ParamTableUnavailable(address table);
