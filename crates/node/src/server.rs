//! The JSON-RPC server (jsonrpsee, HTTP and websockets on one port): every method is a function
//! of the ledger run on the chain's thread, the subscriptions are fed by the blocks it mines; the
//! server stops cleanly when asked.

use std::net::SocketAddr;
use std::thread::JoinHandle;

use jsonrpsee::server::{RpcModule, ServerBuilder, ServerConfig, ServerHandle};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde_json::Value;
use stylus_devnet::ArbOs;
use tokio::sync::broadcast;

use crate::args::Args;
use crate::chain_thread::ChainHandle;
use crate::dev_accounts::{dev_accounts, DevAccount};
use crate::dev_api;
use crate::eth_api::{self, Answer};
use crate::filter_api;
use crate::ledger::{Ledger, FEED_CAPACITY};
use crate::subscriptions;

/// Nitro's dev node's port, the default endpoint of `cargo stylus`.
pub const DEFAULT_PORT: u16 = 8547;
/// The largest request body, in bytes (a Stylus program's deployment is up to 49,152 bytes of
/// init code, hex-encoded in a signed transaction).
pub const MAX_REQUEST_BYTES: u32 = 1 << 20;

type Method = fn(&mut Ledger, &Args) -> Answer;

/// Every method the node serves.
pub const METHODS: &[(&str, Method)] = &[
    ("eth_chainId", eth_api::chain_id),
    ("net_version", eth_api::net_version),
    ("web3_clientVersion", eth_api::client_version),
    ("eth_blockNumber", eth_api::block_number),
    ("eth_accounts", eth_api::accounts),
    ("eth_syncing", eth_api::syncing),
    ("eth_getBlockByNumber", eth_api::block_by_number),
    ("eth_getBlockByHash", eth_api::block_by_hash),
    (
        "eth_getBlockTransactionCountByNumber",
        eth_api::block_transaction_count,
    ),
    ("eth_getBalance", eth_api::balance),
    ("eth_getTransactionCount", eth_api::transaction_count),
    ("eth_getCode", eth_api::code),
    ("eth_getStorageAt", eth_api::storage_at),
    ("eth_gasPrice", eth_api::gas_price),
    ("eth_maxPriorityFeePerGas", eth_api::max_priority_fee),
    ("eth_feeHistory", eth_api::fee_history),
    ("eth_call", eth_api::call),
    ("eth_estimateGas", eth_api::estimate),
    ("eth_sendRawTransaction", eth_api::send_raw_transaction),
    ("eth_getTransactionByHash", eth_api::transaction_by_hash),
    ("eth_getTransactionReceipt", eth_api::transaction_receipt),
    ("eth_getLogs", eth_api::logs),
    ("eth_newFilter", filter_api::new_filter),
    ("eth_newBlockFilter", filter_api::new_block_filter),
    ("eth_getFilterChanges", filter_api::filter_changes),
    ("eth_getFilterLogs", filter_api::filter_logs),
    ("eth_uninstallFilter", filter_api::uninstall_filter),
    ("evm_snapshot", dev_api::snapshot),
    ("evm_revert", dev_api::revert),
    ("evm_mine", dev_api::evm_mine),
    ("anvil_mine", dev_api::anvil_mine),
    ("hardhat_mine", dev_api::anvil_mine),
    ("evm_increaseTime", dev_api::increase_time),
    ("evm_setNextBlockTimestamp", dev_api::set_next_block_timestamp),
    ("anvil_setBalance", dev_api::set_balance),
    ("hardhat_setBalance", dev_api::set_balance),
];

/// What to serve.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    /// Where to listen (port 0: any free port).
    pub listen: SocketAddr,
    /// The ArbOS version whose rules the chain runs.
    pub arbos: ArbOs,
    /// The L1 price per calldata unit, wei: what a transaction pays for being posted to L1
    /// (a Nitro dev chain's 50 gwei by default; 0: no L1 data fee).
    pub l1_price_per_unit: u128,
}

impl Default for NodeConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT)),
            arbos: ArbOs::ARBITRUM_ONE,
            l1_price_per_unit: stylus_devnet::l1_pricing::NITRO_DEV_PRICE_PER_UNIT,
        }
    }
}

/// A node that is serving.
pub struct RunningNode {
    /// Where it listens.
    pub address: SocketAddr,
    /// The funded dev accounts.
    pub accounts: Vec<DevAccount>,
    server: ServerHandle,
    chain: JoinHandle<()>,
}

impl RunningNode {
    /// Its HTTP endpoint.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Its websocket endpoint (the same port).
    pub fn ws_url(&self) -> String {
        format!("ws://{}", self.address)
    }

    /// Stops serving, lets requests in flight finish, and ends the chain's thread.
    pub async fn stop(self) {
        let _ = self.server.stop();
        self.server.stopped().await;
        let _ = tokio::task::spawn_blocking(move || self.chain.join()).await;
    }
}

/// Params as owned positional arguments (a missing list is none; a by-name object is refused).
fn owned_args(params: &Params<'_>) -> Result<Args, ErrorObjectOwned> {
    if params.as_str().is_none() {
        return Ok(Args::default());
    }
    params.parse::<Vec<Value>>().map(Args)
}

/// Starts the chain and the server.
///
/// # Errors
/// If the address cannot be bound.
pub async fn start(config: NodeConfig) -> std::io::Result<RunningNode> {
    let accounts = dev_accounts();
    let for_chain = accounts.clone();
    let (arbos, l1_price) = (config.arbos, config.l1_price_per_unit);
    let (feed, _) = broadcast::channel(FEED_CAPACITY);
    let chain_feed = feed.clone();
    let (handle, chain) = ChainHandle::spawn(move || {
        let mut ledger = Ledger::new(arbos, l1_price, for_chain);
        ledger.set_block_feed(chain_feed);
        ledger
    });
    let mut module = RpcModule::new(handle);
    subscriptions::register(&mut module, feed).map_err(std::io::Error::other)?;
    for (name, method) in METHODS {
        let method = *method;
        module
            .register_blocking_method(name, move |params, chain, _| {
                let args = owned_args(&params)?;
                chain
                    .run(move |ledger| method(ledger, &args))
                    .and_then(|answer| answer)
                    .map_err(ErrorObjectOwned::from)
            })
            .map_err(std::io::Error::other)?;
    }
    let server_config = ServerConfig::builder()
        .max_request_body_size(MAX_REQUEST_BYTES)
        .build();
    let server = ServerBuilder::default()
        .set_config(server_config)
        .build(config.listen)
        .await?;
    let address = server.local_addr()?;
    Ok(RunningNode {
        address,
        accounts,
        server: server.start(module),
        chain,
    })
}
