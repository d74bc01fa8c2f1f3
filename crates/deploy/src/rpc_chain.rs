//! A [`Chain`] over JSON-RPC: alloy's provider over HTTP with a local signer. Its fillers set the
//! nonce (asked of the chain each time), the gas (by `eth_estimateGas`, so a step that would revert fails before it is sent,
//! with its error) and the fees; each send waits for its receipt. Blocking: it runs its own
//! single-threaded async runtime, so call it from plain threads, not from async code.

use std::time::{Duration, Instant};

use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_provider::network::{EthereumWallet, TransactionBuilder};
use alloy_provider::{DynProvider, Provider, ProviderBuilder};
use alloy_rpc_types_eth::{Filter, Log, TransactionRequest};
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::SolInterface;

use crate::abi::{IArbWasm, IClearinghouse, IStylusDeployer, IVault};
use crate::chain::{Chain, Sent};

/// How long a send waits for its receipt.
pub const RECEIPT_TIMEOUT: Duration = Duration::from_secs(180);
/// How often it asks for the receipt while waiting.
pub const RECEIPT_POLL: Duration = Duration::from_millis(100);

/// A chain reached over JSON-RPC.
pub struct RpcChain {
    runtime: tokio::runtime::Runtime,
    provider: DynProvider,
    account: Address,
    /// The chain's id, read at connection.
    pub chain_id: u64,
}

/// The revert data's error by name where it is one of the engine's, else the raw error.
pub fn describe(error: &alloy_provider::transport::TransportError) -> String {
    let data = error.as_error_resp().and_then(|p| p.as_revert_data());
    let named = data.as_ref().and_then(|d| {
        if let Ok(e) = IClearinghouse::IClearinghouseErrors::abi_decode(d) {
            Some(format!("{e:?}"))
        } else if let Ok(e) = IVault::IVaultErrors::abi_decode(d) {
            Some(format!("{e:?}"))
        } else if let Ok(e) = IStylusDeployer::IStylusDeployerErrors::abi_decode(d) {
            Some(format!("{e:?}"))
        } else {
            IArbWasm::IArbWasmErrors::abi_decode(d)
                .ok()
                .map(|e| format!("ArbWasm {e:?}"))
        }
    });
    match named {
        Some(n) => format!("reverted: {n}"),
        None => error.to_string(),
    }
}

impl RpcChain {
    /// Connects to `url` and signs with `signer`.
    ///
    /// # Errors
    /// The URL is bad or the endpoint does not answer `eth_chainId`.
    pub fn connect(url: &str, signer: PrivateKeySigner) -> Result<Self, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("async runtime: {e}"))?;
        let account = signer.address();
        let url = url.parse().map_err(|e| format!("{url}: {e}"))?;
        // The nonce is asked of the chain for every transaction, not cached: another process
        // may send from the same account between two steps.
        let provider = ProviderBuilder::new()
            .with_simple_nonce_management()
            .wallet(EthereumWallet::from(signer))
            .connect_http(url)
            .erased();
        let chain_id = runtime
            .block_on(provider.get_chain_id())
            .map_err(|e| format!("eth_chainId: {e}"))?;
        Ok(Self {
            runtime,
            provider,
            account,
            chain_id,
        })
    }

    fn request(&self, to: Option<Address>, data: Vec<u8>, value: U256) -> TransactionRequest {
        let request = TransactionRequest::default()
            .with_from(self.account)
            .with_input(data)
            .with_value(value);
        match to {
            Some(to) => request.with_to(to),
            None => request.with_kind(TxKind::Create),
        }
    }
}

impl RpcChain {
    /// The latest block's number and timestamp.
    ///
    /// # Errors
    /// The chain cannot be read.
    pub fn latest_block(&mut self) -> Result<(u64, u64), String> {
        let block = self
            .runtime
            .block_on(async { self.provider.get_block_by_number(Default::default()).await })
            .map_err(|e| format!("eth_getBlockByNumber: {e}"))?
            .ok_or("no latest block")?;
        Ok((block.header.number, block.header.timestamp))
    }

