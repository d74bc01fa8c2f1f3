// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title MockAggregatorV3
/// @notice A Chainlink `AggregatorV3`-style feed whose round the test sets. Also serves as an L2
/// sequencer-uptime feed (answer 0 = up, 1 = down; `startedAt` = when the status changed).
/// Every round it had stays readable by id (`getRoundData`), as a Chainlink feed's do.
contract MockAggregatorV3 {
    struct Round {
        int256 answer;
        uint256 startedAt;
        uint256 updatedAt;
        uint80 answeredInRound;
    }

    uint8 public immutable decimals;
    uint80 public roundId;
    int256 public answer;
    uint256 public startedAt;
    uint256 public updatedAt;
    uint80 public answeredInRound;
    mapping(uint80 => Round) internal rounds;

    /// No round has this id (Chainlink's feeds revert too).
    error NoDataPresent(uint80 roundId);

    event AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt);

    constructor(uint8 decimals_, int256 answer_) {
        decimals = decimals_;
        setAnswer(answer_);
    }

    /// @notice A new complete round answering `answer_`, started and updated now.
    function setAnswer(int256 answer_) public {
        setRound(roundId + 1, answer_, block.timestamp, block.timestamp, roundId + 1);
    }

    /// @notice Sets every field of the latest round, for stale or incomplete rounds.
    function setRound(uint80 roundId_, int256 answer_, uint256 startedAt_, uint256 updatedAt_, uint80 answeredInRound_)
        public
    {
        roundId = roundId_;
        answer = answer_;
        startedAt = startedAt_;
        updatedAt = updatedAt_;
        answeredInRound = answeredInRound_;
        rounds[roundId_] = Round(answer_, startedAt_, updatedAt_, answeredInRound_);
        emit AnswerUpdated(answer_, roundId_, updatedAt_);
    }

    function latestRoundData() external view returns (uint80, int256, uint256, uint256, uint80) {
        return (roundId, answer, startedAt, updatedAt, answeredInRound);
    }

    function getRoundData(uint80 roundId_) external view returns (uint80, int256, uint256, uint256, uint80) {
        Round memory r = rounds[roundId_];
        if (r.updatedAt == 0 && r.startedAt == 0 && r.answer == 0) revert NoDataPresent(roundId_);
        return (roundId_, r.answer, r.startedAt, r.updatedAt, r.answeredInRound);
    }
}
