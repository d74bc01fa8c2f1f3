/// The caller is not the owner.
error NotOwner(address caller);
/// The caller is not the pending owner named by `transferOwnership`.
error NotPendingOwner(address caller);
/// The caller is not the risk admin.
error NotRiskAdmin(address caller);
/// An address argument that must be set is zero.
error ZeroAddress();
/// An address that must hold contract code holds none.
error NotAContract(address account);
/// An oracle heartbeat or age must be positive and at most `maxSeconds`.
error InvalidHeartbeat(uint256 heartbeat, uint256 maxSeconds);
/// An oracle call reverted or returned data that does not decode.
error OracleCallFailed(address oracle);
/// An oracle answer is zero or negative.
error InvalidPrice(address oracle, int256 answer);
/// An oracle round is incomplete (never updated, or answered in an earlier round).
error IncompleteRound(address oracle, uint80 roundId, uint80 answeredInRound, uint256 updatedAt);
/// An oracle answer is older than its feed's heartbeat.
error StalePrice(address oracle, uint256 updatedAt, uint256 heartbeat, uint256 timestamp);
/// The L2 sequencer-uptime feed reports the sequencer down (answer 1) or has no valid round.
error SequencerDown(address feed, int256 answer, uint256 startedAt);
/// The sequencer is up again but for less than the grace period: prices are not yet trusted.
error SequencerGracePeriod(address feed, uint256 upSince, uint256 gracePeriod, uint256 timestamp);
/// A token call (`transfer`, `transferFrom`, `balanceOf`, `decimals`) reverted, returned false
/// or returned data that does not decode; `selector` names the call.
error TokenCallFailed(address token, bytes4 selector);
/// The account's equity (collateral value, minus debt, plus its positions' value) would be below
/// its initial margin; `shortfall` is the difference. USD, 18 decimals.
error InsufficientMargin(address account, int256 equity, int256 initialMargin, uint256 shortfall);
/// A value does not fit the engine's arithmetic.
error ArithmeticOverflow();
/// A facet's function was called at the facet's own address: facets run only through their core.
error NotThroughCore();
/// No function of the program, or of any facet it routes to, has this selector.
error UnknownSelector(bytes4 selector);