    /// The logs `filter` matches.
    ///
    /// # Errors
    /// The chain refuses the query (too wide) or cannot be read.
    pub fn logs(&mut self, filter: &Filter) -> Result<Vec<Log>, String> {
        self.runtime
            .block_on(async { self.provider.get_logs(filter).await })
            .map_err(|e| format!("eth_getLogs: {e}"))
    }

    /// A JSON-RPC method by name with `params`, e.g. a node's dev methods (`evm_increaseTime`).
    ///
    /// # Errors
    /// The node refuses it or cannot be reached.
    pub fn rpc(
        &mut self,
        method: &'static str,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, String> {
        self.runtime
            .block_on(async { self.provider.raw_request(method.into(), params).await })
            .map_err(|e| format!("{method}: {e}"))
    }

    /// The gas price the chain asks, in wei.
    ///
    /// # Errors
    /// The chain cannot be read.
    pub fn gas_price(&mut self) -> Result<u128, String> {
        self.runtime
            .block_on(async { self.provider.get_gas_price().await })
            .map_err(|e| format!("eth_gasPrice: {e}"))
    }
}

impl Chain for RpcChain {
    fn account(&self) -> Address {
        self.account
    }

    fn send(&mut self, to: Option<Address>, data: Vec<u8>, value: U256) -> Result<Sent, String> {
        self.send_noting(to, data, value, &mut |_| Ok(()))
    }

    fn send_noting(
        &mut self,
        to: Option<Address>,
        data: Vec<u8>,
        value: U256,
        sent_as: &mut dyn FnMut(B256) -> Result<(), String>,
    ) -> Result<Sent, String> {
        let request = self.request(to, data, value);
        let hash = self.runtime.block_on(async {
            self.provider
                .send_transaction(request)
                .await
                .map(|pending| *pending.tx_hash())
                .map_err(|e| describe(&e))
        })?;
        sent_as(hash)?;
        match self.mined(hash)? {
            Some(outcome) => outcome,
            None => Err(format!("{hash}: sent, but no receipt after {RECEIPT_TIMEOUT:?}")),
        }
    }

    fn mined(&mut self, hash: B256) -> Result<Option<Result<Sent, String>>, String> {
        let provider = &self.provider;
        self.runtime.block_on(async {
            let start = Instant::now();
            // A failed poll (a public endpoint's rate limit, a dropped connection) is asked again
            // until the timeout: the transaction is out, only its receipt is late.
            let mut last_error = None;
            let receipt = loop {
                match provider.get_transaction_receipt(hash).await {
                    Ok(Some(r)) => break r,
                    Ok(None) => {}
                    Err(e) => last_error = Some(e.to_string()),
                }
                if start.elapsed() > RECEIPT_TIMEOUT {
                    return match last_error {
                        Some(e) => Err(format!("{hash}: no receipt ({e})")),
                        None => Ok(None),
                    };
                }
                tokio::time::sleep(RECEIPT_POLL).await;
            };
            if !receipt.status() {
                return Ok(Some(Err(format!(
                    "{hash} reverted in block {:?} (gas used {})",
                    receipt.block_number, receipt.gas_used
                ))));
            }
            Ok(Some(Ok(Sent {
                gas_used: receipt.gas_used,
                logs: receipt.inner.logs().iter().map(|l| l.inner.clone()).collect(),
                contract_address: receipt.contract_address,
                block: receipt.block_number.unwrap_or_default(),
            })))
        })
    }

    fn call(&mut self, to: Address, data: Vec<u8>, value: U256) -> Result<Bytes, String> {
        let request = self.request(Some(to), data, value);
        self.runtime
            .block_on(async { self.provider.call(request).await })
            .map_err(|e| describe(&e))
    }

    fn balance(&mut self) -> Result<U256, String> {
        self.runtime
            .block_on(async { self.provider.get_balance(self.account).await })
            .map_err(|e| format!("eth_getBalance: {e}"))
    }

    fn code(&mut self, address: Address) -> Result<Bytes, String> {
        self.runtime
            .block_on(async { self.provider.get_code_at(address).await })
            .map_err(|e| format!("eth_getCode: {e}"))
    }
}
