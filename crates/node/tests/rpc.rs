//! The node driven by a real client, alloy's provider over HTTP: what a keeper or a deploy script
//! does, and what must be refused.

use alloy_primitives::{address, keccak256, Address, Bytes, TxKind, B256, U256};
use alloy_provider::network::{EthereumWallet, TransactionBuilder};
use alloy_provider::{Provider, ProviderBuilder};
use alloy_rpc_types_eth::{BlockNumberOrTag, Filter, TransactionReceipt, TransactionRequest};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{sol, SolError};
use pm_node::ledger::BASE_FEE;
use pm_node::{start, NodeConfig, RunningNode};

sol! {
    error Refused(uint256 code, address who);
}

/// An EVM contract: called with no data it emits `Ping()` and stops; with data, it reverts with
/// that data (so a test chooses its custom error).
fn ping_or_revert_init_code() -> Vec<u8> {
    let topic = keccak256("Ping()");
    let mut runtime = vec![
        0x36, 0x15, 0x60, 0x10, 0x57, // CALLDATASIZE ISZERO PUSH1 0x10 JUMPI
        0x36, 0x60, 0x00, 0x60, 0x00, 0x37, // CALLDATACOPY(0, 0, size)
        0x36, 0x60, 0x00, 0xfd, // REVERT(0, size)
        0x00, // padding
        0x5b, 0x7f, // JUMPDEST PUSH32 topic
    ];
    runtime.extend_from_slice(topic.as_slice());
    runtime.extend_from_slice(&[0x60, 0x00, 0x60, 0x00, 0xa1, 0x00]); // LOG1(0, 0, topic) STOP
    assert_eq!(runtime.len(), 0x38);
    let mut init = vec![0x60, 0x38, 0x80, 0x60, 0x0b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3];
    init.extend(runtime);
    init
}

async fn node() -> RunningNode {
    let config = NodeConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..Default::default()
    };
    start(config).await.expect("the node starts")
}

/// Sends `request` through `provider` and waits for its receipt.
async fn mined(provider: &impl Provider, request: TransactionRequest) -> TransactionReceipt {
    provider
        .send_transaction(request)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap()
}

/// A provider on `node` that signs with `key`.
fn signing(node: &RunningNode, key: PrivateKeySigner) -> impl Provider + Clone {
    ProviderBuilder::new()
        .wallet(EthereumWallet::from(key))
        .connect_http(node.url().parse().unwrap())
}

/// Deploys `init_code` through `provider`; the creation's receipt.
async fn created(provider: &impl Provider, init_code: Vec<u8>) -> TransactionReceipt {
    let request = TransactionRequest::default()
        .with_kind(TxKind::Create)
        .with_input(init_code);
    mined(provider, request).await
}

fn signer(node: &RunningNode, i: usize) -> PrivateKeySigner {
    node.accounts[i].signer()
}

/// The poster gas of a signed transaction's encoding `raw` on a node at its defaults: 16 units a
/// byte of `raw` brotli'd at level 1, at 50 gwei a unit, in gas at the 0.1 gwei base fee.
fn poster_gas(raw: &[u8]) -> u64 {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 1,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &raw[..], &mut out, &params).unwrap();
    16 * out.len() as u64 * 50_000_000_000 / BASE_FEE
}

