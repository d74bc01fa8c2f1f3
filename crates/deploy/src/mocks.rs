//! What a public chain already has, deployed on any [`Chain`] for the devnet's tests, `pm-node`'s
//! and a local try-out: stand-ins for a token and a Chainlink feed (Foundry's `MockERC20` and
//! `MockAggregatorV3`, `contracts/solidity/mocks`), and Arbitrum's own program-cache auction
//! (its real `CacheManager`, behind `CacheManagerProxy`).

use std::path::Path;

use alloy_primitives::{Address, I256, U256};
use alloy_sol_types::sol_data::{Address as SolAddress, Int, String as SolString, Uint};
use alloy_sol_types::{SolCall, SolType};

use crate::abi::IVault;
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

/// Mints `amount` of the mock `token` to `trader`'s account (sent by `minter`), then, as the
/// trader, approves `vault` for it and deposits it.
///
/// # Errors
/// A step fails (named).
pub fn fund_and_deposit(
    minter: &mut dyn Chain,
    trader: &mut dyn Chain,
    token: Address,
    vault: Address,
    amount: U256,
) -> Result<(), String> {
    let to = trader.account();
    let mint = IMockToken::mintCall { to, amount }.abi_encode();
    minter
        .send(Some(token), mint, U256::ZERO)
        .map_err(|e| format!("mint: {e}"))?;
    let approve = IMockToken::approveCall {
        spender: vault,
        amount,
    }
    .abi_encode();
    trader
        .send(Some(token), approve, U256::ZERO)
        .map_err(|e| format!("approve: {e}"))?;
    let deposit = IVault::depositCall { token, amount }.abi_encode();
    trader
        .send(Some(vault), deposit, U256::ZERO)
        .map_err(|e| format!("deposit: {e}"))?;
    Ok(())
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

/// Deploys Arbitrum's `CacheManager` (npm `@arbitrum/nitro-contracts`) behind a
/// `CacheManagerProxy` initialised with `cache_size` bytes of machine code and `decay` wei a
/// second; the proxy's address. The chain owner must still make it a cache manager
/// (`ArbOwner.addWasmCacheManager`) before its bids can cache.
///
/// # Errors
/// An artifact is missing (run `forge build`) or a deployment fails.
pub fn cache_manager(
    chain: &mut dyn Chain,
    root: &Path,
    cache_size: u64,
    decay: u64,
) -> Result<Address, String> {
    let logic = create(chain, root, "CacheManager", Vec::new())?;
    let args = <(SolAddress, Uint<64>, Uint<64>)>::abi_encode_params(&(logic, cache_size, decay));
    create(chain, root, "CacheManagerProxy", args)
}
