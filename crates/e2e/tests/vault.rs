//! The vault's real wasm in the devnet, with Foundry's Solidity mocks: deposits and withdrawals
//! through the vault's ABI (bindings generated from `abi/IVault.sol`), token quirks,
//! a revert that changes nothing, and the gas of each call.
//!
//! Needs `script/build-wasm.sh` and `forge build` first (script/test.sh runs both before this).
#![cfg(feature = "e2e")]

use alloy_primitives::{keccak256, Address, U256};
use alloy_sol_types::sol_data::{Int, String as SolString, Uint};
use alloy_sol_types::{sol, SolCall, SolError, SolType, SolValue};
use stylus_devnet::{Devnet, Receipt};

sol!("../../abi/IVault.sol");

sol! {
    function mint(address to, uint256 amount) external;
    function approve(address spender, uint256 amount) external returns (bool);
    function balanceOf(address account) external view returns (uint256);
}

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

fn wasm(program: &str) -> Vec<u8> {
    pm_e2e::programs::wasm_of(std::path::Path::new(ROOT), program).unwrap()
}

fn token_args(name: &str, symbol: &str, decimals: u8) -> Vec<u8> {
    <(SolString, SolString, Uint<8>)>::abi_encode_params(&(name.to_string(), symbol.to_string(), decimals))
}

fn artifact(name: &str) -> String {
    format!("{ROOT}/out/{name}.sol/{name}.json")
}

struct World {
    chain: Devnet,
    vault: Address,
    admin_facet: Address,
    usdc: Address,
    feed: Address,
    owner: Address,
    alice: Address,
}

fn expect_ok(r: &Receipt, what: &str) {
    assert!(r.status, "{what} failed: {r:?}");
}

fn send(w: &mut World, from: Address, to: Address, data: Vec<u8>) -> Receipt {
    w.chain.send(from, to, data, U256::ZERO)
}

fn world() -> World {
    let mut chain = Devnet::new();
    let (owner, alice) = (chain.accounts[0], chain.accounts[1]);
    let (admin_facet, _, _) = chain
        .deploy_program(owner, &wasm("vault-admin"))
        .expect("the vault's admin facet deploys and activates");
    let (liquidation_facet, _, _) = chain
        .deploy_program(owner, &wasm("vault-liquidation"))
        .expect("the vault's liquidation facet deploys and activates");
    let (vault, deployed, activated) = chain
        .deploy_program(owner, &wasm("vault-core"))
        .expect("vault deploys and activates");
    println!(
        "vault: deploy {} gas, activate {} gas",
        deployed.gas_used, activated.gas_used
    );
    let usdc = chain
        .deploy_artifact(owner, &artifact("MockERC20"), &token_args("USD Coin", "USDC", 6))
        .unwrap();
    let feed = chain
        .deploy_artifact(
            owner,
            &artifact("MockAggregatorV3"),
            &<(Uint<8>, Int<256>)>::abi_encode_params(&(
                8u8,
                alloy_sol_types::private::I256::try_from(100_000_000i64).unwrap(),
            )),
        )
        .unwrap();
    let mut w = World {
        chain,
        vault,
        admin_facet,
        usdc,
        feed,
        owner,
        alice,
    };
    let r = send(
        &mut w,
        owner,
        vault,
        pm_e2e::deployment::constructor((owner, admin_facet, liquidation_facet).abi_encode_params()),
    );
    expect_ok(&r, "constructor");
    let r = send(
        &mut w,
        owner,
        vault,
        IVault::setRiskAdminCall { riskAdmin: owner }.abi_encode(),
    );
    expect_ok(&r, "setRiskAdmin");
    let r = send(
        &mut w,
        owner,
        vault,
        IVault::setCollateralCall {
            token: usdc,
            oracle: feed,
            haircutBps: 200,
            depositCap: U256::from(10u64.pow(15)),
            heartbeat: 3600,
        }
        .abi_encode(),
    );
    expect_ok(&r, "setCollateral");
    println!("setCollateral: {} gas", r.gas_used);
    let r = send(
        &mut w,
        owner,
        usdc,
        mintCall {
            to: alice,
            amount: U256::from(10_000_000_000u64),
        }
        .abi_encode(),
    );
    expect_ok(&r, "mint");
    let r = send(
        &mut w,
        alice,
        usdc,
        approveCall {
            spender: vault,
            amount: U256::MAX,
        }
        .abi_encode(),
    );
    expect_ok(&r, "approve");
    w
}