/// A mined transaction's signed encoding and the receipt's `gasUsedForL1`.
async fn raw_and_l1_gas(provider: &impl Provider, hash: B256) -> (Vec<u8>, u64) {
    use alloy_eips::eip2718::Encodable2718;
    let tx = provider
        .get_transaction_by_hash(hash)
        .await
        .unwrap()
        .expect("mined");
    let receipt: serde_json::Value = provider
        .raw_request("eth_getTransactionReceipt".into(), (hash,))
        .await
        .unwrap();
    let l1 = receipt["gasUsedForL1"].as_str().unwrap().trim_start_matches("0x");
    (
        tx.inner.inner().encoded_2718(),
        u64::from_str_radix(l1, 16).unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn the_chain_answers_as_a_nitro_dev_node_with_funded_dev_accounts() {
    let node = node().await;
    let provider = ProviderBuilder::new().connect_http(node.url().parse().unwrap());
    assert_eq!(provider.get_chain_id().await.unwrap(), 412_346);
    assert_eq!(provider.get_block_number().await.unwrap(), 0);
    assert_eq!(provider.get_gas_price().await.unwrap(), u128::from(BASE_FEE));
    let accounts = provider.get_accounts().await.unwrap();
    assert_eq!(accounts[0], address!("3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E"));
    for a in &accounts {
        assert_eq!(
            provider.get_balance(*a).await.unwrap(),
            U256::from(10u128.pow(24))
        );
    }
    let genesis = provider
        .get_block_by_number(BlockNumberOrTag::Latest)
        .await
        .unwrap()
        .expect("genesis");
    assert_eq!(genesis.header.number, 0);
    assert_eq!(genesis.header.base_fee_per_gas, Some(BASE_FEE));
    // ArbWasm answers at 0x71: Stylus v3 under ArbOS 61.
    let version = provider
        .call(
            TransactionRequest::default()
                .with_to(address!("0000000000000000000000000000000000000071"))
                .with_input(keccak256("stylusVersion()")[..4].to_vec()),
        )
        .await
        .unwrap();
    assert_eq!(U256::from_be_slice(&version), U256::from(3));
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_transfer_is_mined_in_a_block_of_its_own_and_pays_for_its_gas() {
    let node = node().await;
    let sender = signer(&node, 1);
    let from = sender.address();
    let provider = signing(&node, sender);
    let before = provider.get_balance(from).await.unwrap();
    let to = address!("000000000000000000000000000000000000bEEF");
    let value = U256::from(123_456_789u64);
    let receipt = mined(
        &provider,
        TransactionRequest::default().with_to(to).with_value(value),
    )
    .await;
    assert!(receipt.status());
    assert_eq!(receipt.block_number, Some(1));
    // 21,000 for the transfer and the poster gas of its L1 data fee, shown as gasUsedForL1.
    let (raw, l1) = raw_and_l1_gas(&provider, receipt.transaction_hash).await;
    assert!(l1 > 500_000, "{l1}");
    assert_eq!(
        (receipt.gas_used, l1),
        (21_000 + poster_gas(&raw), poster_gas(&raw))
    );
    assert_eq!(provider.get_balance(to).await.unwrap(), value);
    let paid = U256::from(receipt.gas_used) * U256::from(receipt.effective_gas_price);
    assert!(receipt.effective_gas_price >= u128::from(BASE_FEE));
    assert_eq!(provider.get_balance(from).await.unwrap(), before - value - paid);
    assert_eq!(provider.get_transaction_count(from).await.unwrap(), 1);

    let tx = provider
        .get_transaction_by_hash(receipt.transaction_hash)
        .await
        .unwrap()
        .expect("mined");
    assert_eq!(tx.block_number, Some(1));
    let block = provider
        .get_block_by_number(BlockNumberOrTag::Number(1))
        .full()
        .await
        .unwrap()
        .expect("block 1");
    assert_eq!(
        block.transactions.hashes().collect::<Vec<B256>>(),
        vec![receipt.transaction_hash]
    );
    assert_eq!(Some(block.header.hash), receipt.block_hash);
    let parent = provider
        .get_block_by_number(BlockNumberOrTag::Number(0))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(block.header.parent_hash, parent.header.hash);
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_are_found_by_address_and_topic_and_a_revert_carries_its_custom_error() {
    let node = node().await;
    let sender = signer(&node, 2);
    let provider = signing(&node, sender.clone());
    let deployed = created(&provider, ping_or_revert_init_code()).await;
    let contract = deployed.contract_address.expect("created");
    assert_eq!(provider.get_code_at(contract).await.unwrap().len(), 0x38);

    let ping = mined(&provider, TransactionRequest::default().with_to(contract)).await;
    assert_eq!(ping.inner.logs().len(), 1);
    let found = provider
        .get_logs(&Filter::new().address(contract).event("Ping()").from_block(0))
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].transaction_hash, Some(ping.transaction_hash));
    assert_eq!(found[0].block_number, ping.block_number);
    let none = provider
        .get_logs(&Filter::new().address(contract).event("Pong()").from_block(0))
        .await
        .unwrap();
    assert!(none.is_empty());
    let elsewhere = provider
        .get_logs(&Filter::new().address(Address::ZERO).from_block(0))
        .await
        .unwrap();
    assert!(elsewhere.is_empty());

    // eth_call and eth_estimateGas: code 3, the revert data in the error, decoded by alloy.
    let custom = Refused {
        code: U256::from(7),
        who: sender.address(),
    }
    .abi_encode();
    let request = TransactionRequest::default()
        .with_to(contract)
        .with_input(custom.clone());
    for error in [
        provider.call(request.clone()).await.unwrap_err(),
        provider
            .estimate_gas(request.clone())
            .await
            .map(|_| ())
            .unwrap_err(),
    ] {
        let payload = error.as_error_resp().expect("an error response");
        assert_eq!(payload.code, 3);
        assert_eq!(payload.as_revert_data(), Some(Bytes::from(custom.clone())));
        let decoded: Refused = payload.as_decoded_error().expect("decodes");
        assert_eq!(decoded.code, U256::from(7));
    }
    // A transaction that reverts is mined with status 0.
    let reverted = mined(&provider, request.with_gas_limit(3_000_000)).await;
    assert!(!reverted.status());
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_transaction_changes_nothing_and_mines_nothing() {
    let node = node().await;
    let provider = ProviderBuilder::new().connect_http(node.url().parse().unwrap());
    let key = signer(&node, 3);
    let to = address!("000000000000000000000000000000000000bEEF");
    let sign = |chain_id: u64, nonce: u64, value: U256, key: &PrivateKeySigner| {
        let tx = TransactionRequest::default()
            .with_from(key.address())
            .with_to(to)
            .with_value(value)
            .with_nonce(nonce)
            .with_chain_id(chain_id)
            .with_gas_limit(2_000_000)
            .with_max_fee_per_gas(u128::from(BASE_FEE) * 2)
            .with_max_priority_fee_per_gas(0);
        let wallet = EthereumWallet::from(key.clone());
        async move { tx.build(&wallet).await.unwrap() }
    };
    let encode = |tx: alloy_consensus::TxEnvelope| {
        use alloy_eips::eip2718::Encodable2718;
        tx.encoded_2718()
    };
    // One transaction mined first, so that nonce 0 is then too low.
    let first = encode(sign(412_346, 0, U256::from(1), &key).await);
    let _mined = provider.send_raw_transaction(&first).await.unwrap();
    let refusals = [
        (
            "wrong chain",
            encode(sign(1, 1, U256::from(1), &key).await),
            "invalid chain id",
        ),
        (
            "a nonce already used",
            encode(sign(412_346, 0, U256::from(2), &key).await),
            "nonce too low",
        ),
        (
            "more than the balance",
            encode(sign(412_346, 1, U256::from(10u128.pow(25)), &key).await),
            "insufficient funds for gas * price + value",
        ),
        (
            "no funds at all",
            encode(sign(412_346, 0, U256::ZERO, &PrivateKeySigner::random()).await),
            "insufficient funds",
        ),
        ("not a transaction", vec![0x02, 0x01, 0x02], "does not decode"),
    ];
    for (what, raw, expected) in refusals {
        let error = provider.send_raw_transaction(&raw).await.map(|_| ()).unwrap_err();
        let payload = error.as_error_resp().expect("an error response");
        assert_eq!(payload.code, -32000, "{what}");
        assert!(payload.message.contains(expected), "{what}: {}", payload.message);
        assert_eq!(
            provider.get_block_number().await.unwrap(),
            1,
            "{what} mined a block"
        );
    }
    assert_eq!(provider.get_transaction_count(key.address()).await.unwrap(), 1);
    assert_eq!(provider.get_balance(to).await.unwrap(), U256::from(1));
    // The same transaction twice: mined once, refused the second time.
    let again = provider
        .send_raw_transaction(&first)
        .await
        .map(|_| ())
        .unwrap_err();
    assert!(again.as_error_resp().unwrap().message.contains("already known"));
    assert_eq!(provider.get_block_number().await.unwrap(), 1);
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dev_methods_mine_move_time_and_set_balances() {
    let node = node().await;
    let provider = ProviderBuilder::new().connect_http(node.url().parse().unwrap());
    let t0 = provider
        .get_block_by_number(BlockNumberOrTag::Latest)
        .await
        .unwrap()
        .unwrap()
        .header
        .timestamp;
    let _: serde_json::Value = provider
        .raw_request("evm_increaseTime".into(), (3_600u64,))
        .await
        .unwrap();
    let _: serde_json::Value = provider.raw_request("evm_mine".into(), ()).await.unwrap();
    let t1 = provider
        .get_block_by_number(BlockNumberOrTag::Latest)
        .await
        .unwrap()
        .unwrap()
        .header
        .timestamp;
    assert!(t1 >= t0 + 3_600, "{t0} -> {t1}");
    let next = t1 + 86_400;
    let _: serde_json::Value = provider
        .raw_request("evm_setNextBlockTimestamp".into(), (next,))
        .await
        .unwrap();
    let _: serde_json::Value = provider.raw_request("anvil_mine".into(), (3u64,)).await.unwrap();
    assert_eq!(provider.get_block_number().await.unwrap(), 4);
    let b2 = provider
        .get_block_by_number(BlockNumberOrTag::Number(2))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b2.header.timestamp, next);
    // Time does not run back.
    let back = provider
        .raw_request::<_, serde_json::Value>("evm_setNextBlockTimestamp".into(), (t0,))
        .await
        .unwrap_err();
    assert_eq!(back.as_error_resp().map(|p| p.code), Some(-32602));
    let who = address!("000000000000000000000000000000000000dEaD");
    let _: serde_json::Value = provider
        .raw_request("anvil_setBalance".into(), (who, U256::from(42)))
        .await
        .unwrap();
    assert_eq!(provider.get_balance(who).await.unwrap(), U256::from(42));
    // A past block's state is the state after it: the balance set since is not in it.
    assert_eq!(provider.get_balance(who).number(1).await.unwrap(), U256::ZERO);
    node.stop().await;
}

/// An EVM contract that answers `(block.number, its own balance)`.
fn number_and_balance_init_code() -> Vec<u8> {
    // NUMBER PUSH0 MSTORE SELFBALANCE PUSH1 32 MSTORE PUSH1 64 PUSH0 RETURN
    let runtime = [0x43, 0x5f, 0x52, 0x47, 0x60, 0x20, 0x52, 0x60, 0x40, 0x5f, 0xf3];
    // CODECOPY(0, 10, 11) RETURN(0, 11)
    let mut init = vec![0x60, 0x0b, 0x60, 0x0a, 0x5f, 0x39, 0x60, 0x0b, 0x5f, 0xf3];
    init.extend(runtime);
    init
}

/// State reads and calls at a past block answer from that block's state, with its number, as a
/// full node does for its latest 128 blocks; older state is refused (an error, not a wrong
/// answer), and a block after the latest is unknown.
#[tokio::test(flavor = "multi_thread")]
async fn the_state_of_the_latest_128_blocks_is_kept_and_older_is_refused() {
    let node = node().await;
    let sender = signer(&node, 5);
    let provider = signing(&node, sender.clone());
    let deployed = created(&provider, number_and_balance_init_code()).await;
    let contract = deployed.contract_address.expect("created");
    let created_in = deployed.block_number.unwrap();
    let paid = mined(
        &provider,
        TransactionRequest::default()
            .with_to(contract)
            .with_value(U256::from(7)),
    )
    .await;
    let paid_in = paid.block_number.unwrap();
    let ask = |block: u64| {
        let provider = provider.clone();
        async move {
            let out = provider
                .call(TransactionRequest::default().with_to(contract))
                .block(block.into())
                .await
                .unwrap();
            (U256::from_be_slice(&out[..32]), U256::from_be_slice(&out[32..]))
        }
    };
    // The call runs in the block it names, on its state.
    assert_eq!(ask(created_in).await, (U256::from(created_in), U256::ZERO));
    assert_eq!(ask(paid_in).await, (U256::from(paid_in), U256::from(7)));
    let before = created_in - 1;
    assert!(provider
        .get_code_at(contract)
        .number(before)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        provider
            .get_transaction_count(sender.address())
            .number(before)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        provider
            .get_transaction_count(sender.address())
            .number(paid_in)
            .await
            .unwrap(),
        2
    );
    let estimate = provider
        .estimate_gas(
            TransactionRequest::default()
                .with_from(sender.address())
                .with_to(contract),
        )
        .block(created_in.into())
        .await
        .unwrap();
    assert!(estimate >= 21_000, "{estimate}");

    // A block a revert took back is not answered from: its number's new block is.
    let snapshot: serde_json::Value = provider.raw_request("evm_snapshot".into(), ()).await.unwrap();
    let undone = mined(
        &provider,
        TransactionRequest::default()
            .with_to(contract)
            .with_value(U256::from(5)),
    )
    .await;
    assert_eq!(undone.block_number, Some(paid_in + 1));
    let _: bool = provider
        .raw_request("evm_revert".into(), (snapshot,))
        .await
        .unwrap();
    let _: serde_json::Value = provider.raw_request("anvil_mine".into(), (2u64,)).await.unwrap();
    assert_eq!(ask(paid_in + 1).await, (U256::from(paid_in + 1), U256::from(7)));

    // With 125 blocks more the payment's block is the oldest of the 128 kept, the creation's
    // is gone; one block more and the payment's is gone too.
    let _: serde_json::Value = provider
        .raw_request("anvil_mine".into(), (125u64,))
        .await
        .unwrap();
    assert_eq!(ask(paid_in).await.1, U256::from(7));
    let gone = provider
        .get_balance(contract)
        .number(created_in)
        .await
        .unwrap_err();
    assert_eq!(gone.as_error_resp().map(|p| p.code), Some(-32000), "{gone:?}");
    let _: serde_json::Value = provider.raw_request("anvil_mine".into(), (1u64,)).await.unwrap();
    let gone = provider.get_balance(contract).number(paid_in).await.unwrap_err();
    assert_eq!(gone.as_error_resp().map(|p| p.code), Some(-32000), "{gone:?}");
    let unknown = provider.get_balance(contract).number(10_000).await.unwrap_err();
    assert_eq!(
        unknown.as_error_resp().map(|p| p.code),
        Some(-32602),
        "{unknown:?}"
    );

    // Empty blocks mined at once share one kept state, each read with its own number.
    let _: serde_json::Value = provider
        .raw_request("anvil_mine".into(), (1_000u64,))
        .await
        .unwrap();
    let middle = provider.get_block_number().await.unwrap() - 50;
    assert_eq!(ask(middle).await, (U256::from(middle), U256::from(7)));
    // A revert past more than 128 blocks still keeps the state it went back to.
    let snapshot: serde_json::Value = provider.raw_request("evm_snapshot".into(), ()).await.unwrap();
    let back_to = provider.get_block_number().await.unwrap();
    let _: serde_json::Value = provider
        .raw_request("anvil_mine".into(), (200u64,))
        .await
        .unwrap();
    let _: bool = provider
        .raw_request("evm_revert".into(), (snapshot,))
        .await
        .unwrap();
    let _: serde_json::Value = provider.raw_request("anvil_mine".into(), (1u64,)).await.unwrap();
    assert_eq!(ask(back_to).await, (U256::from(back_to), U256::from(7)));
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_later_nonce_waits_for_the_gap_and_tips_are_dropped_as_on_nitro() {
    let node = node().await;
    let provider = ProviderBuilder::new().connect_http(node.url().parse().unwrap());
    let key = signer(&node, 4);
    let wallet = EthereumWallet::from(key.clone());
    let to = address!("000000000000000000000000000000000000bEEF");
    let signed = |nonce: u64| {
        let tx = TransactionRequest::default()
            .with_from(key.address())
            .with_to(to)
            .with_value(U256::from(nonce + 1))
            .with_nonce(nonce)
            .with_chain_id(412_346)
            .with_gas_limit(2_000_000)
            .with_max_fee_per_gas(10_000_000_000)
            .with_max_priority_fee_per_gas(5_000_000_000);
        let wallet = wallet.clone();
        async move {
            use alloy_eips::eip2718::Encodable2718;
            tx.build(&wallet).await.unwrap().encoded_2718()
        }
    };
    let before = provider.get_balance(key.address()).await.unwrap();
    let later = provider.send_raw_transaction(&signed(1).await).await.unwrap();
    let held = *later.tx_hash();
    assert_eq!(provider.get_block_number().await.unwrap(), 0);
    let pending = provider
        .get_transaction_by_hash(held)
        .await
        .unwrap()
        .expect("held");
    assert_eq!(pending.block_number, None);
    assert!(provider.get_transaction_receipt(held).await.unwrap().is_none());
    let _first = provider.send_raw_transaction(&signed(0).await).await.unwrap();
    // Both mined, in nonce order, a block each.
    assert_eq!(provider.get_block_number().await.unwrap(), 2);
    let receipt = provider
        .get_transaction_receipt(held)
        .await
        .unwrap()
        .expect("mined");
    assert_eq!(receipt.block_number, Some(2));
    assert_eq!(provider.get_balance(to).await.unwrap(), U256::from(3));
    // A 5 gwei tip offered, none paid: each paid 21,000 gas and its L1 gas at the base fee.
    assert_eq!(receipt.effective_gas_price, u128::from(BASE_FEE));
    let gas = 2 * 21_000 + poster_gas(&signed(0).await) + poster_gas(&signed(1).await);
    let paid = U256::from(gas) * U256::from(BASE_FEE);
    assert_eq!(
        provider.get_balance(key.address()).await.unwrap(),
        before - U256::from(3) - paid
    );
    node.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_from_contracts_the_create2_factory_and_estimates_within_the_balance() {
    let node = node().await;
    let provider = signing(&node, signer(&node, 5));
    // The deterministic deployment proxy, where deploy scripts expect it.
    let factory = pm_node::ledger::CREATE2_FACTORY;
    let salt = B256::repeat_byte(7);
    let init = ping_or_revert_init_code();
    let mut data = salt.to_vec();
    data.extend_from_slice(&init);
    let _deployed = mined(
        &provider,
        TransactionRequest::default().with_to(factory).with_input(data),
    )
    .await;
    let at = factory.create2(salt, keccak256(&init));
    assert_eq!(provider.get_code_at(at).await.unwrap().len(), 0x38);
    // A call from a contract's address (geth skips EIP-3607 for calls).
    let from_contract = TransactionRequest::default().with_from(at).with_to(at);
    assert!(provider.call(from_contract).await.is_ok());
    // State overrides are refused, not ignored.
    let overrides = provider
        .raw_request::<_, serde_json::Value>(
            "eth_call".into(),
            (
                TransactionRequest::default().with_to(at),
                "latest",
                serde_json::json!({}),
            ),
        )
        .await
        .unwrap_err();
    assert_eq!(overrides.as_error_resp().map(|p| p.code), Some(-32602));
    // An account with 0.001 ETH estimates a plain transfer at 0.2 gwei: the search's cap is what
    // it can pay for (5M gas), not 32M it could not. The estimate adds the L1 part as Nitro
    // does, on a stand-in transaction with random nonce and fees (13 bytes longer than this
    // one), padded by 16 bytes, 1% and 10% on the price: a transfer sent with it succeeds and
    // uses at least two thirds of it.
    let poor = address!("00000000000000000000000000000000000000AA");
    let _: serde_json::Value = provider
        .raw_request("anvil_setBalance".into(), (poor, U256::from(10u64.pow(15))))
        .await
        .unwrap();
    let transfer = TransactionRequest::default()
        .with_from(poor)
        .with_to(address!("000000000000000000000000000000000000bEEF"))
        .with_max_fee_per_gas(200_000_000)
        .with_max_priority_fee_per_gas(0);
    let estimate = provider.estimate_gas(transfer.clone()).await.unwrap();
    let poor_key = PrivateKeySigner::random();
    let _: serde_json::Value = provider
        .raw_request(
            "anvil_setBalance".into(),
            (poor_key.address(), U256::from(10u64.pow(15))),
        )
        .await
        .unwrap();
    let sender = signing(&node, poor_key.clone());
    let sent = mined(
        &sender,
        transfer.with_from(poor_key.address()).with_gas_limit(estimate),
    )
    .await;
    assert!(sent.status());
    assert!(
        sent.gas_used <= estimate && sent.gas_used * 3 / 2 >= estimate,
        "{estimate} {sent:?}"
    );
    node.stop().await;
}

/// A contract's `Ping()` logs, watched by installed filters as viem and ethers poll them, and the
/// chain taken back with `evm_snapshot` / `evm_revert` as Foundry and Hardhat scripts do.
#[tokio::test(flavor = "multi_thread")]
async fn filters_report_what_is_new_and_a_snapshot_takes_the_chain_back() {
    let node = node().await;
    let sender = signer(&node, 6);
    let from = sender.address();
    let provider = signing(&node, sender);
    let contract = created(&provider, ping_or_revert_init_code())
        .await
        .contract_address
        .unwrap();
    let pings = Filter::new().address(contract).event("Ping()").from_block(0);
    let logs_filter = provider.new_filter(&pings).await.unwrap();
    let blocks_filter = provider.new_block_filter().await.unwrap();
    let first = mined(&provider, TransactionRequest::default().with_to(contract)).await;
    let second = mined(&provider, TransactionRequest::default().with_to(contract)).await;
    // Two new blocks, two new pings; a second poll has nothing new.
    let hashes: Vec<B256> = provider.get_filter_changes(blocks_filter).await.unwrap();
    assert_eq!(
        hashes,
        vec![first.block_hash.unwrap(), second.block_hash.unwrap()]
    );
    let logs: Vec<alloy_rpc_types_eth::Log> = provider.get_filter_changes(logs_filter).await.unwrap();
    let txs: Vec<_> = logs.iter().map(|l| l.transaction_hash.unwrap()).collect();
    assert_eq!(txs, vec![first.transaction_hash, second.transaction_hash]);
    let again: Vec<alloy_rpc_types_eth::Log> = provider.get_filter_changes(logs_filter).await.unwrap();
    assert!(again.is_empty());
    let third = mined(&provider, TransactionRequest::default().with_to(contract)).await;
    let logs: Vec<alloy_rpc_types_eth::Log> = provider.get_filter_changes(logs_filter).await.unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!(logs[0].transaction_hash, Some(third.transaction_hash));
    // The whole filter's logs, as eth_getLogs of it.
    assert_eq!(provider.get_filter_logs(logs_filter).await.unwrap().len(), 3);
    assert!(provider.uninstall_filter(logs_filter).await.unwrap());
    assert!(!provider.uninstall_filter(logs_filter).await.unwrap());
    assert!(provider
        .get_filter_changes::<alloy_rpc_types_eth::Log>(logs_filter)
        .await
        .is_err());

    // A snapshot, then a transfer, a time jump and blocks; the revert takes all of it back.
    let id: U256 = provider.raw_request("evm_snapshot".into(), ()).await.unwrap();
    let (block, balance, nonce) = (
        provider.get_block_number().await.unwrap(),
        provider.get_balance(from).await.unwrap(),
        provider.get_transaction_count(from).await.unwrap(),
    );
    let to = address!("000000000000000000000000000000000000bEEF");
    let sent = mined(
        &provider,
        TransactionRequest::default()
            .with_to(to)
            .with_value(U256::from(9)),
    )
    .await;
    let _: serde_json::Value = provider
        .raw_request("evm_increaseTime".into(), (86_400u64,))
        .await
        .unwrap();
    let _: serde_json::Value = provider.raw_request("anvil_mine".into(), (3u64,)).await.unwrap();
    // The block filter saw five blocks since its last poll (the third ping's, the transfer's and
    // three empty ones); the revert takes four back, and it will report the blocks mined again.
    let seen: Vec<B256> = provider.get_filter_changes(blocks_filter).await.unwrap();
    assert_eq!(seen.len(), 5);
    let reverted: bool = provider.raw_request("evm_revert".into(), (id,)).await.unwrap();
    assert!(reverted);
    assert_eq!(provider.get_block_number().await.unwrap(), block);
    assert_eq!(provider.get_balance(from).await.unwrap(), balance);
    assert_eq!(provider.get_balance(to).await.unwrap(), U256::ZERO);
    assert_eq!(provider.get_transaction_count(from).await.unwrap(), nonce);
    assert!(provider
        .get_transaction_receipt(sent.transaction_hash)
        .await
        .unwrap()
        .is_none());
    // An id works once; the chain goes on from the snapshot's block, not a day later (a new
    // client: alloy's wallet caches the nonces it sent, which the revert took back).
    let again: bool = provider.raw_request("evm_revert".into(), (id,)).await.unwrap();
    assert!(!again);
    let fresh = signing(&node, signer(&node, 6));
    let next = mined(
        &fresh,
        TransactionRequest::default()
            .with_to(to)
            .with_value(U256::from(1)),
    )
    .await;
    assert_eq!(next.block_number, Some(block + 1));
    let again_seen: Vec<B256> = provider.get_filter_changes(blocks_filter).await.unwrap();
    assert_eq!(again_seen, vec![next.block_hash.unwrap()]);
    let latest = provider
        .get_block_by_number(BlockNumberOrTag::Latest)
        .await
        .unwrap()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(latest.header.timestamp < now + 3_600);
    node.stop().await;
}

/// Websocket subscriptions on the same port, as alloy's (and viem's) websocket clients use them:
/// new heads and the `Ping()` logs of later blocks.
#[tokio::test(flavor = "multi_thread")]
async fn websocket_subscriptions_send_new_heads_and_matching_logs() {
    use alloy_provider::WsConnect;
    let node = node().await;
    let sender = signer(&node, 7);
    let provider = ProviderBuilder::new()
        .wallet(EthereumWallet::from(sender))
        .connect_ws(WsConnect::new(node.ws_url()))
        .await
        .unwrap();
    let contract = created(&provider, ping_or_revert_init_code())
        .await
        .contract_address
        .unwrap();
    let mut heads = provider.subscribe_blocks().await.unwrap();
    let mut pings = provider
        .subscribe_logs(&Filter::new().address(contract).event("Ping()"))
        .await
        .unwrap();
    let ping = mined(&provider, TransactionRequest::default().with_to(contract)).await;
    let _: serde_json::Value = provider.raw_request("evm_mine".into(), ()).await.unwrap();
    let first = heads.recv().await.unwrap();
    let second = heads.recv().await.unwrap();
    assert_eq!(first.hash, ping.block_hash.unwrap());
    assert_eq!(second.number, first.number + 1);
    let log = pings.recv().await.unwrap();
    assert_eq!(log.transaction_hash, Some(ping.transaction_hash));
    assert_eq!(log.address(), contract);
    node.stop().await;
}
