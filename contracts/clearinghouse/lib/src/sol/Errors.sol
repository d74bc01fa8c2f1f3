/// The caller is not the owner.
error NotOwner(address caller);
/// The caller is not the risk admin.
error NotRiskAdmin(address caller);
/// The caller is not the volatility oracle.
error NotVolOracle(address caller);
/// An address argument that must be set is zero.
error ZeroAddress();
/// An address that must hold contract code holds none.
error NotAContract(address account);
/// The caller is not a market the owner authorised.
error MarketNotAuthorised(address market);
/// The account has not approved the market to trade for it.
error MarketNotApproved(address account, address market);
/// The instrument id does not describe a perp, future, call or put on a listed underlying.
error InvalidInstrument(uint128 instrument);
/// The instrument has expired (or expires more than 5 years from now): it cannot be traded.
error InstrumentNotTradable(uint128 instrument, uint256 timestamp);
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
/// The risk program rejected the parameters; `code` is its `RiskError` discriminant.
error InvalidRiskParameters(uint8 code);
/// An oracle heartbeat or volatility age must be positive and at most `maxSeconds`.
error InvalidHeartbeat(uint256 heartbeat, uint256 maxSeconds);
/// A volatility is outside [1%, 500%] (18 decimals).
error InvalidVolatility(int256 vol);
/// The underlying's implied volatility is older than its maximum age.
error StaleVolatility(uint256 underlying, uint256 updatedAt, uint256 maxAge, uint256 timestamp);
/// An oracle call reverted or returned data that does not decode.
error OracleCallFailed(address oracle);
/// An oracle answer is zero or negative.
error InvalidPrice(address oracle, int256 answer);
/// An oracle round is incomplete (never updated, or answered in an earlier round).
error IncompleteRound(address oracle, uint80 roundId, uint80 answeredInRound, uint256 updatedAt);
/// An oracle answer is older than the underlying's heartbeat.
error StalePrice(address oracle, uint256 updatedAt, uint256 heartbeat, uint256 timestamp);
/// The risk program reverted; `code` is its `RiskError` discriminant (255: no answer).
error RiskCheckFailed(uint8 code);
/// A call to the vault reverted or answered data that does not decode; `reason` is that data.
error VaultCallFailed(bytes reason);
/// A token's `decimals()` call reverted or returned data that does not decode.
error TokenCallFailed(address token);
/// The account's equity would be below its initial margin after a risk-adding change;
/// `shortfall` is the difference. USD, 18 decimals.
error InsufficientMargin(address account, int256 equity, int256 initialMargin, uint256 shortfall);
/// A value does not fit the engine's arithmetic.
error ArithmeticOverflow();
