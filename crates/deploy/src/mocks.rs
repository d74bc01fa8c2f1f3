//! Stand-ins for what a public chain already has: Foundry's `MockERC20` and `MockAggregatorV3`
//! (`contracts/solidity/mocks`), deployed on any [`Chain`]. The devnet's tests, `pm-node`'s and a
//! local try-out use them where Arbitrum has a real token and a Chainlink feed.

use std::path::Path;

use alloy_primitives::{Address, I256, U256};
use alloy_sol_types::sol_data::{Int, String as SolString, Uint};
use alloy_sol_types::SolType;

use crate::artifacts::creation_code;
use crate::chain::Chain;

alloy_sol_types::sol! {
    /// `MockERC20`: anyone may mint.
    interface IMockToken {
        function mint(address to, uint256 amount) external;
        function approve(address spender, uint256 amount) external returns (bool);
        function balanceOf(address account) external view returns (uint256);
    }

    /// `MockAggregatorV3`: anyone may set the answer.
    interface IMockFeed {
        function setAnswer(int256 answer) external;
    }
}

fn create(chain: &mut dyn Chain, root: &Path, name: &str, args: Vec<u8>) -> Result<Address, String> {
    let mut code = creation_code(root, name)?;
    code.extend(args);
    chain
        .send(None, code, U256::ZERO)
        .map_err(|e| format!("{name}: {e}"))?
        .contract_address
        .ok_or_else(|| format!("{name}: no contract address"))
}

/// Deploys a `MockERC20` named `name`, symbol `symbol`, with `decimals`; its address.
///
/// # Errors
/// The artifact is missing (run `forge build`) or the deployment fails.
pub fn mock_token(
    chain: &mut dyn Chain,
    root: &Path,
    name: &str,
    symbol: &str,
    decimals: u8,
) -> Result<Address, String> {
    let args = <(SolString, SolString, Uint<8>)>::abi_encode_params(&(
        name.to_string(),
        symbol.to_string(),
        decimals,
    ));
    create(chain, root, "MockERC20", args)
}

/// Deploys a `MockAggregatorV3` of `decimals` answering `answer`; its address.
///
/// # Errors
/// The artifact is missing (run `forge build`) or the deployment fails.
pub fn mock_feed(chain: &mut dyn Chain, root: &Path, decimals: u8, answer: i128) -> Result<Address, String> {
    let answer = I256::try_from(answer).map_err(|e| e.to_string())?;
    let args = <(Uint<8>, Int<256>)>::abi_encode_params(&(decimals, answer));
    create(chain, root, "MockAggregatorV3", args)
}
