//! The node's chain: the devnet, and what a node remembers of it: the blocks it mined with their
//! transactions, receipts and logs. Every accepted transaction is mined at once in a block of
//! its own (anvil's automine); one with a later nonce waits for the gap to fill; a refused one
//! changes nothing and mines nothing. The state after each of the latest 128 blocks is kept
//! (`past_states`), as a full node keeps it; older state is refused.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use alloy_consensus::proofs::{calculate_receipt_root, calculate_transaction_root};
use alloy_consensus::Transaction;
use alloy_consensus::{
    Eip658Value, Header, ReceiptEnvelope, ReceiptWithBloom, Typed2718, EMPTY_OMMER_ROOT_HASH,
};
use alloy_eips::eip2718::Encodable2718;
use alloy_eips::{BlockId, BlockNumberOrTag};
use alloy_primitives::{logs_bloom, Address, Bytes, B256, U256};
use alloy_rpc_types_eth::TransactionRequest;
use stylus_devnet::chain::Snapshot as DevnetSnapshot;
use stylus_devnet::chain::{CHAIN_ID, TX_GAS_LIMIT};
use stylus_devnet::{ArbOs, Devnet, Receipt};

use crate::clock::Clock;
use crate::dev_accounts::{dev_balance, DevAccount};
use crate::filters::Filters;
use crate::node_error::NodeError;
use crate::past_states::{PastStates, KEPT_STATES};
use crate::snapshots::Snapshots;
use crate::tx_env::{call_env, decode_signed, signed_env, SignedTx};

/// Blocks buffered for the websocket subscribers.
pub const FEED_CAPACITY: usize = 1_024;

/// Where the ledger announces each block it mines (to the websocket subscriptions).
pub type BlockFeed = tokio::sync::broadcast::Sender<MinedBlock>;

/// A block's gas limit as Nitro reports it (2^50); a transaction is bounded by
/// [`TX_GAS_LIMIT`].
pub const BLOCK_GAS_LIMIT: u64 = 1 << 50;
/// The base fee per gas, in wei: ArbOS's initial minimum, 0.1 gwei.
pub const BASE_FEE: u64 = 100_000_000;
/// The most transactions held for a nonce gap.
pub const MAX_QUEUED: usize = 1_024;
/// The most held for one sender.
pub const MAX_QUEUED_PER_SENDER: usize = 64;
/// The deterministic deployment proxy (CREATE2 with a salt: `salt ‖ init code` in, the address
/// out), at the address deploy scripts expect on every chain; Arbitrum has it, and so does anvil.
pub const CREATE2_FACTORY: Address = alloy_primitives::address!("4e59b44847b379578588920ca78fbf26c0b4956c");
/// Its runtime code.
pub const CREATE2_FACTORY_CODE: [u8; 69] = alloy_primitives::hex!(
    "7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe03601600081602082378035828234f58015156039578182fd5b8082525050506014600cf3"
);

/// A transaction the node mined, with what it did.
#[derive(Clone, Debug)]
pub struct MinedTx {
    /// The signed transaction and its signer.
    pub tx: SignedTx,
    /// Its hash.
    pub hash: B256,
    /// What it did (status, gas used after refunds, logs, created contract).
    pub receipt: Receipt,
    /// Gas used by the block up to and including it.
    pub cumulative_gas_used: u64,
    /// The price per gas it paid, in wei.
    pub effective_gas_price: u128,
    /// The block-wide index of its first log.
    pub first_log_index: u64,
}

impl MinedTx {
    /// Its receipt as the block commits to it (EIP-2718 typed, with the bloom).
    pub fn receipt_envelope(&self) -> ReceiptEnvelope {
        let receipt = alloy_consensus::Receipt {
            status: Eip658Value::Eip658(self.receipt.status),
            cumulative_gas_used: self.cumulative_gas_used,
            logs: self.receipt.logs.clone(),
        };
        let bloom = logs_bloom(receipt.logs.iter());
        let with_bloom = ReceiptWithBloom::new(receipt, bloom);
        match self.tx.envelope.ty() {
            1 => ReceiptEnvelope::Eip2930(with_bloom),
            2 => ReceiptEnvelope::Eip1559(with_bloom),
            _ => ReceiptEnvelope::Legacy(with_bloom),
        }
    }
}