/// Lists `token` (no haircut, no cap, the USDC feed), mints 1,000 units to ALICE and has her
/// approve the vault.
fn list_and_fund(w: &mut World, token: Address) {
    let (vault, owner, alice, feed) = (w.vault, w.owner, w.alice, w.feed);
    let list = IVault::setCollateralCall {
        token,
        oracle: feed,
        haircutBps: 0,
        depositCap: U256::MAX,
        heartbeat: 3600,
    };
    expect_ok(&send(w, owner, vault, list.abi_encode()), "list");
    let mint = mintCall {
        to: alice,
        amount: U256::from(1_000u32),
    };
    expect_ok(&send(w, owner, token, mint.abi_encode()), "mint");
    let approve = approveCall {
        spender: vault,
        amount: U256::MAX,
    };
    expect_ok(&send(w, alice, token, approve.abi_encode()), "approve");
}

fn vault_balance(w: &mut World, account: Address, token: Address) -> U256 {
    let r = w.chain.call(
        account,
        w.vault,
        IVault::balanceOfCall { account, token }.abi_encode(),
    );
    expect_ok(&r, "balanceOf");
    U256::abi_decode(&r.output).unwrap()
}

fn token_balance(w: &mut World, token: Address, account: Address) -> U256 {
    let from = w.alice;
    let r = w.chain.call(from, token, balanceOfCall { account }.abi_encode());
    expect_ok(&r, "token balanceOf");
    U256::abi_decode(&r.output).unwrap()
}

#[test]
fn deposit_and_withdraw_through_the_engine_abi() {
    let mut w = world();
    let (vault, usdc, alice) = (w.vault, w.usdc, w.alice);
    let r = send(
        &mut w,
        alice,
        vault,
        IVault::depositCall {
            token: usdc,
            amount: U256::from(1_000_000_000u64),
        }
        .abi_encode(),
    );
    expect_ok(&r, "deposit");
    println!("deposit: {} gas", r.gas_used);
    assert_eq!(U256::abi_decode(&r.output).unwrap(), U256::from(1_000_000_000u64));
    assert_eq!(vault_balance(&mut w, alice, usdc), U256::from(1_000_000_000u64));
    assert_eq!(token_balance(&mut w, usdc, vault), U256::from(1_000_000_000u64));
    // The Deposited event, from the program.
    let deposited = r.logs.iter().find(|l| l.address == vault).expect("Deposited log");
    assert_eq!(
        deposited.topics()[0],
        keccak256("Deposited(address,address,address,uint256)")
    );

    let value = w.chain.call(
        alice,
        vault,
        IVault::collateralValueCall { account: alice }.abi_encode(),
    );
    expect_ok(&value, "collateralValue");
    // 1,000 USDC × $1 × 0.98
    assert_eq!(
        U256::abi_decode(&value.output).unwrap(),
        U256::from(980u64) * U256::from(10u64).pow(U256::from(18u64))
    );
    println!("collateralValue (eth_call): {} gas", value.gas_used);

    let r = send(
        &mut w,
        alice,
        vault,
        IVault::withdrawCall {
            token: usdc,
            amount: U256::from(400_000_000u64),
            to: alice,
        }
        .abi_encode(),
    );
    expect_ok(&r, "withdraw");
    println!("withdraw: {} gas", r.gas_used);
    assert_eq!(vault_balance(&mut w, alice, usdc), U256::from(600_000_000u64));
    assert_eq!(token_balance(&mut w, usdc, alice), U256::from(9_400_000_000u64));
}

#[test]
fn a_revert_returns_the_custom_error_and_changes_nothing() {
    let mut w = world();
    let (vault, usdc, alice) = (w.vault, w.usdc, w.alice);
    let r = send(
        &mut w,
        alice,
        vault,
        IVault::depositCall {
            token: usdc,
            amount: U256::from(5u8),
        }
        .abi_encode(),
    );
    expect_ok(&r, "deposit");
    let r = send(
        &mut w,
        alice,
        vault,
        IVault::withdrawCall {
            token: usdc,
            amount: U256::from(6u8),
            to: alice,
        }
        .abi_encode(),
    );
    assert!(!r.status && r.halt.is_none(), "{r:?}");
    let expected = IVault::InsufficientBalance {
        account: alice,
        token: usdc,
        balance: U256::from(5u8),
        amount: U256::from(6u8),
    };
    assert_eq!(r.output.as_ref(), expected.abi_encode().as_slice());
    assert_eq!(vault_balance(&mut w, alice, usdc), U256::from(5u8));
}

