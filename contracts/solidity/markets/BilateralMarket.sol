// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IClearinghouse} from "@pm/abi/IClearinghouse.sol";

/// @title BilateralMarket
/// @notice A venue where two accounts trade instruments of the portfolio-margin engine at agreed
/// prices: the maker proposes a ticket (instruments, signed sizes from the maker's side, prices per
/// unit), the taker accepts it. Positions, cash and margin live in the clearinghouse: the market reports
/// the trade with `updatePositions` (the buyer pays size × price in the settlement token, the
/// seller receives it, and each side must meet initial margin unless it only reduces risk) and
/// charges the taker a flat fee with `settle`. Both accounts must have approved this market in the
/// clearinghouse (`approveMarket`). Units: sizes and prices with 18 decimals, fees in settlement-token units.
abstract contract BilateralMarket {
    /// A proposed trade.
    struct Ticket {
        address maker;
        address taker;
        uint64 deadline;
        bool open;
        uint128[] instruments;
        int128[] sizes;
        int128[] prices;
    }

    /// The clearinghouse (its core address, where every function answers).
    IClearinghouse public immutable clearinghouse;
    /// Receives nothing itself (fees stay in this market's balance in the vault); may change the fee.
    address public owner;
    /// Flat fee per accepted ticket, charged to the taker, in settlement-token units.
    uint256 public takerFee;
    /// Tickets by id (ids start at 1).
    mapping(uint256 => Ticket) internal tickets;
    /// The last ticket id.
    uint256 public ticketCount;

    /// A maker proposed ticket `id` to `taker` (the zero address: anyone).
    event TicketProposed(uint256 indexed id, address indexed maker, address indexed taker, uint64 deadline);
    /// The taker accepted ticket `id`: the trade is in the clearinghouse.
    event TicketAccepted(uint256 indexed id, address indexed maker, address indexed taker, uint256 fee);
    /// The maker cancelled ticket `id`.
    event TicketCancelled(uint256 indexed id);
    /// The owner set the taker fee.
    event TakerFeeSet(uint256 fee);

    /// The caller is not the owner.
    error NotOwner(address caller);
    /// A ticket has no legs, arrays of different lengths, a zero size or a negative price.
    error InvalidTicket();
    /// An instrument is not one this market trades.
    error UnsupportedInstrument(uint128 instrument);
    /// The ticket does not exist, was accepted or cancelled, or is past its deadline.
    error TicketNotOpen(uint256 id);
    /// The caller is neither the ticket's taker nor (for an open ticket) anyone else but its maker.
    error NotTaker(uint256 id, address caller);
    /// Only the maker may cancel.
    error NotMaker(uint256 id, address caller);
    /// A fee does not fit the clearinghouse's signed amounts.
    error FeeTooLarge(uint256 fee);

    constructor(IClearinghouse clearinghouse_, address owner_) {
        clearinghouse = clearinghouse_;
        owner = owner_;
    }

    /// @notice Whether this market trades `instrument` (its kind, and for options its series).
    function trades(uint128 instrument) public view virtual returns (bool);

    /// @notice Sets the taker fee (settlement-token units).
    function setTakerFee(uint256 fee) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        if (fee > uint256(type(int256).max)) revert FeeTooLarge(fee);
        takerFee = fee;
        emit TakerFeeSet(fee);
    }

    /// @notice Proposes a trade: the caller (maker) gets `sizes` of `instruments` at `prices` per
    /// unit, `taker` (or anyone, with the zero address) the opposite, until `deadline`.
    /// @return id The ticket id.
    function propose(
        address taker,
        uint128[] calldata instruments,
        int128[] calldata sizes,
        int128[] calldata prices,
        uint64 deadline
    ) external returns (uint256 id) {
        uint256 n = instruments.length;
        if (n == 0 || sizes.length != n || prices.length != n) revert InvalidTicket();
        for (uint256 i = 0; i < n; ++i) {
            if (sizes[i] == 0 || prices[i] < 0) revert InvalidTicket();
            if (!trades(instruments[i])) revert UnsupportedInstrument(instruments[i]);
        }
        id = ++ticketCount;
        tickets[id] = Ticket(msg.sender, taker, deadline, true, instruments, sizes, prices);
        emit TicketProposed(id, msg.sender, taker, deadline);
    }

    /// @notice Accepts ticket `id`: both positions change in the clearinghouse, then the fee is charged.
    /// Reverts with the clearinghouse's error (e.g. `InsufficientMargin`) when either side cannot take it.
    function accept(uint256 id) external {
        Ticket storage t = tickets[id];
        // forge-lint: disable-next-line(block-timestamp) a deadline is a time
        if (!t.open || block.timestamp > t.deadline) revert TicketNotOpen(id);
        if (msg.sender == t.maker || (t.taker != address(0) && msg.sender != t.taker)) {
            revert NotTaker(id, msg.sender);
        }
        t.open = false;
        uint256 n = t.instruments.length;
        int128[] memory opposite = new int128[](n);
        for (uint256 i = 0; i < n; ++i) {
            opposite[i] = -t.sizes[i];
        }
        // The maker first, then the taker: the taker's side pays back what the maker's moved, so
        // this market's balance in the vault ends the trade where it started (plus rounding, never less).
        _update(t.maker, t.instruments, t.sizes, t.prices);
        _update(msg.sender, t.instruments, opposite, t.prices);
        uint256 fee = takerFee;
        // forge-lint: disable-next-line(unsafe-typecast) setTakerFee bounds the fee by int256's max
        if (fee != 0) clearinghouse.settle(msg.sender, -int256(fee));
        emit TicketAccepted(id, t.maker, msg.sender, fee);
    }

    /// @notice Cancels an open ticket (maker only).
    function cancel(uint256 id) external {
        Ticket storage t = tickets[id];
        if (!t.open) revert TicketNotOpen(id);
        if (msg.sender != t.maker) revert NotMaker(id, msg.sender);
        t.open = false;
        emit TicketCancelled(id);
    }

    /// @notice A ticket's legs and state.
    function ticket(uint256 id) external view returns (Ticket memory) {
        return tickets[id];
    }

    function _update(address account, uint128[] memory instruments, int128[] memory sizes, int128[] memory prices)
        private
    {
        if (instruments.length == 1) {
            clearinghouse.updatePosition(account, instruments[0], sizes[0], prices[0]);
        } else {
            clearinghouse.updatePositions(account, instruments, sizes, prices);
        }
    }

    /// The kind of an instrument id: 0 perp, 1 future, 2 call, 3 put.
    function _kind(uint128 instrument) internal pure returns (uint8) {
        // forge-lint: disable-next-line(unsafe-typecast) the kind is the byte above the expiry
        return uint8(instrument >> 112);
    }
}