/// A mined block.
#[derive(Clone, Debug)]
pub struct MinedBlock {
    /// Its header (state root not computed: the empty trie's).
    pub header: Header,
    /// Its hash (keccak256 of the RLP header).
    pub hash: B256,
    /// Its transactions, in order.
    pub txs: Vec<MinedTx>,
}

/// The node's chain.
pub struct Ledger {
    devnet: Devnet,
    blocks: Vec<MinedBlock>,
    block_numbers: HashMap<B256, u64>,
    tx_locations: HashMap<B256, (u64, usize)>,
    clock: Clock,
    accounts: Vec<DevAccount>,
    /// Transactions held for a nonce gap, by sender and nonce.
    queued: BTreeMap<(Address, u64), (SignedTx, B256)>,
    /// `evm_snapshot`'s snapshots.
    snapshots: Snapshots<LedgerState>,
    /// The installed filters.
    pub filters: Filters,
    /// Where each mined block is announced to subscriptions.
    block_feed: Option<BlockFeed>,
    /// The state after each of the latest blocks (consecutive empty blocks share one).
    past: PastStates<Rc<DevnetSnapshot>>,
}

/// What a snapshot keeps of the ledger: the devnet's state and block, how many blocks were
/// mined, the clock and the held transactions.
#[derive(Clone, Debug)]
struct LedgerState {
    devnet: DevnetSnapshot,
    blocks: usize,
    clock: Clock,
    queued: BTreeMap<(Address, u64), (SignedTx, B256)>,
}

impl Ledger {
    /// A chain under `arbos` with `accounts` funded (the first is the chain owner, who may
    /// cache programs), base fee [`BASE_FEE`], the L1 price `l1_price_per_unit` (wei a calldata
    /// unit), and its genesis block mined now.
    pub fn new(arbos: ArbOs, l1_price_per_unit: u128, accounts: Vec<DevAccount>) -> Self {
        let mut devnet = Devnet::with_arbos(arbos);
        devnet.set_l1_price_per_unit(l1_price_per_unit);
        for a in &accounts {
            devnet.set_balance(a.address, dev_balance());
        }
        if let Some(owner) = accounts.first() {
            devnet.set_chain_owner(owner.address);
        }
        devnet.set_base_fee(BASE_FEE);
        let mut ledger = Self {
            devnet,
            blocks: Vec::new(),
            block_numbers: HashMap::new(),
            tx_locations: HashMap::new(),
            clock: Clock::default(),
            accounts,
            queued: BTreeMap::new(),
            snapshots: Snapshots::default(),
            filters: Filters::default(),
            block_feed: None,
            past: PastStates::default(),
        };
        ledger
            .devnet
            .set_code(CREATE2_FACTORY, Bytes::from_static(&CREATE2_FACTORY_CODE));
        let timestamp = ledger.clock.take(0);
        ledger.devnet.set_block(0, timestamp);
        ledger.seal(0, timestamp, Vec::new(), None);
        ledger
    }

    /// The chain id (a Nitro dev node's).
    pub fn chain_id(&self) -> u64 {
        CHAIN_ID
    }

    /// The ArbOS version whose rules the chain runs.
    pub fn arbos(&self) -> ArbOs {
        self.devnet.arbos()
    }

    /// The funded dev accounts.
    pub fn accounts(&self) -> &[DevAccount] {
        &self.accounts
    }

    /// The chain itself, for state reads at the latest block.
    pub fn devnet(&mut self) -> &mut Devnet {
        &mut self.devnet
    }

    /// The latest block.
    pub fn latest(&self) -> &MinedBlock {
        // The genesis block is sealed in `new`: the list is never empty.
        &self.blocks[self.blocks.len() - 1]
    }

    /// The latest block's number.
    pub fn latest_number(&self) -> u64 {
        self.latest().header.number
    }

    /// The block with this number, if mined.
    pub fn block(&self, number: u64) -> Option<&MinedBlock> {
        usize::try_from(number).ok().and_then(|i| self.blocks.get(i))
    }

    /// The block with this hash, if mined.
    pub fn block_by_hash(&self, hash: B256) -> Option<&MinedBlock> {
        self.block_numbers.get(&hash).and_then(|n| self.block(*n))
    }