#[test]
fn the_admin_facet_runs_only_through_the_core_and_unknown_selectors_are_typed() {
    let mut w = world();
    let (vault, admin_facet, owner, alice) = (w.vault, w.admin_facet, w.owner, w.alice);
    // Through the core, the facet's functions answer over the core's storage.
    let r = w.chain.call(owner, vault, IVault::adminFacetCall {}.abi_encode());
    assert_eq!(r.output.as_ref(), admin_facet.abi_encode().as_slice());
    // At the facet's own address, a write refuses: no shadow vault in the facet's storage.
    let r = send(
        &mut w,
        alice,
        admin_facet,
        IVault::setRiskAdminCall { riskAdmin: alice }.abi_encode(),
    );
    assert!(!r.status, "{r:?}");
    assert_eq!(
        r.output.as_ref(),
        IVault::NotThroughCore {}.abi_encode().as_slice()
    );
    // A selector no program exports.
    let r = send(&mut w, alice, vault, vec![0xde, 0xad, 0xbe, 0xef]);
    assert!(!r.status, "{r:?}");
    let expected = IVault::UnknownSelector {
        selector: [0xde, 0xad, 0xbe, 0xef].into(),
    };
    assert_eq!(r.output.as_ref(), expected.abi_encode().as_slice());
}

#[test]
fn usdt_style_and_fee_on_transfer_tokens_are_credited_what_arrives() {
    let mut w = world();
    let (vault, owner, alice) = (w.vault, w.owner, w.alice);
    let usdt = w
        .chain
        .deploy_artifact(
            owner,
            &artifact("MockNoReturnERC20"),
            &token_args("Tether", "USDT", 6),
        )
        .unwrap();
    let fee = w
        .chain
        .deploy_artifact(
            owner,
            &artifact("MockFeeOnTransferERC20"),
            &<(SolString, SolString, Uint<8>, Uint<256>)>::abi_encode_params(&(
                "Fee".to_string(),
                "FEE".to_string(),
                18u8,
                U256::from(100u8),
            )),
        )
        .unwrap();
    for token in [usdt, fee] {
        list_and_fund(&mut w, token);
        let r = send(
            &mut w,
            alice,
            vault,
            IVault::depositCall {
                token,
                amount: U256::from(1_000u32),
            }
            .abi_encode(),
        );
        expect_ok(&r, "deposit");
    }
    assert_eq!(vault_balance(&mut w, alice, usdt), U256::from(1_000u32));
    assert_eq!(vault_balance(&mut w, alice, fee), U256::from(990u32));
    let r = send(
        &mut w,
        alice,
        vault,
        IVault::withdrawCall {
            token: usdt,
            amount: U256::from(1_000u32),
            to: alice,
        }
        .abi_encode(),
    );
    expect_ok(&r, "withdraw USDT-style");
}

#[test]
fn a_stale_feed_is_a_typed_error() {
    let mut w = world();
    let (vault, usdc, alice) = (w.vault, w.usdc, w.alice);
    let deposit = IVault::depositCall {
        token: usdc,
        amount: U256::from(1_000_000u64),
    };
    let r = send(&mut w, alice, vault, deposit.abi_encode());
    expect_ok(&r, "deposit");
    w.chain.advance(3_601);
    let r = w.chain.call(
        alice,
        vault,
        IVault::collateralValueCall { account: alice }.abi_encode(),
    );
    assert!(!r.status);
    assert_eq!(&r.output[..4], IVault::StalePrice::SELECTOR.as_slice());
}

sol! {
    function setHook(address target, bytes calldata payload) external;
    function reentryAttempted() external view returns (bool);
    function reentrySucceeded() external view returns (bool);
}

/// A malicious token calls back into the vault from `transferFrom`: the SDK's reentrancy guard
/// rejects the inner call and the account is credited once.
#[test]
fn reentrancy_through_a_malicious_token_is_rejected() {
    let mut w = world();
    let (vault, owner, alice) = (w.vault, w.owner, w.alice);
    let evil = w
        .chain
        .deploy_artifact(
            owner,
            &artifact("MockReentrantERC20"),
            &token_args("Evil", "EVIL", 18),
        )
        .unwrap();
    list_and_fund(&mut w, evil);
    let reenter = IVault::depositCall {
        token: evil,
        amount: U256::from(1u8),
    };
    let hook = setHookCall {
        target: vault,
        payload: reenter.abi_encode().into(),
    };
    expect_ok(&send(&mut w, owner, evil, hook.abi_encode()), "set the hook");
    let r = send(
        &mut w,
        alice,
        vault,
        IVault::depositCall {
            token: evil,
            amount: U256::from(100u8),
        }
        .abi_encode(),
    );
    expect_ok(&r, "outer deposit");
    let attempted = w.chain.call(alice, evil, reentryAttemptedCall {}.abi_encode());
    let succeeded = w.chain.call(alice, evil, reentrySucceededCall {}.abi_encode());
    assert!(
        bool::abi_decode(&attempted.output).unwrap(),
        "the token did call back"
    );
    assert!(
        !bool::abi_decode(&succeeded.output).unwrap(),
        "the guard rejected it"
    );
    assert_eq!(vault_balance(&mut w, alice, evil), U256::from(100u8));
}
