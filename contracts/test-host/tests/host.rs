//! The host itself: calls reach the fake registered at their address (with the caller, the kind
//! and the value), are recorded, and answer from the fake's state; the assertions fail when they
//! should.
#![allow(missing_docs)]

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolError};
use pm_common::errors::NotOwner;
use pm_common::interfaces::IERC20;
use pm_test_host::*;
use stylus_sdk::call::{call, delegate_call, static_call};
use stylus_sdk::stylus_core::calls::{errors::Error, Call, CallContext, MutatingCallContext};
use stylus_sdk::stylus_core::{AccountAccess, LogAccess, MessageAccess, StorageAccess};

const CONTRACT: Address = Address::repeat_byte(0xC0);
const SENDER: Address = Address::repeat_byte(0x01);
const FAKE: Address = Address::repeat_byte(0xFA);
const TOKEN: Address = Address::repeat_byte(0x10);
const ALICE: Address = Address::repeat_byte(0x0A);
const NOW: u64 = 1_800_000_000;

/// A call context that sends `value` (the SDK builds one from `&mut` contract storage).
struct Paying(U256);

impl CallContext for Paying {
    fn gas(&self) -> u64 {
        u64::MAX
    }
}

// SAFETY: a test context; the host under test is the only thing it reaches.
#[allow(unsafe_code)]
unsafe impl MutatingCallContext for Paying {
    fn value(&self) -> U256 {
        self.0
    }
}

fn chain() -> Chain {
    Chain::new(CONTRACT, SENDER, NOW)
}

/// A fake counting its calls and answering the count, or reverting with it when told to.
#[derive(Default)]
struct Counter {
    calls: u8,
    revert: bool,
}

impl FakeContract for Counter {
    fn call(&mut self, _: &Incoming<'_>) -> Outcome {
        self.calls += 1;
        if self.revert {
            Err(vec![0xEE, self.calls])
        } else {
            Ok(vec![self.calls])
        }
    }
}

#[test]
fn a_new_chain_has_its_contract_sender_and_block_time() {
    let chain = chain();
    assert_eq!(chain.contract_address(), CONTRACT);
    assert_eq!(chain.msg_sender(), SENDER);
    assert_eq!(chain.now(), NOW);
    chain.set_time(NOW + 5);
    assert_eq!(chain.now(), NOW + 5);
    assert_eq!(chain.as_(ALICE).msg_sender(), ALICE);
}

#[test]
fn a_registered_fake_answers_from_its_own_state_and_a_test_reaches_it_by_type() {
    let chain = chain();
    chain.register(FAKE, Counter::default());
    assert_eq!(chain.code_size(FAKE), 1, "registered fakes have code");
    assert_eq!(static_call(&chain, Call::new(), FAKE, &[]).unwrap(), vec![1]);
    assert_eq!(static_call(&chain, Call::new(), FAKE, &[]).unwrap(), vec![2]);
    chain.fake_mut(FAKE, |c: &mut Counter| c.revert = true);
    match static_call(&chain, Call::new(), FAKE, &[]) {
        Err(Error::Revert(data)) => assert_eq!(data, vec![0xEE, 3]),
        other => panic!("expected a revert, got {other:?}"),
    }
    assert_eq!(chain.fake(FAKE, |c: &Counter| c.calls), 3);
}

#[test]
fn a_closure_sees_the_kind_the_caller_the_value_and_the_calldata() {
    let chain = chain();
    chain.register_fn(FAKE, |call: &Incoming<'_>| {
        let mut out = vec![call.kind as u8];
        out.extend_from_slice(call.from.as_slice());
        out.extend_from_slice(&call.value.to_be_bytes::<32>());
        out.extend_from_slice(call.data);
        Ok(out)
    });
    let expect = |kind: CallKind, value: u64| {
        let mut out = vec![kind as u8];
        out.extend_from_slice(CONTRACT.as_slice());
        out.extend_from_slice(&U256::from(value).to_be_bytes::<32>());
        out.extend_from_slice(&[7, 8]);
        out
    };
    assert_eq!(
        call(&chain, Paying(U256::from(42)), FAKE, &[7, 8]).unwrap(),
        expect(CallKind::Call, 42)
    );
    assert_eq!(
        static_call(&chain, Call::new(), FAKE, &[7, 8]).unwrap(),
        expect(CallKind::Static, 0)
    );
    // SAFETY: the delegatecall reaches the closure above, which touches nothing.
    #[allow(unsafe_code)]
    let delegated = unsafe { delegate_call(&chain, Paying(U256::ZERO), FAKE, &[7, 8]) };
    assert_eq!(delegated.unwrap(), expect(CallKind::Delegate, 0));
}