    /// The number a tag names (latest, pending, safe and finalized: the latest block).
    ///
    /// # Errors
    /// `InvalidParams` for a number beyond the latest block.
    pub fn resolve(&self, tag: BlockNumberOrTag) -> Result<u64, NodeError> {
        match tag {
            BlockNumberOrTag::Earliest => Ok(0),
            BlockNumberOrTag::Number(n) if n <= self.latest_number() => Ok(n),
            BlockNumberOrTag::Number(n) => Err(NodeError::InvalidParams(format!(
                "block {n} is beyond the latest, {}",
                self.latest_number()
            ))),
            _ => Ok(self.latest_number()),
        }
    }

    /// Runs `read` on the state after `block` (the latest when none): the live chain for the
    /// latest block, else the kept state of that block, put back in place for the read (its
    /// block number, time and base fee with it) and taken out after.
    ///
    /// # Errors
    /// `Unsupported` for a block whose state is no longer kept (older than the latest
    /// [`KEPT_STATES`]); `InvalidParams` for an unknown block; what `read` returns.
    pub fn at_state<R>(
        &mut self,
        block: Option<BlockId>,
        read: impl FnOnce(&mut Self) -> Result<R, NodeError>,
    ) -> Result<R, NodeError> {
        let number = match block.unwrap_or_default() {
            BlockId::Number(tag) => self.resolve(tag)?,
            BlockId::Hash(h) => {
                self.block_by_hash(h.block_hash)
                    .ok_or_else(|| NodeError::InvalidParams(format!("unknown block {}", h.block_hash)))?
                    .header
                    .number
            }
        };
        if number == self.latest_number() {
            return read(self);
        }
        let (Some(past), Some(block)) = (self.past.get(number), self.block(number)) else {
            let kept = self
                .past
                .oldest()
                .map_or(String::new(), |oldest| format!(" (from {oldest})"));
            return Err(NodeError::Unsupported(format!(
                "state of block {number} is not kept: the node keeps the latest {KEPT_STATES} \
                 blocks'{kept}"
            )));
        };
        let (past, timestamp) = (DevnetSnapshot::clone(past), block.header.timestamp);
        let live = self.devnet.snapshot();
        self.devnet.restore(past);
        // A state shared by empty blocks carries the first one's number and time.
        self.devnet.set_block(number, timestamp);
        let answer = read(self);
        self.devnet.restore(live);
        answer
    }

    /// Where a transaction was mined: its block, its index in the block, and it.
    pub fn find_tx(&self, hash: B256) -> Option<(&MinedBlock, usize, &MinedTx)> {
        let &(number, index) = self.tx_locations.get(&hash)?;
        let block = self.block(number)?;
        Some((block, index, block.txs.get(index)?))
    }

    /// Takes a raw signed transaction. One with the sender's next nonce runs at once and, if
    /// the chain accepts it, is mined in a new block; then any held transaction it unblocks
    /// follows, each in its own block. One with a later nonce is held until the gap fills (as
    /// geth's queue does); a held transaction the chain then refuses is dropped.
    ///
    /// # Errors
    /// Why it was refused (it does not decode, wrong chain, nonce too low, funds, fee, gas cap,
    /// already known, the queue full); nothing changed and no block was mined.
    pub fn send_raw(&mut self, raw: &[u8]) -> Result<B256, NodeError> {
        let tx = decode_signed(raw, self.chain_id())?;
        let hash = *tx.envelope.tx_hash();
        if self.tx_locations.contains_key(&hash) || self.queued_tx(hash).is_some() {
            return Err(NodeError::Refused("already known".into()));
        }
        let from = tx.from;
        let nonce = tx.envelope.nonce();
        if nonce > self.devnet.nonce(from) {
            let held_by_sender = self.queued.range((from, 0)..=(from, u64::MAX)).count();
            if self.queued.len() >= MAX_QUEUED || held_by_sender >= MAX_QUEUED_PER_SENDER {
                return Err(NodeError::Refused("txpool is full".into()));
            }
            if self.queued.contains_key(&(from, nonce)) {
                return Err(NodeError::Refused("replacement transaction underpriced".into()));
            }
            self.queued.insert((from, nonce), (tx, hash));
            return Ok(hash);
        }
        self.mine_one(tx, hash)?;
        loop {
            let next = (from, self.devnet.nonce(from));
            let Some((held, held_hash)) = self.queued.remove(&next) else {
                break;
            };
            if self.mine_one(held, held_hash).is_err() {
                break;
            }
        }
        Ok(hash)
    }

