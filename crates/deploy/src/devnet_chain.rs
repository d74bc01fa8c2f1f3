//! A [`Chain`] over the in-process devnet, for the end-to-end tests and the demo: the same plan
//! as on any chain, with every receipt's gas.

use alloy_primitives::{Address, Bytes, U256};
use stylus_devnet::{Devnet, Receipt};

use crate::chain::{Chain, Sent};

/// The devnet, sending from one of its accounts.
pub struct DevnetChain<'a> {
    /// The chain.
    pub chain: &'a mut Devnet,
    /// The account that signs.
    pub account: Address,
}

fn failure(r: &Receipt) -> String {
    match &r.halt {
        Some(halt) => format!("halted: {halt:?} (gas used {})", r.gas_used),
        None => format!(
            "reverted: 0x{} (gas used {})",
            alloy_primitives::hex::encode(&r.output),
            r.gas_used
        ),
    }
}

impl Chain for DevnetChain<'_> {
    fn account(&self) -> Address {
        self.account
    }

    fn send(&mut self, to: Option<Address>, data: Vec<u8>, value: U256) -> Result<Sent, String> {
        let r = match to {
            Some(to) => self.chain.send(self.account, to, data, value),
            None => self.chain.create(self.account, data, value),
        };
        if !r.status {
            return Err(failure(&r));
        }
        Ok(Sent {
            gas_used: r.gas_used,
            logs: r.logs,
            contract_address: r.contract_address,
            block: self.chain.block_number(),
        })
    }

    fn call(&mut self, to: Address, data: Vec<u8>, value: U256) -> Result<Bytes, String> {
        let r = self.chain.call_with_value(self.account, to, data, value);
        if r.status {
            Ok(r.output)
        } else {
            Err(failure(&r))
        }
    }

    fn balance(&mut self) -> Result<U256, String> {
        Ok(self.chain.balance(self.account))
    }

    fn code(&mut self, address: Address) -> Result<Bytes, String> {
        Ok(self.chain.code(address))
    }
}