#[test]
fn every_call_is_recorded_in_order_with_its_outcome() {
    let chain = chain();
    chain.register_fn(FAKE, |_: &Incoming<'_>| Err(vec![1]));
    let _ = static_call(&chain, Call::new(), FAKE, &[9]);
    let _ = call(&chain, Paying(U256::from(3)), ALICE, &[]);
    assert_eq!(
        chain.calls(),
        vec![
            CallRecord {
                kind: CallKind::Static,
                from: CONTRACT,
                to: FAKE,
                value: U256::ZERO,
                data: vec![9],
                reverted: true,
            },
            CallRecord {
                kind: CallKind::Call,
                from: CONTRACT,
                to: ALICE,
                value: U256::from(3),
                data: vec![],
                reverted: false,
            },
        ]
    );
    assert_eq!(chain.calls_to(ALICE).len(), 1);
}

#[test]
fn a_call_to_an_address_without_a_fake_succeeds_with_no_data() {
    let chain = chain();
    assert_eq!(
        static_call(&chain, Call::new(), ALICE, &[1, 2]).unwrap(),
        Vec::<u8>::new()
    );
    chain.deploy_code(ALICE);
    assert_eq!(chain.code_size(ALICE), 1);
    assert_eq!(
        static_call(&chain, Call::new(), ALICE, &[1, 2]).unwrap(),
        Vec::<u8>::new()
    );
}

#[test]
#[should_panic(expected = "is not a")]
fn reaching_a_fake_by_the_wrong_type_panics() {
    let chain = chain();
    chain.register(FAKE, Counter::default());
    chain.fake(FAKE, |_: &FakeToken| ());
}

#[test]
fn a_token_moves_balances_and_behaves_as_its_kind() {
    let chain = chain();
    chain.add_token(TOKEN, TokenKind::Standard, 6);
    chain.mint(TOKEN, CONTRACT, 1_000);
    let transfer = |amount: u64| {
        IERC20::transferCall {
            to: ALICE,
            amount: U256::from(amount),
        }
        .abi_encode()
    };
    let ok = call(&chain, Paying(U256::ZERO), TOKEN, &transfer(400)).unwrap();
    assert_eq!(ok, IERC20::transferCall::abi_encode_returns(&true));
    assert_eq!(chain.token_balance(TOKEN, ALICE), U256::from(400));
    assert_eq!(chain.token_balance(TOKEN, CONTRACT), U256::from(600));
    assert!(
        call(&chain, Paying(U256::ZERO), TOKEN, &transfer(601)).is_err(),
        "beyond the balance"
    );
    chain.set_token_kind(TOKEN, TokenKind::FeeOnTransfer(100));
    call(&chain, Paying(U256::ZERO), TOKEN, &transfer(100)).unwrap();
    assert_eq!(chain.token_balance(TOKEN, ALICE), U256::from(499), "1% burnt");
    chain.set_token_kind(TOKEN, TokenKind::NoReturn);
    assert_eq!(
        call(&chain, Paying(U256::ZERO), TOKEN, &transfer(1)).unwrap(),
        Vec::<u8>::new()
    );
    chain.set_token_kind(TOKEN, TokenKind::ReturnsFalse);
    assert_eq!(
        call(&chain, Paying(U256::ZERO), TOKEN, &transfer(1)).unwrap(),
        IERC20::transferCall::abi_encode_returns(&false)
    );
    assert_eq!(
        chain.token_balance(TOKEN, ALICE),
        U256::from(500),
        "false moved nothing"
    );
    chain.set_token_kind(TOKEN, TokenKind::Reverts);
    assert!(static_call(&chain, Call::new(), TOKEN, &IERC20::decimalsCall {}.abi_encode()).is_err());
}

#[test]
fn a_feed_answers_its_round_until_told_to_revert() {
    let chain = chain();
    chain.add_feed(FAKE, 8, 123);
    let round = pm_common::feeds::latest_round(&chain, FAKE).unwrap();
    assert_eq!(round.answer, alloy_primitives::I256::try_from(123).unwrap());
    assert_eq!(round.updated_at, U256::from(NOW));
    assert_eq!(pm_common::feeds::feed_decimals(&chain, FAKE), Ok(8));
    chain.feed_mut(FAKE, |f| f.reverts = true);
    assert!(pm_common::feeds::latest_round(&chain, FAKE).is_err());
}

#[test]
fn assert_reverts_compares_the_whole_revert_data() {
    let result: Result<(), Vec<u8>> = Err(NotOwner { caller: ALICE }.abi_encode());
    assert_reverts(result, NotOwner { caller: ALICE });
}

#[test]
#[should_panic(expected = "revert data")]
fn assert_reverts_fails_on_other_values() {
    let result: Result<(), Vec<u8>> = Err(NotOwner { caller: ALICE }.abi_encode());
    assert_reverts(result, NotOwner { caller: SENDER });
}

#[test]
#[should_panic(expected = "expected revert")]
fn assert_reverts_fails_on_success() {
    assert_reverts(Ok::<u8, Vec<u8>>(1), NotOwner { caller: ALICE });
}

#[test]
#[should_panic(expected = "storage changed")]
fn assert_reverts_unchanged_fails_when_the_call_wrote() {
    let chain = chain();
    chain.assert_reverts_unchanged(
        || {
            // SAFETY: TestVM's storage map; no pointers involved.
            #[allow(unsafe_code)]
            unsafe {
                chain.storage_cache_bytes32(U256::from(1), alloy_primitives::B256::repeat_byte(1))
            };
            Err::<(), Vec<u8>>(NotOwner { caller: ALICE }.abi_encode())
        },
        NotOwner { caller: ALICE },
    );
}

#[test]
fn events_compare_as_logs() {
    let chain = chain();
    let emitted = pm_common::events::RiskAdminSet { riskAdmin: ALICE };
    chain.log(emitted.clone());
    chain.assert_last_event(emitted.clone());
    assert_eq!(chain.logs_since(0), vec![event(&emitted)]);
    assert!(chain.logs_since(1).is_empty());
}