    /// A transaction held for a nonce gap, by hash.
    pub fn queued_tx(&self, hash: B256) -> Option<&SignedTx> {
        self.queued.values().find(|(_, h)| *h == hash).map(|(tx, _)| tx)
    }

    /// Runs `tx` in a new block and seals it if the chain accepts it.
    fn mine_one(&mut self, tx: SignedTx, hash: B256) -> Result<(), NodeError> {
        let parent = self.latest().header.clone();
        let number = parent.number + 1;
        let timestamp = self.clock.peek(parent.timestamp);
        self.devnet.set_block(number, timestamp);
        let signed = tx.envelope.encoded_2718();
        match self
            .devnet
            .transact_posted(signed_env(&tx, self.devnet.base_fee()), &signed)
        {
            Ok(receipt) => {
                self.clock.take(parent.timestamp);
                self.seal(number, timestamp, vec![(tx, hash, receipt)], None);
                Ok(())
            }
            Err(e) => {
                self.devnet.set_block(parent.number, parent.timestamp);
                Err(NodeError::refused(&e))
            }
        }
    }

    /// Mines `count` empty blocks; returns the last one's number.
    pub fn mine_empty(&mut self, count: u64) -> u64 {
        for i in 0..count {
            let parent = self.latest().header.clone();
            let timestamp = self.clock.take(parent.timestamp);
            self.devnet.set_block(parent.number + 1, timestamp);
            // Nothing runs between these blocks: from the second on, the state is the one
            // before, shared rather than copied.
            let state = match self.past.get(parent.number) {
                Some(shared) if i > 0 => Some(Rc::clone(shared)),
                _ => None,
            };
            self.seal(parent.number + 1, timestamp, Vec::new(), state);
        }
        self.latest_number()
    }

    /// Moves the clock `seconds` forward (`evm_increaseTime`); returns the total offset.
    pub fn increase_time(&mut self, seconds: u64) -> u64 {
        self.clock.increase(seconds)
    }

    /// Sets the next block's timestamp (`evm_setNextBlockTimestamp`).
    ///
    /// # Errors
    /// `InvalidParams` if it is before the latest block's.
    pub fn set_next_timestamp(&mut self, timestamp: u64) -> Result<(), NodeError> {
        let latest = self.latest().header.timestamp;
        if timestamp < latest {
            return Err(NodeError::InvalidParams(format!(
                "timestamp {timestamp} is before the latest block's, {latest}"
            )));
        }
        self.clock.set_next(timestamp);
        Ok(())
    }

    /// Announces every block mined from now on to `feed` (the websocket subscriptions).
    pub fn set_block_feed(&mut self, feed: BlockFeed) {
        self.block_feed = Some(feed);
    }

    /// Takes a snapshot of the chain (`evm_snapshot`): its id.
    ///
    /// # Errors
    /// `InvalidParams` if [`crate::snapshots::MAX_SNAPSHOTS`] are kept already.
    pub fn snapshot(&mut self) -> Result<u64, NodeError> {
        let state = LedgerState {
            devnet: self.devnet.snapshot(),
            blocks: self.blocks.len(),
            clock: self.clock.clone(),
            queued: self.queued.clone(),
        };
        self.snapshots
            .take(state)
            .ok_or_else(|| NodeError::InvalidParams("too many snapshots: revert to one first".into()))
    }

    /// Goes back to snapshot `id` (`evm_revert`): its state, blocks, clock and held
    /// transactions; the snapshot and every later one are dropped. False for an unknown id.
    pub fn revert(&mut self, id: u64) -> bool {
        let Some(state) = self.snapshots.revert(id) else {
            return false;
        };
        self.devnet.restore(state.devnet);
        self.blocks.truncate(state.blocks);
        let mined = state.blocks as u64;
        self.block_numbers.retain(|_, n| *n < mined);
        self.tx_locations.retain(|_, (n, _)| *n < mined);
        self.clock = state.clock;
        self.queued = state.queued;
        self.filters.rewind(mined);
        self.past.forget_from(mined);
        // The state gone back to is the latest block's again, kept if it had been let go.
        let latest = self.latest_number();
        if self.past.get(latest).is_none() {
            self.past.record(latest, Rc::new(self.devnet.snapshot()));
        }
        true
    }

    /// Sets an account's balance (`anvil_setBalance`).
    pub fn set_balance(&mut self, address: Address, wei: U256) {
        self.devnet.set_balance(address, wei);
    }

    /// Runs a call on the latest state without committing it (`eth_call`).
    ///
    /// # Errors
    /// `Refused` if the chain refuses it (funds for the value, the gas cap).
    pub fn call(&mut self, request: &TransactionRequest) -> Result<Receipt, NodeError> {
        let from = request.from.unwrap_or_default();
        let nonce = self.devnet.nonce(from);
        let env = call_env(request, nonce, TX_GAS_LIMIT, self.chain_id());
        self.devnet.simulate(env).map_err(|e| NodeError::refused(&e))
    }

    /// The call's outcome as `eth_call` answers it: the return data, or the revert.
    ///
    /// # Errors
    /// `Reverted` with the revert data, `Halted` (out of gas, ...), or `Refused`.
    pub fn call_output(&mut self, request: &TransactionRequest) -> Result<Bytes, NodeError> {
        outcome(self.call(request)?)
    }

    /// Seals a block of already-run transactions on top of the latest, keeping the state after
    /// it: `state` when given (the state before, unchanged), else a copy of the chain's.
    fn seal(
        &mut self,
        number: u64,
        timestamp: u64,
        run: Vec<(SignedTx, B256, Receipt)>,
        state: Option<Rc<DevnetSnapshot>>,
    ) {
        let base_fee = self.devnet.base_fee();
        let mut txs = Vec::with_capacity(run.len());
        let (mut cumulative, mut log_index) = (0u64, 0u64);
        for (tx, hash, receipt) in run {
            cumulative = cumulative.saturating_add(receipt.gas_used);
            let first_log_index = log_index;
            log_index = log_index.saturating_add(receipt.logs.len() as u64);
            txs.push(MinedTx {
                // Nitro drops tips: every transaction pays the base fee.
                effective_gas_price: u128::from(base_fee),
                tx,
                hash,
                receipt,
                cumulative_gas_used: cumulative,
                first_log_index,
            });
        }
        let envelopes: Vec<_> = txs.iter().map(|t| t.tx.envelope.clone()).collect();
        let receipts: Vec<_> = txs.iter().map(MinedTx::receipt_envelope).collect();
        let header = Header {
            parent_hash: self.blocks.last().map(|b| b.hash).unwrap_or_default(),
            ommers_hash: EMPTY_OMMER_ROOT_HASH,
            transactions_root: calculate_transaction_root(&envelopes),
            receipts_root: calculate_receipt_root(&receipts),
            logs_bloom: logs_bloom(txs.iter().flat_map(|t| t.receipt.logs.iter())),
            difficulty: U256::from(1),
            number,
            gas_limit: BLOCK_GAS_LIMIT,
            gas_used: cumulative,
            timestamp,
            base_fee_per_gas: Some(base_fee),
            ..Default::default()
        };
        let hash = header.hash_slow();
        for (i, t) in txs.iter().enumerate() {
            self.tx_locations.insert(t.hash, (number, i));
        }
        self.block_numbers.insert(hash, number);
        let block = MinedBlock { header, hash, txs };
        if let Some(feed) = self.block_feed.as_ref().filter(|f| f.receiver_count() > 0) {
            // A subscriber gone since is not an error.
            let _ = feed.send(block.clone());
        }
        self.blocks.push(block);
        let state = state.unwrap_or_else(|| Rc::new(self.devnet.snapshot()));
        self.past.record(number, state);
    }
}

/// A run's outcome as a call answers it.
///
/// # Errors
/// `Reverted` with the revert data, or `Halted` with why.
pub fn outcome(r: Receipt) -> Result<Bytes, NodeError> {
    match (r.status, r.halt) {
        (true, _) => Ok(r.output),
        (false, Some(reason)) => Err(NodeError::Halted(halt_message(&reason))),
        (false, None) => Err(NodeError::Reverted { data: r.output }),
    }
}

fn halt_message(reason: &stylus_devnet::revm::context::result::HaltReason) -> String {
    use stylus_devnet::revm::context::result::HaltReason;
    match reason {
        HaltReason::OutOfGas(_) => "out of gas".into(),
        other => format!("execution halted: {other:?}"),
    }
}
